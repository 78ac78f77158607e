"""The backward walk: accumulation, retain_graph, freed graphs, deep chains, determinism."""

from __future__ import annotations

import weakref

import numpy as np
import pytest

import retrograd as rg
from retrograd.engine import topological_order


def test_gradients_accumulate_into_leaves_like_pytorch() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad, 3 + 2 * np.array([1.0, 2.0]))  # summed, not replaced


def test_a_tensor_used_twice_receives_both_paths() -> None:
    # y = x * x + x: dy/dx = 2x + 1 (the multivariate chain rule sums both paths)
    x = rg.tensor(3.0, requires_grad=True, dtype=np.float64)
    y = x * x + x
    y.backward()
    assert float(x.grad) == 7.0


def test_diamond_graph_is_visited_once_per_node() -> None:
    x = rg.tensor([0.5, -1.0], requires_grad=True, dtype=np.float64)
    h = x.exp()
    y = (h * 2 + h * h).sum()  # h feeds three ops
    y.backward()
    e = np.exp(x.data)
    np.testing.assert_allclose(x.grad, 2 * e + 2 * e * e)


def test_retain_graph_allows_a_second_backward() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * (2 * x.data))


def test_second_backward_through_a_freed_graph_raises() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_backward_frees_saved_arrays() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    h = x * x
    y = h.sum()
    y.backward()
    assert h._node.saved is None and h._node.inputs == ()


def test_shared_subgraph_freed_by_first_loss_raises_for_second() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    l1, l2 = h.sum(), (h * 2).sum()
    l1.backward()
    with pytest.raises(RuntimeError, match="Exp"):
        l2.backward()


def test_non_scalar_backward_without_gradient_raises() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"scalar.*shape \(2,\)"):
        (x * 2).backward()


def test_non_scalar_backward_with_gradient() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    (x * x).backward(np.array([1.0, 10.0]))
    np.testing.assert_allclose(x.grad, [2.0, 40.0])


def test_backward_gradient_of_wrong_shape_raises() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_on_tensor_without_grad_raises() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        rg.tensor([1.0]).sum().backward()


def test_integer_tensor_cannot_require_grad() -> None:
    with pytest.raises(TypeError, match="int64"):
        rg.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="floating"):
        rg.tensor([True, False]).requires_grad_()


def test_chain_of_100000_ops_has_no_recursion_error() -> None:
    x = rg.tensor(1.0, requires_grad=True, dtype=np.float64)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert float(x.grad) == 1.0
    del y  # freeing the chain must not recurse either


def test_deep_graph_released_without_backward_frees_cleanly() -> None:
    x = rg.tensor(1.0, requires_grad=True)
    y = first = x + 1.0
    first_node = weakref.ref(first)
    del first
    for _ in range(100_000):
        y = y + 1.0
    assert first_node() is not None  # the chain keeps its first node alive ...
    del y  # ... until the 100k-node graph, which never ran backward, is dropped
    assert first_node() is None  # freed at once, without a RecursionError or a gc pass


def test_same_graph_gives_bit_identical_gradients() -> None:
    rng = np.random.default_rng(0)
    w1 = rng.standard_normal((8, 5)).astype(np.float32)
    w2 = rng.standard_normal((3, 8)).astype(np.float32)
    xs = rng.standard_normal((16, 5)).astype(np.float32)
    grads = []
    for _ in range(3):
        a, b = rg.tensor(w1, requires_grad=True), rg.tensor(w2, requires_grad=True)
        x = rg.tensor(xs)
        h = (x @ a.T).tanh()
        out = h @ b.T
        loss = (out * out).mean() + (h.sum(axis=0) * h.max(axis=0)).sum()
        loss.backward()
        grads.append((a.grad.copy(), b.grad.copy()))
    for ga, gb in grads[1:]:
        assert np.array_equal(ga, grads[0][0]) and np.array_equal(gb, grads[0][1])


def test_no_grad_records_nothing() -> None:
    w = rg.tensor([1.0, 2.0], requires_grad=True)
    with rg.no_grad():
        y = w * 2
        assert not rg.is_grad_enabled()
    assert rg.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf


def test_no_grad_as_decorator_and_enable_grad_inside() -> None:
    w = rg.tensor([1.0], requires_grad=True)

    @rg.no_grad()
    def f():
        with rg.enable_grad():
            inner = w * 2
        return w * 2, inner

    outer, inner = f()
    assert not outer.requires_grad and inner.requires_grad


def test_no_grad_restores_state_after_exception() -> None:
    with pytest.raises(ZeroDivisionError), rg.no_grad():
        1 / 0  # noqa: B018
    assert rg.is_grad_enabled()


def test_retain_grad_keeps_non_leaf_gradient() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    h = (x * 3).retain_grad()
    other = x * 5
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad, 2 * h.data)
    assert other.grad is None  # non-leaves without retain_grad keep no gradient


def test_leaf_grad_is_a_writable_array_not_a_broadcast_view() -> None:
    x = rg.tensor(np.ones((3, 4)), requires_grad=True)
    x.sum().backward()
    assert x.grad.flags.writeable and x.grad.shape == (3, 4)


def test_backward_on_a_leaf_copies_the_seed() -> None:
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    seed = np.array([3.0, 4.0], dtype=np.float32)
    x.backward(seed)
    seed[0] = 100.0
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_branch_not_reaching_the_loss_gets_no_gradient() -> None:
    a = rg.tensor([1.0], requires_grad=True)
    b = rg.tensor([2.0], requires_grad=True)
    y = (a * 2).sum()
    _ = b * 3
    y.backward()
    assert b.grad is None and a.grad is not None


