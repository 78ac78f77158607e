#!/usr/bin/env bash
# Create .venv (if needed) and install retrograd with the given extras.
# Usage: source-free; called by demo.sh and test.sh.  scripts/setup.sh EXTRAS
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS="${1:-all}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
STAMP=".venv/.installed-$EXTRAS-$(cat pyproject.toml | cksum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[$EXTRAS]"
  touch "$STAMP"
fi
