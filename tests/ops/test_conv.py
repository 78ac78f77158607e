"""ops/conv.py speed paths: batch-last layout and im2col in cache-sized blocks.

The semantics (direct-loop references, gradchecks per option) are tested in
tests/nn/test_conv.py and tests/op_db/conv.py; here: the layout and block paths give
exactly the same numbers as the plain path.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from op_db.conv import conv2d_reference
from retrograd import nn
from retrograd.ops import conv as conv_ops
from retrograd.ops.conv import batch_last_padded, is_batch_last

F64 = np.float64


def _batch_last_copy(a):
    return np.ascontiguousarray(a.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)


def test_is_batch_last_and_padded_copy(rng):
    x = rng.standard_normal((3, 2, 4, 5))
    xb = _batch_last_copy(x)
    assert not is_batch_last(x) and is_batch_last(xb)
    assert not is_batch_last(x[:1])  # one sample: both layouts coincide, report C order
    padded = batch_last_padded(x, ((1, 0), (2, 1)))
    assert padded.shape == (2, 5, 8, 3) and padded.flags.c_contiguous
    np.testing.assert_array_equal(padded[:, 1:, 2:7].transpose(3, 0, 1, 2), x)
    assert padded[:, 0].sum() == 0 and padded[:, :, :2].sum() == 0
    assert batch_last_padded(xb, ((0, 0), (0, 0))).base is not None  # a view, no copy


def test_conv_output_is_a_batch_last_view_with_the_usual_shape(rng):
    layer = nn.Conv2d(3, 4, 3, padding=1, rng=rng, dtype=F64)
    x = rg.tensor(rng.standard_normal((5, 3, 6, 7)), dtype=F64)
    y = layer(x)
    assert y.shape == (5, 4, 6, 7) and is_batch_last(y.data)
    expected = conv2d_reference(
        x.data, layer.weight.data, layer.bias.data, (1, 1), ((1, 1), (1, 1)), (1, 1), 1
    )
    np.testing.assert_allclose(y.data, expected, rtol=1e-12, atol=1e-12)


def _stack(rng):
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1, rng=rng, dtype=F64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, groups=2, rng=rng, dtype=F64), nn.ReLU(), nn.AvgPool2d(2),
        nn.Flatten(),
    )  # fmt: skip


def test_layouts_and_block_sizes_give_identical_results(rng, monkeypatch):
    model = _stack(rng)
    x_np = rng.standard_normal((4, 2, 10, 10))
    g_np = rng.standard_normal((4, 6))
    results = []
    for layout in (lambda a: a, _batch_last_copy):
        for chunk in (conv_ops.CHUNK_BYTES, 1):  # default blocks, then one output row each
            monkeypatch.setattr(conv_ops, "CHUNK_BYTES", chunk)
            model.zero_grad()
            x = rg.tensor(layout(x_np), dtype=F64, requires_grad=True)
            y = model(x)
            y.backward(g_np)
            grads = [p.grad for p in model.parameters()]
            results.append((y.data, x.grad, grads))
    y0, gx0, gp0 = results[0]
    for y, gx, gp in results[1:]:
        np.testing.assert_allclose(y, y0, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(gx, gx0, rtol=1e-12, atol=1e-14)
        for a, b in zip(gp, gp0):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_gradcheck_with_one_row_blocks_and_batch_last_input(rng, monkeypatch):
    monkeypatch.setattr(conv_ops, "CHUNK_BYTES", 1)
    layer = nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2), rng=rng, dtype=F64)
    x = rg.tensor(_batch_last_copy(rng.standard_normal((3, 3, 7, 8))), dtype=F64,
                  requires_grad=True)  # fmt: skip
    assert rg.gradcheck(lambda t, *_: layer(t), [x, layer.weight, layer.bias])


def test_frozen_weight_skips_the_im2col_rebuild(rng):
    # with no dL/dW wanted, backward only needs col2im; the input still gets its gradient
    layer = nn.Conv2d(2, 3, 3, rng=rng, dtype=F64)
    layer.weight.requires_grad = False
    x = rg.tensor(rng.standard_normal((2, 2, 5, 5)), dtype=F64, requires_grad=True)
    layer(x).sum().backward()
    assert layer.weight.grad is None and x.grad.shape == (2, 2, 5, 5)
    assert rg.gradcheck(lambda t: layer(t), [x])


@pytest.mark.parametrize("batch_last", [False, True])
def test_matches_torch_on_a_lenet_block(batch_last, rng):
    torch = pytest.importorskip("torch")
    x_np = rng.standard_normal((8, 1, 28, 28))
    w_np = rng.standard_normal((6, 1, 5, 5)) * 0.2
    x = rg.tensor(_batch_last_copy(x_np) if batch_last else x_np, dtype=F64, requires_grad=True)
    w = rg.tensor(w_np, dtype=F64, requires_grad=True)
    y = nn.functional.max_pool2d(nn.functional.conv2d(x, w, padding=2).relu(), 2)
    xt = torch.tensor(x_np, requires_grad=True)
    wt = torch.tensor(w_np, requires_grad=True)
    yt = torch.nn.functional.max_pool2d(torch.conv2d(xt, wt, padding=2).relu(), 2)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(y.shape)
    y.backward(g)
    yt.backward(torch.from_numpy(g))
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w.grad, wt.grad.numpy(), rtol=1e-10, atol=1e-12)
