"""What a subcommand declares, and the option groups commands share.

A command module exports ``COMMANDS``: a tuple of :class:`CommandSpec` (a new subcommand) and,
optionally, ``OPTIONS``: a tuple of :class:`CommandOption` (extra flags on an existing
subcommand, with the handler that runs when the flag is given). ``cli_args`` reads both from the
modules it lists in ``COMMAND_MODULES``; nothing else has to change to add a command.

Kept free of argparse and of the other cli modules at import time, so any command module can
import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from okx_wizard.core.regions import REGION_CODES

if TYPE_CHECKING:
    import argparse

    from okx_wizard.core.api import Workspace

Handler = Callable[["Workspace", "argparse.Namespace"], int]
AddArguments = Callable[["argparse.ArgumentParser"], None]


class CommandSpec(NamedTuple):
    """One subcommand: its name, one-line help, its arguments and the function that runs it.

    The parser gets the common options (``--simulator``, ``--insecure-storage``,
    ``--timeout``) by itself; ``add_arguments`` adds the command's own.
    """

    name: str
    help: str
    add_arguments: AddArguments
    handler: Handler


class CommandOption(NamedTuple):
    """Flags added to an existing subcommand; when ``dest`` is set, ``handler`` runs instead.

    E.g. ``CommandOption("rotate", add_auto, "auto", cmd_rotate_auto)`` turns
    ``okx-wizard rotate PROFILE --auto`` into a non-interactive rotation.
    """

    command: str
    add_arguments: AddArguments
    dest: str
    handler: Handler


def region_choices() -> tuple[str, ...]:
    """Every region the core knows (TR included once the core lists it)."""
    return REGION_CODES


def base_url_type(value: str) -> str:
    """A --base-url: https, or http only to loopback; refused at once, before any request."""
    import argparse

    from okx_wizard.core.errors import UsageError

    try:
        return checked_base_url(value)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def checked_base_url(value: str) -> str:
    """``value`` if it is a safe base URL: the core's rules, and http only to loopback.

    The key, passphrase and signature must never cross a network in clear text.
    """
    import ipaddress
    from urllib.parse import urlsplit

    from okx_wizard.core.errors import UsageError
    from okx_wizard.core.validation import validate_base_url

    url = validate_base_url(value)
    parts = urlsplit(url)
    if parts.scheme == "https":
        return url
    host = (parts.hostname or "").lower()
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise UsageError(
            f"http://{host} would send the key and its signature in clear text: "
            "use https://, or http:// only to 127.0.0.1, ::1 or localhost"
        )
    return url


def add_where_options(parser: argparse.ArgumentParser) -> None:
    """--region, --demo and --base-url: where the key works."""
    parser.add_argument(
        "--region",
        choices=region_choices(),
        help="where the account lives: global (www.okx.com), eea (my.okx.com), "
        "us (app.okx.com), tr (tr.okx.com)",
    )
    parser.add_argument(
        "--demo", action="store_true", default=None, help="the key is a demo-trading key"
    )
    parser.add_argument(
        "--base-url",
        type=base_url_type,
        metavar="URL",
        help="send requests here instead of the region's host (https, or http to loopback)",
    )


def add_tool_option(parser: argparse.ArgumentParser, *, default: str | None = "okx") -> None:
    """--for TOOL: whose variable names to use (SPEC §8; checked against core.handoff.TOOLS
    when the command runs, so parsing does not load the table)."""
    parser.add_argument(
        "--for",
        dest="tool",
        default=default,
        metavar="TOOL",
        help="use this tool's variable names: okx, ccxt, freqtrade or python-okx"
        + (f" (default {default})" if default else ""),
    )
