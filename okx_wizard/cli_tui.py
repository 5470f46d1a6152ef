"""The wizard's commands (no command, ``setup``, ``rotate``): Textual loads only here."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from okx_wizard.cli_output import usage
from okx_wizard.cli_runtime import TERMINATING
from okx_wizard.cli_spec import CommandSpec, add_where_options

if TYPE_CHECKING:
    import argparse

    from okx_wizard.core.api import Workspace


def cmd_tui(ws: Workspace, args: argparse.Namespace) -> int:
    """Start the wizard: home, a new profile (setup) or a rotation."""
    from okx_wizard.core.validation import validate_profile_name

    debug = bool(getattr(args, "debug", False))
    mode: Literal["home", "setup", "rotate"] = "home"
    profile: str | None = None
    command = getattr(args, "command", None)
    if command == "setup":
        mode = "setup"
        profile = validate_profile_name(args.profile) if args.profile else None
    elif command == "rotate":
        mode, profile = "rotate", validate_profile_name(args.profile)
        ws.require(profile)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise usage("the wizard needs a terminal; for scripts use `okx-wizard login --stdin`")
    from okx_wizard.tui import run_tui  # scrubs TEXTUAL* variables itself before Textual loads

    return int(run_tui(ws.ctx, mode, profile, debug, ready_hook=_tui_signal_exit()))


def _tui_signal_exit() -> Callable[[Any], Any]:
    """SIGTERM and SIGHUP (an SSH drop) end the wizard through its own exit.

    Raising SystemExit from a signal handler while Textual runs can skip its shutdown: the
    terminal stays in application mode and its input thread keeps the process alive forever.
    So the signals are held until the app is up, then turned into ``app.exit(128 + N)`` on its
    event loop; workers finish (a pending key being saved is saved) and the terminal is restored.
    """
    import asyncio

    received: list[int] = []
    for sig in TERMINATING:
        signal.signal(sig, lambda signum, _frame: received.append(signum))

    def on_ready(app: Any) -> None:
        loop = asyncio.get_running_loop()

        def stop(signum: int) -> None:
            app.exit(return_code=128 + signum)

        for sig in TERMINATING:
            loop.add_signal_handler(sig, stop, sig)
        if received:
            stop(received[0])

    return on_ready


def _setup_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", metavar="NAME")
    add_where_options(p)


def _rotate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("profile", metavar="PROFILE")


COMMANDS = (
    CommandSpec("setup", "TUI: set up a new profile", _setup_arguments, cmd_tui),
    CommandSpec("rotate", "TUI: replace the key of a profile", _rotate_arguments, cmd_tui),
)
