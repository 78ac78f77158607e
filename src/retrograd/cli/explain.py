"""``retrograd explain``: the chain rule, weight by weight, with the engine's real numbers."""

from __future__ import annotations

import argparse
import sys
from typing import Any

EPILOG = """examples:
  retrograd explain                              # the classic 2-2-2 example, one step
  retrograd explain --steps 10000 --every 1000   # ...and the error falling for 10000 steps
  retrograd explain --format markdown > step.md  # Markdown with LaTeX math
  retrograd explain --format json                # every value keyed by neuron and weight
  retrograd explain --layers 2,2,1 --activations tanh,sigmoid --loss mse --lr 0.1 \\
      --inputs "0,0;0,1;1,0;1,1" --targets "0;1;1;0" --seed 3
  retrograd explain --config net.json --digits 12
  retrograd explain --graph > graph.dot          # the computation graph as DOT text
  retrograd explain --graph-file graph.svg       # ...rendered (needs Graphviz's dot)

JSON file (--config): {"layers": [2, 2, 2], "activations": "sigmoid", "loss": "half_sse",
  "lr": 0.5, "weights": [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55], "biases": [0.35, 0.6],
  "samples": [{"inputs": [0.05, 0.1], "targets": [0.01, 0.99]}], "update_biases": false}
Values starting with a minus sign need '=': --inputs=-0.5,1 --weights=-1,2,...
Weights are numbered row by row (w1 = i1->h1, w2 = i2->h1, w3 = i1->h2, ...); a bias per
layer is shared by its neurons (b1, b2), a list per layer gives one per neuron (b_h1, ...).
"""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "explain",
        help="narrate backpropagation for a small network, weight by weight",
        description="Run one training step of a small network through retrograd's engine and "
        "write out the forward pass, the chain rule for every weight (each product checked "
        "against the engine's gradient) and the update. Flags override --config.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    net = p.add_argument_group("network (default: the classic 2-2-2 example)")
    net.add_argument("--config", metavar="FILE", help="network description as a JSON file")
    net.add_argument("--layers", metavar="SIZES", help="layer sizes, inputs first: 2,2,2")
    net.add_argument(
        "--activations",
        metavar="NAMES",
        help="sigmoid, tanh, relu, leaky_relu, elu or identity: one for all layers or one per "
        "layer (comma-separated); with cross_entropy the output is softmax, with bce sigmoid",
    )
    net.add_argument(
        "--loss",
        help="half_sse (E = 1/2 sum (t - o)^2), mse, cross_entropy or "
        "binary_cross_entropy (bce, on a sigmoid output)",
    )
    net.add_argument("--lr", type=float, help="learning rate eta (default 0.5)")
    net.add_argument("--weights", metavar="VALUES", help="every weight in textbook order w1,w2,...")
    net.add_argument(
        "--biases",
        metavar="VALUES",
        help="one shared bias per layer (0.35,0.6), or one value per neuron, "
        "layers separated by ';' (0.1,0.2;0.3,0.4)",
    )
    net.add_argument(
        "--inputs", metavar="VALUES", help="one sample 0.05,0.1 or several 0,0;0,1;1,0"
    )
    net.add_argument(
        "--targets",
        metavar="VALUES",
        help="targets per sample, samples separated by ';' (class indices for cross_entropy)",
    )
    net.add_argument(
        "--update-biases",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="update the biases too (default: only biases given per neuron; the "
        "textbook keeps its shared b1, b2 fixed)",
    )
    net.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed for random weights when none are given (default 0)",
    )
    run_ = p.add_argument_group("training and output")
    run_.add_argument(
        "--steps",
        type=int,
        default=1,
        help="training steps in all; the first is narrated (default 1)",
    )
    run_.add_argument(
        "--every",
        type=int,
        metavar="K",
        help="with --steps: a table row every K steps (default steps/10)",
    )
    run_.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    run_.add_argument(
        "--digits",
        type=int,
        default=9,
        help="significant digits of the numbers in text, Markdown and --graph/--graph-file "
        "output (default 9; JSON always has full precision)",
    )
    run_.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    run_.add_argument(
        "--graph",
        action="store_true",
        help="print the computation graph (DOT text with values and gradients) "
        "instead of the narration",
    )
    run_.add_argument(
        "--graph-file",
        metavar="PATH",
        help="also write the graph: .dot text, or .svg/.png/.pdf via Graphviz",
    )
    p.set_defaults(func=run)


