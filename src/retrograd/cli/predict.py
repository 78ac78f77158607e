"""``retrograd predict``: class predictions of a saved model for new inputs.

Inputs come from a ``.npy`` file (read with ``allow_pickle=False``), a CSV
file of features, or a built-in dataset split. The output is CSV:
``index,label[,class][,p_0,...]`` on stdout or in ``--output``.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

from retrograd.cli import CLIError
from retrograd.cli.train import (
    _one_line_error,
    add_data_arguments,
    label_column_arg,
    load_task_or_explain,
)

EPILOG = """\
examples:
  retrograd predict runs/digits/model.npz --input new_digits.npy
  retrograd predict runs/digits/model.npz --input points.csv --output predictions.csv --proba
  retrograd predict model.npz --input labelled.csv --drop-column label    # ignore the labels
  retrograd predict runs/moons/model.npz --dataset moons --split test --limit 5
"""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "predict",
        help="predict classes with a saved model",
        description="Predict the class of each input row with a model saved by 'retrograd "
        "train'. The input scaling recorded in the model file is applied first.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _one_line_error(p)
    p.add_argument("model", metavar="MODEL", help="model file (.npz) written by retrograd train")
    p.add_argument(
        "--input",
        "-i",
        metavar="FILE",
        help="inputs: .npy array (N, features) or a CSV file of feature columns",
    )
    p.add_argument(
        "--drop-column",
        type=label_column_arg,
        metavar="COL",
        help="CSV column to ignore (e.g. a label column), by index or header name",
    )
    add_data_arguments(p, defaults_from_model=True)
    p.add_argument(
        "--split",
        choices=["test", "train"],
        default="test",
        help="with --dataset/--csv: which part (default test)",
    )
    p.add_argument("--proba", action="store_true", help="also write class probabilities")
    p.add_argument("--output", "-o", metavar="CSV", help="write here instead of stdout")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N rows")
    p.set_defaults(func=run)


def read_inputs(path: str, drop_column: int | str | None) -> Any:
    """Feature rows from a .npy file or a CSV file."""
    import numpy as np

    from retrograd.io.csv import load_csv

    p = Path(path)
    if not p.is_file():
        raise CLIError(f"input file not found: {path}")
    if p.suffix == ".npy":
        try:
            X = np.load(p, allow_pickle=False)
        except ValueError as exc:
            raise CLIError(f"{path}: not a plain numeric .npy array ({exc})") from None
    else:
        X, _ = load_csv(p, label_column=drop_column)
    X = np.asarray(X)
    if X.dtype.kind not in "iuf":
        raise CLIError(f"{path}: expected numbers, got dtype {X.dtype}")
    if X.ndim == 0:
        raise CLIError(f"{path}: expected rows of features, got a single number")
    X = X.reshape(len(X), -1) if X.ndim != 2 else X
    check_finite_inputs(X, path)
    return X


def check_finite_inputs(X: Any, path: str) -> None:
    """Refuse NaN/Inf inputs (they would silently come out as some class), naming where."""
    import numpy as np

    if X.dtype.kind != "f":
        return
    bad = ~np.isfinite(X)
    n_bad = int(bad.sum())
    if n_bad:
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise CLIError(
            f"{path}: {n_bad} NaN/Inf value{'s' if n_bad != 1 else ''} in the input (first at "
            f"row {row}, column {col}: {X[row, col]}); fix or drop those rows, a model cannot "
            "predict from them"
        )


def probabilities(outputs: Any, loss: str) -> Any:
    """Class probabilities from raw outputs, for the losses that define them."""
    import numpy as np

    if loss == "cross_entropy":
        z = outputs - outputs.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)
    if loss == "nll":
        return np.exp(outputs)
    if loss in ("bce", "bce_with_logits"):
        p1 = outputs.reshape(-1)
        if loss == "bce_with_logits":
            p1 = 1.0 / (1.0 + np.exp(-p1))
        return np.column_stack([1.0 - p1, p1])
    raise CLIError(f"--proba needs a probabilistic loss (cross_entropy, nll, bce...), not {loss}")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from retrograd.cli.evaluate import check_features, load_model_and_settings, merge_data_args
    from retrograd.train import predict
    from retrograd.train.metrics import predicted_labels
    from retrograd.train.recipe import output_threshold, scale

    model, settings = load_model_and_settings(args.model)
    if args.input and (args.dataset or args.csv):
        raise CLIError("give --input FILE, or --dataset/--csv, not both")
    if args.input:
        X = read_inputs(args.input, args.drop_column)
        if settings.get("mean") is not None:
            check_features(model, X.shape[1])
            X = scale(X, settings["mean"], settings["std"])
        names = settings.get("class_names") or []
    else:
        task = load_task_or_explain(merge_data_args(settings, args))
        X = task.X_test if args.split == "test" else task.X_train
        names = task.class_names
    if args.limit is not None:
        X = X[: max(args.limit, 0)]
    dtype = next(iter(model.parameters())).dtype
    X = np.asarray(X, dtype=dtype)
    check_features(model, X.shape[1])
    loss = settings.get("loss") or "cross_entropy"
    outputs = predict(model, X)
    labels = predicted_labels(outputs, output_threshold(loss))
    proba = probabilities(outputs, loss) if args.proba else None

    buf = io.StringIO()
    header = ["index", "label"] + (["class"] if names else [])
    if proba is not None:
        header += [f"p_{names[j] if j < len(names) else j}" for j in range(proba.shape[1])]
    buf.write(",".join(header) + "\n")
    for i, lab in enumerate(labels):
        row = [str(i), str(int(lab))]
        if names:
            row.append(names[lab] if lab < len(names) else str(lab))
        if proba is not None:
            row += [f"{v:.6g}" for v in proba[i]]
        buf.write(",".join(row) + "\n")
    if args.output:
        from retrograd.io.atomic import atomic_write_bytes

        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(args.output, buf.getvalue().encode("utf-8"))
        print(f"wrote {len(labels)} predictions to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(buf.getvalue())
    return 0
