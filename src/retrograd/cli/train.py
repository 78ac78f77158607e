"""``retrograd train``: train an MLP classifier on a built-in dataset or a CSV file.

Prints the test accuracy and the confusion matrix, and writes into ``--out``:
``model.npz`` (load it with ``rg.load``), ``history.json``, ``loss.png``,
``confusion_matrix.png`` (and ``decision_boundary.png`` for 2-D data).
"""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path
from typing import Any, NoReturn

from retrograd.cli import CLIError

DATASET_NAMES = [
    "digits",
    "xor",
    "moons",
    "circles",
    "spirals",
    "blobs",
    "mnist",
    "fashion-mnist",
]
LOSS_NAMES = ["cross_entropy", "nll", "mse", "half_sse", "huber", "bce_with_logits", "bce"]
ACTIVATION_NAMES = ["relu", "tanh", "sigmoid", "leaky_relu", "elu", "gelu", "softplus"]
OPTIMIZER_NAMES = ["sgd", "adam", "adamw", "rmsprop", "adagrad"]

#: the defaults of the main job (measured: see benchmarks/results/training.md)
DEFAULTS = {
    "layers": "256",
    "activation": "relu",
    "loss": "cross_entropy",
    "optimizer": "sgd",
    "epochs": 40,
    "batch_size": "32",
    "sgd_lr": 0.05,
    "momentum": 0.9,
    "weight_decay": 1e-4,
    "schedule": "cosine",
}

EPILOG = """\
examples:
  retrograd train                                   # the main job: built-in 8x8 digits
  retrograd train --dataset moons --layers 16,16 --activation tanh --epochs 200
  retrograd train --dataset xor --layers 4 --activation sigmoid --loss half_sse \\
                  --batch-size 1 --lr 2 --weight-decay 0 --schedule none --stop-at-loss 0.001
  retrograd train --dataset mnist --data-dir ../shared/datasets/mnist --layers 800 \\
                  --batch-size 128 --epochs 20
  retrograd train --csv iris.csv --label-column species --optimizer adam --lr 0.01
  retrograd train --validation-split 0.1 --patience 5 --checkpoint runs/ckpt.npz --resume

outputs (in --out, default runs/<dataset>):
  model.npz  history.json  loss.png  confusion_matrix.png  [decision_boundary.png]
"""


