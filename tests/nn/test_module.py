"""nn.Module: discovery of parameters/sub-modules, buffers, state dicts, modes, repr, config."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4, rng=np.random.default_rng(0))
        self.scale = nn.Parameter(np.ones(4))
        self.register_buffer("running", np.zeros(4))

    def forward(self, x):
        return self.fc(x) * self.scale


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.blocks = [Block(), Block()]  # a plain list: still found
        self.heads = {"a": nn.Linear(4, 1), "b": nn.Linear(4, 2)}  # a plain dict too
        self.extra = (nn.Parameter(np.zeros(2)),)
        self.act = nn.Tanh()

    def forward(self, x):
        for b in self.blocks:
            x = self.act(b(x)) if x.shape[-1] == 3 else x
        return self.heads["a"](x)


def test_named_parameters_have_dotted_names_in_pytorch_order() -> None:
    # as in PyTorch: a module's own parameters first, then each child's, depth first
    names = [n for n, _ in Net().named_parameters()]
    assert names == [
        "extra.0",
        "blocks.0.scale", "blocks.0.fc.weight", "blocks.0.fc.bias",
        "blocks.1.scale", "blocks.1.fc.weight", "blocks.1.fc.bias",
        "heads.a.weight", "heads.a.bias", "heads.b.weight", "heads.b.bias",
    ]  # fmt: skip


def test_modules_and_parameters_walk_in_the_named_order() -> None:
    """``modules()``/``parameters()`` walk the tree without building names: same order."""
    shared = nn.Linear(2, 2)
    for net in (Net(), nn.Sequential(shared, nn.Tanh(), shared, nn.Sequential(nn.ReLU(), shared))):
        assert [m for m in net.modules()] == [m for _, m in net.named_modules()]
        assert [p for p in net.parameters()] == [p for _, p in net.named_parameters()]
        own = [p for _, p in net.named_parameters(recurse=False)]
        assert [p for p in net.parameters(recurse=False)] == own


def test_children_and_modules() -> None:
    net = Net()
    assert [n for n, _ in net.named_children()] == [
        "blocks.0",
        "blocks.1",
        "heads.a",
        "heads.b",
        "act",
    ]
    names = [n for n, _ in net.named_modules()]
    assert names[0] == "" and "blocks.1.fc" in names and len(names) == len(set(names))
    assert net.get_submodule("blocks.1.fc") is net.blocks[1].fc
    with pytest.raises(AttributeError, match="no sub-module 'nope'"):
        net.get_submodule("nope")


def test_shared_parameters_and_modules_are_listed_once() -> None:
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    assert len(list(model.parameters())) == 2
    assert model.num_parameters() == 6


def test_buffers_are_state_but_not_parameters() -> None:
    b = Block()
    assert "running" not in dict(b.named_parameters())
    assert list(dict(b.named_buffers())) == ["running"]
    b.running = b.running + 1  # assigning keeps it a buffer
    assert "running" in b.state_dict() and b.state_dict()["running"][0] == 1
    del b.running
    assert "running" not in b.state_dict()


def test_state_dict_round_trip_restores_values_into_a_fresh_model() -> None:
    a, b = Net(), Net()
    for p in a.parameters():
        p.data[...] = np.random.default_rng(1).normal(size=p.shape)
    a.blocks[0].running[...] = 3.0
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (n1, v1), (n2, v2) in zip(a.state_dict().items(), b.state_dict().items()):
        assert n1 == n2
        np.testing.assert_array_equal(v1, v2)


def test_state_dict_returns_copies() -> None:
    m = nn.Linear(2, 2)
    sd = m.state_dict()
    sd["weight"][...] = 42.0
    assert not np.any(m.weight.data == 42.0)


def test_load_state_dict_missing_and_unexpected_keys() -> None:
    m = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    sd = m.state_dict()
    del sd["1.bias"]
    sd["2.weight"] = np.zeros((1, 1))
    with pytest.raises(nn.StateDictError) as info:
        m.load_state_dict(sd)
    msg = str(info.value)
    assert "missing keys ['1.bias']" in msg and "unexpected keys ['2.weight']" in msg
    result = m.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["1.bias"] and result.unexpected_keys == ["2.weight"]


def test_load_state_dict_wrong_shape_names_key_and_both_shapes_and_changes_nothing() -> None:
    m = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    before = m.state_dict()
    sd = {k: v + 1 for k, v in before.items()}
    sd["1.weight"] = np.zeros((3, 1))
    for strict in (True, False):
        with pytest.raises(nn.StateDictError, match=r"'1.weight' has shape \(3, 1\).*\(1, 3\)"):
            m.load_state_dict(sd, strict=strict)
    for k, v in m.state_dict().items():  # checked before copying: nothing changed
        np.testing.assert_array_equal(v, before[k])


def test_load_state_dict_casts_to_the_parameter_dtype() -> None:
    m = nn.Linear(2, 1)
    m.load_state_dict({"weight": np.ones((1, 2)), "bias": np.zeros(1)})  # float64 arrays
    assert m.weight.dtype == np.float32
    assert isinstance(nn.StateDictError("x"), KeyError)


def test_train_eval_propagate() -> None:
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5), nn.Sequential(nn.Dropout(0.1)))
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_and_requires_grad() -> None:
    m = nn.Linear(2, 1)
    m(rg.tensor([[1.0, 2.0]])).sum().backward()
    assert m.weight.grad is not None
    m.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(m.weight.grad, 0)
    m.zero_grad()
    assert m.weight.grad is None
    m.requires_grad_(False)
    assert not m.weight.requires_grad and m.num_parameters(trainable_only=True) == 0


def test_astype_casts_parameters_and_buffers() -> None:
    b = Block().double()
    assert all(p.dtype == np.float64 for p in b.parameters())
    assert b.running.dtype == np.float64
    out = b(rg.tensor(np.ones((2, 3)), dtype=np.float64))
    assert out.dtype == np.float64


def test_repr_shows_the_tree_and_settings() -> None:
    model = nn.Sequential(nn.Linear(2, 4), nn.LeakyReLU(0.2), nn.Dropout(0.1))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=4, bias=True)\n"
        "  (1): LeakyReLU(negative_slope=0.2)\n"
        "  (2): Dropout(p=0.1)\n"
        ")"
    )


def test_forward_hooks_see_outputs_and_can_be_removed() -> None:
    layer = nn.Linear(2, 3)
    seen = []
    handle = layer.register_forward_hook(lambda m, inputs, out: seen.append(out.shape))
    layer(rg.tensor([[1.0, 2.0]]))
    handle.remove()
    layer(rg.tensor([[1.0, 2.0]]))
    assert seen == [(1, 3)]
    layer.register_forward_hook(lambda m, inputs, out: out * 0)
    np.testing.assert_array_equal(layer(rg.tensor([[1.0, 2.0]])).data, 0)


def test_forgetting_super_init_gives_a_helpful_error() -> None:
    class Broken(nn.Module):
        def __init__(self) -> None:
            self.fc = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Broken()


def test_register_helpers_validate() -> None:
    m = nn.Module()
    with pytest.raises(TypeError, match="Parameter"):
        m.register_parameter("w", rg.tensor([1.0]))
    with pytest.raises(TypeError, match="Module"):
        m.add_module("layer", "not a module")
    m.add_module("layer", nn.Linear(1, 1))
    m.register_parameter("w", nn.Parameter(np.zeros(1)))
    assert [n for n, _ in m.named_parameters()] == ["w", "layer.weight", "layer.bias"]


def test_get_config_of_a_custom_module() -> None:
    class Scaled(nn.Module):
        def __init__(self, factor: float = 2.0, name: str = "x") -> None:
            super().__init__()
            self.factor, self.name = factor, name

    assert Scaled(3.0).get_config() == {"factor": 3.0, "name": "x"}

    class Hidden(nn.Module):
        def __init__(self, size: int) -> None:
            super().__init__()
            self._size = size

    with pytest.raises(NotImplementedError, match="override get_config"):
        Hidden(3).get_config()


def test_deepcopy_gives_an_independent_model() -> None:
    import copy

    model = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.1), nn.Linear(3, 1))
    clone = copy.deepcopy(model)
    assert clone[0].weight is not model[0].weight
    np.testing.assert_array_equal(clone[0].weight.data, model[0].weight.data)
    clone[0].weight.data[...] = 0.0
    assert model[0].weight.data.any()
    assert clone(rg.tensor(np.ones((4, 2)))).shape == (4, 1)
