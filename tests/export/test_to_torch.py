"""The documented state_dict -> torch.nn mapping, checked against PyTorch itself."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.export import TORCH_LAYERS, torch_source, torch_state_dict


def test_source_names_torch_classes_without_importing_torch():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Softmax(axis=1))
    src = torch_source(model)
    assert src.startswith("torch.nn.Sequential(\n    torch.nn.Conv2d(in_channels=1")
    assert "torch.nn.Softmax(dim=1)" in src  # retrograd's axis is torch's dim
    assert sorted(torch_state_dict(model)) == ["0.bias", "0.weight"]


def test_unmapped_layer_is_named():
    class Twice(nn.Module):
        def forward(self, x):
            return x * 2

    with pytest.raises(TypeError, match=r"layer '1' \(Twice\) has no torch.nn counterpart"):
        torch_source(nn.Sequential(nn.Linear(2, 2), Twice()))
    with pytest.raises(TypeError, match="FixedPointLayer"):
        torch_state_dict(nn.Sequential(nn.FixedPointLayer(nn.Linear(2, 2))))


def _build_torch(model):
    torch = pytest.importorskip("torch")
    tmodel = eval(torch_source(model), {"torch": torch})  # noqa: S307 - our own generated code
    tmodel.load_state_dict({k: torch.from_numpy(v) for k, v in torch_state_dict(model).items()})
    return torch, tmodel.eval()


def _compare(model, x, atol=1e-5):
    torch, tmodel = _build_torch(model)
    model.eval()
    with rg.no_grad():
        want = model(rg.tensor(x)).data
    with torch.no_grad():
        got = tmodel(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, want, atol=atol, rtol=1e-5)


def test_cnn_with_every_image_layer_matches_torch():
    rng = np.random.default_rng(0)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, rng=rng), nn.BatchNorm2d(8), nn.ReLU(),
        nn.MaxPool2d(2, padding=1, dilation=1, ceil_mode=True),
        nn.Conv2d(8, 8, 3, padding="same", groups=2, rng=rng), nn.GELU("tanh"),
        nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),
        nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten(), nn.Dropout(0.5),
        nn.Linear(32, 16, rng=rng), nn.LayerNorm(16), nn.LeakyReLU(0.1), nn.ELU(0.5),
        nn.Softplus(), nn.Sigmoid(), nn.Tanh(), nn.Linear(16, 4, rng=rng), nn.LogSoftmax(axis=1),
    )  # fmt: skip
    model.train()
    with rg.no_grad():
        model(rg.tensor(rng.normal(1.0, 2.0, size=(8, 3, 9, 9))))  # running statistics
    _compare(model, rng.normal(size=(5, 3, 9, 9)).astype(np.float32))


def test_sequence_layers_match_torch():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 3, 6)).astype(np.float32)  # (N, C, L)
    model = nn.Sequential(nn.Conv1d(3, 4, 3, rng=rng), nn.BatchNorm1d(4), nn.MaxPool1d(2),
                          nn.AvgPool1d(2), nn.Flatten(), nn.Identity())  # fmt: skip
    _compare(model, x)
    for cls in (nn.RNN, nn.LSTM, nn.GRU):  # gate order and names are PyTorch's
        layer = cls(6, 5, num_layers=2, bidirectional=True, batch_first=True)
        torch, tlayer = _build_torch(layer)
        with rg.no_grad():
            want = layer(rg.tensor(x))[0].data
        with torch.no_grad():
            got = tlayer(torch.from_numpy(x))[0].numpy()
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_embedding_and_cells_load_into_torch():
    for layer in (nn.Embedding(7, 3, padding_idx=0), nn.LSTMCell(3, 4), nn.GRUCell(3, 4),
                  nn.RNNCell(3, 4)):  # fmt: skip
        torch, tlayer = _build_torch(layer)
        for k, v in tlayer.state_dict().items():
            np.testing.assert_array_equal(v.numpy(), layer.state_dict()[k])


def test_every_mapped_layer_is_a_torch_class():
    torch = pytest.importorskip("torch")
    for name in TORCH_LAYERS.values():
        assert isinstance(getattr(torch.nn, name), type)


def test_docstring_examples_run():
    import doctest

    import retrograd.export.to_torch as module

    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
