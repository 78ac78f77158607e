"""When every mirror fails, the error names each URL once and the advice once."""

from __future__ import annotations

import socket

import pytest

from retrograd.data import load_mnist
from retrograd.io.download import DownloadError, download_any


def _closed_port_base() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there any more


def test_every_mirror_failing_is_one_message_listing_each_url_once(tmp_path):
    base = _closed_port_base()
    urls = [f"{base}/a/f.bin", f"{base}/b/f.bin"]
    with pytest.raises(DownloadError) as err:
        download_any(urls, tmp_path / "f.bin", "ABC123", timeout=5)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith("every mirror failed for f.bin: tried ")
    for url in urls:
        assert msg.count(url) == 1
    assert msg.count("are you offline") == 1
    assert msg.count(f"Copy the file to {tmp_path / 'f.bin'} yourself (sha256 abc123)") == 1
    assert err.value.offline and not (tmp_path / "f.bin").exists()


def test_offline_mnist_download_names_the_mirrors_once(tmp_path):
    base = _closed_port_base()
    with pytest.raises(DownloadError) as err:
        load_mnist(tmp_path, train=False, download=True, mirrors=[base + "/m1", base + "/m2/"],
                   verbose=False)  # fmt: skip
    msg = str(err.value)
    assert msg.count(f"{base}/m1/t10k-images-idx3-ubyte.gz") == 1
    assert msg.count(f"{base}/m2/t10k-images-idx3-ubyte.gz") == 1
    assert msg.count("are you offline") == 1


def test_missing_files_error_carries_what_is_missing(tmp_path):
    from retrograd.data.mnist import DatasetFilesNotFoundError

    with pytest.raises(DatasetFilesNotFoundError) as err:
        load_mnist(tmp_path, train=False)
    assert isinstance(err.value, FileNotFoundError)
    assert (err.value.title, err.value.filename) == ("MNIST", "t10k-images-idx3-ubyte.gz")
    assert err.value.directory == tmp_path
    assert "download=True" in str(err.value)  # the Python API's wording
