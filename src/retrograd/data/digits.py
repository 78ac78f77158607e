"""The built-in handwritten digits: 1,797 8x8 images, shipped inside the package.

Where they come from
--------------------
This is the test part (``optdigits.tes``) of the UCI "Optical Recognition of
Handwritten Digits" data set by E. Alpaydin and C. Kaynak (1998), licensed
CC BY 4.0 (https://doi.org/10.24432/C50P49). Bitmaps of 32x32 pixels written
by 13 people were cut into 4x4 blocks and the "on" pixels of each block were
counted, giving 8x8 images with values 0..16. The file
``retrograd/data/files/optdigits.csv.gz`` is byte-identical to the copy
scikit-learn ships (``sklearn/datasets/data/digits.csv.gz``): 64 pixel columns
then the label, one row per image. See ``files/optdigits.LICENSE.txt``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from importlib import resources

import numpy as np

from retrograd.backend import get_default_dtype

_FILE = "optdigits.csv.gz"
_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


def load_digits(flatten: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Load the 8x8 handwritten digits (no download, no scikit-learn needed).

    Parameters
    ----------
    flatten : bool
        Return images as 64-vectors (default) or as 8x8 arrays.

    Returns
    -------
    X : ndarray, shape (1797, 64) or (1797, 8, 8)
        Pixel intensities scaled from 0..16 to [0, 1] (default float dtype, float32).
    y : ndarray of int64, shape (1797,)
        The digit, 0..9 (about 180 of each).

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, X.dtype, y[:5].tolist()
    ((1797, 64), dtype('float32'), [0, 1, 2, 3, 4])
    """
    raw = resources.files("retrograd.data").joinpath("files").joinpath(_FILE).read_bytes()
    if hashlib.sha256(raw).hexdigest() != _SHA256:
        raise OSError(
            f"the built-in digits file retrograd/data/files/{_FILE} is corrupted (SHA-256 "
            "mismatch); reinstall retrograd"
        )
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",", dtype=np.int64)
    X = (table[:, :64] / 16.0).astype(get_default_dtype())
    y = table[:, 64].astype(np.int64)
    return (X if flatten else X.reshape(-1, 8, 8)), y
