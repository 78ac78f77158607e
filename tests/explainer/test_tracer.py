"""trace(): the narrated numbers against a hand computation, central differences and gradcheck."""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.explainer import ChainRuleMismatch, make_spec, textbook_spec, trace
from retrograd.explainer.network import ExplainedNetwork
from retrograd.explainer.tracer import check_agree

from .numpy_reference import numeric_gradients


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def textbook_by_hand() -> dict[str, float]:
    """The classic 2-2-2 derivation in plain Python arithmetic (no NumPy, no retrograd)."""
    i1, i2 = 0.05, 0.10
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    b1, b2 = 0.35, 0.60
    t1, t2 = 0.01, 0.99
    eta = 0.5
    v: dict[str, float] = {}
    v["net_h1"] = w1 * i1 + w2 * i2 + b1
    v["net_h2"] = w3 * i1 + w4 * i2 + b1
    v["out_h1"], v["out_h2"] = _sigmoid(v["net_h1"]), _sigmoid(v["net_h2"])
    v["net_o1"] = w5 * v["out_h1"] + w6 * v["out_h2"] + b2
    v["net_o2"] = w7 * v["out_h1"] + w8 * v["out_h2"] + b2
    v["out_o1"], v["out_o2"] = _sigmoid(v["net_o1"]), _sigmoid(v["net_o2"])
    v["E_o1"] = 0.5 * (t1 - v["out_o1"]) ** 2
    v["E_o2"] = 0.5 * (t2 - v["out_o2"]) ** 2
    v["E_total"] = v["E_o1"] + v["E_o2"]
    # output layer: dE/dout * dout/dnet * dnet/dw
    v["dE_dout_o1"] = -(t1 - v["out_o1"])
    v["dE_dout_o2"] = -(t2 - v["out_o2"])
    v["dout_dnet_o1"] = v["out_o1"] * (1 - v["out_o1"])
    v["dout_dnet_o2"] = v["out_o2"] * (1 - v["out_o2"])
    d_o1 = v["dE_dout_o1"] * v["dout_dnet_o1"]
    d_o2 = v["dE_dout_o2"] * v["dout_dnet_o2"]
    v["w5"], v["w6"] = d_o1 * v["out_h1"], d_o1 * v["out_h2"]
    v["w7"], v["w8"] = d_o2 * v["out_h1"], d_o2 * v["out_h2"]
    # hidden layer: dE_total/dout_h = dE_o1/dout_h + dE_o2/dout_h
    v["dE_o1_dout_h1"], v["dE_o2_dout_h1"] = d_o1 * w5, d_o2 * w7
    v["dE_dout_h1"] = v["dE_o1_dout_h1"] + v["dE_o2_dout_h1"]
    v["dE_dout_h2"] = d_o1 * w6 + d_o2 * w8
    v["dout_dnet_h1"] = v["out_h1"] * (1 - v["out_h1"])
    v["dout_dnet_h2"] = v["out_h2"] * (1 - v["out_h2"])
    d_h1 = v["dE_dout_h1"] * v["dout_dnet_h1"]
    d_h2 = v["dE_dout_h2"] * v["dout_dnet_h2"]
    v["w1"], v["w2"], v["w3"], v["w4"] = d_h1 * i1, d_h1 * i2, d_h2 * i1, d_h2 * i2
    v["b1"], v["b2"] = d_h1 + d_h2, d_o1 + d_o2
    old = dict(w1=w1, w2=w2, w3=w3, w4=w4, w5=w5, w6=w6, w7=w7, w8=w8)
    for name, w in old.items():
        v[name + "+"] = w - eta * v[name]
    # the error after the update (every gradient taken before any weight changed)
    n = {k: v[k + "+"] for k in old}
    h1 = _sigmoid(n["w1"] * i1 + n["w2"] * i2 + b1)
    h2 = _sigmoid(n["w3"] * i1 + n["w4"] * i2 + b1)
    o1 = _sigmoid(n["w5"] * h1 + n["w6"] * h2 + b2)
    o2 = _sigmoid(n["w7"] * h1 + n["w8"] * h2 + b2)
    v["E_after"] = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2
    return v


def close(a: float, b: float, rtol: float = 1e-12) -> bool:
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + 1e-15


