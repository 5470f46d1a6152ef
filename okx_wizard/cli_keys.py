"""Hands-free key commands (SPEC §9): admin, create, rotate --auto, rebind, audit.

Thin like the rest of the CLI: parse, call okx_wizard.core.hands_free / audit / admin, print.
The admin key is read from the secure store, or from standard input with --admin-stdin for one
command; it is never printed, and only its hint appears in reports.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from okx_wizard.cli import (
    EXIT_FAILED,
    EXIT_OK,
    _format_report,
    _json,
    _printable,
    _profile_name,
    _run_async,
    _signals_deferred,
    _usage,
)

if TYPE_CHECKING:
    import argparse
    from datetime import datetime

    from okx_wizard.core.admin import Admin
    from okx_wizard.core.api import Workspace
    from okx_wizard.core.audit import AuditedKey, AuditResult
    from okx_wizard.core.hands_free import HandsFree, KeyResult

STDIN_LIMIT = 1024 * 1024
FIX_MODES_HELP = (
    "set the account and position mode the plan expects with the new key, where OKX reports "
    "others (OKX allows it only with no open positions or orders)"
)


def _now() -> datetime:
    from okx_wizard.core.metadata import utc_now

    return utc_now()


def _progress(json_output: bool) -> Any:
    """Live progress on stderr (a terminal sees each step as it happens); none with --json."""

    def show(step: str, status: str, detail: str) -> None:
        if json_output or status == "running":
            return
        mark = {"ok": "✓", "failed": "✗", "skipped": "-"}.get(status, "·")
        print(_printable(f"  {mark} {step}: {detail}"), file=sys.stderr)

    return show


def _read_admin_stdin(ws: Workspace, args: argparse.Namespace) -> Admin:
    """An admin key from standard input for this one command, verified as admin first."""
    from okx_wizard.core.admin import Admin, verify_admin
    from okx_wizard.core.validation import parse_stdin_credentials

    creds = parse_stdin_credentials(sys.stdin.buffer.read(STDIN_LIMIT + 1))
    endpoint = ws.endpoint(
        getattr(args, "region", None) or "global",
        bool(getattr(args, "demo", False)),
        getattr(args, "base_url", None),
    )
    report = _run_async(verify_admin(ws, creds, endpoint))
    if not report.ok:
        assert report.error is not None
        raise report.error
    return Admin(creds, report.endpoint)


def _admin(ws: Workspace, args: argparse.Namespace) -> Admin:
    if getattr(args, "admin_stdin", False):
        return _read_admin_stdin(ws, args)
    from okx_wizard.core.admin import load_admin

    return load_admin(ws)


async def _with_api(ws: Workspace, admin: Admin, job: Any, on_step: Any) -> Any:
    """Run ``job(HandsFree)`` with one connection pool for the admin key's calls."""
    from okx_wizard.core.client import OkxClient
    from okx_wizard.core.hands_free import HandsFree
    from okx_wizard.core.subaccount import SubAccountApi

    async with OkxClient(admin.endpoint, timeout=ws.ctx.timeout) as client:
        api = SubAccountApi(client, admin.credentials)
        return await job(HandsFree(ws, admin, api, on_step))


# -- admin ---------------------------------------------------------------------------------------
def cmd_admin(ws: Workspace, args: argparse.Namespace) -> int:
    from okx_wizard.core import admin as admin_key

    if args.admin_command == "remove":
        with _signals_deferred():
            removed = admin_key.remove_admin(ws)
        print("Admin key erased from this machine." if removed else "No admin key was stored.")
        if removed:
            print("It still works on OKX until you delete it there.")
        return EXIT_OK
    if args.admin_command == "add":
        if not args.stdin:
            raise _usage("the admin key comes on standard input: okx-wizard admin add --stdin")
        from okx_wizard.core.validation import parse_stdin_credentials

        creds = parse_stdin_credentials(sys.stdin.buffer.read(STDIN_LIMIT + 1))
        endpoint = ws.endpoint(args.region or "global", bool(args.demo), args.base_url)
    else:
        loaded = admin_key.load_admin(ws)
        creds, endpoint = loaded.credentials, loaded.endpoint
    report = _run_async(admin_key.verify_admin(ws, creds, endpoint))
    if report.ok and args.admin_command == "add":
        with _signals_deferred():
            admin_key.save_admin(ws, creds, report)
    if args.json:
        print(_json(report.to_json(), indent=2))
    else:
        print(_printable(_format_report(report)))
        if report.ok and args.admin_command == "add":
            print("Stored as the admin key. It is never handed to bots (env, exec).")
    return EXIT_OK if report.ok else EXIT_FAILED


