"""``retrograd explain``: through main() and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from retrograd.cli import main
from retrograd.explainer.graph import graphviz_available


def run_main(capsys, *argv):
    code = main(["explain", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_default_example_text(capsys):
    code, out, _ = run_main(capsys)
    assert code == 0
    assert "net_h1 = w1·i1 + w2·i2 + b1 = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775" in out
    assert "E_total = E_o1 + E_o2 = 0.274811083 + 0.0235600256 = 0.298371109" in out
    assert "= 0.000438567734   (engine: 0.000438567734 \u2713)" in out
    assert "w1\u207a = 0.15 - 0.5 · 0.000438567734 = 0.149780716" in out


def test_json_and_markdown_formats(capsys):
    code, out, _ = run_main(capsys, "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert abs(d["samples"][0]["chains"]["w5"]["product"] - 0.082167041) < 5e-10
    code, out, _ = run_main(capsys, "--format", "markdown", "--digits", "5")
    assert code == 0 and r"\frac{\partial E_{total}}{\partial w_{5}}" in out and "0.082167" in out


def test_flags_describe_any_small_network(capsys):
    code, out, _ = run_main(
        capsys,
        "--layers",
        "2,2,1",
        "--activations",
        "tanh,sigmoid",
        "--loss",
        "mse",
        "--lr",
        "0.1",
        "--inputs",
        "0,0;0,1;1,0;1,1",
        "--targets",
        "0;1;1;0",
        "--seed",
        "3",
        "--steps",
        "30",
        "--every",
        "10",
        "--format",
        "json",
    )
    assert code == 0
    d = json.loads(out)
    assert len(d["samples"]) == 4 and d["network"]["layers"] == [2, 2, 1]
    assert d["training"]["steps"] == [0, 1, 10, 20, 30]
    assert d["gradients"]["w1"]["reduction"] == "mean"


def test_per_neuron_biases_and_config_file(tmp_path, capsys):
    cfg = tmp_path / "net.json"
    cfg.write_text(
        json.dumps(
            {
                "layers": [2, 2, 2],
                "loss": "cross_entropy",
                "activations": ["relu", "softmax"],
                "samples": [{"inputs": [0.5, 0.2], "targets": 1}],
            }
        )
    )
    code, out, _ = run_main(
        capsys, "--config", str(cfg), "--biases", "0.1,0.2,0.3,0.4", "--format", "json"
    )
    assert code == 0
    d = json.loads(out)
    assert d["network"]["biases"] == [[0.1, 0.2], [0.3, 0.4]]
    assert d["updates"]["b_o2"]["applied"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--weights", "1,2,3"], "weights: expected 8 values"),
        (["--inputs", "1,2,3", "--targets", "0,1"], "sample 1: inputs has 3 value(s), expected 2"),
        (["--activations", "sigmod"], "unknown 'sigmod'"),
        (["--loss", "hinge"], "loss: unknown 'hinge'"),
        (["--layers", "20,20,20"], "at most 200"),
        (["--inputs", "1,2"], "give both --inputs and --targets"),
        (["--weights", "a,b"], "--weights: expected comma-separated numbers"),
        (["--digits", "0"], "--digits: expected 1..17"),
        (["--config", "/nonexistent/net.json"], "--config: no such file"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, argv, message):
    code, out, err = run_main(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("retrograd explain: error: ") and message in err
    assert err.count("\n") == 1


def test_bad_weights_file_names_the_layer(tmp_path, capsys):
    cfg = tmp_path / "net.json"
    cfg.write_text(json.dumps({"weights": [[[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]]]}))
    code, _, err = run_main(capsys, "--config", str(cfg))
    assert code == 2
    assert "weights for layer 2 (h -> o): expected shape (2, 2) (out, in), got (2, 3)" in err


def test_output_file_and_graph(tmp_path, capsys):
    out_file = tmp_path / "step.md"
    code, out, err = run_main(capsys, "--format", "markdown", "-o", str(out_file))
    assert code == 0 and out == "" and out_file.read_text().startswith("# Backpropagation")
    code, out, _ = run_main(capsys, "--graph")
    assert code == 0 and out.startswith("digraph retrograd {") and 'label="Linear"' in out
    dot_file = tmp_path / "g.dot"
    code, out, _ = run_main(capsys, "--graph-file", str(dot_file))
    assert code == 0 and dot_file.read_text().startswith("digraph")
    assert "Backpropagation" in out  # --graph-file alone still prints the narration


def test_graph_honours_digits(tmp_path, capsys):
    # dE/dw5 = 0.0821670406..., dE/dw1 = 0.000438567734... (the published 0.082167041, 0.000438568)
    code, out, _ = run_main(capsys, "--graph", "--digits", "9")
    assert code == 0
    assert "grad [0.0821670406 0.0826676278 " in out
    assert "grad [0.000438567734 0.000877135469 " in out
    code, out, _ = run_main(capsys, "--graph", "--digits", "3")
    assert code == 0 and "grad [0.0822 0.0827 " in out and "0.0821670406" not in out
    dot_file = tmp_path / "g.dot"
    code, _, _ = run_main(capsys, "--graph-file", str(dot_file), "--digits", "12")
    assert code == 0 and "grad [0.0821670405642 0.0826676278475 " in dot_file.read_text()


@pytest.mark.skipif(not graphviz_available(), reason="Graphviz's dot program is not installed")
def test_graph_svg(tmp_path, capsys):
    svg = tmp_path / "g.svg"
    code, _, _ = run_main(capsys, "--graph-file", str(svg), "--graph")
    assert code == 0 and "<svg" in svg.read_text()


def test_subprocess_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "retrograd", "explain", "--steps", "100", "--every", "50"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "0.298371109" in proc.stdout and "Training on: 100 steps" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "retrograd", "explain", "--loss", "nope"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "loss: unknown 'nope'" in proc.stderr
