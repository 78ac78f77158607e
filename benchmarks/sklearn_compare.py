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
    .venv/bin/python benchmarks/sklearn_compare.py --solvers adam --with-torch  # + PyTorch

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


class TorchMLP:
    """The same network and Adam run, hand-written in PyTorch (CPU, float32), for context.

    What a user gets from a general framework with the usual loop: ``nn.Sequential``
    of ``Linear``/``ReLU``, ``CrossEntropyLoss`` plus scikit-learn's L2 term, PyTorch's
    ``Adam`` (its own epsilon convention), a fresh shuffle per epoch, ``max_iter`` epochs
    (no stopping rule: compare with runs that used them all). Only ``solver="adam"``.
    """

    def __init__(self, hidden_layer_sizes=(100,), alpha=1e-4, batch_size=200,
                 learning_rate_init=1e-3, max_iter=200, random_state=0, **_: object):  # fmt: skip
        self.hidden, self.alpha, self.batch_size = hidden_layer_sizes, alpha, batch_size
        self.lr, self.max_iter, self.seed = learning_rate_init, max_iter, random_state

    def fit(self, X, y):
        import numpy as np
        import torch

        threads = os.environ.get("OMP_NUM_THREADS") or os.environ.get("OPENBLAS_NUM_THREADS")
        if threads:  # the same thread budget as the other two libraries
            torch.set_num_threads(int(threads))
        torch.manual_seed(self.seed)
        xt = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
        yt = torch.from_numpy(np.asarray(y, dtype=np.int64))
        self.classes_ = np.unique(y)
        sizes = [xt.shape[1], *self.hidden, len(self.classes_)]
        layers: list = []
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            layers += [torch.nn.Linear(a, b)] + ([torch.nn.ReLU()] if i < len(sizes) - 2 else [])
        self.model = torch.nn.Sequential(*layers)
        weights = [m.weight for m in self.model if isinstance(m, torch.nn.Linear)]
        opt = torch.optim.Adam(self.model.parameters(), lr=self.lr)
        loss_fn = torch.nn.CrossEntropyLoss()
        rng = np.random.RandomState(self.seed)
        n = len(xt)
        for _ in range(self.max_iter):
            order = torch.from_numpy(rng.permutation(n))
            for lo in range(0, n, self.batch_size):
                idx = order[lo : lo + self.batch_size]
                opt.zero_grad()
                loss = loss_fn(self.model(xt[idx]), yt[idx])
                loss = loss + 0.5 * self.alpha / len(idx) * sum((w * w).sum() for w in weights)
                loss.backward()
                opt.step()
                self.loss_ = float(loss)
        self.n_iter_ = self.max_iter
        return self

    def score(self, X, y):
        import numpy as np
        import torch

        with torch.no_grad():
            out = self.model(torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)))
        return float((self.classes_[out.argmax(1).numpy()] == np.asarray(y)).mean())


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
    ap.add_argument(
        "--with-torch",
        action="store_true",
        help="also time the same network trained by a hand-written PyTorch loop (adam only; "
        "context for what a general framework costs here; needs torch)",
    )
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
        libs = {"scikit-learn": SkMLP, "retrograd": RgMLP}
        if args.with_torch and solver == "adam":
            libs["PyTorch loop"] = TorchMLP
        per_seed: dict[str, list[dict]] = {lib: [] for lib in libs}
        for seed in seeds:
            params = dict(
                hidden_layer_sizes=hidden, solver=solver, alpha=1e-4, batch_size=200,
                learning_rate_init=1e-3, max_iter=max_iter, random_state=seed,
            )  # fmt: skip
            runs: dict[str, list[dict]] = {lib: [] for lib in libs}
            for _ in range(args.repeats):  # interleaved
                for lib, cls in libs.items():
                    runs[lib].append(run_one(cls, params, data))
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