# -- create / rotate --auto / rebind ---------------------------------------------------------------
def _ip_list(text: str | None) -> list[str]:
    from okx_wizard.core.validation import validate_ip_list

    if not text:
        return []
    checked = validate_ip_list(text.replace(",", " "))
    if checked.errors:
        raise _usage(f"--ip: {checked.errors[0]}")
    return list(checked.entries)


def _print_result(result: KeyResult, json_output: bool) -> int:
    if json_output:
        print(_json(result.to_json(), indent=2))
        return EXIT_OK if result.ok else EXIT_FAILED
    if result.report is not None:
        print(_printable(_format_report(result.report)))
    if result.error is not None:
        print(_printable(f"✗ {result.error.message}"))
    for note in result.notes:
        print(_printable(f"  {note}"))
    if result.action == "rotate":
        gone = "deleted on OKX and refused there" if result.old_key_refused else "NOT deleted"
        print(_printable(f"  old key {result.old_key_hint}: {gone}"))
    keys = ", ".join(result.keys_on_okx) or "none"
    print(
        _printable(f"  keys of this profile on OKX now: {keys} (sub-account {result.sub_account})")
    )
    return EXIT_OK if result.ok else EXIT_FAILED


def cmd_create(ws: Workspace, args: argparse.Namespace) -> int:
    from okx_wizard.core.validation import validate_key_label, validate_sub_account_name

    name = _profile_name(args.profile)
    sub = validate_sub_account_name(args.sub_account)
    label = validate_key_label(args.label) if args.label else ""
    ips = _ip_list(args.ip)
    if args.perm == "trade" and not ips:
        raise _usage(
            "a trade key needs --ip: OKX deletes trade keys without a bound IP after 14 idle "
            "days, and an IP-bound key is what a leak cannot use elsewhere"
        )
    if ws.profile(name) is not None:
        raise _usage(f"profile {name!r} exists: use `okx-wizard rotate {name} --auto`")
    admin = _admin(ws, args)

    async def job(hands: HandsFree) -> KeyResult:
        return await hands.create(
            name,
            sub_account=sub,
            new_sub_account=args.new_sub_account,
            permission=args.perm,
            ips=ips,
            label=label,
            now=_now(),
            fix_modes=args.fix_modes,
        )

    with _signals_deferred():
        result = _run_async(_with_api(ws, admin, job, _progress(args.json)))
    return _print_result(result, args.json)


def cmd_rotate_auto(ws: Workspace, args: argparse.Namespace) -> int:
    name = _profile_name(args.profile)
    ws.require(name)
    admin = _admin(ws, args)

    async def job(hands: HandsFree) -> KeyResult:
        return await hands.rotate(name, now=_now(), fix_modes=args.fix_modes)

    with _signals_deferred():
        result = _run_async(_with_api(ws, admin, job, _progress(args.json)))
    return _print_result(result, args.json)


def cmd_rebind(ws: Workspace, args: argparse.Namespace) -> int:
    name = _profile_name(args.profile)
    ips = _ip_list(args.ip)
    if not ips:
        raise _usage("give the key's new IPs: --ip IP[,IP…]")
    ws.require(name)
    admin = _admin(ws, args)

    async def job(hands: HandsFree) -> KeyResult:
        return await hands.rebind(name, ips)

    with _signals_deferred():
        result = _run_async(_with_api(ws, admin, job, _progress(args.json)))
    return _print_result(result, args.json)


# -- audit ---------------------------------------------------------------------------------------
def _confirm_delete(args: argparse.Namespace) -> Any:
    if args.yes:
        return lambda _key: True
    if not sys.stdin.isatty():
        raise _usage("deleting orphan keys needs confirmation: pass --yes")

    def ask(key: AuditedKey) -> bool:
        question = (
            f"Delete key {key.info.hint} of sub-account {key.info.sub_account} on OKX? "
            "No profile holds it. [y/N] "
        )
        return input(_printable(question)).strip().lower() in ("y", "yes")

    return ask


