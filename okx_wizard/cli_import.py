"""``import``: a key that sits in another tool's plaintext file, verified, stored, scrubbed."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from okx_wizard.cli_commands import add_key_intent_options, profile_name
from okx_wizard.cli_output import format_report, printable, to_json, usage
from okx_wizard.cli_runtime import run_async, signals_deferred
from okx_wizard.cli_spec import CommandSpec, add_where_options
from okx_wizard.exit_codes import EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    import argparse

    from okx_wizard.core.api import Workspace

# The kinds of file core.importers reads (its SOURCES; kept here so parsing loads no importer).
SOURCES = ("freqtrade", "okx-cli", "dotenv")


def _wants_scrub(args: argparse.Namespace, path: str) -> bool:
    if args.scrub:
        return True
    if not (sys.stdin.isatty() and sys.stdout.isatty()) or args.json:
        return False
    answer = input(printable(f"Remove the secret values from {path} now? [y/N] "))
    return answer.strip().lower() in ("y", "yes")


def cmd_import(ws: Workspace, args: argparse.Namespace) -> int:
    from pathlib import Path

    from okx_wizard.core.importers import read_import, scrub
    from okx_wizard.core.models import Intentions

    path = Path(args.file)
    key = read_import(args.source, path, args.profile if args.source == "okx-cli" else None)
    default_name = key.entry if args.source == "okx-cli" else args.source
    name = profile_name(args.name or args.profile or default_name)
    if ws.profile(name) is not None:
        raise usage(f"profile {name!r} exists: choose another name with --name")
    intentions = Intentions(
        use_case="read_only" if args.use_case == "read-only" else "trading",
        sub_account=not args.main_account,
        allow_withdraw=bool(args.allow_withdraw),
    )
    region = args.region or key.region
    demo = key.demo if args.demo is None else args.demo
    from okx_wizard.cli_spec import checked_base_url

    base_url = args.base_url or (checked_base_url(key.base_url) if key.base_url else None)
    endpoint = ws.endpoint(region, demo, base_url)
    report = run_async(ws.verify(name, key.credentials, endpoint, intentions))
    saved = None
    if report.ok:
        with signals_deferred():
            saved = ws.commit(name, key.credentials, report, intentions, new=True)
    print(to_json(report.to_json(), indent=2) if args.json else format_report(report))
    if saved is None:
        if not args.json:
            print(f"Nothing was stored and {printable(str(path))} was left as it is.")
        return EXIT_FAILED
    if not args.json:
        print(f"Saved as profile {name!r} in the {saved.storage} store.")
    if _wants_scrub(args, str(path)):
        with signals_deferred():
            scrub(key, path)
        if not args.json:
            print(printable(f"Removed the secret values from {path}."))
    elif not args.json:
        print(
            printable(
                f"{path} still holds the secret in plain text: run again with --scrub, or "
                "delete it there yourself."
            )
        )
    return EXIT_OK


def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="source", required=True, choices=SOURCES, metavar="SOURCE",
                   help=f"the file's kind: {', '.join(SOURCES)}")  # fmt: skip
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--profile",
        metavar="NAME",
        help="the profile to take from an OKX CLI config (default: its default_profile); "
        "also the name to store it under unless --name",
    )
    p.add_argument("--name", metavar="NAME", help="store it under this profile name")
    p.add_argument(
        "--scrub",
        action="store_true",
        help="then rewrite FILE without the secret values (asked on a terminal)",
    )
    p.add_argument("--json", action="store_true", help="print the verification report as JSON")
    add_key_intent_options(p)
    add_where_options(p)


COMMANDS = (
    CommandSpec(
        "import",
        "bring a key from a freqtrade, OKX CLI or dotenv file into the secure store",
        _import_arguments,
        cmd_import,
    ),
)
