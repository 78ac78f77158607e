"""End to end in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

Opens the page, presses Step several times, steps through one batch phase by
phase and checks the gradients the page shows against retrograd's engine run
independently here (and the update's Δw on the edges and in the table), presses
Play and checks that the displayed loss falls and the boundary image changes,
then saves a screenshot.

Set ``PLAYGROUND_SCREENSHOT=path.png`` to also write the screenshot there
(that is how docs/img/playground.png is made).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

import retrograd as rg
from retrograd.playground.network import PlaygroundNet, feature_map

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture
def page(server, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/install-browser.sh installs it)")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh user-data dir
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1400, "height": 1000},
            bypass_csp=True,  # lets Playwright evaluate its wait conditions; the page needs no eval
        )
        errors: list[str] = []
        pg = context.new_page()
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.set_default_timeout(30_000)
        yield pg
        context.close()
        assert not errors, f"JavaScript errors on the page: {errors}"


def _loss(page) -> float:
    return float(page.inner_text("#train-loss"))


def _steps(page) -> int:
    return int(page.inner_text("#steps"))


def _heatmap(page) -> str:
    return page.eval_on_selector("#heatmap", "c => c.toDataURL()")


def _engine_gradients(snap: dict, points: list) -> list[np.ndarray]:
    """The batch's dL/dW computed here by retrograd, from the weights the page showed."""
    c = snap["config"]
    net = PlaygroundNet(len(snap["features"]), c["hidden"], 1, c["activation"], "sigmoid", seed=0)
    for layer, w, b in zip(net.layers, snap["weights"]["w"], snap["weights"]["b"]):
        layer.weight.data = np.array(w)
        layer.bias.data = np.array(b)
    pts = np.array(points)
    idx = np.array(snap["phase"]["batch"])
    x = rg.tensor(feature_map(pts[idx, :2], snap["features"]), dtype=np.float64)
    trace = net.trace(x)
    loss = rg.nn.functional.binary_cross_entropy_with_logits(trace.logits[:, 0], pts[idx, 2])
    loss.backward()
    return [layer.weight.grad for layer in net.layers]


def test_train_in_the_browser(server, page, tmp_path):
    page.goto(f"{server.url}/?dataset=circles&hidden=4,2&lr=0.3&seed=1&batch_size=10")
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_function("window.playground.snap && window.playground.points")
    assert "dataset=circles" in page.url and "hidden=4%2C2" in page.url
    first_loss = _loss(page)
    first_image = _heatmap(page)

    # Step: one batch per click
    for _ in range(5):
        page.click("#btn-step")
    page.wait_for_function("document.getElementById('steps').textContent === '5'")

    # Step-through: forward, error, backward -- the page's gradients are the engine's
    before = page.evaluate("JSON.parse(JSON.stringify(window.playground.snap))")
    points = page.evaluate("window.playground.points.train")
    for phase in ("forward", "error", "backward"):
        page.click("#btn-phase")
        page.wait_for_function(f"document.getElementById('phase-label').textContent === '{phase}'")
    snap = page.evaluate("window.playground.snap")
    snap["weights"] = before["weights"]
    expected = _engine_gradients(snap, points)
    cells = page.eval_on_selector_all(
        "#grad-table td.grad",
        "cs => cs.map(c => [+c.dataset.layer, +c.dataset.j, +c.dataset.i, c.textContent])",
    )
    assert len(cells) == sum(g.size for g in expected)
    for layer, j, i, text in cells:
        assert float(text) == pytest.approx(expected[layer][j, i], rel=1e-5, abs=1e-12)
    assert page.locator("#network text.value.grad").count() > 0  # dL/dz on the neurons
    grads = {(layer, j, i): float(text) for layer, j, i, text in cells}
    page.click("#btn-phase")
    page.wait_for_function("document.getElementById('phase-label').textContent === 'update'")
    # update: the table and the edges show each weight's move, Δw = −lr·∂L/∂w (plain SGD)
    deltas = page.eval_on_selector_all(
        "#grad-table td.delta",
        "cs => cs.map(c => [+c.dataset.layer, +c.dataset.j, +c.dataset.i, c.textContent])",
    )
    assert len(deltas) == len(cells)
    for layer, j, i, text in deltas:
        assert float(text) == pytest.approx(-0.3 * grads[(layer, j, i)], rel=1e-4, abs=1e-12)
    edges = page.eval_on_selector_all(
        "#network path.edge.delta",
        "ps => ps.map(p => [+p.dataset.layer, +p.dataset.j, +p.dataset.i, +p.dataset.delta,"
        " p.querySelector('title').textContent])",
    )
    assert len(edges) == len(cells)
    for layer, j, i, delta, title in edges:
        assert delta == pytest.approx(-0.3 * grads[(layer, j, i)], rel=1e-4, abs=1e-12)
        assert title.startswith("Δw = ")
    assert page.locator("#grad-table tr.more").count() == 0  # 18 weights: all listed

    # hovering a weight shows its value, gradient and chain-rule factors
    page.hover("#network path.edge >> nth=0")
    page.wait_for_selector("#tooltip:not([hidden])")
    assert "chain rule" in page.inner_text("#tooltip")

    # Play: the loss falls and the boundary changes while the controls stay live
    page.click("#btn-play")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
        _steps(page) > 600 and _loss(page) < 0.5 * first_loss
    ):
        time.sleep(0.25)
    page.click("#btn-play")  # pause
    page.wait_for_function("document.getElementById('btn-play').textContent.includes('Play')")
    assert _loss(page) < 0.5 * first_loss
    assert _heatmap(page) != first_image
    acc = float(page.inner_text("#test-acc").rstrip("%"))
    assert acc > 60

    # one more step-through to the backward phase, for the screenshot
    for phase in ("forward", "error", "backward"):
        page.click("#btn-phase")
        page.wait_for_function(f"document.getElementById('phase-label').textContent === '{phase}'")
    time.sleep(1.5)  # let the gradients finish flowing back (a CSS transition)
    shot = tmp_path / "playground.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    target = os.environ.get("PLAYGROUND_SCREENSHOT")
    if target:
        shutil.copyfile(shot, target)


