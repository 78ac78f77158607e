"""Downloads: checksums, atomic writes and offline errors, against a local HTTP server only."""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import socket
import threading

import numpy as np
import pytest

from retrograd.data import load_fashion_mnist, load_mnist
from retrograd.io.download import DownloadError, cache_dir, download, download_any


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[str]

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.requests.append(self.path)
        super().do_GET()


@pytest.fixture
def server(tmp_path):
    """Serve tmp_path/'www' on 127.0.0.1; yields (base_url, folder, list of requested paths)."""
    www = tmp_path / "www"
    www.mkdir()
    requests: list[str] = []
    handler = type("Handler", (_QuietHandler,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(www))
    )
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", www, requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/file.bin"  # nothing listens there any more


def test_download_verifies_and_caches(server, tmp_path):
    base, www, requests = server
    payload = os.urandom(200_000)
    (www / "data.bin").write_bytes(payload)
    digest = hashlib.sha256(payload).hexdigest()
    dest = tmp_path / "cache" / "sub" / "data.bin"
    assert download(base + "data.bin", dest, digest) == dest
    assert dest.read_bytes() == payload
    assert download(base + "data.bin", dest, digest.upper()) == dest  # verified copy: no request
    assert requests == ["/data.bin"]


def test_checksum_mismatch_discards_the_download(server, tmp_path):
    base, www, _ = server
    (www / "data.bin").write_bytes(b"tampered")
    dest = tmp_path / "out" / "data.bin"
    with pytest.raises(DownloadError, match="checksum mismatch"):
        download(base + "data.bin", dest, "0" * 64)
    assert os.listdir(dest.parent) == []  # no partial file, no temp file


def test_stale_file_with_wrong_checksum_is_replaced(server, tmp_path):
    base, www, requests = server
    (www / "data.bin").write_bytes(b"fresh")
    dest = tmp_path / "data.bin"
    dest.write_bytes(b"stale, corrupted copy")
    download(base + "data.bin", dest, hashlib.sha256(b"fresh").hexdigest())
    assert dest.read_bytes() == b"fresh" and requests == ["/data.bin"]


def test_offline_and_http_errors_are_clear(server, tmp_path):
    base, _, _ = server
    with pytest.raises(DownloadError, match="are you offline.*sha256 abc"):
        download(_closed_port_url(), tmp_path / "f.bin", "abc", timeout=5)
    with pytest.raises(DownloadError, match="HTTP 404"):
        download(base + "missing.bin", tmp_path / "f.bin", None)
    assert not (tmp_path / "f.bin").exists()


def test_download_any_falls_back_to_the_next_mirror(server, tmp_path):
    base, www, _ = server
    (www / "f.bin").write_bytes(b"ok")
    digest = hashlib.sha256(b"ok").hexdigest()
    got = download_any([_closed_port_url(), base + "f.bin"], tmp_path / "f.bin", digest, timeout=5)
    assert got.read_bytes() == b"ok"
    with pytest.raises(DownloadError, match="every mirror failed.*HTTP 404"):
        download_any([base + "nope"], tmp_path / "g.bin", digest)


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RETROGRAD_DATA", str(tmp_path / "rg"))
    assert cache_dir() == tmp_path / "rg"
    monkeypatch.delenv("RETROGRAD_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "retrograd"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "retrograd"


def _serve_test_split(shared, name, www):
    for f in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(shared / name / f, www / f)


@pytest.mark.parametrize("name,loader", [("mnist", load_mnist),
                                         ("fashion-mnist", load_fashion_mnist)])  # fmt: skip
def test_load_with_download_from_a_mirror(shared_datasets, server, monkeypatch, tmp_path, name,
                                          loader):  # fmt: skip
    base, www, requests = server
    _serve_test_split(shared_datasets, name, www)
    monkeypatch.setenv("RETROGRAD_DATA", str(tmp_path / "cache"))
    X, y = loader(train=False, download=True, mirrors=[base], verbose=False)
    assert X.shape == (10000, 28, 28) and X.dtype == np.float32 and y.dtype == np.int64
    assert sorted(os.listdir(tmp_path / "cache" / name)) == [
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]  # fmt: skip
    loader(train=False, download=True, mirrors=[base])  # verified cache: no new requests
    assert len(requests) == 2


def test_corrupted_mirror_file_is_rejected(shared_datasets, server, tmp_path):
    base, www, _ = server
    _serve_test_split(shared_datasets, "mnist", www)
    data = bytearray((www / "t10k-labels-idx1-ubyte.gz").read_bytes())
    data[100] ^= 0x01
    (www / "t10k-labels-idx1-ubyte.gz").write_bytes(bytes(data))
    with pytest.raises(DownloadError, match="checksum mismatch"):
        load_mnist(tmp_path / "root", train=False, download=True, mirrors=[base], verbose=False)
    assert not (tmp_path / "root" / "t10k-labels-idx1-ubyte.gz").exists()


def test_offline_load_says_what_to_do(tmp_path):
    with pytest.raises(DownloadError, match="offline"):
        load_mnist(tmp_path, train=False, download=True, mirrors=[_closed_port_url()],
                   verbose=False)  # fmt: skip
