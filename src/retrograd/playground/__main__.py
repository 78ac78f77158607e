"""``python -m retrograd.playground`` = ``retrograd playground``."""

import sys

from retrograd.cli import main

sys.exit(main(["playground", *sys.argv[1:]]))
