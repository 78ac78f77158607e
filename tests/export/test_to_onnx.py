"""ONNX export: every supported layer, run in onnxruntime, matches retrograd within 1e-5."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import retrograd as rg  # noqa: E402
from retrograd import nn  # noqa: E402
from retrograd.export import CONVERTERS, UnsupportedLayerError, export_onnx  # noqa: E402


def _rng(seed=0):
    return np.random.default_rng(seed)


def _run(proto, x):
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"input": x})[0]


def _ours(model, x):
    model.eval()
    with rg.no_grad():
        return model(rg.tensor(x, dtype=x.dtype)).data


def _warm_up_batch_norm(model, shape, seed=1):
    """A few training-mode passes so BatchNorm's running statistics are not the defaults."""
    model.train()
    with rg.no_grad():
        for i in range(3):
            model(rg.tensor(_rng(seed + i).normal(2.0, 3.0, size=(16, *shape))))
    model.eval()


def _check(model, shape, batch=7, atol=1e-5, **kwargs):
    proto = export_onnx(model, input_shape=shape, **kwargs)
    dtype = next(model.parameters()).dtype if list(model.parameters()) else np.float32
    for n in (1, batch):  # the batch axis is dynamic
        x = _rng(42 + n).normal(size=(n, *shape)).astype(dtype)
        got, want = _run(proto, x), _ours(model, x)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, atol=atol, rtol=0)
    return proto


@pytest.mark.parametrize(
    "act",
    [nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.LeakyReLU(0.2), nn.ELU(0.7), nn.GELU(),
     nn.GELU("tanh"), nn.Softplus(), nn.Identity()],
    ids=lambda m: repr(m),
)  # fmt: skip
def test_mlp_with_each_activation(act):
    rng = _rng()
    model = nn.Sequential(nn.Linear(6, 16, rng=rng), act, nn.Linear(16, 4, rng=rng))
    proto = _check(model, (6,))
    assert [n.op_type for n in proto.graph.node][0] == "Gemm"


def test_classifier_head_softmax_logsoftmax_dropout():
    rng = _rng()
    model = nn.Sequential(
        nn.Linear(5, 8, rng=rng), nn.Tanh(), nn.Dropout(0.5), nn.Linear(8, 3, rng=rng),
        nn.Softmax(), nn.Identity(), nn.LogSoftmax(axis=1),
    )  # fmt: skip
    _check(model, (5,))


def test_initializers_are_named_like_the_state_dict():
    rng = _rng()
    model = nn.Sequential(nn.Linear(3, 4, rng=rng), nn.ReLU(), nn.Linear(4, 2, bias=False, rng=rng))
    proto = _check(model, (3,))
    names = {t.name for t in proto.graph.initializer}
    assert names == set(model.state_dict())
    stored = {t.name: onnx.numpy_helper.to_array(t) for t in proto.graph.initializer}
    np.testing.assert_array_equal(stored["0.weight"], model[0].weight.data)


def test_lenet_style_cnn():
    rng = _rng()
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2, rng=rng), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5, rng=rng), nn.Tanh(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 32, rng=rng), nn.BatchNorm1d(32), nn.ReLU(),
        nn.Dropout(0.3), nn.Linear(32, 10, rng=rng),
    )  # fmt: skip
    _warm_up_batch_norm(model, (1, 28, 28))
    proto = _check(model, (1, 28, 28))
    ops = [n.op_type for n in proto.graph.node]
    assert ops.count("Conv") == 2 and "BatchNormalization" in ops and "MaxPool" in ops


def test_conv_and_pool_options():
    rng = _rng()
    model = nn.Sequential(
        nn.Conv2d(4, 6, 3, stride=2, padding=1, dilation=1, groups=2, rng=rng),
        nn.Conv2d(6, 6, (3, 2), padding="same", dilation=2, bias=False, rng=rng),
        nn.MaxPool2d(3, stride=2, padding=1, dilation=1),
        nn.Conv2d(6, 4, 1, padding="valid", rng=rng),
        nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),
        nn.AvgPool2d(2, stride=1, padding=1, count_include_pad=True),
        nn.MaxPool2d(2, stride=1, dilation=2),
    )  # fmt: skip
    _check(model, (4, 17, 15))


def test_ceil_mode_pools():
    model = nn.Sequential(nn.MaxPool2d(2, ceil_mode=True), nn.AvgPool2d(2, ceil_mode=True))
    _check(model, (3, 7, 9))


@pytest.mark.parametrize("out", [1, (2, 3), (None, 1)])
def test_adaptive_average_pool(out):
    rng = _rng()
    model = nn.Sequential(nn.Conv2d(2, 3, 3, rng=rng), nn.AdaptiveAvgPool2d(out), nn.Flatten())
    _check(model, (2, 8, 11))  # conv output 6 x 9


