"""--steps: the error table from continued full-batch gradient descent."""

from __future__ import annotations

import math

import pytest

from retrograd.explainer import make_spec, trace
from retrograd.explainer.training import default_every


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def textbook_training_by_hand(steps: int) -> list[float]:
    """E_total after 0..steps updates of the 2-2-2 example, in plain Python (biases fixed)."""
    w = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]
    b1, b2, i1, i2, t1, t2, eta = 0.35, 0.60, 0.05, 0.10, 0.01, 0.99, 0.5
    errors = []
    for step in range(steps + 1):
        h1 = _sigmoid(w[0] * i1 + w[1] * i2 + b1)
        h2 = _sigmoid(w[2] * i1 + w[3] * i2 + b1)
        o1 = _sigmoid(w[4] * h1 + w[5] * h2 + b2)
        o2 = _sigmoid(w[6] * h1 + w[7] * h2 + b2)
        errors.append(0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2)
        if step == steps:
            break
        d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
        e1 = (d1 * w[4] + d2 * w[6]) * h1 * (1 - h1)  # every gradient before any update
        e2 = (d1 * w[5] + d2 * w[7]) * h2 * (1 - h2)
        grads = [e1 * i1, e1 * i2, e2 * i1, e2 * i2, d1 * h1, d1 * h2, d2 * h1, d2 * h2]
        w = [wi - eta * g for wi, g in zip(w, grads)]
    return errors


def test_error_table_matches_plain_python_training():
    steps = 2000
    hand = textbook_training_by_hand(steps)
    ex = trace(steps=steps, every=250)
    log = ex.training
    assert log.steps == [0, 1, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]
    for s, e in zip(log.steps, log.losses):
        assert abs(e - hand[s]) <= 1e-10 * hand[s], s
    assert log.losses[-1] < log.losses[0] / 50  # the error falls
    assert set(log.outputs[0]) == {"o1", "o2"} and log.targets[0] == {"o1": 0.01, "o2": 0.99}


def test_first_logged_steps_are_the_narrated_step():
    ex = trace(steps=3, every=1)
    assert ex.training.steps == [0, 1, 2, 3]
    assert ex.training.losses[:2] == [ex.loss, ex.loss_after]


def test_divergence_is_reported_not_hidden():
    spec = make_spec(
        layers=[1, 1],
        activations="identity",
        loss="mse",
        lr=50.0,
        weights=[1.0],
        biases=[[0.0]],
        inputs=[[3.0]],
        targets=[[0.0]],
    )
    ex = trace(spec, steps=400)
    assert ex.training.stopped is not None and "smaller lr" in ex.training.stopped


def test_default_every_gives_about_ten_rows():
    assert default_every(10000) == 1000
    assert default_every(5) == 1


def test_every_must_be_positive():
    with pytest.raises(ValueError, match="every"):
        trace(steps=5, every=0)
