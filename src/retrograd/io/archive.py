"""The no-pickle file format shared by model files and checkpoints.

A retrograd file is a ZIP archive (the same container NumPy's ``.npz`` uses):

* ``header.json`` -- UTF-8 JSON: ``{"format": ..., "format_version": 1,
  "retrograd_version": ..., "tree": ...}``. The ``tree`` is the saved data with
  every array replaced by a reference ``{"$array": "<name>"}``.
* ``<name>.npy`` -- one standard ``.npy`` file per array (NumPy format 1.0).

So any tool can read one: ``unzip -p model.npz header.json`` shows the
architecture, and ``numpy.load("model.npz", allow_pickle=False)["weights/0.weight"]``
gives an array. Nothing in the file names a Python callable, and reading it
never unpickles anything.

Plain-data trees
----------------
:func:`encode_tree` turns a tree of ``dict`` / ``list`` / ``tuple`` / ``str`` /
``int`` / ``float`` / ``bool`` / ``None`` / ``numpy.ndarray`` (and NumPy
scalars, stored as Python numbers) into JSON plus arrays; :func:`decode_tree`
inverts it exactly. JSON cannot express everything, so a few tagged objects
(keys starting with ``$``) are used:

==========================  ==============================================
``{"$array": name}``        the array stored as ``<name>.npy``
``{"$tuple": [...]}``       a tuple (optimizer ``betas``, shapes)
``{"$float": "nan"}``       ``nan``, ``inf`` or ``-inf`` (strict JSON has none)
``{"$dict": [[k, v], ..]}``  a dict whose keys are not all plain strings (e.g.
                            the integer keys of an optimizer's ``state``)
==========================  ==============================================

Reading checks everything before trusting it: the ZIP structure, that the JSON
is strict, that every array member is a plain numeric ``.npy`` (no object or
structured dtype) whose header's shape matches the member's size exactly, that
every reference resolves and no unreferenced member is present.
"""

from __future__ import annotations

import json
import math
import os
import re
import zipfile
from typing import Any

import numpy as np

from retrograd.io.atomic import atomic_write

#: the version of the container layout written by this module
FORMAT_VERSION = 1
HEADER_NAME = "header.json"
_MAX_HEADER_BYTES = 64 * 2**20
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$")
_ALLOWED_KINDS = set("biufcUS")  # bool, ints, floats, complex, fixed-width text


class FileFormatError(ValueError):
    """A file is not a valid retrograd file: truncated, corrupted, or hostile."""


# -- encoding ----------------------------------------------------------------------------
def _is_safe_name(name: str) -> bool:
    """Letters, digits, ``_.-`` in ``/``-separated parts, none of them ``.`` or ``..``."""
    return bool(_SAFE_NAME.match(name)) and not any(p in (".", "..") for p in name.split("/"))


def _array_name(path: tuple[str, ...], used: set[str]) -> str:
    name = "/".join(path)
    if not _is_safe_name(name) or name in used or name == HEADER_NAME:
        name = f"_arrays/{len(used)}"
    used.add(name)
    return name


def _check_array_dtype(arr: np.ndarray, where: str) -> None:
    if arr.dtype.hasobject or arr.dtype.kind not in _ALLOWED_KINDS:
        raise TypeError(
            f"cannot store the array at {where or '<root>'}: dtype {arr.dtype} is not a plain "
            "numeric/text dtype (object and structured arrays would need pickle)"
        )


