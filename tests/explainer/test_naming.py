"""Neuron, weight and bias names in the textbook convention."""

from __future__ import annotations

from retrograd.explainer.naming import bias_names, layer_label, neuron_names, weight_names


def test_single_hidden_layer_names():
    assert neuron_names([3, 2, 1]) == [["i1", "i2", "i3"], ["h1", "h2"], ["o1"]]
    assert weight_names([3, 2, 1]) == [[["w1", "w2", "w3"], ["w4", "w5", "w6"]], [["w7", "w8"]]]
    assert layer_label(1, [3, 2, 1]) == "layer 1 (i -> h)"


def test_deep_and_shallow_names():
    sizes = [2, 3, 2, 1]
    assert neuron_names(sizes)[1:3] == [["h1_1", "h1_2", "h1_3"], ["h2_1", "h2_2"]]
    assert layer_label(2, sizes) == "layer 2 (h1 -> h2)"
    assert neuron_names([2, 1]) == [["i1", "i2"], ["o1"]]
    assert layer_label(1, [2, 1]) == "layer 1 (i -> o)"


def test_bias_names_shared_or_per_neuron():
    assert bias_names([2, 2, 2], [True, True]) == [["b1"], ["b2"]]
    assert bias_names([2, 2, 2], [False, True]) == [["b_h1", "b_h2"], ["b2"]]
