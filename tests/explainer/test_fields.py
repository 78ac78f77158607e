"""Field parsers: accepted spellings and one-line errors."""

from __future__ import annotations

import pytest

from retrograd.explainer.fields import (
    SpecError,
    parse_activations,
    parse_biases,
    parse_layers,
    parse_loss,
)


def test_layer_sizes_from_text_or_lists():
    assert parse_layers("2,3,1") == parse_layers("2-3-1") == parse_layers([2, 3, 1]) == (2, 3, 1)
    with pytest.raises(SpecError, match="positive integer"):
        parse_layers([2, 2.5])


def test_loss_and_activation_aliases():
    assert parse_loss("SSE") == "half_sse" and parse_loss("ce") == "cross_entropy"
    assert parse_activations("linear", (2, 2), "mse") == ("identity",)
    assert parse_activations("tanh", (2, 3, 2), "cross_entropy") == ("tanh", "softmax")


def test_biases_shared_or_per_neuron():
    values, shared = parse_biases([0.35, [0.1, 0.2]], (2, 2, 2))
    assert shared == [True, False] and values[0].tolist() == [0.35]
    values, shared = parse_biases({"b1": 0.3, "b_o1": 1.0, "b_o2": 2.0}, (2, 2, 2))
    assert shared == [True, False] and values[1].tolist() == [1.0, 2.0]
    with pytest.raises(SpecError, match="give b2 .* or b_o1..b_o2"):
        parse_biases({"b1": 0.3}, (2, 2, 2))