def _print_audit(result: AuditResult) -> None:
    if not result.keys:
        print("No sub-account keys found on OKX.")
    for key in result.keys:
        owner = f"profile {key.profile}" if key.profile else "no profile (orphan)"
        age = f"{key.age_days} days" if key.age_days is not None else "age unknown"
        ips = ", ".join(key.info.ip_whitelist) or "no IP"
        mark = "!" if key.flags and not key.deleted else "✓"
        flags = f"  [{', '.join(key.flags)}]" if key.flags else ""
        done = "  (deleted)" if key.deleted else ""
        line = (
            f"{mark} {key.info.sub_account} {key.info.hint}: {owner}; "
            f"{', '.join(key.info.permissions) or 'no permission'}; {ips}; {age}{flags}{done}"
        )
        print(_printable(line))
    for error in result.errors:
        print(_printable(f"✗ {error}"))
    print(f"{result.flagged} key(s) flagged.")


def cmd_audit(ws: Workspace, args: argparse.Namespace) -> int:
    from okx_wizard.core.audit import audit, delete_orphans

    if args.max_age_days is not None and args.max_age_days < 0:
        raise _usage("--max-age-days must be 0 or more")
    limit = ws.ctx.max_age_days if args.max_age_days is None else args.max_age_days
    confirm = _confirm_delete(args) if args.delete_orphans else None
    admin = _admin(ws, args)

    async def job(hands: HandsFree) -> AuditResult:
        result = await audit(ws, hands.api, now=_now(), max_age_days=limit)
        if confirm is not None:
            await delete_orphans(hands.api, result, confirm)
        return result

    result = _run_async(_with_api(ws, admin, job, _progress(True)))
    if args.json:
        print(_json(result.to_json(), indent=2))
    else:
        _print_audit(result)
    return EXIT_FAILED if result.flagged or result.errors else EXIT_OK


# -- the grammar -----------------------------------------------------------------------------------
def add_parsers(commands: Any, where: argparse.ArgumentParser) -> None:
    """Add admin, create, rebind and audit to ``commands`` (argparse sub-parsers).

    ``where`` is a parent parser with --region/--demo/--base-url (where the admin key works).
    """
    admin_stdin = {
        "action": "store_true",
        "help": "read an admin key from standard input for this command only (not stored)",
    }
    admin = commands.add_parser("admin", help="the main-account key that manages sub-account keys")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True)
    add = admin_commands.add_parser("add", parents=[where], help="verify and store the admin key")
    add.add_argument("--stdin", action="store_true", help="read the key from standard input")
    add.add_argument("--json", action="store_true")
    check = admin_commands.add_parser("check", help="verify the stored admin key")
    check.add_argument("--json", action="store_true")
    admin_commands.add_parser("remove", help="erase the stored admin key from this machine")

    create = commands.add_parser(
        "create", parents=[where], help="create a sub-account key through OKX's API"
    )
    create.add_argument("profile", metavar="PROFILE")
    create.add_argument("--sub-account", required=True, metavar="NAME")
    create.add_argument("--new-sub-account", action="store_true", help="create it first")
    create.add_argument("--perm", choices=("read_only", "trade"), default="trade")
    create.add_argument("--ip", metavar="IP[,IP…]", help="the IPs to bind (required for trade)")
    create.add_argument("--label", help="the key's note on OKX (letters and digits)")
    create.add_argument("--fix-modes", action="store_true", help=FIX_MODES_HELP)
    create.add_argument("--json", action="store_true")
    create.add_argument("--admin-stdin", **admin_stdin)

    rebind = commands.add_parser(
        "rebind", parents=[where], help="change a key's IP list through OKX's API"
    )
    rebind.add_argument("profile", metavar="PROFILE")
    rebind.add_argument("--ip", required=True, metavar="IP[,IP…]")
    rebind.add_argument("--json", action="store_true")
    rebind.add_argument("--admin-stdin", **admin_stdin)

    audit = commands.add_parser("audit", parents=[where], help="list every sub-account key on OKX")
    audit.add_argument("--json", action="store_true")
    audit.add_argument("--max-age-days", type=int, default=None, metavar="N")
    audit.add_argument("--delete-orphans", action="store_true")
    audit.add_argument("--yes", action="store_true", help="delete without asking")
    audit.add_argument("--admin-stdin", **admin_stdin)


COMMANDS = {
    "admin": cmd_admin,
    "create": cmd_create,
    "rebind": cmd_rebind,
    "audit": cmd_audit,
}