def encode_tree(tree: Any) -> tuple[Any, dict[str, np.ndarray]]:
    """Split a plain-data tree into a JSON-safe object and named arrays.

    Parameters
    ----------
    tree : dict, list, tuple, str, int, float, bool, None or ndarray (nested)

    Returns
    -------
    json_obj : object
        Serializable by :func:`json.dumps` with ``allow_nan=False``.
    arrays : dict of str to ndarray
        Array name -> array (names follow the tree path, e.g. ``"weights/0.bias"``).

    Raises
    ------
    TypeError
        For any other object (a function, a Generator, an object array...), naming
        where in the tree it is.

    Examples
    --------
    >>> import numpy as np
    >>> obj, arrays = encode_tree({"step": 3, "betas": (0.9, 0.999), "w": np.zeros(2)})
    >>> obj
    {'step': 3, 'betas': {'$tuple': [0.9, 0.999]}, 'w': {'$array': 'w'}}
    """
    arrays: dict[str, np.ndarray] = {}
    used: set[str] = set()

    def enc(x: Any, path: tuple[str, ...]) -> Any:
        where = ".".join(path)
        if x is None or isinstance(x, (bool, str)):
            return x
        if isinstance(x, np.ndarray):
            _check_array_dtype(x, where)
            name = _array_name(path, used)
            arrays[name] = x
            return {"$array": name}
        if isinstance(x, np.generic):
            if isinstance(x, (np.bool_, np.integer, np.floating)):
                return enc(x.item(), path)
            raise TypeError(f"cannot store the NumPy scalar {x!r} at {where or '<root>'}")
        if isinstance(x, int):
            return int(x)
        if isinstance(x, float):
            if math.isfinite(x):
                return x
            return {"$float": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}
        if isinstance(x, tuple):
            return {"$tuple": [enc(v, (*path, str(i))) for i, v in enumerate(x)]}
        if isinstance(x, list):
            return [enc(v, (*path, str(i))) for i, v in enumerate(x)]
        if isinstance(x, dict):
            plain = all(isinstance(k, str) and not k.startswith("$") for k in x)
            if plain:
                return {k: enc(v, (*path, k)) for k, v in x.items()}
            items = []
            for k, v in x.items():
                if not isinstance(k, (str, int, float, bool, tuple)) and k is not None:
                    raise TypeError(
                        f"cannot store a dict key of type {type(k).__name__} at "
                        f"{where or '<root>'}: keys must be str, int, float, bool or tuple"
                    )
                items.append([enc(k, (*path, "key")), enc(v, (*path, str(k)))])
            return {"$dict": items}
        raise TypeError(
            f"cannot store an object of type {type(x).__name__} at {where or '<root>'}: "
            "retrograd files hold plain data only (dicts, lists, numbers, strings, arrays)"
        )

    return enc(tree, ()), arrays


