"""MNIST and Fashion-MNIST from their original IDX files.

Both sets have 60,000 training and 10,000 test images of 28x28 grey pixels in
10 classes. The loaders read the four official ``*-ubyte.gz`` files (or their
uncompressed versions) from any directory with :func:`retrograd.io.idx.read_idx`,
and can download them into the cache directory, checking each file's SHA-256.

MNIST: Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning
applied to document recognition", Proc. IEEE 86(11), 1998.
Fashion-MNIST: H. Xiao, K. Rasul, R. Vollgraf, arXiv:1708.07747, 2017 (MIT licence).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrograd.backend import get_default_dtype
from retrograd.io.download import cache_dir, download_any
from retrograd.io.idx import read_idx

#: file name -> SHA-256 of the official gzip files
MNIST_FILES: dict[str, str] = {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}  # fmt: skip
FASHION_MNIST_FILES: dict[str, str] = {
    "train-images-idx3-ubyte.gz":
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "train-labels-idx1-ubyte.gz":
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "t10k-images-idx3-ubyte.gz":
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "t10k-labels-idx1-ubyte.gz":
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
}  # fmt: skip

#: where the files are fetched from, tried in order (the original MNIST site is often down)
MNIST_MIRRORS: list[str] = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
]
FASHION_MNIST_MIRRORS: list[str] = [
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
]

#: Fashion-MNIST class names, by label
FASHION_MNIST_CLASSES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]  # fmt: skip

_SETS = {
    "mnist": (MNIST_FILES, MNIST_MIRRORS, "MNIST"),
    "fashion-mnist": (FASHION_MNIST_FILES, FASHION_MNIST_MIRRORS, "Fashion-MNIST"),
}


class DatasetFilesNotFoundError(FileNotFoundError):
    """An MNIST / Fashion-MNIST file is missing and downloading was not asked for.

    ``title`` (``"MNIST"``), ``filename`` and ``directory`` let a front end
    (the command line) word its own advice.
    """

    def __init__(self, title: str, filename: str, directory: Path) -> None:
        super().__init__(
            f"{title} file {filename} (or its uncompressed version) not found in {directory}; "
            f"pass download=True to fetch it into {directory}, or root= a directory holding "
            "the official files (set RETROGRAD_DATA to move the cache)"
        )
        self.title, self.filename, self.directory = title, filename, directory

    def __str__(self) -> str:
        return str(self.args[0])


def _locate(directory: Path, gz_name: str) -> Path | None:
    for candidate in (directory / gz_name, directory / gz_name[: -len(".gz")]):
        if candidate.is_file():
            return candidate
    return None


def _load(
    key: str,
    root: str | os.PathLike[str] | None,
    train: bool,
    download: bool,
    flatten: bool,
    mirrors: Sequence[str] | None,
    verbose: bool,
) -> tuple[np.ndarray, np.ndarray]:
    files, default_mirrors, title = _SETS[key]
    prefix = "train" if train else "t10k"
    names = [f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz"]
    base = Path(root).expanduser() if root is not None else cache_dir() / key
    paths = []
    for name in names:
        found = _locate(base, name) or _locate(base / key, name)
        if found is None and download:
            urls = [m.rstrip("/") + "/" + name for m in (mirrors or default_mirrors)]
            found = download_any(urls, base / name, files[name], verbose=verbose)
        if found is None:
            raise DatasetFilesNotFoundError(title, name, base)
        paths.append(found)
    images, labels = read_idx(paths[0]), read_idx(paths[1])
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise ValueError(
            f"{paths[0]}: expected {title} images of shape (N, 28, 28) uint8, got "
            f"{images.shape} {images.dtype}"
        )
    if labels.shape != (len(images),) or labels.dtype != np.uint8 or labels.max() > 9:
        raise ValueError(
            f"{paths[1]}: expected {len(images)} uint8 labels 0..9 to match the images, got "
            f"shape {labels.shape} {labels.dtype} with max {labels.max()}"
        )
    X = images.astype(get_default_dtype())
    X /= 255  # in place: one float copy of the images, not two
    if flatten:
        X = X.reshape(len(X), 28 * 28)
    return X, labels.astype(np.int64)


def load_mnist(
    root: str | os.PathLike[str] | None = None,
    train: bool = True,
    download: bool = False,
    flatten: bool = False,
    *,
    mirrors: Sequence[str] | None = None,
    verbose: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST handwritten digits from the official IDX files.

    Parameters
    ----------
    root : str or PathLike, optional
        Directory holding the four files (``train-images-idx3-ubyte.gz``...,
        gzip or raw, directly or in a ``mnist/`` subfolder). Default: the cache
        directory ``$RETROGRAD_DATA/mnist`` (``~/.cache/retrograd/mnist``).
    train : bool
        The 60,000 training images, or the 10,000 test images.
    download : bool
        Fetch missing files (about 11 MB in all) into ``root``, checking SHA-256.
    flatten : bool
        Return 784-vectors instead of 28x28 images.
    mirrors : sequence of str, optional
        Base URLs to download from, tried in order (default :data:`MNIST_MIRRORS`).
    verbose : bool
        Print a line to stderr per downloaded file.

    Returns
    -------
    X : ndarray, shape (N, 28, 28) or (N, 784)
        Pixels scaled to [0, 1] (default float dtype, float32).
    y : ndarray of int64, shape (N,)
        Digits 0..9.

    Raises
    ------
    DatasetFilesNotFoundError
        The files are missing and ``download`` is false (a ``FileNotFoundError``).
    retrograd.io.download.DownloadError
        Offline, or a download's checksum is wrong.
    retrograd.io.idx.IDXError
        A file is truncated or not an IDX file.

    Examples
    --------
    >>> X, y = load_mnist("~/data/mnist", train=False, flatten=True)  # doctest: +SKIP
    >>> X.shape, y.shape  # doctest: +SKIP
    ((10000, 784), (10000,))
    """
    return _load("mnist", root, train, download, flatten, mirrors, verbose)


def load_fashion_mnist(
    root: str | os.PathLike[str] | None = None,
    train: bool = True,
    download: bool = False,
    flatten: bool = False,
    *,
    mirrors: Sequence[str] | None = None,
    verbose: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Load Fashion-MNIST (Zalando article images) from the official IDX files.

    Same interface and shapes as :func:`load_mnist`; the default directory is
    ``$RETROGRAD_DATA/fashion-mnist`` and the class names are
    :data:`FASHION_MNIST_CLASSES`.

    Examples
    --------
    >>> X, y = load_fashion_mnist(download=True)  # doctest: +SKIP
    >>> X.shape  # doctest: +SKIP
    (60000, 28, 28)
    """
    return _load("fashion-mnist", root, train, download, flatten, mirrors, verbose)
