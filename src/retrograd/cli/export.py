"""``retrograd export``: write a saved model as ONNX, or as PyTorch code plus weights.

``--format onnx`` (the ``onnx`` extra) writes a graph any ONNX runtime runs;
the input standardisation recorded by ``retrograd train`` is built in, so the
exported model takes raw features. With ``--check`` the file is run in
ONNX Runtime on random inputs and compared with retrograd's own outputs.
``--format torch`` writes a Python file that builds the equivalent
``torch.nn`` model and loads the weights from an ``.npz`` next to it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from retrograd.cli import CLIError
from retrograd.cli.train import _one_line_error

EPILOG = """\
examples:
  retrograd export runs/digits/model.npz digits.onnx
  retrograd export --format onnx runs/mnist/model.npz mnist.onnx --check
  retrograd export lenet.npz lenet.onnx --input-shape 1,28,28     # a CNN: one example's shape
  retrograd export runs/digits/model.npz digits_torch.py --format torch   # + digits_torch.npz
"""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export",
        help="export a saved model to ONNX (or PyTorch code + weights)",
        description="Export a model saved by 'retrograd train' (or rg.save) so other tools can "
        "run it: an ONNX graph, or the equivalent torch.nn model as Python code.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _one_line_error(p)
    p.add_argument("model", metavar="MODEL", help="model file (.npz) written by retrograd")
    p.add_argument("out", metavar="OUT", help="output file (.onnx, or .py for --format torch)")
    p.add_argument(
        "--format", choices=["onnx", "torch"], default="onnx", help="what to write (default onnx)"
    )
    p.add_argument(
        "--input-shape",
        metavar="DIMS",
        help="one example's shape without the batch axis, e.g. 1,28,28 (needed unless the "
        "first layer is Linear)",
    )
    p.add_argument(
        "--no-scaling",
        action="store_true",
        help="do not build the recorded input standardisation into the ONNX graph",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="run the ONNX file in onnxruntime and compare with retrograd (max difference 1e-5)",
    )
    p.set_defaults(func=run)


def _parse_shape(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        dims = tuple(int(d) for d in text.replace("x", ",").split(",") if d.strip())
    except ValueError:
        raise CLIError(f"--input-shape must be integers like 1,28,28, got {text!r}") from None
    if not dims or any(d < 1 for d in dims):
        raise CLIError(f"--input-shape must be positive integers like 1,28,28, got {text!r}")
    return dims


def _check_onnx(path: Path, model: Any, shape: tuple[int, ...], mean: Any, std: Any) -> float:
    """Largest |onnxruntime - retrograd| on 16 random inputs (standard normal after scaling)."""
    import numpy as np

    from retrograd.train import predict

    try:
        import onnxruntime as ort
    except ImportError:
        raise CLIError('--check needs onnxruntime: pip install "retrograd[onnx]"') from None
    dtype = next(model.parameters()).dtype
    z = np.random.default_rng(0).normal(size=(16, *shape)).astype(dtype)
    m = np.asarray(0.0 if mean is None else mean, dtype)
    s = np.asarray(1.0 if std is None else std, np.float64)
    s = np.where(s == 0, 1.0, s).astype(dtype)
    raw = (z * s + m).astype(dtype)  # raw features whose standardised values are z
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: raw})[0]
    want = predict(model, ((raw - m) / s).astype(dtype))
    return float(np.max(np.abs(got.astype(np.float64) - want)))


def run(args: argparse.Namespace) -> int:
    from retrograd.cli.evaluate import load_model_and_settings

    model, settings = load_model_and_settings(args.model)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CLIError(f"output directory does not exist: {out.parent}")
    if args.format == "torch":
        return _export_torch(model, out)
    from retrograd.export import UnsupportedLayerError, export_onnx

    mean = None if args.no_scaling else settings.get("mean")
    std = None if args.no_scaling else settings.get("std")
    try:
        proto = export_onnx(
            model,
            out,
            input_shape=_parse_shape(args.input_shape),
            mean=mean,
            std=std,
            doc_string=f"exported by retrograd from {Path(args.model).name}",
        )
    except UnsupportedLayerError as exc:
        raise CLIError(str(exc)) from None
    shape = tuple(d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim[1:])
    ops = sorted({n.op_type for n in proto.graph.node})
    scaled = " (input standardisation built in)" if mean is not None or std is not None else ""
    print(f"wrote {out}: ONNX opset {proto.opset_import[0].version}, input (N, "
          f"{', '.join(map(str, shape))}){scaled}; operators: {', '.join(ops)}")  # fmt: skip
    if args.check:
        diff = _check_onnx(out, model, shape, mean, std)
        if not diff <= 1e-5:
            raise CLIError(f"onnxruntime differs from retrograd by {diff:.3g} (> 1e-5)")
        print(f"check: onnxruntime matches retrograd (max |difference| {diff:.2g})")
    return 0


TORCH_TEMPLATE = '''"""torch.nn model of {source}, from `retrograd export --format torch`."""

from pathlib import Path

import numpy as np
import torch


def build() -> torch.nn.Module:
    """The network with the trained weights loaded (in eval mode)."""
    model = {code}
    weights = np.load(Path(__file__).with_name("{weights}"), allow_pickle=False)
    model.load_state_dict({{k: torch.from_numpy(weights[k]) for k in weights.files}})
    return model.eval()
'''


def _export_torch(model: Any, out: Path) -> int:
    import numpy as np

    from retrograd.export import torch_source, torch_state_dict
    from retrograd.io.atomic import atomic_write, atomic_write_bytes

    if out.suffix != ".py":
        raise CLIError(f"--format torch writes Python code: OUT must end in .py, got {out.name}")
    try:
        code = torch_source(model, indent="    ")
        weights = torch_state_dict(model)
    except TypeError as exc:
        raise CLIError(str(exc)) from None
    npz = out.with_suffix(".npz")
    with atomic_write(npz, "wb") as f:
        np.savez(f, **weights)
    text = TORCH_TEMPLATE.format(source=out.stem, code=code, weights=npz.name)
    atomic_write_bytes(out, text.encode())
    print(f"wrote {out} and {npz}: `from {out.stem} import build; model = build()`")
    return 0
