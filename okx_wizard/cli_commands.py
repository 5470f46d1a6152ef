"""The commands that manage profiles: list, check, login, remove."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from okx_wizard.cli_output import (
    err,
    format_report,
    jsonable,
    printable_value,
    to_json,
    usage,
)
from okx_wizard.cli_runtime import run_async, signals_deferred
from okx_wizard.cli_spec import CommandSpec, add_tool_option, add_where_options
from okx_wizard.core.text import printable
from okx_wizard.exit_codes import EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    import argparse

    from okx_wizard.core.api import Workspace
    from okx_wizard.core.models import Report


def profile_name(name: str) -> str:
    """A valid profile name, or a usage error."""
    from okx_wizard.core.validation import validate_profile_name

    return validate_profile_name(name)


def print_report(report: Report, as_json: bool) -> int:
    """Print one verification report; its exit code."""
    print(to_json(report.to_json(), indent=2) if as_json else format_report(report))
    return EXIT_OK if report.ok else EXIT_FAILED


# -- list ----------------------------------------------------------------------------------------
def cmd_list(ws: Workspace, args: argparse.Namespace) -> int:
    from okx_wizard.core.api import age_days

    rows: list[dict[str, Any]] = []
    for meta in ws.profiles():
        rows.append(
            {
                "profile": meta.name,
                "region": meta.region,
                "demo": meta.demo,
                "base_url": meta.base_url,
                "api_key_hint": meta.api_key_hint,
                "key_label": meta.key_label,
                "storage": meta.storage,
                "key_age_days": age_days(meta.key_since),
                "created_at": meta.created_at.isoformat() if meta.created_at else None,
                "rotated_at": meta.rotated_at.isoformat() if meta.rotated_at else None,
                "verified_at": meta.verified_at.isoformat() if meta.verified_at else None,
                "last_check": meta.last_check or None,
                "previous_key_hint": meta.previous_key_hint,
            }
        )
    pending = ws.pending_names()
    if args.json:
        print(to_json(rows, indent=2, default=jsonable))  # JSON escapes every control char
        return EXIT_OK
    if not rows:
        realm = " --simulator" if ws.ctx.simulator else ""
        print(f"No profiles yet. Run `okx-wizard{realm} setup` to create one.")
    else:
        print(f"{'PROFILE':<20} {'REGION':<7} {'ENV':<5} {'KEY':<11} {'AGE':>5}  LAST CHECK")
        for r in (printable_value(row) for row in rows):
            last = r["last_check"] if isinstance(r["last_check"], dict) else {}
            result = (
                "never"
                if not last
                else ("ok" if last.get("ok") is True else f"failed ({last.get('error_kind')})")
            )
            warnings = last.get("warnings")
            if isinstance(warnings, list) and warnings:
                result += f", {len(warnings)} warning(s)"
            age = "?" if r["key_age_days"] is None else f"{r['key_age_days']}d"
            env = "demo" if r["demo"] else "live"
            print(
                printable(
                    f"{r['profile']:<20} {r['region']:<7} {env:<5} {r['api_key_hint']:<11} "
                    f"{age:>5}  {result}"
                )
            )
    for name in pending:
        shown = printable(name)
        print(f"(unfinished setup: {shown} — run `okx-wizard setup --profile {shown}` to resume)")
    return EXIT_OK


def _list_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")


# -- check ---------------------------------------------------------------------------------------
def cmd_check(ws: Workspace, args: argparse.Namespace) -> int:
    if args.from_env:
        return _check_from_env(ws, args)
    if args.tool is not None:
        raise usage("--for applies to --from-env")
    if args.all and args.profile:
        raise usage("give a PROFILE or --all, not both")
    if args.max_age_days is not None and args.max_age_days < 0:
        raise usage("--max-age-days must be 0 or more")
    if args.all:
        if args.region or args.base_url or args.demo:
            raise usage("--region, --demo and --base-url apply to one profile, not --all")
        reports = run_async(ws.check_all(max_age_days=args.max_age_days))
        if args.json:
            print(to_json([r.to_json() for r in reports], indent=2))
        else:
            if not reports:
                realm = " simulator" if ws.ctx.simulator else ""
                print(f"No{realm} profiles to check.")
            for r in reports:
                print(format_report(r))
        return EXIT_OK if all(r.ok for r in reports) else EXIT_FAILED
    name = args.profile
    if name is None:
        names = [m.name for m in ws.profiles()]
        if len(names) != 1:
            raise usage(
                "name the PROFILE to check, or use --all "
                f"(profiles: {', '.join(names) or 'none yet'})"
            )
        name = names[0]
    name = profile_name(name)
    meta = ws.require(name)
    endpoint = None
    if args.region or args.base_url or args.demo:
        demo = meta.demo if args.demo is None else args.demo
        endpoint = ws.endpoint(args.region or meta.region, demo, args.base_url or meta.base_url)
    report = run_async(ws.check(name, max_age_days=args.max_age_days, endpoint=endpoint))
    return print_report(report, args.json)


def _check_from_env(ws: Workspace, args: argparse.Namespace) -> int:
    """Verify the credentials in this process's environment; store nothing."""
    import os

    from okx_wizard.cli_spec import checked_base_url
    from okx_wizard.core.handoff import credentials_from_env
    from okx_wizard.core.models import Intentions

    if args.profile or args.all:
        raise usage("--from-env checks the environment's key: give no PROFILE or --all")
    found = credentials_from_env(os.environ, args.tool)
    base = args.base_url or (checked_base_url(found.base_url) if found.base_url else None)
    demo = found.demo if args.demo is None else args.demo
    endpoint = ws.endpoint(args.region or found.region, demo, base)
    label = f"environment ({found.tool})"
    report = run_async(ws.verify(label, found.credentials, endpoint, Intentions()))
    return print_report(report, args.json)


