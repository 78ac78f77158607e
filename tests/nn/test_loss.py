"""Loss modules and ``nn.functional`` losses: NumPy formulas, gradchecks, errors, stability."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.nn import functional as F

F64 = np.float64


def _t(a, grad=False):
    return rg.tensor(np.asarray(a, dtype=F64), requires_grad=grad, dtype=F64)


def _reduce(values, reduction):
    return {"mean": values.mean(), "sum": values.sum(), "none": values}[reduction]


def _log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


# -- values against plain NumPy formulas ------------------------------------------------
REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_matches_numpy(rng, reduction) -> None:
    p, t = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    out = nn.MSELoss(reduction)(_t(p), _t(t))
    np.testing.assert_allclose(out.data, _reduce((p - t) ** 2, reduction), rtol=1e-12)


def test_half_sse_matches_textbook_formula(rng) -> None:
    p, t = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    out = nn.HalfSSELoss()(_t(p), _t(t))
    np.testing.assert_allclose(out.item(), 0.5 * np.sum((t - p) ** 2), rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_labels_match_numpy(rng, reduction) -> None:
    z, y = rng.normal(size=(6, 4)) * 3, rng.integers(0, 4, size=6)
    out = nn.CrossEntropyLoss(reduction)(_t(z), y)
    expected = -_log_softmax(z)[np.arange(6), y]
    np.testing.assert_allclose(out.data, _reduce(expected, reduction), rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probabilities_match_numpy(rng, reduction) -> None:
    z = rng.normal(size=(5, 3))
    p = rng.random((5, 3))
    p /= p.sum(axis=1, keepdims=True)
    out = nn.CrossEntropyLoss(reduction)(_t(z), _t(p))
    expected = -(p * _log_softmax(z)).sum(axis=1)
    np.testing.assert_allclose(out.data, _reduce(expected, reduction), rtol=1e-12)


def test_cross_entropy_label_smoothing_matches_formula(rng) -> None:
    z, y, eps = rng.normal(size=(5, 4)), rng.integers(0, 4, size=5), 0.1
    out = nn.CrossEntropyLoss(label_smoothing=eps)(_t(z), y)
    target = np.full((5, 4), eps / 4)
    target[np.arange(5), y] += 1 - eps
    expected = -(target * _log_softmax(z)).sum(axis=1).mean()
    np.testing.assert_allclose(out.item(), expected, rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_matches_numpy(rng, reduction) -> None:
    logp, y = _log_softmax(rng.normal(size=(5, 3))), rng.integers(0, 3, size=5)
    out = nn.NLLLoss(reduction)(_t(logp), y)
    np.testing.assert_allclose(out.data, _reduce(-logp[np.arange(5), y], reduction), rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_matches_numpy(rng, reduction) -> None:
    p, t = rng.uniform(0.05, 0.95, size=(4, 3)), rng.random((4, 3))
    out = nn.BCELoss(reduction)(_t(p), _t(t))
    expected = -(t * np.log(p) + (1 - t) * np.log(1 - p))
    np.testing.assert_allclose(out.data, _reduce(expected, reduction), rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_matches_numpy(rng, reduction) -> None:
    z, t = rng.normal(size=(4, 3)) * 4, rng.random((4, 3))
    out = nn.BCEWithLogitsLoss(reduction)(_t(z), _t(t))
    s = 1 / (1 + np.exp(-z))
    expected = -(t * np.log(s) + (1 - t) * np.log(1 - s))
    np.testing.assert_allclose(out.data, _reduce(expected, reduction), rtol=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [0.5, 1.0, 2.0])
def test_huber_matches_numpy(rng, reduction, delta) -> None:
    p, t = rng.normal(size=(5, 2)) * 2, rng.normal(size=(5, 2))
    out = nn.HuberLoss(reduction, delta)(_t(p), _t(t))
    d = np.abs(p - t)
    expected = np.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta))
    np.testing.assert_allclose(out.data, _reduce(expected, reduction), rtol=1e-12)


# -- gradients: module-level gradchecks in float64 ------------------------------------------
def _probs(rng, shape):
    p = rng.random(shape) + 0.1
    return p / p.sum(axis=-1, keepdims=True)


GRADCHECK_CASES = {
    "mse": (lambda r: nn.MSELoss(r), lambda g: (g.normal(size=(4, 3)), g.normal(size=(4, 3)))),
    "half_sse": (
        lambda r: nn.HalfSSELoss(),
        lambda g: (g.normal(size=(3, 2)), g.normal(size=(3, 2))),
    ),
    "huber": (
        lambda r: nn.HuberLoss(r, delta=0.7),
        lambda g: (g.normal(size=(4, 3)) * 2, g.normal(size=(4, 3))),
    ),
    "bce": (lambda r: nn.BCELoss(r), lambda g: (g.uniform(0.1, 0.9, (4, 3)), g.random((4, 3)))),
    "bce_logits": (
        lambda r: nn.BCEWithLogitsLoss(r),
        lambda g: (g.normal(size=(4, 3)) * 3, g.random((4, 3))),
    ),
    "ce_probs": (
        lambda r: nn.CrossEntropyLoss(r),
        lambda g: (g.normal(size=(4, 5)), _probs(g, (4, 5))),
    ),
    "ce_smooth": (
        lambda r: nn.CrossEntropyLoss(r, label_smoothing=0.2),
        lambda g: (g.normal(size=(4, 5)), _probs(g, (4, 5))),
    ),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", sorted(GRADCHECK_CASES))
def test_loss_module_gradcheck_both_inputs(rng, case, reduction) -> None:
    make_loss, make_data = GRADCHECK_CASES[case]
    pred, target = make_data(rng)
    p, t = _t(pred, grad=True), _t(target, grad=case != "ce_smooth")
    loss = make_loss(reduction)
    if case == "huber":  # keep |pred - target| away from the kink at delta
        d = p.data - t.data
        p.data[np.abs(np.abs(d) - 0.7) < 0.05] += 0.2
    assert rg.gradcheck(lambda a, b: loss(a, b), [p, t])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("loss_cls", [nn.CrossEntropyLoss, nn.NLLLoss])
def test_label_loss_module_gradcheck(rng, loss_cls, reduction) -> None:
    z, y = _t(rng.normal(size=(5, 4)), grad=True), rng.integers(0, 4, size=5)
    loss = loss_cls(reduction)
    fn = (lambda a: loss(a, y)) if loss_cls is nn.CrossEntropyLoss else (
        lambda a: loss(F.log_softmax(a, axis=1), y)
    )  # fmt: skip
    assert rg.gradcheck(fn, [z])


def test_cross_entropy_gradient_is_softmax_minus_onehot(rng) -> None:
    z, y = rng.normal(size=(3, 4)), np.array([0, 3, 1])
    zt = _t(z, grad=True)
    F.cross_entropy(zt, y, reduction="sum").backward()
    soft = np.exp(_log_softmax(z))
    soft[np.arange(3), y] -= 1
    np.testing.assert_allclose(zt.grad, soft, rtol=1e-12, atol=1e-15)


def test_nll_after_log_softmax_equals_cross_entropy_gradients(rng) -> None:
    z, y = rng.normal(size=(4, 3)), rng.integers(0, 3, size=4)
    a, b = _t(z, grad=True), _t(z, grad=True)
    nn.CrossEntropyLoss()(a, y).backward()
    nn.NLLLoss()(nn.LogSoftmax(axis=1)(b), y).backward()
    np.testing.assert_allclose(a.grad, b.grad, rtol=1e-10, atol=1e-14)


# -- numerical stability --------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_logits_give_finite_losses_and_gradients(dtype) -> None:
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], dtype=dtype)
    y = np.array([1, 0])
    probs = np.array([[0.0, 1.0, 0.0], [0.5, 0.25, 0.25]], dtype=dtype)
    cases = [
        (nn.CrossEntropyLoss(), y, 2e4 / 2 + (2e4 + np.log(2)) / 2),
        (nn.CrossEntropyLoss(), probs, None),
        (nn.BCEWithLogitsLoss(), (z > 0).astype(dtype), np.log(2) / 6),  # only z=0 costs
        (nn.BCEWithLogitsLoss(), (z <= 0).astype(dtype), None),
        (nn.MSELoss(), np.zeros_like(z), None),
        (nn.HuberLoss(), np.zeros_like(z), None),
    ]
    for loss_fn, target, expected in cases:
        x = rg.tensor(z, requires_grad=True, dtype=dtype)
        loss = loss_fn(x, target)
        loss.backward()
        assert np.isfinite(loss.item()), type(loss_fn).__name__
        assert np.isfinite(x.grad).all(), type(loss_fn).__name__
        assert x.grad.dtype == dtype
        if expected is not None:
            np.testing.assert_allclose(loss.item(), expected, rtol=1e-6, atol=1e-6)


def test_log_softmax_then_nll_is_finite_at_huge_logits() -> None:
    x = rg.tensor([[1e4, -1e4]], requires_grad=True)
    loss = nn.NLLLoss()(nn.LogSoftmax()(x), [1])
    loss.backward()
    assert loss.item() == pytest.approx(2e4)
    assert np.isfinite(x.grad).all()


# -- dtypes and targets ----------------------------------------------------------------------
def test_targets_take_the_prediction_dtype() -> None:
    pred = rg.tensor([[0.5, 0.25]], requires_grad=True)  # float32
    for target in ([[1, 0]], np.array([[1.0, 0.0]]), rg.tensor([[1, 0]])):
        loss = nn.MSELoss()(pred, target)
        assert loss.dtype == np.float32
        loss.backward()
        assert pred.grad.dtype == np.float32
        pred.grad = None


def test_float64_target_tensor_against_float32_prediction_is_refused() -> None:
    with pytest.raises(TypeError, match="float32.*float64"):
        nn.MSELoss()(rg.tensor([1.0]), rg.tensor([1.0], dtype=F64))


def test_integer_prediction_is_refused() -> None:
    with pytest.raises(TypeError, match="floating"):
        nn.MSELoss()(rg.tensor([1, 2]), [1.0, 2.0])


# -- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "loss_fn, pred_shape, target",
    [
        (nn.MSELoss(), (4, 1), np.zeros(4)),
        (nn.HalfSSELoss(), (4, 2), np.zeros((2, 4))),
        (nn.HuberLoss(), (3,), np.zeros(4)),
        (nn.BCELoss(), (4, 1), np.full(4, 0.5)),
        (nn.BCEWithLogitsLoss(), (4, 1), np.zeros(4)),
        (nn.CrossEntropyLoss(), (4, 3), np.zeros(5, dtype=np.int64)),
        (nn.CrossEntropyLoss(), (4, 3), np.full((4, 2), 0.5)),
        (nn.NLLLoss(), (4, 3), np.zeros(3, dtype=np.int64)),
    ],
)
def test_shape_mismatch_names_both_shapes(loss_fn, pred_shape, target) -> None:
    pred = rg.tensor(np.full(pred_shape, 0.5))
    with pytest.raises(ValueError) as info:
        loss_fn(pred, target)
    msg = str(info.value)
    assert str(pred_shape) in msg and str(target.shape) in msg, msg


@pytest.mark.parametrize("labels", [[0, 3], [-1, 0]])
@pytest.mark.parametrize("loss_cls", [nn.CrossEntropyLoss, nn.NLLLoss])
def test_out_of_range_labels_are_refused(loss_cls, labels) -> None:
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        loss_cls()(rg.tensor(np.zeros((2, 3))), np.array(labels))


def test_nll_rejects_float_targets() -> None:
    with pytest.raises(TypeError, match="integer"):
        nn.NLLLoss()(rg.tensor(np.zeros((2, 3))), np.array([0.0, 1.0]))


def test_bce_rejects_values_outside_zero_one() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        nn.BCELoss()(rg.tensor([1.5]), [1.0])


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.MSELoss("avg"),
        lambda: nn.HuberLoss(delta=0.0),
        lambda: nn.CrossEntropyLoss(label_smoothing=1.5),
    ],
)
def test_bad_settings_fail_at_construction(make) -> None:
    with pytest.raises(ValueError):
        make()


# -- module plumbing ------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(nn.LOSSES))
def test_every_named_loss_rebuilds_from_its_config(name) -> None:
    cls = nn.LOSSES[name]
    loss = cls()
    config = loss.get_config()
    rebuilt = cls(**config)
    assert rebuilt.get_config() == config
    assert repr(rebuilt) == repr(loss)


def test_loss_config_keeps_settings() -> None:
    assert nn.HuberLoss("sum", delta=2.0).get_config() == {"reduction": "sum", "delta": 2.0}
    assert nn.CrossEntropyLoss(label_smoothing=0.1).get_config() == {
        "reduction": "mean",
        "label_smoothing": 0.1,
    }


# -- oracle: PyTorch (optional) ---------------------------------------------------------------
def test_losses_match_torch(rng) -> None:
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    z, t = rng.normal(size=(5, 3)) * 3, rng.random((5, 3))
    p = 1 / (1 + np.exp(-z))
    y = rng.integers(0, 3, size=5)
    pairs = [
        (lambda a: F.mse_loss(a, t), lambda a: tf.mse_loss(a, torch.tensor(t)), z),
        (
            lambda a: F.huber_loss(a, t, delta=0.5),
            lambda a: tf.huber_loss(a, torch.tensor(t), delta=0.5),
            z,
        ),
        (
            lambda a: F.binary_cross_entropy(a, t),
            lambda a: tf.binary_cross_entropy(a, torch.tensor(t)),
            p,
        ),
        (
            lambda a: F.binary_cross_entropy_with_logits(a, t, reduction="sum"),
            lambda a: tf.binary_cross_entropy_with_logits(a, torch.tensor(t), reduction="sum"),
            z,
        ),
        (lambda a: F.cross_entropy(a, y), lambda a: tf.cross_entropy(a, torch.tensor(y)), z),
        (
            lambda a: F.cross_entropy(a, y, label_smoothing=0.3),
            lambda a: tf.cross_entropy(a, torch.tensor(y), label_smoothing=0.3),
            z,
        ),
        (
            lambda a: F.nll_loss(F.log_softmax(a, axis=1), y, reduction="sum"),
            lambda a: tf.nll_loss(tf.log_softmax(a, dim=1), torch.tensor(y), reduction="sum"),
            z,
        ),
    ]
    for ours, theirs, x in pairs:
        a = _t(x, grad=True)
        out = ours(a)
        out.backward()
        b = torch.tensor(x, requires_grad=True)
        ref = theirs(b)
        ref.backward()
        np.testing.assert_allclose(out.item(), ref.item(), rtol=1e-10)
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-8, atol=1e-12)
