"""PNG plots: valid files, different for different inputs."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd import nn
from retrograd.train import History

pytest.importorskip("matplotlib")
from retrograd.train import plots  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _is_png(path) -> bool:
    data = path.read_bytes()
    return data[:8] == PNG_MAGIC and b"IEND" in data[-12:]


def test_history_plot(tmp_path):
    h = History()
    for e, (l, a) in enumerate([(1.0, 0.5), (0.5, 0.8), (0.25, 0.9)]):
        h.record(
            e, {"loss": l, "accuracy": a, "val_loss": l * 1.2, "val_accuracy": a - 0.1, "lr": 0.1}
        )
    p1 = plots.plot_history(h, tmp_path / "a.png")
    p2 = plots.plot_history({"loss": [3.0, 1.0, 0.1]}, tmp_path / "b.png")
    assert _is_png(p1) and _is_png(p2) and p1.read_bytes() != p2.read_bytes()
    with pytest.raises(ValueError, match="no 'loss'"):
        plots.plot_history({"accuracy": [1.0]}, tmp_path / "c.png")


def test_confusion_matrix_plot(tmp_path):
    a = plots.plot_confusion_matrix(np.array([[5, 1], [0, 4]]), tmp_path / "a.png", ["no", "yes"])
    b = plots.plot_confusion_matrix(np.array([[1, 5], [4, 0]]), tmp_path / "b.png", ["no", "yes"])
    assert _is_png(a) and _is_png(b) and a.read_bytes() != b.read_bytes()
    with pytest.raises(ValueError, match="square"):
        plots.plot_confusion_matrix(np.zeros((2, 3)), tmp_path / "c.png")


def test_decision_boundary_plot(tmp_path, blobs):
    X, y = blobs
    m1 = nn.Linear(2, 2, rng=np.random.default_rng(0))
    m2 = nn.Linear(2, 2, rng=np.random.default_rng(1))
    a = plots.plot_decision_boundary(m1, X, y, tmp_path / "a.png", resolution=40)
    b = plots.plot_decision_boundary(m2, X, y, tmp_path / "b.png", resolution=40)
    single = nn.Linear(2, 1, rng=np.random.default_rng(0))
    c = plots.plot_decision_boundary(single, X, y, tmp_path / "c.png", resolution=40, threshold=0.0)
    assert all(_is_png(p) for p in (a, b, c)) and a.read_bytes() != b.read_bytes()
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plots.plot_decision_boundary(m1, np.zeros((3, 3)), [0, 1, 0], tmp_path / "d.png")


def test_plots_do_not_touch_pyplot_backend(tmp_path):
    import matplotlib

    before = matplotlib.get_backend()
    plots.plot_history({"loss": [1.0, 0.5]}, tmp_path / "x.png")
    assert matplotlib.get_backend() == before