def test_textbook_preset_in_the_browser(server, page):
    page.goto(f"{server.url}/")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#btn-textbook")
    page.wait_for_selector("#derivation-panel:not([hidden])")
    assert "preset=textbook" in page.url
    page.click("#btn-term")
    page.wait_for_function("document.querySelectorAll('#derivation li').length === 1")
    assert page.inner_text("#derivation li").startswith("net_h1 = w1·i1 + w2·i2 + b")
    page.click("#btn-term")
    page.wait_for_function("document.querySelectorAll('#derivation li').length === 2")
    assert "out_h1 = σ(net_h1) = 1/(1+e^(−0.3775)) = 0.593269992" in page.inner_text(
        "#derivation li >> nth=1"
    )


def test_weight_table_says_how_many_weights_it_leaves_out(server, page):
    # 2 -> 16 -> 16 -> 1: 32 + 256 + 16 = 304 weights, the table lists 80
    page.goto(f"{server.url}/?dataset=xor&hidden=16,16&seed=1")
    page.wait_for_selector("body[data-ready='1']")
    for phase in ("forward", "error", "backward"):
        page.click("#btn-phase")
        page.wait_for_function(f"document.getElementById('phase-label').textContent === '{phase}'")
    assert page.locator("#grad-table td.grad").count() == 80
    assert page.inner_text("#grad-table tr.more") == "… 224 more weights not shown"


def test_controls_update_the_url_and_csv_upload(server, page, tmp_path):
    page.goto(f"{server.url}/?dataset=xor&seed=4")
    page.wait_for_selector("body[data-ready='1']")
    page.select_option("#activation", "relu")
    page.wait_for_function("location.search.includes('activation=relu')")
    page.click("#layer-buttons button >> nth=0")  # one more neuron in the first hidden layer
    page.wait_for_function("location.search.includes('hidden=5%2C2')")
    assert page.locator("#network image").count() == 2 + 5 + 2 + 1  # a thumbnail per neuron
    rng = np.random.default_rng(0)
    rows = "\n".join(
        f"{a:.4f},{b:.4f},{int(a * a + b * b < 1)}" for a, b in rng.normal(size=(80, 2))
    )
    csv = tmp_path / "mine.csv"
    csv.write_text("x1,x2,label\n" + rows)
    page.set_input_files("#csv", str(csv))
    page.wait_for_function("window.playground.snap.config.dataset === 'csv'")
    assert (
        page.evaluate(
            "window.playground.points.train.length + window.playground.points.test.length"
        )
        == 80
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\n3,4\n")
    page.set_input_files("#csv", str(bad))
    page.wait_for_selector("#error:not([hidden])")
    assert "expected 3 columns" in page.inner_text("#error")
