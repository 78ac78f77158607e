#!/usr/bin/env bash
# The main job (README quickstart, step 1): set up .venv and train on the built-in digits.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
exec .venv/bin/retrograd train "$@"