def test_default_example_matches_hand_computation():
    hand = textbook_by_hand()
    ex = trace()
    tr = ex.samples[0]
    for name in ("h1", "h2", "o1", "o2"):
        assert close(tr.neurons[name].net, hand[f"net_{name}"])
        assert close(tr.neurons[name].out, hand[f"out_{name}"])
        assert close(tr.neurons[name].dout_dnet, hand[f"dout_dnet_{name}"])
        assert close(tr.neurons[name].dE_dout, hand[f"dE_dout_{name}"])
    assert close(tr.errors["E_o1"], hand["E_o1"]) and close(tr.errors["E_o2"], hand["E_o2"])
    assert close(tr.loss, hand["E_total"]) and close(ex.loss, hand["E_total"])
    for k in range(1, 9):
        w = f"w{k}"
        assert close(ex.chains[w].product, hand[w]), w
        assert close(ex.chains[w].engine_grad, hand[w]), w
        assert close(ex.updates[w].new, hand[w + "+"]), w
    assert close(ex.chains["b1"].product, hand["b1"])
    assert close(ex.chains["b2"].product, hand["b2"])
    assert close(ex.loss_after, hand["E_after"])


def test_default_example_matches_the_published_derivation():
    """The numbers of the classic tutorial, as issue 4 quotes them: equal to the last digit."""
    ex = trace()
    n = ex.samples[0].neurons
    published = [
        (n["h1"].net, "0.3775"),
        (n["h1"].out, "0.593269992"),
        (n["o1"].out, "0.75136507"),
        (n["o2"].out, "0.772928465"),
        (ex.loss, "0.298371109"),
        (ex.chains["w5"].product, "0.082167041"),
        (ex.updates["w5"].new, "0.35891648"),
        (ex.chains["w1"].product, "0.000438568"),
        (ex.updates["w1"].new, "0.149780716"),
    ]
    for ours, text in published:
        decimals = len(text.split(".")[1])
        assert abs(ours - float(text)) <= 0.5 * 10.0**-decimals + 1e-15, (ours, text)


def test_chain_factors_are_named_as_in_the_textbook():
    hand = textbook_by_hand()
    ex = trace()
    w5 = ex.chains["w5"]
    assert [f.symbol for f in w5.factors] == [
        "\u2202E_total/\u2202out_o1",
        "\u2202out_o1/\u2202net_o1",
        "\u2202net_o1/\u2202w5",
    ]
    assert [f.source for f in w5.factors] == ["engine", "Sigmoid.backward", "Linear.backward"]
    assert close(w5.factors[0].value, hand["dE_dout_o1"])
    assert close(w5.factors[1].value, hand["dout_dnet_o1"])
    assert close(w5.factors[2].value, hand["out_h1"])
    h1 = ex.samples[0].neurons["h1"]
    assert [t.label for t in h1.paths] == [("E_o1", "out_h1"), ("E_o2", "out_h1")]
    assert close(h1.paths[0].value, hand["dE_o1_dout_h1"])
    assert close(h1.paths[1].value, hand["dE_o2_dout_h1"])
    assert close(h1.paths[0].factors[1].value, 0.40)  # dnet_o1/dout_h1 = w5
    w1 = ex.chains["w1"]
    assert w1.factors[0].source == "sum of paths"
    assert close(w1.factors[2].value, 0.05)  # dnet_h1/dw1 = i1
    assert len(ex.chains["b1"].terms) == 2  # b1 feeds h1 and h2


def test_biases_are_kept_fixed_by_default_and_updated_on_request():
    ex = trace()
    assert not ex.updates["b1"].applied and ex.updates["b1"].new == 0.35
    ex2 = trace(make_spec(update_biases=True))
    u = ex2.updates["b2"]
    assert u.applied and close(u.new, 0.60 - 0.5 * textbook_by_hand()["b2"])


CASES = [
    # layers, activations, loss, shared biases, samples
    ([2, 2, 2], "sigmoid", "half_sse", True, 1),
    ([3, 4, 2], "tanh", "mse", False, 3),
    ([2, 3, 3], ["relu", "softmax"], "cross_entropy", False, 2),
    ([2, 3, 2, 2], ["tanh", "sigmoid", "identity"], "half_sse", False, 2),
    ([1, 2, 1], ["identity", "sigmoid"], "mse", True, 4),
    ([3, 2, 3], ["sigmoid", "softmax"], "cross_entropy", True, 3),
    ([2, 2, 2, 2, 1], ["relu", "tanh", "relu", "identity"], "half_sse", False, 2),
    ([2, 4, 2, 1], "tanh", "binary_cross_entropy", False, 3),
    ([3, 3, 2], ["relu", "sigmoid"], "binary_cross_entropy", True, 2),
    ([2, 3, 3, 1], ["elu", "leaky_relu", "sigmoid"], "binary_cross_entropy", False, 3),
    ([2, 4, 2], ["leaky_relu", "elu"], "mse", False, 2),
]


