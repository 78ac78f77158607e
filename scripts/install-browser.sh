#!/usr/bin/env bash
# Installs Debian's Chromium for the playground's end-to-end browser test
# (tests/playground/test_browser.py drives it with Playwright for Python, using
# /usr/bin/chromium -- never `playwright install`). Called by scripts/test.sh.
# Without root it prints what to run; the browser test then skips cleanly.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "chromium: already installed ($(command -v chromium))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no apt-get here; install Chromium with your package manager" \
       "to run the browser test (it is skipped until then)" >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: Chromium is missing and this is not root; run:" >&2
  echo "    sudo apt-get install -y chromium" >&2
  echo "(the playground's browser test is skipped until then)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium \
  || { apt-get update && apt-get install -y --no-install-recommends chromium; }
echo "chromium: installed ($(command -v chromium))"
