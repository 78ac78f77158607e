"""Every runnable Python example in README.md runs on its own, as a reader would paste it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"

#: blocks that are fragments or need what a test cannot have, by a line they contain
NOT_RUN = {
    "for xb, yb in loader:": "a fragment: the loop body of a hand-written training loop",
    'X, y = load_mnist("../shared/datasets/mnist", train=True)': "LeNet-5 on MNIST, 15 epochs",
    "X, y = data.load_mnist(download=True, flatten=True)": "downloads MNIST",
}
#: what a fragment expects to exist already, given before it runs
PRELUDE = {
    "from sklearn.pipeline import make_pipeline": (
        "from retrograd.data import load_digits\nX, y = load_digits()\n"
    ),
}


def _skipped(block: str) -> bool:
    return any(key in block for key in NOT_RUN)


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def _first_code_line(block: str) -> str:
    return next(line for line in block.splitlines() if line.strip())


def test_every_block_is_run_or_has_a_reason():
    blocks = _blocks()
    assert len(blocks) == 9, "a README example was added or removed: update this test"
    for key in NOT_RUN:
        assert sum(key in b for b in blocks) == 1, f"NOT_RUN entry matches no block: {key}"


@pytest.mark.parametrize(
    "block",
    [b for b in _blocks() if not _skipped(b)],
    ids=lambda b: _first_code_line(b)[:40],
)
def test_readme_example_runs_standalone(block, tmp_path, monkeypatch):
    first = _first_code_line(block)
    if "sklearn" in block:
        pytest.importorskip("sklearn")
    if "export_onnx" in block:
        pytest.importorskip("onnx")
    monkeypatch.chdir(tmp_path)  # examples write runs/, model files ...
    code = PRELUDE.get(first, "") + block
    exec(compile(code, "README.md example", "exec"), {"__name__": "__readme__"})