def _random_spec(case, seed):
    layers, acts, loss, shared, n = case
    rng = np.random.default_rng(seed)
    biases = [
        float(rng.uniform(-0.5, 0.5)) if shared else rng.uniform(-0.5, 0.5, size).tolist()
        for size in layers[1:]
    ]
    x = rng.uniform(-1, 1, (n, layers[0]))
    if loss == "cross_entropy":
        targets = rng.integers(0, layers[-1], n).tolist()
    elif loss == "binary_cross_entropy":  # class labels 0/1 (probabilities work too)
        targets = rng.integers(0, 2, (n, layers[-1])).astype(float).tolist()
    else:
        targets = rng.uniform(0, 1, (n, layers[-1])).tolist()
    return make_spec(
        layers=layers,
        activations=acts,
        loss=loss,
        lr=0.3,
        biases=biases,
        inputs=x.tolist(),
        targets=targets,
        seed=seed,
    )


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{'-'.join(map(str, c[0]))}-{c[2]}")
def test_random_networks_chains_equal_central_differences(case, seed):
    spec = _random_spec(case, seed)
    ex = trace(spec)
    numeric = numeric_gradients(spec)
    for name, g in ex.gradients.items():
        assert abs(g.value - numeric[name]) <= 1e-7 + 1e-6 * abs(numeric[name]), name
    # each sample's chains against the finite differences of that sample's own error
    for tr, sample in zip(ex.samples, spec.samples):
        per = numeric_gradients(spec, samples=[sample])
        for name, chain in tr.chains.items():
            product = math.prod(f.value for f in chain.factors) if chain.factors else chain.value
            assert abs(product - per[name]) <= 1e-7 + 1e-6 * abs(per[name]), (tr.index, name)


@pytest.mark.parametrize(
    "case", [*CASES[:4], CASES[-2]], ids=lambda c: f"{'-'.join(map(str, c[0]))}-{c[2]}"
)
def test_engine_network_passes_gradcheck(case):
    spec = _random_spec(case, 5)
    net = ExplainedNetwork(spec)
    x = np.array([s.inputs for s in spec.samples])
    t = np.array([s.targets for s in spec.samples])

    def loss_of(*params):
        for p, leaf in zip(params, net.parameters()):
            leaf.data = p.data
        return net.forward(x, t)[1]

    assert rg.gradcheck(loss_of, net.parameters())


def test_batch_gradient_is_sum_for_half_sse_and_mean_otherwise():
    for loss, combine in (("half_sse", sum), ("mse", lambda v: sum(v) / len(v))):
        spec = make_spec(
            layers=[2, 2, 1],
            activations="tanh",
            loss=loss,
            seed=4,
            inputs=[[0.1, 0.2], [0.3, -0.4], [1.0, 0.5]],
            targets=[[1], [0], [1]],
        )
        ex = trace(spec)
        for name, g in ex.gradients.items():
            assert g.reduction == spec.reduction
            assert close(g.value, combine(g.per_sample), 1e-12), name
            per = [tr.chains[name].value for tr in ex.samples]
            assert list(g.per_sample) == per


def test_samples_can_be_replaced_for_the_same_network():
    spec = textbook_spec()
    ex = trace(spec, samples=[([0.2, 0.7], [0.5, 0.5])])
    assert ex.samples[0].inputs == {"i1": 0.2, "i2": 0.7}
    assert ex.spec.weights[0][0, 0] == 0.15


def test_explain_a_module_uses_the_modules_weights():
    rng = np.random.default_rng(0)
    model = nn.Sequential(
        nn.Linear(2, 3, rng=rng, dtype=np.float64),
        nn.Tanh(),
        nn.Linear(3, 1, rng=rng, dtype=np.float64),
        nn.Sigmoid(),
    )
    x = np.array([[0.5, -0.2], [0.1, 0.9]])
    y = np.array([[1.0], [0.0]])
    ex = rg.explain(model, inputs=x, targets=y, loss="mse", lr=0.1)
    loss = nn.functional.mse_loss(model(rg.tensor(x, dtype=np.float64)), y)
    loss.backward()
    lin2 = list(model.children())[2]
    for k in range(3):
        assert close(ex.gradients[f"w{7 + k}"].value, float(lin2.weight.grad[0, k]), 1e-10)
    assert close(ex.gradients["b_o1"].value, float(lin2.bias.grad[0]), 1e-10)
    assert ex.spec.update_biases


def test_a_wrong_factor_is_caught_before_printing(monkeypatch):
    import retrograd.explainer.tracer as tracer

    real = tracer._local_activation

    def off_by_a_bit(layer):
        d, src = real(layer)
        return d * (1 + 1e-6), src

    monkeypatch.setattr(tracer, "_local_activation", off_by_a_bit)
    with pytest.raises(ChainRuleMismatch, match="engine computed"):
        trace()


