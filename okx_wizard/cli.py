"""The command line: parses, calls the core, prints, exits. Textual is imported only for the TUI.

Exit codes (okx_wizard.exit_codes): 0 verified, 1 verification failed (or OKX unreachable),
2 usage or input error. The grammar is in cli_args, the commands in the modules it lists.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from okx_wizard.cli_runtime import TERMINATING, SimulatorHosts, harden_process
from okx_wizard.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    import argparse

    from okx_wizard.core.api import Workspace

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "SimulatorHosts", "main", "parse_command_line"]


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


# Flags that take no value and need no command: with only these, the answer is certain.
_WIZARD_FLAGS = frozenset({"--simulator", "--insecure-storage", "--debug"})


def parse_command_line(tokens: list[str]) -> argparse.Namespace:
    """The parsed command line; exits 2 with a message when it is wrong.

    Starting the wizard (no command, only flags such as ``--simulator``) loads no argparse and
    builds no parser: they are a visible part of the wizard's first paint.
    """
    if all(token in _WIZARD_FLAGS for token in tokens):
        from types import SimpleNamespace

        flags = {token.removeprefix("--").replace("-", "_"): True for token in tokens}
        return cast("argparse.Namespace", SimpleNamespace(command=None, **flags))
    from okx_wizard.cli_args import parse_args

    return parse_args(tokens)


def dispatch(ws: Workspace, args: argparse.Namespace) -> int:
    """Run the command ``args`` names (the wizard when none); a set option may take over."""
    for dest, handler in getattr(args, "option_handlers", ()):
        if getattr(args, dest, None):
            return int(handler(ws, args))
    handler = getattr(args, "handler", None)
    if handler is None:
        from okx_wizard.cli_tui import cmd_tui

        return cmd_tui(ws, args)
    return int(handler(ws, args))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every expected failure ends in a message and an exit code."""
    for sig in TERMINATING:
        signal.signal(sig, _terminate)
    args = parse_command_line(sys.argv[1:] if argv is None else list(argv))
    harden_process()  # before any secret is read; --help and --version exit above, untouched
    from okx_wizard.cli_output import err
    from okx_wizard.cli_runtime import make_context, simulator_hosts
    from okx_wizard.core.errors import UsageError, WizardError

    try:
        with simulator_hosts(bool(getattr(args, "simulator", False))) as hosts:
            from okx_wizard.core.api import Workspace

            return dispatch(Workspace(make_context(args, hosts)), args)
    except UsageError as exc:
        err(f"error: {exc}")
        return EXIT_USAGE
    except WizardError as exc:
        err(f"{exc.kind} error: {exc.message}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        err("interrupted; nothing half-written was kept")
        return 130
    except BrokenPipeError:
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
