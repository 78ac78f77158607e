"""The JSON rendering: valid JSON, every value keyed by neuron and parameter name."""

from __future__ import annotations

import json

from retrograd.explainer import make_spec, trace


def test_json_loads_and_holds_every_value_at_full_precision():
    ex = trace()
    d = json.loads(ex.to_json())
    s = d["samples"][0]
    assert set(s["neurons"]) == {"i1", "i2", "h1", "h2", "o1", "o2"}
    assert s["neurons"]["h1"]["out"] == ex.samples[0].neurons["h1"].out
    assert s["neurons"]["h1"]["net"] == 0.3775
    w5 = s["chains"]["w5"]
    assert [f["symbol"] for f in w5["factors"]][0] == "\u2202E_total/\u2202out_o1"
    assert w5["product"] == ex.chains["w5"].product
    assert w5["engine_grad"] == ex.chains["w5"].engine_grad
    assert [t["symbol"] for t in s["neurons"]["h1"]["paths"]] == [
        "\u2202E_o1/\u2202out_h1",
        "\u2202E_o2/\u2202out_h1",
    ]
    assert len(s["chains"]["b1"]["terms"]) == 2
    assert d["updates"]["w5"]["new"] == ex.updates["w5"].new
    assert d["new_parameters"]["w1"] == ex.updates["w1"].new
    assert d["names"]["weights"][1] == [["w5", "w6"], ["w7", "w8"]]
    assert d["network"]["layers"] == [2, 2, 2] and d["training"] is None
    assert (
        s["errors"]["E_o1"] + s["errors"]["E_o2"] == s["E_total"]
        or abs(s["errors"]["E_o1"] + s["errors"]["E_o2"] - s["E_total"]) < 1e-15
    )


def test_diverged_training_still_gives_valid_json():
    spec = make_spec(
        layers=[1, 1],
        activations="identity",
        loss="mse",
        lr=50.0,
        weights=[1.0],
        biases=[[0.0]],
        inputs=[[3.0]],
        targets=[[0.0]],
    )
    d = json.loads(trace(spec, steps=400).to_json())
    assert d["training"]["stopped"]
    assert any(isinstance(e, str) for e in d["training"]["E"])  # "inf"/"nan" spelled out


def test_render_dispatch():
    ex = trace()
    assert json.loads(ex.render("json"))["E"] == ex.loss
    assert ex.render("markdown").startswith("# ")
    assert ex.render("text") == str(ex)
