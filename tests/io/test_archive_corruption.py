"""Corrupted model files are refused with FileFormatError, never a raw zipfile/OS error."""

from __future__ import annotations

import io
import random
import struct
import zipfile

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.io.archive import FileFormatError


def _good_file(tmp_path):
    path = tmp_path / "good.npz"
    model = nn.Sequential(nn.Linear(2, 3, rng=np.random.default_rng(0)), nn.ReLU(), nn.Linear(3, 1))
    rg.save(model, path)
    return path


def _central_entry(data: bytes, member: str) -> int:
    """Offset of ``member``'s central-directory header in the ZIP bytes."""
    at = data.index(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_len] == member.encode():
            return at
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{member} not in the central directory")


def _patched(tmp_path, patch) -> str:
    data = bytearray(_good_file(tmp_path).read_bytes())
    patch(data)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(bytes(data))
    return str(bad)


def _set_flag(bit):
    def patch(data):
        at = _central_entry(data, "header.json") + 8  # general purpose bit flag
        data[at] |= bit

    return patch


@pytest.mark.parametrize(
    "bit,message",
    [(0x01, "is marked as encrypted"), (0x20, "compressed patched data"),
     (0x40, "strongly encrypted")],
    ids=["encrypted", "patched", "strong-encryption"],
)  # fmt: skip
def test_zip_flag_bits_on_header_are_refused(tmp_path, bit, message):
    bad = _patched(tmp_path, _set_flag(bit))
    with pytest.raises(FileFormatError, match=message) as err:
        rg.load(bad)
    assert bad in str(err.value) and "header.json" in str(err.value)


def test_zip_version_needed_6_5_is_refused(tmp_path):
    def patch(data):
        struct.pack_into("<H", data, _central_entry(data, "header.json") + 6, 65)

    bad = _patched(tmp_path, patch)
    with pytest.raises(FileFormatError, match=r"ZIP feature.*zip file version 6\.5") as err:
        rg.load(bad)
    assert bad in str(err.value)


def test_corrupted_central_directory_offset_is_refused(tmp_path):
    # A bigger "central directory offset" in the end record shifts every member's
    # offset below 0: zipfile would seek to a negative position (OSError EINVAL).
    def patch(data):
        eocd = data.rindex(b"PK\x05\x06")
        (offset,) = struct.unpack_from("<I", data, eocd + 16)
        struct.pack_into("<I", data, eocd + 16, offset + 4096)

    bad = _patched(tmp_path, patch)
    with pytest.raises(FileFormatError, match="outside the .*-byte file") as err:
        rg.load(bad)
    assert bad in str(err.value)


def test_member_offset_past_the_end_is_refused(tmp_path):
    def patch(data):
        struct.pack_into("<I", data, _central_entry(data, "header.json") + 42, 0x7FFFFFF0)

    with pytest.raises(FileFormatError, match="outside the .*-byte file"):
        rg.load(_patched(tmp_path, patch))


def test_npy_header_with_negative_dims_is_refused(tmp_path):
    good = _good_file(tmp_path)
    with zipfile.ZipFile(good) as z:
        npy = z.read("weights/0.weight.npy")
    newline = npy.index(b"\n")
    # (-3, -2) has the same math.prod as (3, 2): the size check alone lets it through
    header = npy[:newline].replace(b"(3, 2)", b"(-3, -2)").replace(b"   ", b" ", 1)
    assert len(header) == newline
    bad = tmp_path / "negative.npz"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "weights/0.weight.npy":
                body = header + npy[newline:]
            zout.writestr(info.filename, body)
    with pytest.raises(FileFormatError, match=r"negative dimensions") as err:
        rg.load(bad)
    assert "weights/0.weight" in str(err.value) and "(-3, -2)" in str(err.value)


def test_random_byte_flips_only_ever_raise_file_format_error(tmp_path):
    data = _good_file(tmp_path).read_bytes()
    rnd = random.Random(20240607)
    bad = tmp_path / "flipped.npz"
    refused = 0
    for _ in range(400):
        b = bytearray(data)
        for _ in range(rnd.choice([1, 2, 4])):
            b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
        bad.write_bytes(bytes(b))
        try:
            rg.load(bad)
        except FileFormatError:
            refused += 1
    assert refused > 300  # most flips are caught (CRC, structure); the rest are harmless


def test_non_retrograd_file_message_does_not_repeat_retrograd(tmp_path):
    path = tmp_path / "m.npz"
    buf = io.BytesIO()
    buf.write(b"\x80\x04\x95 not a zip")
    path.write_bytes(buf.getvalue())
    with pytest.raises(FileFormatError) as err:
        rg.load(path)
    msg = str(err.value)
    assert "is not a retrograd-model file" in msg and "retrograd retrograd" not in msg
