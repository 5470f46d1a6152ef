"""Hands-free key commands (SPEC §9): admin, create, rotate --auto, rebind, audit.

Thin like the rest of the CLI: parse, call okx_wizard.core.hands_free / audit / admin, print.
The admin key is read from the secure store, or from standard input with --admin-stdin for one
command; it is never printed, and only its hint appears in reports.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from okx_wizard.cli_commands import profile_name as _profile_name
from okx_wizard.cli_output import format_report as _format_report
from okx_wizard.cli_output import to_json as _json
from okx_wizard.cli_output import usage as _usage
from okx_wizard.cli_runtime import run_async as _run_async
from okx_wizard.cli_runtime import signals_deferred as _signals_deferred
from okx_wizard.cli_spec import CommandOption, CommandSpec, add_where_options
from okx_wizard.core.text import printable as _printable
from okx_wizard.exit_codes import EXIT_FAILED, EXIT_OK

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
        print(_format_report(report))
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
        print(_format_report(result.report))
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
def _admin_stdin(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--admin-stdin",
        action="store_true",
        help="read an admin key from standard input for this command only (not stored)",
    )


def _admin_arguments(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="verify and store the admin key")
    add_where_options(add)
    add.add_argument("--stdin", action="store_true", help="read the key from standard input")
    add.add_argument("--json", action="store_true")
    check = actions.add_parser("check", help="verify the stored admin key")
    check.add_argument("--json", action="store_true")
    actions.add_parser("remove", help="erase the stored admin key from this machine")


def _create_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("--sub-account", required=True, metavar="NAME")
    p.add_argument("--new-sub-account", action="store_true", help="create the sub-account first")
    p.add_argument("--perm", choices=("read_only", "trade"), default="trade")
    p.add_argument("--ip", metavar="IP[,IP…]", help="the IPs to bind (required for trade)")
    p.add_argument("--label", help="the key's note on OKX (letters and digits)")
    p.add_argument("--fix-modes", action="store_true", help=FIX_MODES_HELP)
    p.add_argument("--json", action="store_true")
    add_where_options(p)
    _admin_stdin(p)


def _rebind_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("--ip", required=True, metavar="IP[,IP…]")
    p.add_argument("--json", action="store_true")
    add_where_options(p)
    _admin_stdin(p)


def _audit_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    p.add_argument("--max-age-days", type=int, default=None, metavar="N")
    p.add_argument("--delete-orphans", action="store_true", help="delete keys no profile holds")
    p.add_argument("--yes", action="store_true", help="delete without asking")
    add_where_options(p)
    _admin_stdin(p)


def _rotate_auto_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--auto",
        action="store_true",
        help="rotate through OKX's API with the admin key: no secret to copy",
    )
    p.add_argument("--fix-modes", action="store_true", help=FIX_MODES_HELP)
    p.add_argument("--json", action="store_true")
    _admin_stdin(p)


COMMANDS = (
    CommandSpec("admin", "the main-account key that manages sub-account keys", _admin_arguments,
                cmd_admin),
    CommandSpec("create", "create a sub-account key through OKX's API (no secret to copy)",
                _create_arguments, cmd_create),
    CommandSpec("rebind", "change a key's IP list through OKX's API", _rebind_arguments,
                cmd_rebind),
    CommandSpec("audit", "every sub-account key on OKX, matched to profiles", _audit_arguments,
                cmd_audit),
)  # fmt: skip
OPTIONS = (CommandOption("rotate", _rotate_auto_arguments, "auto", cmd_rotate_auto),)
