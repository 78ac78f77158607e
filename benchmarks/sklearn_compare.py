"""retrograd.sklearn.MLPClassifier beside sklearn.neural_network.MLPClassifier, same run.

Both estimators get the same hyper-parameters (and the same stopping rules,
which retrograd implements with scikit-learn's semantics); we record test
accuracy, fit time (wall clock, best and median of ``--repeats``, the two
libraries interleaved so load on a shared machine hits both alike) and the
number of epochs/iterations each ran.

Run::

    .venv/bin/python benchmarks/sklearn_compare.py                       # digits, adam + lbfgs
    .venv/bin/python benchmarks/sklearn_compare.py --dataset mnist --mnist-train 20000 \\
        --max-iter-adam 20 --max-iter-lbfgs 100 --repeats 1
    .venv/bin/python benchmarks/sklearn_compare.py --seeds 0,1,2,3,4     # several seeds

With ``--seeds``, every seed is a separate fit for both libraries (``random_state``: the
initial weights and the batch order), and the summary compares the *sum* of the per-seed
median fit times and the *mean* accuracy (and the accuracy difference paired by seed, with
its standard error, to tell a real difference from seed-to-seed noise): one seed says
little about L-BFGS, whose iteration count before the stopping rule fires varies from
seed to seed (41-70 for scikit-learn on the digits).

Results go to stdout as a Markdown table (and ``--json FILE`` appends JSON lines).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
import warnings
from pathlib import Path


def load(name: str, mnist_train: int | None, root: str) -> tuple:
    from retrograd.data import load_digits, load_mnist, train_test_split

    if name == "digits":
        X, y = load_digits()
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0)
        return X_train, y_train, X_test, y_test
    X_train, y_train = load_mnist(root, train=True, flatten=True)
    X_test, y_test = load_mnist(root, train=False, flatten=True)
    if mnist_train:
        X_train, y_train = X_train[:mnist_train], y_train[:mnist_train]
    return X_train, y_train, X_test, y_test


def run_one(cls, params: dict, data: tuple) -> dict:
    from sklearn.exceptions import ConvergenceWarning

    X_train, y_train, X_test, y_test = data
    clf = cls(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        clf.fit(X_train, y_train)
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "accuracy": float(clf.score(X_test, y_test)),
            "n_iter": int(clf.n_iter_), "loss": float(clf.loss_)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", choices=["digits", "mnist"], default="digits")
    ap.add_argument("--mnist-root", default="../shared/datasets/mnist")
    ap.add_argument("--mnist-train", type=int, default=None, help="use the first N training images")
    ap.add_argument("--solvers", default="adam,lbfgs")
    ap.add_argument("--hidden", default="100")
    ap.add_argument("--max-iter-adam", type=int, default=200)
    ap.add_argument("--max-iter-lbfgs", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds", help="comma-separated seeds (overrides --seed), e.g. 0,1,2,3,4")
    ap.add_argument(
        "--x-dtype",
        choices=["float32", "float64"],
        default="float32",
        help="dtype of X handed to both estimators (retrograd's loaders give float32; "
        "scikit-learn computes in X's dtype, retrograd in float32 either way)",
    )
    ap.add_argument("--json", help="append one JSON line per result here")
    args = ap.parse_args()

    from sklearn.neural_network import MLPClassifier as SkMLP

    from retrograd.sklearn import MLPClassifier as RgMLP

    data = load(args.dataset, args.mnist_train, args.mnist_root)
    data = (data[0].astype(args.x_dtype), data[1], data[2].astype(args.x_dtype), data[3])
    hidden = tuple(int(h) for h in args.hidden.split(","))
    import retrograd

    print(f"dataset {args.dataset}: train {data[0].shape}, test {data[2].shape}, X {args.x_dtype}")
    print(f"retrograd from {Path(retrograd.__file__).parent}; load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    print(
        "| solver | library | test accuracy | fit time best / median (s) | epochs or iterations |"
    )
    print("|---|---|---|---|---|")
    seeds = [int(x) for x in args.seeds.split(",")] if args.seeds else [args.seed]
    for solver in args.solvers.split(","):
        max_iter = args.max_iter_adam if solver in ("adam", "sgd") else args.max_iter_lbfgs
        per_seed: dict[str, list[dict]] = {"scikit-learn": [], "retrograd": []}
        for seed in seeds:
            params = dict(
                hidden_layer_sizes=hidden, solver=solver, alpha=1e-4, batch_size=200,
                learning_rate_init=1e-3, max_iter=max_iter, random_state=seed,
            )  # fmt: skip
            runs: dict[str, list[dict]] = {"scikit-learn": [], "retrograd": []}
            for _ in range(args.repeats):  # interleaved
                runs["scikit-learn"].append(run_one(SkMLP, params, data))
                runs["retrograd"].append(run_one(RgMLP, params, data))
            for lib, rs in runs.items():
                times = [r["seconds"] for r in rs]
                best, med = min(times), statistics.median(times)
                acc = rs[0]["accuracy"]
                per_seed[lib].append({"best": best, "median": med, **rs[0]})
                label = solver if len(seeds) == 1 else f"{solver}, seed {seed}"
                n_iter = rs[0]["n_iter"]
                print(f"| {label} | {lib} | {acc:.4f} | {best:.2f} / {med:.2f} | {n_iter} |")
                if args.json:
                    where = str(Path(retrograd.__file__).parent)
                    row = {"dataset": args.dataset, "train": len(data[0]), "solver": solver,
                           "x_dtype": args.x_dtype, "retrograd": where,
                           "loadavg": os.getloadavg(),
                           "library": lib, "params": params, "runs": rs,
                           "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}  # fmt: skip
                    with Path(args.json).open("a") as f:
                        f.write(json.dumps(row, default=str) + "\n")
            sk_t = [r["seconds"] for r in runs["scikit-learn"]]
            rg_t = [r["seconds"] for r in runs["retrograd"]]
            best = min(sk_t) / min(rg_t)
            med = statistics.median(sk_t) / statistics.median(rg_t)
            reps = args.repeats
            print(f"|   | speed-up best / median of {reps} | | **{best:.2f}x / {med:.2f}x** | |")
        if len(seeds) > 1:
            sk, rg = per_seed["scikit-learn"], per_seed["retrograd"]
            for lib, rs in per_seed.items():
                acc = statistics.mean(r["accuracy"] for r in rs)
                total = sum(r["median"] for r in rs)
                iters = statistics.mean(r["n_iter"] for r in rs)
                print(f"| {solver}, {len(seeds)} seeds | {lib} | mean {acc:.4f} | "
                      f"sum of medians {total:.2f} | mean {iters:.1f} |")  # fmt: skip
            diffs = [b["accuracy"] - a["accuracy"] for a, b in zip(sk, rg)]  # paired by seed
            sem = statistics.stdev(diffs) / math.sqrt(len(diffs))
            print(f"|   | accuracy, retrograd - scikit-learn, paired by seed | "
                  f"mean {100 * statistics.mean(diffs):+.2f} pt (standard error "
                  f"{100 * sem:.2f} pt; per seed {100 * min(diffs):+.2f} to "
                  f"{100 * max(diffs):+.2f}) | | |")  # fmt: skip
            ratio = sum(r["median"] for r in sk) / sum(r["median"] for r in rg)
            ratios = [a["median"] / b["median"] for a, b in zip(sk, rg)]
            print(f"|   | speed-up, sum over {len(seeds)} seeds | | **{ratio:.2f}x** "
                  f"(per seed {min(ratios):.2f}-{max(ratios):.2f}x) | |")  # fmt: skip
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
