"""Sequential, ModuleList, ModuleDict."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn


def _mlp():
    rng = np.random.default_rng(0)
    return nn.Sequential(nn.Linear(2, 4, rng=rng), nn.Tanh(), nn.Linear(4, 1, rng=rng))


def test_sequential_applies_layers_in_order() -> None:
    model = _mlp()
    x = rg.tensor(np.random.default_rng(1).normal(size=(3, 2)))
    expected = model[2](model[1](model[0](x)))
    np.testing.assert_array_equal(model(x).data, expected.data)


def test_sequential_names_match_pytorch() -> None:
    assert list(_mlp().state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_sequential_from_a_dict_uses_its_names() -> None:
    model = nn.Sequential({"hidden": nn.Linear(2, 3), "act": nn.ReLU(), "out": nn.Linear(3, 1)})
    assert list(model.state_dict()) == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert isinstance(model["act"], nn.ReLU)


def test_sequential_indexing_slicing_append_len_iter() -> None:
    model = _mlp()
    assert len(model) == 3 and isinstance(model[-1], nn.Linear)
    head = model[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is model[0]
    model.append(nn.Sigmoid())
    assert [type(m).__name__ for m in model] == ["Linear", "Tanh", "Linear", "Sigmoid"]
    with pytest.raises(IndexError, match="4 layers"):
        model[7]


def test_sequential_refuses_non_modules_with_a_hint() -> None:
    with pytest.raises(TypeError, match=r"instantiate it, e.g. nn.ReLU\(\)"):
        nn.Sequential(nn.Linear(2, 2), nn.ReLU)


def test_sequential_error_says_which_layer_failed() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(4, 1))
    with pytest.raises(ValueError) as info:
        model(rg.tensor(np.zeros((5, 2))))
    assert "(5, 3)" in str(info.value)
    assert "in Sequential layer (2): Linear" in "\n".join(info.value.__notes__)


def test_modulelist_registers_its_modules() -> None:
    layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    layers.append(nn.Linear(2, 1))
    layers.insert(0, nn.Identity())
    assert len(layers) == 4 and isinstance(layers[0], nn.Identity)
    assert [n for n, _ in layers.named_parameters()][:2] == ["1.weight", "1.bias"]
    layers[0] = nn.Linear(2, 2)
    assert len(list(layers.parameters())) == 8
    with pytest.raises(NotImplementedError):
        layers(rg.tensor([1.0]))


def test_moduledict_registers_by_key() -> None:
    heads = nn.ModuleDict({"a": nn.Linear(2, 1)})
    heads["b"] = nn.Linear(2, 3)
    assert "b" in heads and list(heads) == ["a", "b"] and len(heads) == 2
    assert list(heads.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]
    del heads["a"]
    assert list(heads.keys()) == ["b"]
    with pytest.raises(KeyError):
        heads["x.y"] = nn.Linear(1, 1)


def test_nested_containers_in_a_module() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.trunk = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
            self.heads = nn.ModuleList([nn.Linear(3, 1), nn.Linear(3, 1)])

    names = list(Net().state_dict())
    assert names == ["trunk.0.weight", "trunk.0.bias", "heads.0.weight", "heads.0.bias",
                     "heads.1.weight", "heads.1.bias"]  # fmt: skip


def test_container_configs_are_empty() -> None:
    assert _mlp().get_config() == {}
    assert nn.ModuleList().get_config() == {} and nn.ModuleDict().get_config() == {}


def test_gradcheck_through_a_whole_mlp() -> None:
    rng = np.random.default_rng(3)
    model = nn.Sequential(
        nn.Linear(3, 4, rng=rng, dtype=np.float64),
        nn.Tanh(),
        nn.Linear(4, 4, rng=rng, dtype=np.float64),
        nn.Sigmoid(),
        nn.Linear(4, 2, rng=rng, dtype=np.float64),
    )
    x = rg.tensor(rng.normal(size=(5, 3)), requires_grad=True, dtype=np.float64)
    assert rg.gradcheck(lambda *_: model(x), [x, *model.parameters()])
