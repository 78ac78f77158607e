#!/usr/bin/env bash
# The test command (README quickstart, step 2; .ci/run calls it).
# Creates .venv, installs retrograd with its test extras, installs headless
# Chromium for the playground's browser test, then runs the default test suite
# (slow accuracy runs are excluded; run them with: .venv/bin/pytest -m slow).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
if [ -f scripts/install-browser.sh ]; then
  bash scripts/install-browser.sh || echo "warning: could not install Chromium; browser tests will be skipped" >&2
fi
exec .venv/bin/python -m pytest "$@"
