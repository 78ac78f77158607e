"""Run: the backprop step, phase by phase, against independent NumPy arithmetic."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from retrograd.playground.config import Config
from retrograd.playground.run import MAX_HISTORY, NEURON_GRID, OUTPUT_GRID, PHASES, Run


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_textbook_step_matches_hand_written_backprop():
    run = Run(Config(preset="textbook"))
    W1, b1 = (p.data.copy() for p in run.net.layers[0].parameters())
    W2, b2 = (p.data.copy() for p in run.net.layers[1].parameters())
    x, t = run.data.x_train[0], run.data.y_train[0]
    # the classic derivation, written out with NumPy
    h = _sigmoid(W1 @ x + b1)
    o = _sigmoid(W2 @ h + b2)
    delta_o = (o - t) * o * (1 - o)  # dE/dnet_o
    delta_h = (W2.T @ delta_o) * h * (1 - h)  # dE/dnet_h
    lr = 0.5
    run.step()
    np.testing.assert_allclose(
        run.net.layers[1].weight.data, W2 - lr * np.outer(delta_o, h), rtol=1e-12
    )
    np.testing.assert_allclose(
        run.net.layers[0].weight.data, W1 - lr * np.outer(delta_h, x), rtol=1e-12
    )
    # as in the textbook, the biases b1 = 0.35 and b2 = 0.60 stay fixed: only w1..w8 train
    np.testing.assert_array_equal(run.net.layers[0].bias.data, b1)
    np.testing.assert_array_equal(run.net.layers[1].bias.data, b2)
    assert b1.tolist() == [0.35, 0.35] and b2.tolist() == [0.60, 0.60]


#: the classic worked example's published figures (9 significant digits)
PUBLISHED = {
    "net_h1": 0.3775,
    "out_h1": 0.593269992,
    "out_h2": 0.596884378,
    "out_o1": 0.75136507,
    "out_o2": 0.772928465,
    "E_total": 0.298371109,
    "dE/dw5": 0.082167041,
    "dE/dw1": 0.000438568,
    "w5+": 0.35891648,
    "w1+": 0.149780716,
    "E_total after one update": 0.291027774,
}


def _result(terms, prefix):
    """The number a derivation term ends with (before the engine's value, if quoted)."""
    text = next(t["text"] for t in terms if t["text"].startswith(prefix))
    return float(text.split("(engine:")[0].rsplit("=", 1)[1])


def _nine(x: float) -> float:
    """Rounded as the published gradients are: to 9 decimal places."""
    return round(x, 9)


def test_textbook_preset_reproduces_the_published_figures():
    run = Run(Config(preset="textbook"))
    assert run.data.x_train.dtype == np.float64
    assert run.data.x_train.tolist() == [[0.05, 0.1]]  # exactly: no float32 round trip
    assert run.data.y_train.tolist() == [[0.01, 0.99]]
    first = [run.next_term()]
    first += [run.next_term() for _ in range(len(run.derivation) - 1)]
    assert run.steps == 1
    # the derivation shows each value to 9 significant digits, equal to the published ones
    assert _result(first, "net_h1") == PUBLISHED["net_h1"]
    for name in ("out_h1", "out_h2", "out_o1", "out_o2", "E_total"):
        assert _result(first, name + " ") == PUBLISHED[name], name
    assert _nine(_result(first, "∂E/∂w5")) == PUBLISHED["dE/dw5"]
    assert _nine(_result(first, "∂E/∂w1")) == PUBLISHED["dE/dw1"]
    assert _result(first, "w5⁺") == PUBLISHED["w5+"]
    assert _result(first, "w1⁺") == PUBLISHED["w1+"]
    w1 = next(t["text"] for t in first if t["text"].startswith("∂E/∂w1"))
    assert "= 0.000438567734   (engine: 0.000438567734)" in w1  # 9 digits, not 0.000439
    assert first[-1]["text"].startswith("b1 = 0.35 and b2 = 0.6 stay fixed")
    # the engine's values, not just the printed ones
    assert run.history["train_loss"][0] == pytest.approx(PUBLISHED["E_total"], abs=5e-10)
    assert run.history["train_loss"][1] == pytest.approx(
        PUBLISHED["E_total after one update"], abs=5e-10
    )
    # the second step's forward pass starts from the updated weights and the same biases
    second = [run.next_term()]
    second += [run.next_term() for _ in range(len(run.derivation) - 1)]
    assert second[0]["text"] == (
        "net_h1 = w1·i1 + w2·i2 + b1 = 0.149780716·0.05 + 0.199561432·0.1 + 0.35 = 0.377445179"
    )
    assert _result(second, "E_total ") == PUBLISHED["E_total after one update"]
    assert run.steps == 2


def test_textbook_derivation_quotes_the_engine():
    run = Run(Config(preset="textbook"))
    first = run.next_term()
    assert first["kind"] == "forward" and first["text"].startswith("net_h1")
    terms = [first] + [run.next_term() for _ in range(len(run.derivation) - 1)]
    kinds = [t["kind"] for t in terms]
    assert kinds.index("error") < kinds.index("backward") < kinds.index("update")
    assert run.steps == 1 and run.pending is None  # the update terms applied the update
    w5 = next(t["text"] for t in terms if t["text"].startswith("∂E/∂w5"))
    product = float(w5.split("=")[-1].split("(engine:")[0])
    engine = float(w5.split("(engine:")[1].strip(" )"))
    assert product == pytest.approx(engine, rel=1e-8)
    assert run.next_term()["text"].startswith("net_h1")  # the next click starts a new step
    assert run.steps == 1


def test_textbook_gradients_agree_with_the_explain_mode():
    from retrograd.explainer import explain

    ex = explain()  # the explain mode's own 2-2-2 example
    run = Run(Config(preset="textbook"))
    for _ in PHASES[:3]:
        run.advance_phase()
    for k, name in enumerate(["w1", "w2", "w3", "w4"]):
        assert run.net.layers[0].weight.grad.ravel()[k] == pytest.approx(ex.chains[name].product)
    for k, name in enumerate(["w5", "w6", "w7", "w8"]):
        assert run.net.layers[1].weight.grad.ravel()[k] == pytest.approx(ex.chains[name].product)


def test_step_through_equals_a_whole_step():
    a = Run(Config(dataset="spirals", hidden=[5, 3], seed=4, optimizer="momentum"))
    b = Run(Config(dataset="spirals", hidden=[5, 3], seed=4, optimizer="momentum"))
    for _ in range(3):
        a.step()
        views = [b.advance_phase() for _ in PHASES]
        assert [v["phase"] for v in views] == list(PHASES)
    for pa, pb in zip(a.net.parameters(), b.net.parameters()):
        np.testing.assert_array_equal(pa.data, pb.data)
    assert a.steps == b.steps == 3


def test_phase_views_show_values_in_order():
    run = Run(Config(dataset="moons", hidden=[3], batch_size=4, seed=1))
    fwd = run.advance_phase()
    assert "loss" not in fwd and len(fwd["a"]) == 2 and len(fwd["batch"]) == 4
    err = run.advance_phase()
    assert err["loss"] > 0 and "grad_w" not in err
    back = run.advance_phase()
    assert np.shape(back["grad_w"][0]) == (3, 2) and len(back["dz"][1]) == 1
    upd = run.advance_phase()
    np.testing.assert_allclose(
        upd["delta_w"][0], -run.config.lr * np.array(back["grad_w"][0]), rtol=1e-9
    )


@pytest.mark.parametrize(
    ("config", "layer"),
    [
        ({"dataset": "xor", "hidden": [3], "loss": "bce"}, 1),  # fused sigmoid + BCE output
        ({"dataset": "xor", "hidden": [3], "loss": "mse"}, 1),
        ({"dataset": "moons", "hidden": [3, 2], "activation": "relu"}, 1),
        ({"dataset": "gauss", "hidden": [4], "loss": "huber", "activation": "sigmoid"}, 0),
    ],
)
def test_chain_factors_multiply_to_the_engine_gradient(config, layer):
    run = Run(Config(batch_size=1, seed=2, **config))
    run.step()
    w = run.net.layers[layer].weight
    for j in range(w.shape[0]):
        for i in range(w.shape[1]):
            info = run.chain_factors(layer, j, i)
            assert info["batch_size"] == 1 and info["factors"]
            assert info["product"] == pytest.approx(info["grad"], rel=1e-9, abs=1e-15)


def test_hover_uses_the_explain_mode_where_it_applies():
    run = Run(
        Config(dataset="xor", hidden=[3], loss="mse", activation="sigmoid", batch_size=4, seed=1)
    )
    run.step()
    info = run.chain_factors(1, 0, 2)
    assert info["source"] == "retrograd.explainer"
    assert info["factors"][0]["name"].startswith("∂E_total/∂out_o1")
    assert info["batch_grad"] == pytest.approx(info["grad"], rel=1e-9)  # explain mode = engine
    # the Huber loss is outside the explain mode: the step's own factors, with a note
    run = Run(Config(dataset="gauss", hidden=[3], loss="huber", batch_size=4, seed=1))
    run.step()
    info = run.chain_factors(1, 0, 2)
    assert info["source"].startswith("engine") and "huber" in info["note"]


@pytest.mark.parametrize("phase_by_phase", [False, True])
def test_default_config_hover_factors_come_from_the_explain_mode(phase_by_phase):
    """Default: tanh hidden layers, one sigmoid output, binary cross-entropy (issue 7)."""
    run = Run(Config())
    assert (run.config.loss, run.net.activation_name) == ("bce", "tanh")
    if phase_by_phase:
        for _ in range(3):
            run.advance_phase()  # forward, error, backward: the gradients are there
    else:
        run.step()
    t, n = run.inspect.trace, run.batch_size
    x0 = t.inputs.data[0]
    for layer, lin in enumerate(run.net.layers):
        a_prev = x0 if layer == 0 else t.acts[layer - 1].data[0]
        for j in range(lin.out_features):
            for i in range(lin.in_features):
                info = run.chain_factors(layer, j, i)
                assert info["source"] == "retrograd.explainer" and "note" not in info
                f = [d["value"] for d in info["factors"]]
                assert info["factors"][0]["name"].startswith("∂E_total/∂out_")
                last = layer == len(run.net.layers) - 1
                # outputs: read from the engine; hidden: the sum over paths (checked against it)
                assert info["factors"][0]["source"] == ("engine" if last else "sum of paths")
                # sample 0's factors are the step's own retained gradients (its loss is a
                # batch mean, so they carry a 1/n), the activation's slope and a_i; the
                # step's fused BCE reads the logit, so at the output only dL/dz is retained
                assert f[0] * f[1] / n == pytest.approx(float(t.zs[layer].grad[0, j]), rel=1e-9)
                if not last:
                    assert f[0] / n == pytest.approx(float(t.acts[layer].grad[0, j]), rel=1e-9)
                a = float(t.acts[layer].data[0, j])
                slope = a * (1 - a) if last else 1 - a * a
                assert f[1] == pytest.approx(slope, rel=1e-9)
                assert f[2] == pytest.approx(float(a_prev[i]), rel=1e-12)
                assert info["product"] == pytest.approx(f[0] * f[1] * f[2], rel=1e-12)
                # the explain mode's batch gradient is the engine's dL/dw of the step
                assert info["batch_grad"] == pytest.approx(info["grad"], rel=1e-9, abs=1e-15)


def test_default_config_with_a_batch_of_one_gives_the_engine_gradient():
    run = Run(Config(batch_size=1, seed=3))
    run.step()
    for layer, lin in enumerate(run.net.layers):
        for j in range(lin.out_features):
            info = run.chain_factors(layer, j, 0)
            assert info["source"] == "retrograd.explainer"
            assert info["product"] == pytest.approx(info["grad"], rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("reg", ["l1", "l2"])
def test_hover_adds_the_penalty_term_to_the_explained_data_term(reg):
    rate = 0.05
    run = Run(Config(regularization=reg, reg_rate=rate, activation="elu", seed=4))
    run.step()
    p = run.inspect
    for layer, lin in enumerate(run.net.layers):
        w_old = p.old_params[2 * layer]
        for j in range(lin.out_features):
            info = run.chain_factors(layer, j, 1)
            assert info["source"] == "retrograd.explainer"
            expected = rate * (np.sign(w_old[j, 1]) if reg == "l1" else w_old[j, 1])
            assert info["penalty"]["value"] == pytest.approx(expected, rel=1e-12)
            assert info["batch_grad"] == pytest.approx(info["data_grad"] + expected, rel=1e-12)
            assert info["batch_grad"] == pytest.approx(info["grad"], rel=1e-9, abs=1e-15)


def test_hover_falls_back_with_a_note_for_networks_too_big_to_narrate():
    run = Run(Config(hidden=[16, 16, 16], batch_size=40))
    run.step()
    info = run.chain_factors(1, 0, 0)
    assert info["source"].startswith("engine") and "too much to narrate" in info["note"]
    assert info["product"] == pytest.approx(
        float(run.inspect.trace.acts[1].grad[0, 0])
        * (1 - float(run.inspect.trace.acts[1].data[0, 0]) ** 2)
        * float(run.inspect.trace.acts[0].data[0, 0]),
        rel=1e-12,
    )


def test_l2_and_l1_add_their_gradient():
    def grads(reg):
        run = Run(Config(dataset="xor", hidden=[3], seed=6, regularization=reg, reg_rate=0.1))
        for _ in range(3):
            run.advance_phase()
        return run, [layer.weight.grad.copy() for layer in run.net.layers]

    plain_run, plain = grads("none")
    l2_run, l2 = grads("l2")
    l1_run, l1 = grads("l1")
    for layer, g0, g2, g1 in zip(plain_run.net.layers, plain, l2, l1):
        np.testing.assert_allclose(g2, g0 + 0.1 * layer.weight.data, rtol=1e-9)
        np.testing.assert_allclose(g1, g0 + 0.1 * np.sign(layer.weight.data), rtol=1e-9)


def test_training_learns_a_separable_set():
    run = Run(Config(dataset="blobs", hidden=[4], seed=0))
    start = run.history["train_loss"][0]
    for _ in range(300):
        run.step()
    assert run.history["train_loss"][-1] < 0.3 * start
    assert run.history["test_acc"][-1] > 0.9


def test_history_is_thinned():
    run = Run(Config(dataset="xor", hidden=[2], n_samples=20, batch_size=10))
    for _ in range(3 * MAX_HISTORY):
        run.step()
    assert len(run.history["step"]) <= MAX_HISTORY
    assert run.history["step"][-1] > 2 * MAX_HISTORY


def test_heatmaps_cover_output_and_every_neuron():
    run = Run(Config(dataset="circles", hidden=[3, 2], features=["x1", "x2", "x1^2"]))
    h = run.heatmaps()
    assert len(base64.b64decode(h["output"])) == OUTPUT_GRID**2
    assert [len(layer) for layer in h["neurons"]] == [3, 3, 2, 1]
    assert all(len(base64.b64decode(n)) == NEURON_GRID**2 for layer in h["neurons"] for n in layer)


def test_divergence_is_reported_before_the_weights_are_ruined():
    run = Run(Config(dataset="gauss", loss="mse", hidden=[2]))
    run.net.layers[0].weight.data[:] = np.inf
    with np.errstate(invalid="ignore"), pytest.raises(FloatingPointError):
        run.step()
