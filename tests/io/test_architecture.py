"""Architecture descriptions: the documented JSON shape and the whitelist."""

from __future__ import annotations

import json

import pytest

from retrograd import nn
from retrograd.io.architecture import build, describe, layer_whitelist, size_budget_for
from retrograd.io.archive import FileFormatError


def test_description_is_the_documented_json():
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10, bias=False))
    spec = describe(model)
    assert json.loads(json.dumps(spec)) == {
        "type": "Sequential", "config": {}, "children": [
            ["0", {"type": "Linear",
                   "config": {"in_features": 64, "out_features": 32, "bias": True}}],
            ["1", {"type": "ReLU", "config": {}}],
            ["2", {"type": "Linear",
                   "config": {"in_features": 32, "out_features": 10, "bias": False}}],
        ],
    }  # fmt: skip
    rebuilt = build(spec)
    assert describe(rebuilt) == spec


def test_whitelist_is_exactly_nn_exported_module_classes():
    table = layer_whitelist()
    assert "Module" not in table and "Parameter" not in table
    assert all(issubclass(c, nn.Module) and getattr(nn, name) is c for name, c in table.items())
    assert {"Linear", "Sequential", "Conv2d", "LSTM"} <= set(table)


def test_nested_containers_keep_their_names():
    model = nn.ModuleDict({"enc": nn.Sequential({"a": nn.Linear(2, 2)}), "head": nn.Tanh()})
    back = build(describe(model))
    assert list(back.state_dict()) == list(model.state_dict()) == ["enc.a.weight", "enc.a.bias"]


def test_size_budget_blocks_oversized_layers():
    spec = {"type": "Linear", "config": {"in_features": 100_000, "out_features": 100_000}}
    with pytest.raises(FileFormatError, match="implausibly large"):
        build(spec, size_budget=size_budget_for(10))
    assert build(spec | {"config": {"in_features": 3, "out_features": 2}}, size_budget=100)


def test_depth_bomb_is_refused():
    spec: dict = {"type": "Identity", "config": {}}
    for _ in range(200):
        spec = {"type": "Sequential", "config": {}, "children": [["0", spec]]}
    with pytest.raises(FileFormatError, match="nests too deeply"):
        build(spec)
