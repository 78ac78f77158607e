"""make_spec: defaults, the JSON format, and one-line errors for bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from retrograd.explainer import (
    MAX_WEIGHTS,
    SpecError,
    load_spec,
    make_spec,
    spec_from_dict,
    textbook_spec,
)


def test_textbook_defaults():
    spec = textbook_spec()
    assert spec.layer_sizes == (2, 2, 2)
    assert spec.activations == ("sigmoid", "sigmoid")
    assert spec.loss == "half_sse" and spec.lr == 0.5
    np.testing.assert_array_equal(spec.weights[0], [[0.15, 0.20], [0.25, 0.30]])
    np.testing.assert_array_equal(spec.weights[1], [[0.40, 0.45], [0.50, 0.55]])
    assert spec.shared_bias == (True, True) and not spec.update_biases
    assert spec.bias_names == [["b1"], ["b2"]]
    assert spec.samples[0].inputs == (0.05, 0.10) and spec.samples[0].targets == (0.01, 0.99)


def test_names_follow_the_textbook_order():
    spec = textbook_spec()
    assert spec.weight_names == [[["w1", "w2"], ["w3", "w4"]], [["w5", "w6"], ["w7", "w8"]]]
    deep = make_spec(layers=[2, 2, 1, 1], inputs=[0, 1], targets=[1])
    assert deep.neuron_names == [["i1", "i2"], ["h1_1", "h1_2"], ["h2_1"], ["o1"]]
    assert deep.bias_names == [["b_h1_1", "b_h1_2"], ["b_h2_1"], ["b_o1"]]
    assert deep.update_biases  # per-neuron biases are trained by default


def test_weights_as_flat_list_matrices_or_names_agree():
    flat = make_spec(weights=[1, 2, 3, 4, 5, 6, 7, 8])
    nested = make_spec(weights=[[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
    named = make_spec(weights={f"w{k}": k for k in range(1, 9)})
    for a, b, c in zip(flat.weights, nested.weights, named.weights):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)


def test_json_round_trip(tmp_path):
    spec = make_spec(
        layers=[2, 3, 2],
        activations=["tanh", "softmax"],
        loss="cross_entropy",
        inputs=[[0.1, 0.2], [0.3, 0.4]],
        targets=[1, 0],
        seed=2,
    )
    path = tmp_path / "net.json"
    path.write_text(json.dumps(spec.to_dict()))
    again = load_spec(path)
    assert again.layer_sizes == spec.layer_sizes and again.activations == spec.activations
    for a, b in zip(again.weights, spec.weights):
        np.testing.assert_array_equal(a, b)
    assert again.samples == spec.samples
    assert again.samples[0].targets == (0.0, 1.0)  # class index 1 -> one-hot


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"weights": [[[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]]]},
            r"weights for layer 2 \(h -> o\): expected shape \(2, 2\) \(out, in\), got \(2, 3\)",
        ),
        ({"weights": [0.1] * 7}, r"weights: expected 8 values \(w1..w8"),
        ({"weights": {"w1": 1}}, r"weights: missing w2"),
        ({"weights": {f"w{k}": 0 for k in range(1, 10)}}, r"unknown name 'w9'"),
        (
            {"inputs": [1, 2, 3], "targets": [0, 1]},
            r"sample 1: inputs has 3 value\(s\), expected 2",
        ),
        (
            {"inputs": [[1, 2], [3]], "targets": [[0, 1], [1, 0]]},
            r"sample 2: inputs has 1 value\(s\), expected 2",
        ),
        ({"inputs": [1, 2], "targets": [0.5]}, r"sample 1: targets has 1 value\(s\), expected 2"),
        (
            {"activations": "sigmod"},
            r"activation of layer 1 \(i -> h\): unknown 'sigmod'; expected one of sigmoid",
        ),
        ({"activations": ["tanh", "swish"]}, r"activation of layer 2 \(h -> o\): unknown 'swish'"),
        ({"activations": ["tanh"] * 3}, r"activations: expected 2 .* got 3"),
        ({"loss": "hinge"}, r"loss: unknown 'hinge'; expected one of half_sse, mse, cross_entropy"),
        ({"biases": [0.1, 0.2, 0.3]}, r"biases: expected one entry per layer \(2\)"),
        (
            {"biases": [[0.1, 0.2, 0.3], 0.6]},
            r"biases for layer 1 \(i -> h\): expected one shared number or shape \(2,\)",
        ),
        ({"layers": [3]}, r"layers: need at least 2 sizes"),
        ({"layers": [2, 0, 1]}, r"layers: every size must be a positive integer"),
        ({"lr": -1}, r"lr: expected a positive"),
        (
            {"loss": "cross_entropy", "activations": ["sigmoid", "sigmoid"]},
            r"cross_entropy applies softmax to the output layer itself",
        ),
        ({"loss": "cross_entropy", "targets": [0.5, 0.6]}, r"probabilities .* summing to 1"),
        (
            {"loss": "cross_entropy", "inputs": [[1, 2]], "targets": [5]},
            r"class index must be an integer in \[0, 1\]",
        ),
        ({"layers": [2, 3, 1]}, r"no samples: give inputs and targets"),
    ],
)
def test_bad_input_gets_one_line_naming_field_and_shapes(kwargs, message):
    with pytest.raises(SpecError, match=message) as info:
        make_spec(**kwargs)
    assert "\n" not in str(info.value)


def test_too_big_to_narrate_points_to_gradcheck_and_plots():
    with pytest.raises(SpecError) as info:
        make_spec(layers=[10, 20, 2], inputs=[0] * 10, targets=[0, 1])
    msg = str(info.value)
    assert f"at most {MAX_WEIGHTS}" in msg and "gradcheck" in msg and "loss curves" in msg
    assert make_spec(layers=[10, 18, 1], inputs=[0] * 10, targets=[1]).n_weights == 198


def test_unknown_json_field_is_named():
    with pytest.raises(SpecError, match="unknown field.*'?wieghts"):
        spec_from_dict({"wieghts": [1]})