def test_one_dimensional_layers_and_layer_norm():
    rng = _rng()
    model = nn.Sequential(
        nn.Conv1d(3, 5, 3, padding=1, rng=rng), nn.BatchNorm1d(5), nn.ELU(),
        nn.MaxPool1d(2), nn.AvgPool1d(3, stride=1, padding=1), nn.LayerNorm(6), nn.Flatten(),
        nn.Linear(30, 2, rng=rng),
    )  # fmt: skip
    _warm_up_batch_norm(model, (3, 12))
    _check(model, (3, 12))


def test_linear_on_3d_input_and_partial_flatten():
    rng = _rng()
    model = nn.Sequential(
        nn.Linear(5, 4, rng=rng), nn.ReLU(), nn.Flatten(start_dim=2), nn.LayerNorm([4])
    )
    proto = _check(model, (3, 5))
    assert "MatMul" in [n.op_type for n in proto.graph.node]
    model = nn.Sequential(nn.Conv2d(2, 3, 1, rng=rng), nn.Flatten(start_dim=2))
    _check(model, (2, 4, 5))


def test_float64_model_exports_double():
    rng = _rng()
    model = nn.Sequential(nn.Linear(4, 8, rng=rng, dtype=np.float64), nn.Tanh(),
                          nn.Linear(8, 2, rng=rng, dtype=np.float64))  # fmt: skip
    proto = _check(model, (4,), atol=1e-12)
    assert proto.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE


def test_nested_sequential_and_single_layer():
    rng = _rng()
    inner = nn.Sequential(nn.Linear(4, 4, rng=rng), nn.ReLU())
    proto = _check(nn.Sequential(inner, nn.Sequential(nn.Linear(4, 2, rng=rng))), (4,))
    assert {t.name for t in proto.graph.initializer} >= {"0.0.weight", "1.0.bias"}
    _check(nn.Linear(3, 2, rng=rng), (3,))


def test_input_standardisation_is_built_in(tmp_path):
    rng = _rng()
    model = nn.Sequential(nn.Linear(3, 2, rng=rng))
    mean, std = np.array([1.0, -2.0, 0.5]), np.array([2.0, 0.5, 4.0])
    path = tmp_path / "m.onnx"
    export_onnx(model, path, mean=mean, std=std)
    proto = onnx.load(str(path))
    raw = _rng(3).normal(size=(5, 3)).astype(np.float32)
    want = _ours(model, ((raw - mean) / std).astype(np.float32))
    np.testing.assert_allclose(_run(proto, raw), want, atol=1e-5)
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_input_shape_is_inferred_for_mlps_and_required_for_cnns():
    rng = _rng()
    proto = export_onnx(nn.Sequential(nn.Linear(7, 2, rng=rng)))
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "N" and dims[1].dim_value == 7
    with pytest.raises(ValueError, match="input_shape.*Conv2d"):
        export_onnx(nn.Sequential(nn.Conv2d(1, 2, 3)))


@pytest.mark.parametrize(
    "model, match",
    [
        (nn.Sequential(nn.Linear(3, 4), nn.LSTM(4, 4)), r"layer '1' \(LSTM\) has no ONNX export"),
        (nn.Sequential(nn.Embedding(5, 3)), r"layer '0' \(Embedding\)"),
        (nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2, track_running_stats=False)),
         "track_running_stats=False"),
        (nn.Sequential(nn.Conv2d(1, 1, 1), nn.AdaptiveAvgPool2d(3)), "multiple of the output"),
    ],
)  # fmt: skip
def test_unsupported_layers_are_named(model, match):
    shape = (1, 8, 8) if isinstance(model[0], nn.Conv2d) else None
    with pytest.raises(UnsupportedLayerError, match=match):
        export_onnx(model, input_shape=shape)


def test_custom_module_is_rejected_by_name():
    class Twice(nn.Module):
        def forward(self, x):
            return x * 2

    with pytest.raises(UnsupportedLayerError, match=r"'2' \(Twice\)"):
        export_onnx(nn.Sequential(nn.Linear(2, 2), nn.ReLU(), Twice()))


def test_every_converter_is_exercised_by_this_file():
    tested = {
        "Linear", "ReLU", "Sigmoid", "Tanh", "Softplus", "Identity", "Dropout", "LeakyReLU",
        "ELU", "GELU", "Softmax", "LogSoftmax", "Flatten", "Conv1d", "Conv2d", "MaxPool1d",
        "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool2d", "BatchNorm1d",
        "BatchNorm2d", "LayerNorm",
    }  # fmt: skip
    assert {c.__name__ for c in CONVERTERS} == tested


def test_export_leaves_training_mode_as_it_was():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    model.train()
    export_onnx(model)
    assert model.training and model[1].training
