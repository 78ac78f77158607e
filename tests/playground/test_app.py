"""API tests against a real uvicorn server on a loopback port."""

from __future__ import annotations

import json

import numpy as np

import retrograd as rg
from retrograd.playground.network import PlaygroundNet, feature_map


def test_page_and_static_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "retrograd" in page.text
    assert '<script src="/static/app.js">' in page.text
    for path in ("/static/app.js", "/static/style.css"):
        assert client.get(path).status_code == 200
    # no inline script or style and nothing from a CDN: the CSP default-src 'self' holds
    assert "<script>" not in page.text and "style=" not in page.text
    assert "http://" not in page.text and "https://" not in page.text


def test_meta_lists_choices_and_caps(client):
    meta = client.get("/api/meta").json()
    assert {"xor", "circles", "spirals", "blobs", "moons"} <= set(meta["classification_sets"])
    assert meta["regression_sets"] and "sgd" in meta["optimizers"]
    assert meta["max_neurons"] > 0 and meta["max_csv_bytes"] > 0


def test_step_trains_and_loss_falls(server, client):
    sid, state = server.new_session(client, dataset="blobs", hidden="4", lr=0.3, seed=3)
    first = state["history"]["train_loss"][-1]
    r = client.post(f"/api/sessions/{sid}/step", json={"n": 200})
    assert r.status_code == 200
    after = r.json()["state"]
    assert after["steps"] == 200
    assert after["history"]["train_loss"][-1] < 0.5 * first
    assert after["history"]["test_acc"][-1] > 0.9


def test_step_through_phases_show_the_engines_gradients(server, client):
    sid, _ = server.new_session(client, dataset="moons", hidden="3,2", lr=0.1, seed=5, batch_size=4)
    state = client.get(f"/api/sessions/{sid}").json()
    weights = state["weights"]
    x_train = np.array(state["points"]["train"])[:, :2]
    views = [client.post(f"/api/sessions/{sid}/phase").json()["result"] for _ in range(4)]
    assert [v["phase"] for v in views] == ["forward", "error", "backward", "update"]
    backward = views[2]
    # recompute the same batch independently with retrograd and compare
    net = PlaygroundNet(2, [3, 2], 1, "tanh", "sigmoid", seed=0)
    for layer, w, b in zip(net.layers, weights["w"], weights["b"]):
        layer.weight.data = np.array(w)
        layer.bias.data = np.array(b)
    idx = np.array(backward["batch"])
    y_all = np.array(state["points"]["train"])[:, 2]
    x = rg.tensor(feature_map(x_train[idx], ["x1", "x2"]), dtype=np.float64)
    trace = net.trace(x)
    loss = rg.nn.functional.binary_cross_entropy_with_logits(trace.logits[:, 0], y_all[idx])
    loss.backward()
    assert np.isclose(views[1]["loss"], float(loss.data), rtol=1e-9)
    for layer, g in zip(net.layers, backward["grad_w"]):
        np.testing.assert_allclose(np.array(g), layer.weight.grad, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(np.array(backward["dz"][0]), trace.zs[0].grad[0], rtol=1e-7)
    # the update moved each weight by -lr * grad (plain SGD)
    for g, d in zip(backward["grad_w"], views[3]["delta_w"]):
        np.testing.assert_allclose(np.array(d), -0.1 * np.array(g), rtol=1e-6, atol=1e-12)


def test_weight_hover_gives_value_gradient_and_chain_factors(server, client):
    sid, _ = server.new_session(client, dataset="xor", hidden="2", batch_size=1, seed=2)
    r = client.get(f"/api/sessions/{sid}/weight", params={"layer": 0, "j": 1, "i": 0})
    assert r.status_code == 200 and r.json()["factors"] is None  # no step yet
    for _ in range(3):
        client.post(f"/api/sessions/{sid}/phase")
    info = client.get(f"/api/sessions/{sid}/weight", params={"layer": 0, "j": 1, "i": 0}).json()
    names = [f["name"] for f in info["factors"]]
    # the default loss (sigmoid output + binary cross-entropy) is narrated by the explain mode
    assert info["source"] == "retrograd.explainer"
    assert names == ["∂E_total/∂out_h2", "∂out_h2/∂net_h2", "∂net_h2/∂w3"]
    # with a batch of one, the product of the factors is the engine's gradient
    assert np.isclose(info["product"], info["grad"], rtol=1e-9)
    bad = client.get(f"/api/sessions/{sid}/weight", params={"layer": 7, "j": 0, "i": 0})
    assert bad.status_code == 400 and "layer 7" in bad.json()["error"]


def test_textbook_preset_reveals_one_term_per_click(server, client):
    sid, state = server.new_session(client, preset="textbook")
    assert state["task"] == "textbook" and state["sizes"] == [2, 2, 2]
    texts = []
    for k in range(1, 6):
        r = client.post(f"/api/sessions/{sid}/term").json()
        texts.append(r["result"]["text"])
        assert len(r["state"]["derivation"]) == k
    assert texts[0].startswith("net_h1") and texts[1].startswith("out_h1")
    terms = [client.post(f"/api/sessions/{sid}/term").json()["result"] for _ in range(30)]
    grads = [t["text"] for t in terms if t["text"].startswith("∂E/∂w")]
    assert len(grads) == 8
    for text in grads:  # each gradient term quotes its product and the engine's value
        product = text.split("=")[-1].split("(engine:")[0].strip()
        engine = text.split("(engine:")[1].strip(" )")
        assert np.isclose(float(product), float(engine), atol=2e-6)


def test_config_change_rebuilds_and_lr_changes_in_place(server, client):
    sid, _ = server.new_session(client, dataset="xor", hidden="2")
    client.post(f"/api/sessions/{sid}/step", json={"n": 5})
    r = client.post(f"/api/sessions/{sid}/config", json={"lr": 0.01})
    assert r.json()["steps"] == 5 and r.json()["config"]["lr"] == 0.01
    r = client.post(f"/api/sessions/{sid}/config", json={"hidden": "5,3", "activation": "relu"})
    state = r.json()
    assert state["steps"] == 0 and state["sizes"] == [2, 5, 3, 1]
    assert state["query"]["hidden"] == "5,3"
    bad = client.post(f"/api/sessions/{sid}/config", json={"activation": "wobble"})
    assert bad.status_code == 400 and "activation" in bad.json()["error"]


def test_url_query_reproduces_the_same_run(server, client):
    sid, state = server.new_session(client, dataset="spirals", hidden="5", seed=11, data_seed=4)
    client.post(f"/api/sessions/{sid}/step", json={"n": 20})
    a = client.get(f"/api/sessions/{sid}").json()
    sid2, _ = server.new_session(client, **state["query"])
    client.post(f"/api/sessions/{sid2}/step", json={"n": 20})
    b = client.get(f"/api/sessions/{sid2}").json()
    assert a["points"] == b["points"]
    assert a["weights"] == b["weights"]


def test_reset_same_seed_and_new_seed(server, client):
    sid, state = server.new_session(client, dataset="xor", hidden="3", seed=9)
    start = state["weights"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 10})
    same = client.post(f"/api/sessions/{sid}/reset", json={"new_seed": False}).json()
    assert same["state"]["weights"] == start and same["result"]["seed"] == 9
    new = client.post(f"/api/sessions/{sid}/reset", json={"new_seed": True}).json()
    assert new["state"]["config"]["seed"] == new["result"]["seed"]
    assert new["state"]["weights"] != start