def test_check_agree_tolerance():
    check_agree("x", 1.0, 1.0 + 5e-10)
    check_agree("x", 0.0, 0.0)
    with pytest.raises(ChainRuleMismatch):
        check_agree("x", 1.0, 1.0 + 1e-8)
    with pytest.raises(ChainRuleMismatch):
        check_agree("x", float("nan"), 1.0)


def test_steps_must_be_positive():
    with pytest.raises(ValueError, match="steps"):
        trace(steps=0)


@pytest.mark.parametrize("seed", range(5))
def test_gradients_that_cancel_to_zero_are_not_false_alarms(seed):
    """dE/dout_h1 = sum of paths that cancel to ~1e-17: rounding is judged against the terms."""
    rng = np.random.default_rng(seed)
    w, t = rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 3)
    t[2] = w[2] + ((w[0] - t[0]) * w[0] + (w[1] - t[1]) * w[1]) / w[2]  # sum_k delta_k w_k = 0
    spec = make_spec(
        layers=[1, 1, 3],
        activations="identity",
        weights=[1.0, *w],
        biases=[[0.0], [0.0, 0.0, 0.0]],
        inputs=[[1.0], [1.0]],
        targets=[t.tolist(), t.tolist()],
    )
    ex = trace(spec)
    assert abs(ex.samples[0].neurons["h1"].dE_dout) < 1e-15
    assert abs(ex.gradients["w1"].value) < 1e-15


def test_programs_may_raise_the_weight_limit_for_the_structure():
    spec = make_spec(
        layers=[2, 16, 16, 2],
        activations="tanh",
        loss="mse",
        seed=0,
        inputs=[0.1, 0.2],
        targets=[0.0, 1.0],
        max_weights=400,
    )
    ex = trace(spec, samples=[([0.5, -0.5], [1.0, 0.0])])
    assert spec.n_weights == 320 and len(ex.chains) == 320 + 34


def test_binary_cross_entropy_output_factor_is_the_bce_derivative():
    """dE/dout = (out - t) / (out (1 - out)) / K, read from the engine, per sample."""
    spec = make_spec(
        layers=[2, 3, 2],
        activations="tanh",
        loss="bce",
        seed=2,
        inputs=[[0.3, -0.7], [0.9, 0.1]],
        targets=[[1, 0], [0.25, 1]],
    )
    assert spec.loss == "binary_cross_entropy" and spec.activations == ("tanh", "sigmoid")
    ex = trace(spec)
    for tr in ex.samples:
        errors = 0.0
        for o in ("o1", "o2"):
            out, t = tr.neurons[o].out, tr.targets[o]
            assert close(tr.neurons[o].dE_dout, (out - t) / (out * (1 - out)) / 2, 1e-9)
            assert close(tr.neurons[o].dE_dnet, (out - t) / 2, 1e-9)  # sigmoid cancels
            errors += -(t * math.log(out) + (1 - t) * math.log(1 - out)) / 2
        assert close(tr.loss, errors, 1e-12)
        head = tr.chains["w7"].factors[0]
        assert (head.num, head.den, head.source) == ("E_total", "out_o1", "engine")
    assert ex.spec.reduction == "mean"


def test_binary_cross_entropy_needs_a_sigmoid_output_and_targets_in_0_1():
    with pytest.raises(ValueError, match="output activation must be 'sigmoid'"):
        make_spec(layers=[2, 2, 1], activations=["tanh", "tanh"], loss="bce",
                  inputs=[0.1, 0.2], targets=[1.0])  # fmt: skip
    with pytest.raises(ValueError, match=r"targets must be in \[0, 1\]"):
        make_spec(layers=[2, 2, 1], loss="bce", inputs=[0.1, 0.2], targets=[2.0])
    model = nn.Sequential(nn.Linear(2, 2, dtype=np.float64), nn.Tanh(),
                          nn.Linear(2, 1, dtype=np.float64))  # fmt: skip
    with pytest.raises(ValueError, match="must end with Sigmoid"):
        rg.explain(model, inputs=[0.1, 0.2], targets=[1.0], loss="bce")
    model.append(nn.Sigmoid())
    x, y = np.array([[0.1, 0.2], [-0.5, 0.4]]), np.array([[1.0], [0.0]])
    ex = rg.explain(model, inputs=x, targets=y, loss="bce")
    loss = nn.functional.binary_cross_entropy(model(rg.tensor(x, dtype=np.float64)), y)
    loss.backward()
    lin2 = list(model.children())[2]
    for k in range(2):
        assert close(ex.gradients[f"w{5 + k}"].value, float(lin2.weight.grad[0, k]), 1e-10)
