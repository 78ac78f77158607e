"""Atomic writes: all or nothing, no temporary files left, normal permissions."""

from __future__ import annotations

import os
import stat

import pytest

from retrograd.io.atomic import atomic_write, atomic_write_bytes


def test_writes_and_replaces(tmp_path):
    p = tmp_path / "f.txt"
    atomic_write_bytes(p, b"one")
    with atomic_write(p, "w") as f:
        f.write("two")
    assert p.read_text() == "two" and os.listdir(tmp_path) == ["f.txt"]


def test_exception_keeps_old_content_and_removes_temp(tmp_path):
    p = tmp_path / "f.bin"
    atomic_write_bytes(p, b"old")
    with pytest.raises(RuntimeError), atomic_write(p) as f:
        f.write(b"half of the new")
        raise RuntimeError("crash")
    assert p.read_bytes() == b"old" and os.listdir(tmp_path) == ["f.bin"]


def test_file_mode_follows_umask(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "f", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "f").st_mode) == 0o644


def test_missing_directory_and_bad_mode(tmp_path):
    with (
        pytest.raises(FileNotFoundError, match="does not exist"),
        atomic_write(tmp_path / "no" / "f"),
    ):
        pass
    with pytest.raises(ValueError, match="mode"), atomic_write(tmp_path / "f", "a"):
        pass