def test_csv_upload_classification_and_regression(server, client):
    sid, _ = server.new_session(client)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2))
    lines = ["x1,x2,label"] + [f"{a},{b},{int(a > b)}" for a, b in x]
    r = client.post(
        f"/api/sessions/{sid}/csv", content="\n".join(lines), headers={"Content-Type": "text/csv"}
    )
    assert r.status_code == 200, r.text
    state = r.json()
    assert state["task"] == "classification" and state["config"]["dataset"] == "csv"
    assert state["n_train"] + state["n_test"] == 60
    reg = "\n".join(f"{a},{b},{a * b}" for a, b in x)
    r = client.post(f"/api/sessions/{sid}/csv", files={"file": ("d.csv", reg, "text/csv")})
    assert r.status_code == 200 and r.json()["task"] == "regression"
    assert r.json()["config"]["loss"] in ("mse", "huber")
    r = client.post(
        f"/api/sessions/{sid}/csv", content="1,2\n3,4\n", headers={"Content-Type": "text/csv"}
    )
    assert r.status_code == 400 and "line 1" in r.json()["error"]


def test_play_runs_in_background_and_pause_stops(server, client):
    import time

    sid, _ = server.new_session(client, dataset="xor")
    client.post(f"/api/sessions/{sid}/play")
    time.sleep(1.0)
    # controls stay responsive while training
    mid = client.get(f"/api/sessions/{sid}").json()
    assert mid["playing"] and mid["steps"] > 0
    client.post(f"/api/sessions/{sid}/pause")
    stopped = client.get(f"/api/sessions/{sid}").json()["steps"]
    time.sleep(0.5)
    assert client.get(f"/api/sessions/{sid}").json()["steps"] == stopped


def test_event_stream_sends_state(server, client):
    sid, _ = server.new_session(client, dataset="xor")
    with client.stream("GET", f"/api/sessions/{sid}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = []
        for line in stream.iter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
                if len(events) == 1:
                    client.post(f"/api/sessions/{sid}/step", json={"n": 3})
                if len(events) == 2:
                    break
    assert "points" in events[0] and events[1]["steps"] == 3


def test_unknown_and_deleted_sessions_are_404(server, client):
    assert client.get("/api/sessions/nope").status_code == 404
    assert client.post("/api/sessions/nope/step", json={}).status_code == 404
    sid, _ = server.new_session(client)
    assert client.delete(f"/api/sessions/{sid}").status_code == 200
    assert client.get(f"/api/sessions/{sid}").status_code == 404
