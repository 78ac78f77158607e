"""The shared no-pickle archive: plain-data trees round-trip; bad files are refused."""

from __future__ import annotations

import io
import json
import math
import zipfile

import numpy as np
import pytest

from retrograd.io.archive import (
    FileFormatError,
    decode_tree,
    encode_tree,
    read_archive,
    read_header,
    write_archive,
)


def _same(a, b):
    """Deep equality that also compares array dtypes/bits and container types."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.tobytes() == b.tobytes()
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


TREE = {
    "ints": [0, -3, 2**100],  # PCG64 states are 128-bit integers
    "floats": [0.1, -2.5e-300, float("inf"), float("-inf"), float("nan")],
    "tuple": (0.9, 0.999),
    "int_keys": {0: {"exp_avg": np.arange(3.0)}, 7: {"step": 4}},
    "dollar": {"$array": "not a reference"},
    "none": None,
    "flag": True,
    "text": "héllo",
    "arrays": {
        "f32": np.linspace(0, 1, 7, dtype=np.float32).reshape(7, 1),
        "f64": np.array([np.pi, -0.0, 1e-310]),
        "i64": np.array([[1, 2], [3, 4]], dtype=np.int64),
        "u8": np.arange(5, dtype=np.uint8),
        "bool": np.array([True, False]),
        "scalar": np.array(2.5),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "text": np.array(["a", "bc"]),
    },
    "weird/name with spaces": np.ones(2),
}


def test_encode_decode_round_trip_in_memory():
    obj, arrays = encode_tree(TREE)
    json.dumps(obj, allow_nan=False)  # strict JSON
    _same(decode_tree(json.loads(json.dumps(obj)), arrays), TREE)


def test_numpy_scalars_become_python_numbers():
    obj, _ = encode_tree({"a": np.float32(0.5), "b": np.int64(3), "c": np.bool_(True)})
    assert obj == {"a": 0.5, "b": 3, "c": True}


def test_file_round_trip_is_exact(tmp_path):
    path = tmp_path / "tree.npz"
    write_archive(path, "retrograd-test", TREE)
    _same(read_archive(path, "retrograd-test"), TREE)
    header = read_header(path)
    assert header["format"] == "retrograd-test" and header["format_version"] == 1


def test_arrays_are_readable_by_plain_numpy(tmp_path):
    path = tmp_path / "tree.npz"
    write_archive(path, "retrograd-test", {"w": {"0.weight": np.arange(4.0)}})
    with np.load(path, allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["w/0.weight"], np.arange(4.0))


@pytest.mark.parametrize(
    "bad",
    [{"f": print}, {"g": np.random.default_rng(0)}, {"o": np.array([1, "a"], dtype=object)},
     {"s": {1, 2}}, {frozenset([1]): 3}],
    ids=["function", "generator", "object-array", "set", "frozenset-key"],
)  # fmt: skip
def test_non_plain_data_is_refused_with_its_location(bad):
    with pytest.raises(TypeError, match="cannot store"):
        encode_tree({"outer": bad})


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _header(tree, kind="retrograd-test", version=1) -> bytes:
    return json.dumps({"format": kind, "format_version": version, "tree": tree}).encode()


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=False)
    return buf.getvalue()


def test_wrong_kind_and_newer_version_are_refused(tmp_path):
    p = tmp_path / "a.npz"
    _zip(p, {"header.json": _header({}, kind="retrograd-model")})
    with pytest.raises(FileFormatError, match="not a 'retrograd-test' file"):
        read_archive(p, "retrograd-test")
    _zip(p, {"header.json": _header({}, version=99)})
    with pytest.raises(FileFormatError, match="format version 99"):
        read_archive(p, "retrograd-test")


def test_missing_header_non_strict_json_and_bad_tags(tmp_path):
    p = tmp_path / "a.npz"
    _zip(p, {"x.npy": _npy(np.ones(2))})
    with pytest.raises(FileFormatError, match="no header.json"):
        read_archive(p, "retrograd-test")
    _zip(p, {"header.json": b'{"format": "retrograd-test", "format_version": 1, "tree": NaN}'})
    with pytest.raises(FileFormatError, match="strict JSON"):
        read_archive(p, "retrograd-test")
    _zip(p, {"header.json": b'{"format": "retrograd-test", "tree": ' + b"9" * 10_000 + b"}"})
    with pytest.raises(FileFormatError, match="not valid JSON"):
        read_archive(p, "retrograd-test")
    _zip(p, {"header.json": b"\xff\xfe not utf-8"})
    with pytest.raises(FileFormatError, match="not valid JSON"):
        read_archive(p, "retrograd-test")
    _zip(p, {"header.json": _header({"$eval": "os.system('x')"})})
    with pytest.raises(FileFormatError, match="unknown or malformed tag"):
        read_archive(p, "retrograd-test")
    _zip(p, {"header.json": _header({"w": {"$array": "w"}})})
    with pytest.raises(FileFormatError, match="missing array"):
        read_archive(p, "retrograd-test")


def test_unreferenced_and_oddly_named_members_are_refused(tmp_path):
    p = tmp_path / "a.npz"
    _zip(p, {"header.json": _header({}), "extra.npy": _npy(np.ones(2))})
    with pytest.raises(FileFormatError, match="not referenced"):
        read_archive(p, "retrograd-test")
    _zip(p, {"header.json": _header({}), "../evil.npy": _npy(np.ones(2))})
    with pytest.raises(FileFormatError, match="unexpected member"):
        read_archive(p, "retrograd-test")
    _zip(p, {"header.json": _header({}), "payload.pkl": b"\x80\x04."})
    with pytest.raises(FileFormatError, match="unexpected member"):
        read_archive(p, "retrograd-test")


def test_object_array_member_is_refused_without_unpickling(tmp_path):
    p = tmp_path / "a.npz"
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    _zip(p, {"header.json": _header({"w": {"$array": "w"}}), "w.npy": buf.getvalue()})
    with pytest.raises(FileFormatError, match="object arrays would need pickle"):
        read_archive(p, "retrograd-test")


def test_npy_header_whose_shape_lies_is_refused(tmp_path):
    p = tmp_path / "a.npz"
    good = _npy(np.zeros(4, dtype=np.float32))
    lying = good.replace(b"(4,)", b"(9999999999,)".ljust(4))  # bigger shape, same data
    header_len = good.index(b"\n") + 1
    lying = lying[: lying.index(b"\n") + 1] + good[header_len:]
    _zip(p, {"header.json": _header({"w": {"$array": "w"}}), "w.npy": lying})
    with pytest.raises(FileFormatError, match="header says shape"):
        read_archive(p, "retrograd-test")


def test_truncated_file_is_refused(tmp_path):
    p = tmp_path / "a.npz"
    write_archive(p, "retrograd-test", {"w": np.arange(1000.0)})
    data = p.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 30):
        t = tmp_path / f"cut{cut}.npz"
        t.write_bytes(data[:cut])
        with pytest.raises(FileFormatError):
            read_archive(t, "retrograd-test")


def test_flipped_byte_in_array_data_fails_the_crc(tmp_path):
    p = tmp_path / "a.npz"
    write_archive(p, "retrograd-test", {"w": np.arange(1000.0)})
    data = bytearray(p.read_bytes())
    pos = data.index(b"\x00\x00\x00\x00\x00\x00\xf0?")  # the float 1.0 in the array data
    data[pos + 7] ^= 0xFF
    p.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match="corrupted|Bad CRC"):
        read_archive(p, "retrograd-test")


def test_pickle_and_other_files_are_named_as_such(tmp_path):
    p = tmp_path / "a.npz"
    p.write_bytes(b"\x80\x04\x95...")
    with pytest.raises(FileFormatError, match="pickle"):
        read_archive(p, "retrograd-test")
    np.save(tmp_path / "b.npy", np.ones(3))
    with pytest.raises(FileFormatError, match="single .npy"):
        read_archive(tmp_path / "b.npy", "retrograd-test")
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty"):
        read_archive(tmp_path / "empty", "retrograd-test")


def test_compressed_and_duplicate_members_are_refused(tmp_path):
    p = tmp_path / "a.npz"
    header = _header({"w": {"$array": "w"}})
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:  # a deflate stream could be a bomb
        zf.writestr("header.json", header)
        zf.writestr("w.npy", _npy(np.zeros(10_000)))
    with pytest.raises(FileFormatError, match="is compressed"):
        read_archive(p, "retrograd-test")
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(p, "w") as zf:
        zf.writestr("header.json", header)
        zf.writestr("w.npy", _npy(np.zeros(2)))
        zf.writestr("w.npy", _npy(np.ones(2)))
    with pytest.raises(FileFormatError, match="member twice"):
        read_archive(p, "retrograd-test")


def test_forged_member_sizes_are_refused(tmp_path):
    p = tmp_path / "a.npz"
    write_archive(p, "retrograd-test", {"w": np.zeros(16)})
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as zf:
        info = zf.getinfo("w.npy")
    size = info.file_size.to_bytes(4, "little")
    forged = (2**31).to_bytes(4, "little")
    central = data.rindex(b"PK\x01\x02")  # the central directory entry of the last member
    at = data.index(size + size, central)  # compressed size, then uncompressed size
    data[at : at + 8] = forged + forged
    p.write_bytes(bytes(data))
    with pytest.raises(FileFormatError, match="claims more data|truncated|corrupted"):
        read_archive(p, "retrograd-test")