def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("profile", nargs="?", metavar="PROFILE")
    p.add_argument("--all", action="store_true", help="check every profile, concurrently")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--max-age-days", type=int, metavar="N", help="warn key-age past N days (default 90)"
    )
    p.add_argument(
        "--from-env",
        action="store_true",
        help="verify the key in this environment (a running bot's), storing nothing",
    )
    add_tool_option(p, default=None)
    add_where_options(p)


# -- login ---------------------------------------------------------------------------------------
def read_login_input() -> bytes:
    """What ``login --stdin`` reads: piped data, or three hidden answers on a terminal."""
    if sys.stdin.isatty():
        from okx_wizard.cli_prompt import ask_credentials

        return ask_credentials()
    return sys.stdin.buffer.read(1024 * 1024 + 1)


def cmd_login(ws: Workspace, args: argparse.Namespace) -> int:
    from okx_wizard.core.models import Intentions
    from okx_wizard.core.validation import parse_stdin_credentials

    name = profile_name(args.profile)
    existing = ws.profile(name)
    if existing is not None and not args.replace:
        raise usage(f"profile {name!r} exists: pass --replace to rotate its key")
    if existing is None and args.replace:
        raise usage(f"profile {name!r} does not exist: drop --replace to create it")
    creds = parse_stdin_credentials(read_login_input())
    if existing is not None:
        intentions = existing.intentions
        if args.use_case:
            intentions.use_case = "read_only" if args.use_case == "read-only" else "trading"
        region_code = args.region or existing.region
        demo = existing.demo if args.demo is None else args.demo
        base_url = args.base_url or existing.base_url
        old = ws.credentials(name)
        if old.passphrase == creds.passphrase:
            raise usage("the new key's passphrase must differ from the old one's")
        if old.api_key == creds.api_key:
            raise usage("this is the key the profile already has: create a new key on OKX")
    else:
        intentions = Intentions(
            use_case="read_only" if args.use_case == "read-only" else "trading",
            sub_account=not args.main_account,
        )
        region_code, demo, base_url = args.region or "global", bool(args.demo), args.base_url
        old = None
    # Withdraw is allowed by this run's explicit flag only, never by what a file says.
    intentions.allow_withdraw = bool(args.allow_withdraw)
    endpoint = ws.endpoint(region_code, demo, base_url)
    report = run_async(ws.verify(name, creds, endpoint, intentions, previous=old))
    saved = None
    if report.ok:  # verify_key already warned previous-key-active when the old key works
        with signals_deferred():
            saved = ws.commit(name, creds, report, intentions, new=existing is None)
    if args.json:
        print(to_json(report.to_json(), indent=2))
    else:
        print(format_report(report))
        if saved is not None:
            print(f"Saved as profile {name!r} in the {saved.storage} store.")
        else:
            print(
                "Nothing was stored." if existing is None else "The profile keeps its current key."
            )
    if saved is not None and saved.storage == "plaintext":
        err("warning: the secrets were written to an UNENCRYPTED file (--insecure-storage)")
    return EXIT_OK if report.ok else EXIT_FAILED


def add_key_intent_options(p: argparse.ArgumentParser) -> None:
    """--use-case, --main-account and --allow-withdraw: what the key is meant to be."""
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
    p.add_argument(
        "--allow-withdraw",
        action="store_true",
        help="accept a key with the Withdraw permission (never recommended)",
    )


def _login_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", required=True, metavar="NAME")
    p.add_argument(
        "--stdin",
        action="store_true",
        required=True,
        help='read {"api_key","secret_key","passphrase"} JSON, or three lines '
        "(asked hidden on a terminal)",
    )
    p.add_argument("--replace", action="store_true", help="rotate the key of an existing profile")
    p.add_argument("--json", action="store_true", help="print the verification report as JSON")
    add_key_intent_options(p)
    add_where_options(p)


# -- remove --------------------------------------------------------------------------------------
def cmd_remove(ws: Workspace, args: argparse.Namespace) -> int:
    name = profile_name(args.profile)
    meta = ws.require(name)
    if not args.yes:
        if not sys.stdin.isatty():
            raise usage(f"removing {name!r} needs confirmation: pass --yes")
        answer = input(
            f"Erase profile {name!r} and its keys from this machine? "
            "(The key stays valid on OKX: delete it there too.) [y/N] "
        )
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing removed.")
            return EXIT_OK
    with signals_deferred():
        ws.remove(name)
    print(
        printable(
            f"Removed profile {name!r} ({meta.api_key_hint}). Delete the key on OKX too: "
            "it still works there until you do."
        )
    )
    return EXIT_OK


def _remove_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")


COMMANDS = (
    CommandSpec("check", "verify stored keys (exit 0/1/2)", _check_arguments, cmd_check),
    CommandSpec("list", "list profiles (no secrets)", _list_arguments, cmd_list),
    CommandSpec("remove", "erase a profile and its keys", _remove_arguments, cmd_remove),
    CommandSpec(
        "login",
        "non-interactive add or rotate: credentials on standard input",
        _login_arguments,
        cmd_login,
    ),
)
