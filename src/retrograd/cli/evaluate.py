"""``retrograd evaluate``: test a saved model on its test split, another dataset or a CSV file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from retrograd.cli import CLIError
from retrograd.cli.train import _one_line_error, add_data_arguments, load_task_or_explain

EPILOG = """\
examples:
  retrograd evaluate runs/digits/model.npz                 # the test split it was trained with
  retrograd evaluate runs/digits/model.npz --split train
  retrograd evaluate runs/mnist/model.npz --dataset mnist --data-dir ../shared/datasets/mnist
  retrograd evaluate model.npz --csv test.csv --label-column label --json
  retrograd evaluate runs/moons/model.npz --plot confusion.png
"""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "evaluate",
        help="accuracy, loss and confusion matrix of a saved model",
        description="Evaluate a model saved by 'retrograd train' (or rg.save). By default it "
        "uses the data, test split and input scaling recorded in the model file.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _one_line_error(p)
    p.add_argument("model", metavar="MODEL", help="model file (.npz) written by retrograd train")
    add_data_arguments(p, defaults_from_model=True)
    p.add_argument(
        "--split",
        choices=["test", "train"],
        default="test",
        help="which part of the data (default test)",
    )
    p.add_argument("--loss", help="loss to report (default: the one the model was trained with)")
    p.add_argument("--plot", metavar="PNG", help="also write the confusion matrix as a PNG")
    p.add_argument("--json", action="store_true", help="print the results as one JSON object")
    p.set_defaults(func=run)


def load_model_and_settings(path: str) -> tuple[Any, dict[str, Any]]:
    """The model and the training settings stored in its file (``{}`` if none)."""
    from retrograd.io.model_file import load, load_metadata

    if not Path(path).is_file():
        raise CLIError(f"model file not found: {path}")
    model = load(path)
    meta = load_metadata(path).get("metadata") or {}
    settings = dict(meta.get("retrograd_train") or {})
    return model, settings


def merge_data_args(settings: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Settings for loading data: the model's own, overridden by the command line."""
    s = dict(settings)
    if args.csv:
        s.update(
            csv=str(Path(args.csv).resolve()),
            dataset=None,
            class_names=None,
            label_column=-1 if args.label_column is None else args.label_column,
        )
    elif args.dataset:
        if args.dataset != s.get("dataset"):
            s["class_names"] = None
        s.update(dataset=args.dataset, csv=None)
    elif args.label_column is not None:
        s["label_column"] = args.label_column
    for key in ("data_dir", "n_samples", "noise", "test_size", "seed"):
        value = getattr(args, key, None)
        if value is not None:
            s[key] = value
    if args.download:
        s["download"] = True
    if not s.get("dataset") and not s.get("csv"):
        raise CLIError("the model file records no dataset; give --dataset NAME or --csv PATH")
    s.setdefault("test_size", 0.2)
    s.setdefault("seed", 0)
    return s


def check_features(model: Any, n_features: int) -> None:
    """A one-line error when the data's feature count does not fit the model's first layer."""
    first = next((m for m in model.modules() if hasattr(m, "in_features")), None)
    if first is not None and first.in_features != n_features:
        raise CLIError(f"the model takes {first.in_features} features, the data has {n_features}")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from retrograd.train import evaluate, predict
    from retrograd.train.metrics import confusion_matrix, format_confusion_matrix, predicted_labels
    from retrograd.train.recipe import LOSS_HEADS, output_threshold, targets_for

    model, settings = load_model_and_settings(args.model)
    s = merge_data_args(settings, args)
    loss = args.loss or settings.get("loss") or "cross_entropy"
    if loss not in LOSS_HEADS:
        raise CLIError(f"unknown loss {loss!r}; choose from {sorted(LOSS_HEADS)}")
    task = load_task_or_explain(s)
    X = task.X_test if args.split == "test" else task.X_train
    y = task.y_test if args.split == "test" else task.y_train
    dtype = next(iter(model.parameters())).dtype
    X = X.astype(dtype)
    check_features(model, X.shape[1])
    threshold = output_threshold(loss)
    outputs = predict(model, X)
    wide = outputs.ndim == 2 and outputs.shape[1] > 1
    n_classes = max(task.n_classes, outputs.shape[1] if wide else 2)
    pred = predicted_labels(outputs, threshold)
    result = evaluate(model, (X, targets_for(y, loss, n_classes)), loss=loss)
    cm = confusion_matrix(y, pred, n_classes)
    names = task.class_names if len(task.class_names) == n_classes else None
    if args.json:
        print(
            json.dumps(
                {
                    "model": args.model,
                    "data": task.name,
                    "split": args.split,
                    "examples": int(len(y)),
                    "loss": result["loss"],
                    "accuracy": result["accuracy"],
                    "confusion_matrix": cm.tolist(),
                }
            )
        )
    else:
        print(f"{args.model} on {task.name} ({args.split}, {len(y)} examples)")
        print(
            f"accuracy: {result['accuracy']:.2%} ({int(np.trace(cm))}/{len(y)})   "
            f"loss ({loss}): {result['loss']:.4f}"
        )
        print("confusion matrix (rows: true class, columns: predicted class):")
        print(format_confusion_matrix(cm, names))
    if args.plot:
        from retrograd.train.plots import plot_confusion_matrix

        plot_confusion_matrix(cm, args.plot, names)
        if not args.json:
            print(f"saved: {args.plot}")
    return 0