def test_topological_order_puts_every_node_before_its_inputs() -> None:
    x = rg.tensor([1.0], requires_grad=True)
    a = x.exp()
    b = a * a
    c = b + a
    order = topological_order(c._node)
    pos = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for t in node.inputs:
            if t._node is not None:
                assert pos[id(node)] < pos[id(t._node)]
    assert len(order) == 3


def test_detect_anomaly_names_the_op_in_forward() -> None:
    x = rg.tensor([1.0, -1.0], requires_grad=True)
    with rg.detect_anomaly(), pytest.raises(FloatingPointError, match="Log"):
        with np.errstate(invalid="ignore"):
            x.log()


def test_detect_anomaly_names_the_op_in_backward() -> None:
    x = rg.tensor([0.0, 1.0], requires_grad=True)
    with rg.detect_anomaly():
        y = x.sqrt()  # finite forward; d sqrt/dx = inf at 0
        with pytest.raises(FloatingPointError, match="Sqrt"), np.errstate(divide="ignore"):
            y.sum().backward()


def test_without_detect_anomaly_nan_passes_silently() -> None:
    x = rg.tensor([-1.0], requires_grad=True)
    with np.errstate(invalid="ignore"):
        y = x.log()
    assert np.isnan(y.data).all()


def test_textbook_2_2_2_first_step_gradients_equal_the_hand_chain_rule() -> None:
    """The classic worked example: inputs 0.05, 0.10; sigmoid; E = 1/2 sum (t - o)^2."""
    f64 = np.float64
    x = rg.tensor([[0.05, 0.10]], dtype=f64)
    w1 = rg.tensor([[0.15, 0.20], [0.25, 0.30]], requires_grad=True, dtype=f64)
    b1 = rg.tensor([0.35, 0.35], requires_grad=True, dtype=f64)
    w2 = rg.tensor([[0.40, 0.45], [0.50, 0.55]], requires_grad=True, dtype=f64)
    b2 = rg.tensor([0.60, 0.60], requires_grad=True, dtype=f64)
    t = np.array([[0.01, 0.99]])
    h = (x @ w1.T + b1).sigmoid()
    o = (h @ w2.T + b2).sigmoid()
    e = ((o - t) ** 2).sum() * 0.5
    e.backward()

    # by hand, one factor at a time
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    hv = sig(x.data @ w1.data.T + b1.data)
    ov = sig(hv @ w2.data.T + b2.data)
    de_do = ov - t  # dE/do_j = -(t_j - o_j)
    do_dnet = ov * (1 - ov)  # do/dnet = o (1 - o)
    delta_o = de_do * do_dnet
    grad_w2 = delta_o.T @ hv  # dnet_o/dw = h
    delta_h = (delta_o @ w2.data) * hv * (1 - hv)  # back through w2 and the hidden sigmoid
    grad_w1 = delta_h.T @ x.data
    np.testing.assert_allclose(e.item(), 0.298371109, atol=1e-9)  # the published value
    np.testing.assert_allclose(w2.grad, grad_w2, rtol=1e-12)
    np.testing.assert_allclose(w1.grad, grad_w1, rtol=1e-12)
    np.testing.assert_allclose(b2.grad, delta_o[0], rtol=1e-12)
    np.testing.assert_allclose(b1.grad, delta_h[0], rtol=1e-12)
    np.testing.assert_allclose(w2.grad[0, 0], 0.082167041, atol=1e-9)  # dE/dw5 published
    np.testing.assert_allclose(w1.grad[0, 0], 0.000438568, atol=1e-9)  # dE/dw1 published


def test_an_error_mid_backward_leaves_no_stale_gradients() -> None:
    x = rg.tensor([0.0, 1.0], requires_grad=True)
    y = x.sqrt()
    z = (y * 2).sum()
    with rg.detect_anomaly(), pytest.raises(FloatingPointError), np.errstate(divide="ignore"):
        z.backward(retain_graph=True)  # fails in Sqrt, after Mul has passed its gradient on
    assert y._node.pending is None  # nothing left waiting on the node
    x.grad = None
    with np.errstate(divide="ignore"):
        z.backward()  # a clean second pass gives exactly one pass's gradient
    np.testing.assert_array_equal(x.grad[1:], [1.0])


def test_needs_grad_skips_unneeded_gradients() -> None:
    w = rg.tensor(np.ones((3, 2)), requires_grad=True)
    x = rg.tensor(np.ones((4, 2)))  # data: no gradient wanted
    y = x @ w.T
    node = y._node
    assert node.needs_grad(1) and not node.needs_grad(0)
    grads = node.backward(np.ones((4, 3), dtype=np.float32))
    assert grads[0] is None and grads[1].shape == (2, 3)  # the gradient of w.T


def test_grad_mode_decorators_restore_state_even_on_error() -> None:
    @rg.no_grad()
    def fails() -> None:
        assert not rg.is_grad_enabled()
        raise KeyError("boom")

    @rg.enable_grad()
    def records() -> bool:
        return rg.is_grad_enabled()

    with pytest.raises(KeyError):
        fails()
    assert rg.is_grad_enabled()
    with rg.no_grad():
        assert records()
        assert not rg.is_grad_enabled()
