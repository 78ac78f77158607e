"""The README's engine tour ("The engine in two minutes") runs and does what it says."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## The engine in two minutes"


def _tour_text() -> str:
    text = (ROOT / "README.md").read_text()
    assert HEADING in text, f"README.md lost its section {HEADING!r}"
    section = text.split(HEADING, 1)[1]
    return section.split("\n## ", 1)[0]


def test_engine_tour_snippets_run(capsys) -> None:
    blocks = re.findall(r"```python\n(.*?)```", _tour_text(), re.S)
    assert len(blocks) == 2
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "engine-tour", "exec"), namespace)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "0.0 -0.5 2.0"  # the values the comment promises
    assert namespace["accuracy"] >= 0.95, printed[1]  # it really trained
