"""``python -m retrograd`` runs the command line."""

import sys

from retrograd.cli import main

sys.exit(main())
