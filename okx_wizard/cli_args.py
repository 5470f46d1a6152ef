"""The command line's grammar (argparse): loaded for commands, not to start the wizard.

Subcommands are not listed here: each module of :data:`COMMAND_MODULES` exports ``COMMANDS``
(a tuple of :class:`~okx_wizard.cli_spec.CommandSpec`) and may export ``OPTIONS`` (a tuple of
:class:`~okx_wizard.cli_spec.CommandOption` adding flags to a command declared elsewhere). A
module listed here that is not installed yet is skipped.
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import NoReturn

from okx_wizard import __version__
from okx_wizard.cli_spec import CommandOption, CommandSpec
from okx_wizard.exit_codes import EXIT_USAGE

# In this order in --help. okx_wizard.cli_keys: the sub-account key commands (SPEC §9).
COMMAND_MODULES = (
    "okx_wizard.cli_tui",
    "okx_wizard.cli_commands",
    "okx_wizard.cli_handoff",
    "okx_wizard.cli_import",
    "okx_wizard.cli_keys",
)


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


def command_modules() -> Iterator[ModuleType]:
    """The installed modules of :data:`COMMAND_MODULES`, in order."""
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        yield module


def build_parser() -> argparse.ArgumentParser:
    """The whole command line of SPEC §2, §8 and §9, from the command modules' specs."""
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
    parsers: dict[str, argparse.ArgumentParser] = {}
    options: list[CommandOption] = []
    for module in command_modules():
        spec: CommandSpec
        for spec in getattr(module, "COMMANDS", ()):
            if spec.name in parsers:
                raise RuntimeError(f"two commands named {spec.name!r} ({module.__name__})")
            p = sub.add_parser(spec.name, parents=[common], help=spec.help)
            spec.add_arguments(p)
            p.set_defaults(handler=spec.handler, option_handlers=())
            parsers[spec.name] = p
        options.extend(getattr(module, "OPTIONS", ()))
    for option in options:
        target = parsers[option.command]
        option.add_arguments(target)
        handlers = (*target.get_default("option_handlers"), (option.dest, option.handler))
        target.set_defaults(option_handlers=handlers)
    return parser


def parse_args(tokens: list[str]) -> argparse.Namespace:
    """Parse ``tokens``; everything after the first ``--`` is the command exec and systemd run.

    (argparse alone cannot take ``exec PROFILE --for TOOL -- CMD …``: its positionals are
    matched before the options that follow them.)
    """
    parser = build_parser()
    if "--" not in tokens:
        return parser.parse_args(tokens)
    split = tokens.index("--")
    args = parser.parse_args(tokens[:split])
    if not hasattr(args, "argv"):
        parser.error("`-- COMMAND` belongs to exec and systemd only")
    args.argv = [*args.argv, *tokens[split + 1 :]]
    return args