def _one_line_error(parser: argparse.ArgumentParser) -> None:
    """Make argparse report a bad argument in one line (plus a pointer to --help), exit 2."""

    def error(self: argparse.ArgumentParser, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(2)

    parser.error = types.MethodType(error, parser)  # type: ignore[method-assign]


def load_task_or_explain(settings: dict[str, Any]) -> Any:
    """``recipe.load_task(settings)``, with missing MNIST files explained in CLI terms."""
    from retrograd.data.mnist import DatasetFilesNotFoundError
    from retrograd.train.recipe import load_task

    try:
        return load_task(settings)
    except DatasetFilesNotFoundError as exc:
        raise CLIError(
            f"{exc.title} file {exc.filename} (or its uncompressed version) not found in "
            f"{exc.directory}; add --download to fetch it there, or give --data-dir DIR, a "
            "folder holding the official files"
        ) from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def batch_size_arg(text: str) -> int | None:
    """A positive int, or ``full`` for full-batch gradient descent."""
    if text.lower() in ("full", "all", "none"):
        return None
    return positive_int(text)


def label_column_arg(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


def add_data_arguments(p: argparse.ArgumentParser, defaults_from_model: bool = False) -> None:
    """--dataset / --csv and their options (shared with evaluate and predict)."""
    g = p.add_argument_group("data")
    src = g.add_mutually_exclusive_group()
    src.add_argument(
        "--dataset",
        "-d",
        choices=DATASET_NAMES,
        metavar="NAME",
        default=None if defaults_from_model else "digits",
        help="built-in dataset: "
        + ", ".join(DATASET_NAMES)
        + (
            " (default: the one the model was trained on)"
            if defaults_from_model
            else " (default: digits)"
        ),
    )
    src.add_argument("--csv", metavar="PATH", help="CSV file: numeric features + a label column")
    g.add_argument(
        "--label-column",
        type=label_column_arg,
        metavar="COL",
        help="label column of --csv: index (default -1, the last) or header name",
    )
    g.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder with the MNIST / Fashion-MNIST IDX files (default: the cache)",
    )
    g.add_argument(
        "--download",
        action="store_true",
        help="download MNIST / Fashion-MNIST if missing (SHA-256 checked)",
    )
    g.add_argument(
        "--n-samples",
        type=positive_int,
        metavar="N",
        help="points to generate for moons/circles/spirals/blobs (default 1000)",
    )
    g.add_argument(
        "--noise",
        type=non_negative_float,
        metavar="X",
        help="noise of moons/circles/spirals (default 0.2/0.1/0.05)",
    )
    g.add_argument(
        "--test-size",
        type=fraction,
        metavar="F",
        help="held-out test fraction (default 0.2; MNIST uses its official test set)",
    )
    g.add_argument(
        "--seed", type=int, help="seed of the split, the weights and the shuffling (default 0)"
    )


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "train",
        help="train an MLP on a built-in dataset or a CSV file",
        description="Train a fully connected network by backpropagation; print test accuracy "
        "and the confusion matrix; save the model, its history and plots.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _one_line_error(p)
    add_data_arguments(p)
    g = p.add_argument_group("network")
    g.add_argument(
        "--layers",
        default=DEFAULTS["layers"],
        metavar="SIZES",
        help=f"hidden layer sizes, comma-separated (default {DEFAULTS['layers']}; '' for none)",
    )
    g.add_argument(
        "--activation",
        choices=ACTIVATION_NAMES,
        default=DEFAULTS["activation"],
        help="hidden activation (default relu)",
    )
    g.add_argument(
        "--dropout",
        type=fraction,
        default=0.0,
        metavar="P",
        help="dropout after each hidden layer (default 0)",
    )
    g.add_argument(
        "--loss",
        choices=LOSS_NAMES,
        default=DEFAULTS["loss"],
        help="loss (default cross_entropy; mse/half_sse train on one-hot targets)",
    )
    g.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    g = p.add_argument_group("training")
    g.add_argument(
        "--optimizer",
        choices=OPTIMIZER_NAMES,
        default=DEFAULTS["optimizer"],
        help="default sgd (with momentum 0.9)",
    )
    g.add_argument(
        "--lr", type=positive_float, help="learning rate (default 0.05 sgd, 0.001 others)"
    )
    g.add_argument(
        "--momentum",
        type=non_negative_float,
        help="SGD momentum (default 0.9; 0 for plain gradient descent)",
    )
    g.add_argument(
        "--weight-decay",
        type=non_negative_float,
        default=DEFAULTS["weight_decay"],
        help="L2 penalty (default 1e-4)",
    )
    g.add_argument(
        "--schedule",
        choices=["cosine", "step", "none"],
        default=DEFAULTS["schedule"],
        help="learning-rate schedule over the epochs (default cosine)",
    )
    g.add_argument(
        "--batch-size",
        type=batch_size_arg,
        default=DEFAULTS["batch_size"],
        metavar="N",
        help="examples per update: 1 online, 'full' full batch (default 32)",
    )
    g.add_argument(
        "--epochs",
        type=non_negative_int,
        default=DEFAULTS["epochs"],
        help="passes over the training data (default 40)",
    )
    g.add_argument(
        "--validation-split",
        type=fraction,
        default=0.0,
        metavar="F",
        help="hold out this fraction of the training data for validation",
    )
    g.add_argument(
        "--patience",
        type=positive_int,
        metavar="N",
        help="early stopping: stop after N epochs without val_loss improvement "
        "(needs --validation-split) and restore the best weights",
    )
    g.add_argument(
        "--stop-at-loss",
        type=non_negative_float,
        metavar="X",
        help="stop once the training loss is <= X",
    )
    g.add_argument(
        "--stop-when-all-correct",
        action="store_true",
        help="stop once every training example is classified correctly",
    )
    g.add_argument(
        "--no-standardize",
        dest="standardize",
        action="store_false",
        help="do not scale features to zero mean / unit variance",
    )
    g.add_argument(
        "--checkpoint", metavar="PATH", help="write a resumable checkpoint after every epoch"
    )
    g.add_argument(
        "--resume",
        action="store_true",
        help="continue from --checkpoint if it exists (bit-identical to never stopping)",
    )
    g = p.add_argument_group("output")
    g.add_argument("--out", metavar="DIR", help="output folder (default runs/<dataset>)")
    g.add_argument("--no-plots", dest="plots", action="store_false", help="skip the PNG plots")
    g.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    p.set_defaults(func=run)


def settings_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The JSON-safe description of the job that is stored in the model file."""
    dataset = None if args.csv else (args.dataset or "digits")
    return {
        "dataset": dataset,
        "csv": str(Path(args.csv).resolve()) if args.csv else None,
        "label_column": -1 if args.label_column is None else args.label_column,
        "data_dir": args.data_dir,
        "download": bool(args.download),
        "n_samples": args.n_samples,
        "noise": args.noise,
        "test_size": 0.2 if args.test_size is None else args.test_size,
        "seed": 0 if args.seed is None else args.seed,
        "standardize": bool(args.standardize),
        "loss": args.loss,
    }


def _check_args(args: argparse.Namespace) -> None:
    if args.patience is not None and not args.validation_split:
        raise CLIError("--patience needs --validation-split (early stopping watches val_loss)")
    if args.resume and not args.checkpoint:
        raise CLIError("--resume needs --checkpoint PATH")
    if args.label_column is not None and not args.csv:
        raise CLIError("--label-column applies to --csv files only")
    if args.momentum and args.optimizer != "sgd":
        raise CLIError(f"--momentum applies to --optimizer sgd, not {args.optimizer}")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from retrograd import optim
    from retrograd.train import EarlyStopping, NonFiniteLossError, evaluate, fit, predict
    from retrograd.train.metrics import confusion_matrix, format_confusion_matrix, predicted_labels
    from retrograd.train.recipe import (
        LOSS_HEADS,
        build_mlp,
        build_optimizer,
        output_threshold,
        output_units,
        parse_layers,
        targets_for,
    )

    _check_args(args)
    settings = settings_from_args(args)
    hidden = parse_layers(args.layers)
    task = load_task_or_explain(settings)
    loss = args.loss
    n_out = output_units(loss, task.n_classes)
    out_act = LOSS_HEADS[loss][0]
    dtype = np.dtype(args.dtype)
    seed = settings["seed"]
    model = build_mlp(
        task.n_features,
        hidden,
        n_out,
        args.activation,
        out_act,
        seed=seed,
        dtype=dtype,
        dropout=args.dropout,
    )
    momentum = args.momentum
    if momentum is None:
        momentum = DEFAULTS["momentum"] if args.optimizer == "sgd" else 0.0
    lr = (
        args.lr
        if args.lr is not None
        else (DEFAULTS["sgd_lr"] if args.optimizer == "sgd" else 1e-3)
    )
    opt = build_optimizer(args.optimizer, model.parameters(), lr, momentum, args.weight_decay)
    scheduler = None
    if args.schedule == "cosine" and args.epochs:
        scheduler = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    elif args.schedule == "step" and args.epochs:
        scheduler = optim.lr_scheduler.StepLR(opt, step_size=max(args.epochs // 3, 1), gamma=0.1)

    X_tr, X_te = task.X_train.astype(dtype), task.X_test.astype(dtype)
    y_tr = targets_for(task.y_train, loss, task.n_classes)
    y_te = targets_for(task.y_test, loss, task.n_classes)
    out_dir = Path(args.out or Path("runs") / (settings["dataset"] or Path(args.csv).stem))
    arch = "-".join(str(s) for s in [task.n_features, *hidden, n_out])
    split = (
        "tested on its training examples"
        if task.tested_on_train
        else f"{len(X_tr)} train / {len(X_te)} test"
    )
    print(f"data: {task.name} ({split}, {task.n_features} features, {task.n_classes} classes)")
    print(
        f"model: {arch} MLP ({args.activation}), {model.num_parameters():,} parameters; "
        f"loss {loss}; {args.optimizer} lr={lr:g}"
        + (f" momentum={momentum:g}" if momentum else "")
        + f"; batch {args.batch_size or 'full'}; {args.epochs} epochs",
        flush=True,
    )

    callbacks = []
    if args.patience is not None:
        callbacks.append(EarlyStopping("val_loss", patience=args.patience))
    checkpoint = args.checkpoint
    if checkpoint:
        Path(checkpoint).parent.mkdir(parents=True, exist_ok=True)
    try:
        history = fit(
            model,
            loss,
            opt,
            (X_tr, y_tr),
            epochs=args.epochs,
            batch_size=args.batch_size,
            seed=seed,
            validation_split=args.validation_split,
            callbacks=callbacks,
            scheduler=scheduler,
            verbose=0 if args.quiet else 1,
            stop_at_loss=args.stop_at_loss,
            stop_when_all_correct=args.stop_when_all_correct,
            checkpoint=checkpoint,
            resume=args.resume,
        )
    except NonFiniteLossError as exc:
        raise CLIError(str(exc)) from None
    if history.stop_reason:
        print(f"stopped: {history.stop_reason}")

    result = evaluate(model, (X_te, y_te), loss=loss, metrics=("accuracy",))
    threshold = output_threshold(loss)
    pred = predicted_labels(predict(model, X_te), threshold)
    cm = confusion_matrix(task.y_test, pred, task.n_classes)
    correct = int(np.trace(cm))
    print(
        f"test accuracy: {result['accuracy']:.2%} ({correct}/{len(pred)})   "
        f"test loss: {result['loss']:.4f}"
    )
    print("confusion matrix (rows: true class, columns: predicted class):")
    print(format_confusion_matrix(cm, task.class_names))

    from retrograd.io.model_file import save

    settings.update(
        {
            "class_names": task.class_names,
            "layers": hidden,
            "activation": args.activation,
            "mean": None if task.mean is None else task.mean.tolist(),
            "std": None if task.std is None else task.std.tolist(),
            "test_accuracy": result["accuracy"],
            "test_loss": result["loss"],
            "epochs_trained": len(history),
        }
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [save_model(model, out_dir / "model.npz", settings, save)]
    written.append(history.save_json(out_dir / "history.json"))
    if args.plots:
        written += _plots(model, history, cm, task, out_dir, threshold)
    print("saved: " + ", ".join(str(p) for p in written))
    return 0


def save_model(model: Any, path: Path, settings: dict[str, Any], save: Any) -> Path:
    save(model, path, metadata={"retrograd_train": settings})
    return path


def _plots(model: Any, history: Any, cm: Any, task: Any, out_dir: Path, threshold: float) -> list:
    try:
        from retrograd.train import plots
    except ImportError as exc:  # pragma: no cover - plots imports matplotlib lazily
        print(f"retrograd train: skipping plots: {exc}", file=sys.stderr)
        return []
    written = []
    try:
        if len(history):
            written.append(plots.plot_history(history, out_dir / "loss.png", title=task.name))
        written.append(
            plots.plot_confusion_matrix(cm, out_dir / "confusion_matrix.png", task.class_names)
        )
        if task.n_features == 2:
            written.append(
                plots.plot_decision_boundary(
                    model,
                    task.X_train,
                    task.y_train,
                    out_dir / "decision_boundary.png",
                    threshold=threshold,
                    title=f"{task.name}: decision boundary (training data)",
                )
            )
    except ImportError as exc:
        print(f"retrograd train: skipping plots: {exc}", file=sys.stderr)
    return written
