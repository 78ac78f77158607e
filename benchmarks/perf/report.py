"""Render the JSON results of ``benchmarks/run.py`` as the Markdown table of issue 6."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from perf.cases import CASES, TARGETS, ratio


def _fmt(v: float | None, unit: str = "") -> str:
    if v is None:
        return "--"
    if unit == "us/step" or v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def _met(r: float | None, target: float, higher_is_better: bool = False) -> str:
    if r is None:
        return "--"
    ok = r >= target if higher_is_better else r <= target
    return "yes" if ok else "**no**"


def table(run: dict[str, Any]) -> str:
    rows = [
        "| case | unit | retrograd | PyTorch | NumPy (hand) | ratio rg/torch (wall) "
        "| ratio (CPU time) | target | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    res = run["results"]
    for key, case in CASES.items():
        r = res.get(key)
        if r is None:
            continue
        if "skipped" in r:
            rows.append(f"| {key}. {case.title} | {case.unit} | pending: {r['skipped']} "
                        "| | | | | | |")  # fmt: skip
            continue
        if key in TARGETS:
            t = r["timings"]
            med = {k: v["median"] for k, v in t.items()}
            rw, rc = ratio(r), ratio(r, "cpu_median")
            rows.append(
                f"| {key}. {case.title} | {case.unit} | {_fmt(med.get('retrograd'), case.unit)} "
                f"| {_fmt(med.get('torch'), case.unit)} | {_fmt(med.get('numpy'), case.unit)} "
                f"| {_fmt(rw)} | {_fmt(rc)} | {case.target} | {_met(rw, TARGETS[key])} |"
            )
        elif key == "6":
            g = r["gflops"]
            eff = g["retrograd"] / g["numpy-gemm"]
            rows.append(
                f"| 6. {case.title} | GFLOP/s | {g['retrograd']:.1f} "
                f"| {_fmt(g.get('torch'))} | {g['numpy']:.1f} (bare GEMMs: "
                f"{g['numpy-gemm']:.1f}) | {eff:.0%} of NumPy GEMM | | >= 80% "
                f"| {_met(eff, 0.8, higher_is_better=True)} |"
            )
        elif key == "7":
            rss, imp = r["rss"], r["imports"]
            rr = (
                rss["retrograd"]["peak_rss_mib"] / rss["torch"]["peak_rss_mib"]
                if "torch" in rss
                else None
            )
            ri = imp["retrograd"]["seconds"] / imp["torch"]["seconds"] if "torch" in imp else None
            rows.append(
                f"| 7a. peak RSS training case 1 ({rss['numpy']['data_mib']:.0f} MiB of data) "
                f"| MiB | {rss['retrograd']['peak_rss_mib']:.0f} "
                f"| {_fmt(rss.get('torch', {}).get('peak_rss_mib'))} "
                f"| {rss['numpy']['peak_rss_mib']:.0f} | {_fmt(rr)} | | <= 0.6 "
                f"| {_met(rr, 0.6)} |"
            )
            rows.append(
                f"| 7b. `import` time | s | {imp['retrograd']['seconds']:.3f} "
                f"| {imp.get('torch', {}).get('seconds', float('nan')):.3f} "
                f"| {imp['numpy']['seconds']:.3f} | {_fmt(ri)} | | <= 0.15 "
                f"| {_met(ri, 0.15)} |"
            )
    return "\n".join(rows)


#: Hand-written notes (before/after measurements of a change) appended to performance.md.
NOTES = Path(__file__).resolve().parents[1] / "results" / "performance-notes.md"


def render(runs: list[dict[str, Any]]) -> str:
    out = [
        "# Performance: retrograd beside PyTorch CPU and hand-written NumPy",
        "",
        "Produced by `benchmarks/run.py` (issue 6). Each case runs retrograd, PyTorch and "
        "(where useful) a minimal hand-written NumPy version of the same math **in one "
        "process, interleaved** (the order rotates every repetition), with the same thread "
        "count for all (given in each section's title), "
        "float32, the same shapes and batch sizes. Figures are **medians** over the "
        "repetitions. Ratios are retrograd / PyTorch (lower is better).",
        "",
        "The machine is shared with other developers' jobs while these run, so wall-clock "
        "figures are noisy; the load average is recorded with each run. Process CPU time "
        "is recorded beside wall time: it is much less sensitive to other processes (but "
        "counts both BLAS threads, so it only compares like with like).",
        "",
    ]
    for run in runs:
        m = run["machine"]
        out += [
            f"## {m['env'].get('OPENBLAS_NUM_THREADS')} thread"
            f"{'' if m['env'].get('OPENBLAS_NUM_THREADS') == '1' else 's'}, OPENBLAS_CORETYPE="
            f"{m['env'].get('OPENBLAS_CORETYPE') or '(unset: auto-detected)'}",
            "",
            f"Command: `{run['command']}`  ",
            f"Date: {run['date']} (UTC); {run['reps']} repetitions"
            + (" (quick mode: fewer steps per repetition)" if run.get("quick") else ""),
            "  ",
            f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, "
            f"NumPy {m['numpy']} ({m.get('blas', '?')}), "
            f"PyTorch {m.get('torch', 'not installed')}, "
            f"load average {m['load_before']} before / {m['load_after']} after  ",
            f"Threads: {', '.join(f'{k}={v}' for k, v in m['env'].items())}",
            "",
            table(run),
            "",
            "Epoch times are extrapolated from "
            + ", ".join(
                f"case {k}: {v['steps']} steps"
                for k, v in run["results"].items()
                if isinstance(v, dict) and "steps" in v
            )
            + " per repetition (60,000 samples = 468.75 steps of 128).",
            "",
            "When each case ran (UTC; a partial re-run updates only its cases) and the load "
            "average then: "
            + "; ".join(
                f"case {k}: {v.get('date', run['date'])} (load {v.get('load', '?')})"
                for k, v in run["results"].items()
            )
            + ".",
            "",
        ]
    if NOTES.exists():
        out.append(NOTES.read_text())
    return "\n".join(out)


def load_runs(directory: Path) -> list[dict[str, Any]]:
    runs = [json.loads(p.read_text()) for p in sorted(directory.glob("performance-*.json"))]
    runs.sort(key=lambda r: (r["machine"]["env"].get("OPENBLAS_NUM_THREADS") != "2",
                             r["machine"]["env"].get("OPENBLAS_CORETYPE") or ""))  # fmt: skip
    return runs
