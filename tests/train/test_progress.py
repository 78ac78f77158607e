"""Progress display: silent, one line per epoch, a tqdm bar on a terminal."""

from __future__ import annotations

import io

import pytest

from retrograd import optim
from retrograd.train import fit, progress


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def _fit(stream, verbose, blobs, mlp, epochs=2):
    X, y = blobs
    model = mlp()
    return fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=0.1),
        (X, y),
        epochs=epochs,
        batch_size=16,
        verbose=verbose,
        progress_stream=stream,
    )


def test_silent(blobs, mlp, capsys):
    stream = io.StringIO()
    _fit(stream, 0, blobs, mlp)
    assert stream.getvalue() == ""
    assert capsys.readouterr() == ("", "")


def test_line_per_epoch_when_not_a_terminal(blobs, mlp):
    stream = io.StringIO()
    _fit(stream, 1, blobs, mlp, epochs=3)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Epoch 1/3 - ") and "loss: " in lines[0] and "accuracy: " in lines[0]
    assert lines[2].startswith("Epoch 3/3")


def test_verbose_2_is_lines_even_on_a_terminal(blobs, mlp):
    stream = FakeTTY()
    _fit(stream, 2, blobs, mlp)
    assert len(stream.getvalue().splitlines()) == 2 and "\r" not in stream.getvalue()


def test_tqdm_bar_on_a_terminal(blobs, mlp):
    pytest.importorskip("tqdm")
    stream = FakeTTY()
    _fit(stream, 1, blobs, mlp)
    out = stream.getvalue()
    assert "\r" in out  # a live bar redraws its line
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "4/4" in out and "batch" in out  # 60 examples / 16 = 4 batches per epoch
    assert "val_" not in out and "loss: " in out  # the epoch's logs end up on the bar


def test_falls_back_to_lines_without_tqdm(blobs, mlp, monkeypatch):
    monkeypatch.setattr(progress, "_load_tqdm", lambda: None)
    stream = FakeTTY()
    _fit(stream, 1, blobs, mlp)
    lines = stream.getvalue().splitlines()
    assert [line[:9] for line in lines] == ["Epoch 1/2", "Epoch 2/2"]


def test_stop_reason_is_printed(blobs, mlp):
    X, y = blobs
    stream = io.StringIO()
    model = mlp()
    fit(
        model,
        "cross_entropy",
        optim.SGD(model.parameters(), lr=0.5),
        (X, y),
        epochs=100,
        stop_when_all_correct=True,
        progress_stream=stream,
    )
    assert stream.getvalue().splitlines()[-1].startswith("Stopped: every training example")


def test_bad_verbose():
    with pytest.raises(ValueError, match="verbose"):
        progress.ProgressDisplay(verbose=3)
