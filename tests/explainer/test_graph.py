"""graph.to_dot / render: DOT text with values and gradients; SVG/PNG when Graphviz exists."""

from __future__ import annotations

import re

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.explainer import trace
from retrograd.explainer.graph import graphviz_available, network_graph, render, to_dot


def test_dot_shows_ops_values_and_gradients_without_side_effects():
    x = rg.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    x.name = "x"
    x.grad = np.array([10.0, 10.0])  # an earlier gradient must survive to_dot
    y = (x * x).sum()
    dot = to_dot(y)
    assert dot.startswith("digraph retrograd {") and dot.rstrip().endswith("}")
    assert 'label="Mul"' in dot and 'label="Sum"' in dot
    assert "x\\nshape (2,)\\nvalue [1 2]\\ngrad [2 4]" in dot  # d(sum x^2)/dx = 2x
    np.testing.assert_array_equal(x.grad, [10.0, 10.0])
    y.backward()  # the graph is still usable afterwards
    np.testing.assert_array_equal(x.grad, [12.0, 14.0])


def test_dot_edges_connect_every_node():
    model = nn.Sequential(
        nn.Linear(2, 2, rng=np.random.default_rng(0), dtype=np.float64), nn.Tanh()
    )
    out = model(rg.tensor([[0.5, -1.0]], dtype=np.float64)).sum()
    dot = to_dot(out, names=model)
    assert "0.weight" in dot and "0.bias" in dot
    ids = set(re.findall(r"^  (\w+) \[", dot, re.MULTILINE))
    for a, b in re.findall(r"^  (\w+) -> (\w+);", dot, re.MULTILINE):
        assert a in ids and b in ids


def test_freed_graph_is_explained():
    x = rg.tensor([1.0], requires_grad=True, dtype=np.float64)
    y = (x * 3).sum()
    y.backward()
    with pytest.raises(ValueError, match="retain_graph=True"):
        to_dot(y)


def test_network_graph_gradients_match_the_explanation():
    ex = trace()
    dot = network_graph(ex)
    g = ex.chains["w5"].engine_grad
    assert f"{g:.4g}" in dot and "W2 (h -> o)" in dot and "net_h" in dot
    assert f"{g:.9g}" not in dot  # 4 significant digits unless told
    assert f"grad [{g:.9g} " in network_graph(ex, digits=9)


def test_render_dot_text_needs_no_graphviz(tmp_path):
    path = render("digraph { a -> b }\n", tmp_path / "g.dot")
    assert path.read_text() == "digraph { a -> b }\n"
    with pytest.raises(ValueError, match="unknown format"):
        render("digraph {}", tmp_path / "g.bmp")


@pytest.mark.skipif(not graphviz_available(), reason="Graphviz's dot program is not installed")
@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG")])
def test_render_with_graphviz(tmp_path, suffix, magic):
    path = render(network_graph(trace()), tmp_path / f"graph{suffix}")
    assert path.read_bytes().startswith(magic)


def test_render_without_graphviz_says_how_to_get_it(tmp_path, monkeypatch):
    import retrograd.explainer.graph as graph

    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="install Graphviz"):
        render("digraph {}", tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()
