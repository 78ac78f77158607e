"""Read and write IDX files, the format MNIST and Fashion-MNIST are published in.

An IDX file is a tiny header followed by raw big-endian numbers::

    bytes 0-1   0x00 0x00        (always zero)
    byte  2     dtype code       (0x08 uint8, 0x09 int8, 0x0B int16,
                                  0x0C int32, 0x0D float32, 0x0E float64)
    byte  3     number of dimensions, n
    n x 4 bytes each dimension's size, big-endian uint32
    then        prod(sizes) values, big-endian, C order

So MNIST's training images start ``00 00 08 03`` (magic 2051: uint8, 3 axes)
followed by 60000, 28, 28; the labels start ``00 00 08 01`` (magic 2049).
Files may be gzip-compressed (detected from the content, not the name).
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from typing import IO

import numpy as np

from retrograd.io.atomic import atomic_write

#: IDX dtype code -> big-endian NumPy dtype
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dt.newbyteorder("="): code for code, dt in IDX_DTYPES.items()}
_CHUNK = 1 << 20


class IDXError(ValueError):
    """An IDX file is truncated, has trailing data, or is not an IDX file at all."""


def _open(path: str | os.PathLike[str]) -> tuple[IO[bytes], bool]:
    f = open(path, "rb")  # noqa: SIM115 - closed by the caller
    start = f.read(2)
    f.seek(0)
    if start == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=f, mode="rb"), True
    return f, False


def _read_exactly(f: IO[bytes], n: int) -> bytearray:
    """Read up to ``n`` bytes in chunks (a lying header cannot make us allocate n at once)."""
    parts = []
    left = n
    while left > 0:
        chunk = f.read(min(left, _CHUNK))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return bytearray().join(parts)  # one copy, and writable for np.frombuffer


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (raw or gzip) into an array with native byte order.

    Every claim in the header is checked against the data: the two zero bytes,
    a known dtype code, the number of dimensions, and that the dimensions
    account for exactly the bytes present (no more, no fewer).

    Parameters
    ----------
    path : str or PathLike
        An ``*-idx?-ubyte`` file, optionally ``.gz`` compressed.

    Returns
    -------
    ndarray
        Shape from the header, dtype from the header's code (e.g. ``uint8``).

    Raises
    ------
    IDXError
        Wrong magic number, unknown dtype code, truncated data (also a
        truncated gzip stream), or trailing bytes.

    Shape
    -----
    MNIST images: ``(N, 28, 28)``; labels: ``(N,)``.

    Examples
    --------
    >>> import tempfile, os, numpy as np
    >>> p = os.path.join(tempfile.mkdtemp(), "labels-idx1-ubyte")
    >>> write_idx(p, np.array([3, 1, 4], dtype=np.uint8))
    >>> read_idx(p)
    array([3, 1, 4], dtype=uint8)
    """
    origin = os.fspath(path)
    f, compressed = _open(origin)
    what = "gzip-compressed IDX file" if compressed else "IDX file"
    try:
        head = _read_exactly(f, 4)
        if len(head) < 4:
            raise IDXError(f"{origin}: too short for an IDX header ({len(head)} bytes)")
        zero, code, ndim = struct.unpack(">HBB", head)
        if zero != 0:
            raise IDXError(
                f"{origin}: not an IDX file: magic number 0x{head.hex()} should start with "
                "two zero bytes (MNIST images are 0x00000803, labels 0x00000801)"
            )
        if code not in IDX_DTYPES:
            raise IDXError(
                f"{origin}: unknown IDX dtype code 0x{code:02X} (known: "
                f"{', '.join(f'0x{c:02X}' for c in IDX_DTYPES)})"
            )
        if ndim == 0:
            raise IDXError(f"{origin}: IDX header declares 0 dimensions")
        dims_raw = _read_exactly(f, 4 * ndim)
        if len(dims_raw) < 4 * ndim:
            raise IDXError(f"{origin}: truncated header: {ndim} dimensions declared")
        dims = struct.unpack(f">{ndim}I", dims_raw)
        dtype = IDX_DTYPES[code]
        expected = int(np.prod(dims, dtype=object)) * dtype.itemsize
        payload = _read_exactly(f, expected)
        if len(payload) < expected:
            raise IDXError(
                f"{origin}: truncated {what}: the header declares shape {dims} of "
                f"{dtype.newbyteorder('=')} ({expected} bytes) but only {len(payload)} bytes follow"
            )
        if f.read(1):
            raise IDXError(
                f"{origin}: {what} has bytes after the {expected} the header declares "
                f"(shape {dims}); wrong or corrupted file"
            )
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise IDXError(f"{origin}: corrupted or truncated gzip data ({exc})") from exc
    finally:
        f.close()
    arr = np.frombuffer(payload, dtype=dtype).reshape(dims)
    return arr.astype(dtype.newbyteorder("="), copy=False)


def write_idx(path: str | os.PathLike[str], array: np.ndarray) -> None:
    """Write ``array`` as an IDX file (gzip-compressed when ``path`` ends in ``.gz``).

    Parameters
    ----------
    path : str or PathLike
    array : ndarray
        dtype uint8, int8, int16, int32, float32 or float64; 1 to 255 dimensions.

    The write is atomic (temporary file + rename).
    """
    arr = np.asarray(array)
    key = arr.dtype.newbyteorder("=")
    if key not in _CODES:
        raise TypeError(
            f"write_idx: IDX cannot store dtype {arr.dtype}; use uint8, int8, int16, int32, "
            "float32 or float64"
        )
    if not 1 <= arr.ndim <= 255:
        raise ValueError(f"write_idx: IDX needs 1 to 255 dimensions, got shape {arr.shape}")
    if any(d >= 2**32 for d in arr.shape):
        raise ValueError(f"write_idx: dimension too large for IDX in shape {arr.shape}")
    code = _CODES[key]
    header = struct.pack(">HBB", 0, code, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape)
    body = np.ascontiguousarray(arr, dtype=IDX_DTYPES[code]).tobytes()
    with atomic_write(path, "wb") as f:
        if os.fspath(path).endswith(".gz"):
            with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz:
                gz.write(header + body)
        else:
            f.write(header + body)