def _numbers(text: str, flag: str) -> list[float]:
    from retrograd.cli import CLIError

    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise CLIError(f"{flag}: expected comma-separated numbers, got {text!r}") from None


def _groups(text: str, flag: str) -> list[list[float]]:
    """'0,0;0,1' -> [[0, 0], [0, 1]] (samples or layers separated by ';')."""
    return [_numbers(g, flag) for g in text.split(";") if g.strip()]


def _samples(inputs: str | None, targets: str | None) -> dict[str, Any]:
    from retrograd.cli import CLIError

    if (inputs is None) != (targets is None):
        raise CLIError("give both --inputs and --targets (or neither)")
    if inputs is None or targets is None:
        return {}
    xs, ts = _groups(inputs, "--inputs"), _groups(targets, "--targets")
    if len(xs) != len(ts):
        raise CLIError(f"--inputs has {len(xs)} sample(s) but --targets has {len(ts)}")
    # a single number per sample may be a class index (cross-entropy) or a 1-output target
    items = [{"inputs": x, "targets": t[0] if len(t) == 1 else t} for x, t in zip(xs, ts)]
    return {"samples": items}


def _biases(text: str, sizes: list[int] | None) -> Any:
    if ";" in text:
        groups = _groups(text, "--biases")
        return [g[0] if len(g) == 1 else g for g in groups]
    values = _numbers(text, "--biases")
    if sizes is not None and len(values) == sum(sizes[1:]) and len(values) != len(sizes) - 1:
        out, start = [], 0
        for size in sizes[1:]:
            out.append(values[start : start + size])
            start += size
        return out
    return values


def _spec(args: argparse.Namespace) -> Any:
    import json
    from pathlib import Path

    from retrograd.cli import CLIError
    from retrograd.explainer import spec_from_dict

    data: dict[str, Any] = {}
    if args.config:
        path = Path(args.config)
        if not path.is_file():
            raise CLIError(f"--config: no such file {path}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CLIError(
                f"--config {path}: not valid JSON ({exc.msg} at line {exc.lineno})"
            ) from None
        if not isinstance(data, dict):
            raise CLIError(f"--config {path}: expected a JSON object")
    if args.layers is not None:
        data["layers"] = args.layers
    if args.activations is not None:
        data["activations"] = args.activations
    if args.loss is not None:
        data["loss"] = args.loss
    if args.lr is not None:
        data["lr"] = args.lr
    if args.weights is not None:
        data["weights"] = _numbers(args.weights, "--weights")
    if args.biases is not None:
        layers = data.get("layers", "2,2,2")  # the textbook network unless told otherwise
        try:
            sizes = [int(s) for s in str(layers).strip("[]").replace("-", ",").split(",")]
        except ValueError:
            sizes = None  # make_spec reports the bad layer sizes
        data["biases"] = _biases(args.biases, sizes)
    samples = _samples(args.inputs, args.targets)
    if samples:
        for key in ("inputs", "targets", "samples"):
            data.pop(key, None)
        data.update(samples)
    if args.update_biases is not None:
        data["update_biases"] = args.update_biases
    data.setdefault("seed", args.seed)
    return spec_from_dict(data)


def run(args: argparse.Namespace) -> int:
    from retrograd.cli import CLIError
    from retrograd.explainer import trace
    from retrograd.explainer.graph import network_graph, render

    if args.digits < 1 or args.digits > 17:
        raise CLIError(f"--digits: expected 1..17, got {args.digits}")
    if args.steps < 1:
        raise CLIError(f"--steps: expected a whole number >= 1, got {args.steps}")
    if args.every is not None and args.every < 1:
        raise CLIError(f"--every: expected a whole number >= 1, got {args.every}")
    spec = _spec(args)
    if args.graph or args.graph_file:
        dot = network_graph(spec, digits=args.digits)
        if args.graph_file:
            try:
                render(dot, args.graph_file)
            except RuntimeError as exc:
                raise CLIError(str(exc)) from None
            print(f"wrote {args.graph_file}", file=sys.stderr)
        if args.graph:
            _emit(dot, args.output)
            return 0
    explanation = trace(spec, steps=args.steps, every=args.every)
    _emit(explanation.render(args.format, args.digits), args.output)
    return 0


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from retrograd.io.atomic import atomic_write

    with atomic_write(output, "w") as f:
        f.write(text)
    print(f"wrote {output}", file=sys.stderr)
