"""The command line's grammar (argparse): loaded for commands, not to start the wizard."""

from __future__ import annotations

import argparse
import math
import sys
from typing import NoReturn

from okx_wizard import __version__
from okx_wizard.cli import EXIT_USAGE

REGION_CHOICES = ("global", "eea", "us")


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one clear line, never a traceback."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _seconds(value: str) -> float:
    """A --timeout: a finite number of seconds above 0 (nan and inf would bound nothing)."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError("must be a number of seconds more than 0")
    return seconds


def _base_url(value: str) -> str:
    """A --base-url: http(s), a host, a port in range; refused at once, before any request."""
    from okx_wizard.core.errors import UsageError
    from okx_wizard.core.validation import validate_base_url

    try:
        return validate_base_url(value)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _common() -> _Parser:
    common = _Parser(add_help=False)
    group = common.add_argument_group("where keys are stored and requests go")
    group.add_argument(
        "--simulator",
        action="store_true",
        default=argparse.SUPPRESS,
        help="use the built-in local OKX simulator and its separate profiles",
    )
    group.add_argument(
        "--insecure-storage",
        action="store_true",
        default=argparse.SUPPRESS,
        help="allow a plaintext secrets file when no secure keyring or vault is "
        "usable (check then warns insecure-storage)",
    )
    group.add_argument(
        "--timeout",
        type=_seconds,
        default=argparse.SUPPRESS,
        metavar="SECONDS",
        help="bound on a whole check (default 15)",
    )
    return common


def _where(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region",
        choices=REGION_CHOICES,
        help="where the key was created: global (www.okx.com), eea (my.okx.com), us (app.okx.com)",
    )
    parser.add_argument(
        "--demo", action="store_true", default=None, help="the key is a demo-trading key"
    )
    parser.add_argument(
        "--base-url",
        type=_base_url,
        metavar="URL",
        help="send requests here instead of the region's host (proxies, tests)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line of SPEC §2."""
    common = _common()
    parser = _Parser(
        prog="okx-wizard",
        description="Create, verify, store and rotate OKX API keys the safe way. "
        "With no command: the wizard (home screen, or first-time setup).",
        parents=[common],
        epilog="Exit codes: 0 verified, 1 verification failed, 2 usage or input error.",
    )
    parser.add_argument("--version", action="version", version=f"okx-wizard {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="allow Textual's log and devtools (may record what is on screen)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p: argparse.ArgumentParser = sub.add_parser(
        "setup", parents=[common], help="TUI: set up a new profile"
    )
    p.add_argument("--profile", metavar="NAME")
    _where(p)
    p = sub.add_parser("rotate", parents=[common], help="TUI: replace the key of a profile")
    p.add_argument("profile", metavar="PROFILE")

    p = sub.add_parser("check", parents=[common], help="verify stored keys (exit 0/1/2)")
    p.add_argument("profile", nargs="?", metavar="PROFILE")
    p.add_argument("--all", action="store_true", help="check every profile, concurrently")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--max-age-days", type=int, metavar="N", help="warn key-age past N days (default 90)"
    )
    _where(p)

    p = sub.add_parser("list", parents=[common], help="list profiles (no secrets)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("remove", parents=[common], help="erase a profile and its keys")
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = sub.add_parser(
        "login",
        parents=[common],
        help="non-interactive add or rotate: credentials on standard input",
    )
    p.add_argument("--profile", required=True, metavar="NAME")
    p.add_argument(
        "--stdin",
        action="store_true",
        required=True,
        help='read {"api_key","secret_key","passphrase"} JSON, or three lines',
    )
    p.add_argument("--replace", action="store_true", help="rotate the key of an existing profile")
    p.add_argument("--json", action="store_true", help="print the verification report as JSON")
    p.add_argument(
        "--use-case",
        choices=("trading", "read-only"),
        help="what the key is for (default: trading; on --replace: as before)",
    )
    p.add_argument(
        "--main-account",
        action="store_true",
        help="the key is meant for the main account, not a sub-account",
    )
    _where(p)

    p = sub.add_parser("env", parents=[common], help="print a profile's credentials for a tool")
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("--format", choices=("sh", "dotenv", "json"), default="sh")

    p = sub.add_parser(
        "exec", parents=[common], help="run COMMAND with the credentials in its environment only"
    )
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- COMMAND [ARG...]")
    return parser
