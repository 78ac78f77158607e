"""The ``retrograd`` command line: ``retrograd <command> [options]``.

Each command lives in its own module of this package, which defines
``register(subparsers)`` (adding its parser, with examples in the epilog, and
setting ``func``). Heavy imports happen inside the command, so ``--help`` is fast.
Invalid arguments and expected failures print one line, ``retrograd: error: ...``,
and exit with status 2 -- never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: command modules, in the order ``--help`` lists them
COMMAND_MODULES = ["train", "evaluate", "predict", "explain", "playground", "export"]


class CLIError(Exception):
    """An expected failure: printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retrograd",
        description="Backpropagation from scratch on NumPy: train, evaluate, explain, play.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version="retrograd 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"retrograd.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"retrograd.cli.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        result = args.func(args)
    except BrokenPipeError:  # e.g. `retrograd predict ... | head`
        try:
            sys.stdout.close()
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        print("retrograd: interrupted", file=sys.stderr)
        return 130
    except (CLIError, ValueError, TypeError, FileNotFoundError, KeyError, OSError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"retrograd {args.command}: error: {msg}", file=sys.stderr)
        return 2
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