def decode_tree(obj: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Invert :func:`encode_tree` (raises :class:`FileFormatError` on anything unexpected)."""

    def dec(x: Any) -> Any:
        if x is None or isinstance(x, (bool, int, float, str)):
            return x
        if isinstance(x, list):
            return [dec(v) for v in x]
        if not isinstance(x, dict):  # pragma: no cover - json gives nothing else
            raise FileFormatError(f"unexpected JSON value {x!r}")
        tags = [k for k in x if k.startswith("$")]
        if not tags:
            return {k: dec(v) for k, v in x.items()}
        if len(x) != 1:
            raise FileFormatError(f"malformed tagged object with keys {sorted(x)}")
        tag, value = next(iter(x.items()))
        if tag == "$array":
            if not isinstance(value, str) or value not in arrays:
                raise FileFormatError(f"header refers to a missing array {value!r}")
            return arrays[value]
        if tag == "$tuple" and isinstance(value, list):
            return tuple(dec(v) for v in value)
        if tag == "$float" and value in ("nan", "inf", "-inf"):
            return float(value)
        if tag == "$dict" and isinstance(value, list):
            out = {}
            for item in value:
                if not (isinstance(item, list) and len(item) == 2):
                    raise FileFormatError("malformed $dict entry (expected [key, value])")
                key = dec(item[0])
                if isinstance(key, (list, dict, np.ndarray)):
                    raise FileFormatError(f"unhashable dict key {key!r} in header")
                out[key] = dec(item[1])
            return out
        raise FileFormatError(f"unknown or malformed tag {tag!r} in header")

    try:
        return dec(obj)
    except RecursionError as exc:
        raise FileFormatError("header nests too deeply") from exc


# -- writing -----------------------------------------------------------------------------
def write_archive(path: str | os.PathLike[str], kind: str, tree: Any) -> None:
    """Write ``tree`` to ``path`` atomically as a retrograd archive of format ``kind``.

    Parameters
    ----------
    path : str or PathLike
        Destination (conventionally ending in ``.npz``).
    kind : str
        The format name stored in the header, e.g. ``"retrograd-model"``.
    tree : plain data
        See :func:`encode_tree`.
    """
    from retrograd import __version__

    obj, arrays = encode_tree(tree)
    header = {
        "format": kind,
        "format_version": FORMAT_VERSION,
        "retrograd_version": __version__,
        "tree": obj,
    }
    text = json.dumps(header, allow_nan=False, indent=1, sort_keys=False)
    with atomic_write(path, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(HEADER_NAME, text.encode("utf-8"))
        for name, arr in arrays.items():
            big = arr.nbytes > 2**31 - 2**20  # ZIP64 entries only where they are needed
            with zf.open(f"{name}.npy", "w", force_zip64=big) as member:
                np.lib.format.write_array(member, arr, version=(1, 0), allow_pickle=False)


# -- reading -----------------------------------------------------------------------------
def _describe_non_zip(start: bytes) -> str:
    if start[:1] == b"\x80" or start[:1] in (b"(", b"c", b"]", b"}"):
        return "it looks like a Python pickle; retrograd never loads pickles (they can run code)"
    if start[:6] == b"\x93NUMPY":
        return "it is a single .npy array, not a retrograd archive"
    if not start:
        return "the file is empty"
    return f"it does not start with the ZIP signature (first bytes {start[:8]!r})"


def _reject_constant(name: str) -> Any:
    raise FileFormatError(f"header.json contains {name}, which strict JSON does not allow")


def _read_npy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, origin: str) -> np.ndarray:
    """Read one ``.npy`` member after checking its header against its real size."""
    name = info.filename
    with zf.open(info) as f:
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise FileFormatError(f"{origin}: array {name} uses unsupported .npy {version}")
        except FileFormatError:
            raise
        except (ValueError, SyntaxError, EOFError) as exc:
            raise FileFormatError(f"{origin}: array {name} has a bad .npy header ({exc})") from exc
        header_end = f.tell()
    if dtype.hasobject or dtype.kind not in _ALLOWED_KINDS:
        raise FileFormatError(
            f"{origin}: array {name} has dtype {dtype}; only plain numeric arrays are "
            "accepted (object arrays would need pickle)"
        )
    if any(d < 0 for d in shape):
        raise FileFormatError(
            f"{origin}: array {name}'s header claims the impossible shape {tuple(shape)} "
            "(negative dimensions); the file is corrupted or was tampered with"
        )
    count = math.prod(shape) if shape else 1
    expected = header_end + count * dtype.itemsize
    if info.file_size != expected:
        raise FileFormatError(
            f"{origin}: array {name}'s header says shape {tuple(shape)} of {dtype} "
            f"({count * dtype.itemsize} bytes of data) but the member holds "
            f"{info.file_size - header_end} bytes; the file is corrupted or was tampered with"
        )
    with zf.open(info) as f:
        arr = np.lib.format.read_array(f, allow_pickle=False)
        if f.read(1):  # pragma: no cover - sizes were checked above
            raise FileFormatError(f"{origin}: array {name} has trailing bytes")
    return arr


def read_archive(path: str | os.PathLike[str], kind: str) -> Any:
    """Read and validate a retrograd archive written by :func:`write_archive`.

    Parameters
    ----------
    path : str or PathLike
    kind : str
        The expected format name (``"retrograd-model"``, ``"retrograd-checkpoint"``).

    Returns
    -------
    tree
        The decoded plain-data tree.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    FileFormatError
        The file is not a valid archive of this kind: not a ZIP (e.g. a pickle),
        truncated, a bad checksum, a lying array header, an object array, an
        unknown member, a newer format version, or a different kind of file.
    """
    origin = os.fspath(path)
    with open(origin, "rb") as fh:
        start = fh.read(8)
    if start[:4] != b"PK\x03\x04":
        raise FileFormatError(
            f"{origin} is not a {_kind_name(kind)} file: {_describe_non_zip(start)}"
        )
    try:
        with zipfile.ZipFile(origin) as zf:
            _check_members(zf.infolist(), os.path.getsize(origin), origin)
            infos = {i.filename: i for i in zf.infolist()}
            if HEADER_NAME not in infos:
                raise FileFormatError(
                    f"{origin}: no {HEADER_NAME} inside, so it is not a retrograd file (for a "
                    "plain NumPy .npz of weights use numpy.load(path, allow_pickle=False) and "
                    "model.load_state_dict)"
                )
            hinfo = infos[HEADER_NAME]
            if hinfo.file_size > _MAX_HEADER_BYTES:
                raise FileFormatError(f"{origin}: {HEADER_NAME} is implausibly large")
            raw = zf.read(hinfo)
            try:
                header = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
            except FileFormatError:
                raise
            except (ValueError, RecursionError) as exc:  # bad UTF-8/JSON, 10**5000-digit ints
                raise FileFormatError(f"{origin}: {HEADER_NAME} is not valid JSON ({exc})") from exc
            if not isinstance(header, dict) or "tree" not in header:
                raise FileFormatError(f"{origin}: {HEADER_NAME} lacks the 'tree' entry")
            if header.get("format") != kind:
                raise FileFormatError(
                    f"{origin} is a {header.get('format')!r} file, not a {kind!r} file"
                )
            version = header.get("format_version")
            if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
                raise FileFormatError(
                    f"{origin}: format version {version!r} is not supported by this retrograd "
                    f"(it reads version {FORMAT_VERSION}); upgrade retrograd"
                )
            arrays: dict[str, np.ndarray] = {}
            for name, info in infos.items():
                if name == HEADER_NAME:
                    continue
                stem = name[:-4]
                if not name.endswith(".npy") or not _is_safe_name(stem):
                    raise FileFormatError(f"{origin}: unexpected member {name!r} in the archive")
                arrays[stem] = _read_npy_member(zf, info, origin)
    except zipfile.BadZipFile as exc:
        raise FileFormatError(
            f"{origin} is corrupted or truncated (bad ZIP structure: {exc})"
        ) from exc
    except (EOFError, zipfile.LargeZipFile) as exc:
        raise FileFormatError(f"{origin} is truncated or corrupted ({exc})") from exc
    except (NotImplementedError, RuntimeError) as exc:
        # zipfile refuses encrypted members, patched data, "version needed" > 6.3...
        raise FileFormatError(
            f"{origin} is corrupted or was not written by retrograd: it uses a ZIP feature "
            f"retrograd files never use ({exc})"
        ) from exc
    except OSError as exc:  # e.g. a corrupted offset making zipfile seek before the start
        raise FileFormatError(
            f"{origin} is corrupted: reading it failed ({exc.strerror or exc})"
        ) from exc
    tree = decode_tree(header["tree"], arrays)
    referenced = _referenced_arrays(header["tree"])
    unused = sorted(set(arrays) - referenced)
    if unused:
        raise FileFormatError(f"{origin}: arrays {unused} are not referenced by the header")
    return tree


def _check_members(infos: list[zipfile.ZipInfo], disk_size: int, origin: str) -> None:
    """Unique names, stored (not deflated) members, sizes that fit in the file itself.

    Stored members cannot expand, so memory use is bounded by the file's size:
    no "zip bomb" and no header claiming gigabytes that are not there.
    """
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise FileFormatError(f"{origin}: the archive lists a member twice")
    for info in infos:
        for bit, what in _REFUSED_FLAGS:
            if info.flag_bits & bit:
                raise FileFormatError(
                    f"{origin}: member {info.filename!r} is marked as {what} (ZIP flag "
                    f"0x{bit:02x}); retrograd files never are, so the file is corrupted or was "
                    "not written by retrograd"
                )
        if not 0 <= info.header_offset < disk_size:
            raise FileFormatError(
                f"{origin}: member {info.filename!r} starts at offset {info.header_offset}, "
                f"outside the {disk_size}-byte file; the file is corrupted or truncated"
            )
        if info.compress_type != zipfile.ZIP_STORED:
            raise FileFormatError(
                f"{origin}: member {info.filename!r} is compressed; retrograd files store "
                "their members uncompressed"
            )
        if info.file_size != info.compress_size:
            raise FileFormatError(f"{origin}: member {info.filename!r} has inconsistent sizes")
    if sum(i.file_size for i in infos) > disk_size:
        raise FileFormatError(
            f"{origin}: the archive claims more data than the file holds; truncated or forged"
        )


#: ZIP general-purpose flag bits that a retrograd file never sets
_REFUSED_FLAGS = (
    (0x01, "encrypted"),
    (0x20, "compressed patched data"),
    (0x40, "strongly encrypted"),
)


def _kind_name(kind: str) -> str:
    """``"retrograd-model"`` as is; other kinds prefixed: ``"retrograd test"``."""
    return kind if kind.startswith("retrograd") else f"retrograd {kind}"


def _referenced_arrays(obj: Any) -> set[str]:
    found: set[str] = set()
    stack = [obj]
    while stack:
        x = stack.pop()
        if isinstance(x, list):
            stack.extend(x)
        elif isinstance(x, dict):
            if set(x) == {"$array"} and isinstance(x["$array"], str):
                found.add(x["$array"])
            else:
                stack.extend(x.values())
    return found


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The header fields of a retrograd archive (format, versions), without the tree."""
    origin = os.fspath(path)
    try:
        with zipfile.ZipFile(origin) as zf:
            header = json.loads(zf.read(HEADER_NAME).decode("utf-8"))
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, NotImplementedError, RuntimeError,
            OSError) as exc:  # fmt: skip
        raise FileFormatError(f"{origin} is not a readable retrograd file ({exc})") from exc
    return {k: v for k, v in header.items() if k != "tree"}
