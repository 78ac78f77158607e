"""``retrograd playground``: the web app where you watch backpropagation work."""

from __future__ import annotations

import argparse
from typing import Any

EPILOG = """examples:
  retrograd playground                 # a free port on 127.0.0.1; prints the URL
  retrograd playground --port 8000 --open
  retrograd playground --host 0.0.0.0 --allow-host mybox.lan   # expose it (warns)
"""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "playground",
        help="watch backpropagation train a network in your browser",
        description='Start the playground web app (needs: pip install "retrograd[web]"). '
        "Ctrl-C stops it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; anything else prints a warning)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also accept this Host header name (repeatable), e.g. the machine's DNS name",
    )
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from retrograd.cli import CLIError

    if not 0 <= args.port <= 65535:
        raise CLIError(f"--port must be 0..65535, got {args.port}")
    try:
        from retrograd.playground import serve
    except ImportError as exc:
        raise CLIError(str(exc)) from exc
    try:
        serve(args.host, args.port, open_browser=args.open, allowed_hosts=args.allow_host)
    except KeyboardInterrupt:
        pass
    return 0
