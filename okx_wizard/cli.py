"""The command line: parses, calls the core, prints, exits. Textual is imported only for the TUI.

Exit codes: 0 verified, 1 verification failed (or OKX unreachable), 2 usage or input error.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    import argparse

    from okx_wizard.core.api import Context, Workspace
    from okx_wizard.core.models import Report
    from okx_wizard.core.secret import Secret
    from okx_wizard.core.simulator import Simulator

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# An SSH drop (SIGHUP) and a kill (SIGTERM) end okx-wizard like Ctrl+C: cleanly, exit 128 + N.
TERMINATING = (signal.SIGTERM, signal.SIGHUP)


def _json(value: Any, **options: Any) -> str:
    """JSON text (json is loaded only by the commands that print it, not by the wizard)."""
    import json

    return json.dumps(value, **options)


# -- helpers -------------------------------------------------------------------------------------
_CONTROL = dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F),
                          *range(0x2066, 0x206A)])  # fmt: skip
_CONTROL.pop(ord("\n"))


def _printable(text: str) -> str:
    """``text`` with control characters (terminal escapes, bidi overrides) made visible.

    Names and messages can come from a hand-edited profile file or a server: they must never
    move the cursor, recolour or clear the user's terminal.
    """
    if not any(ord(c) in _CONTROL for c in text):
        return text
    return "".join(f"\\x{ord(c):02x}" if ord(c) in _CONTROL else c for c in text)


def _err(message: str) -> None:
    print(_printable(f"okx-wizard: {message}"), file=sys.stderr)


def _profile_name(name: str) -> str:
    from okx_wizard.core.validation import validate_profile_name

    return validate_profile_name(name)


def _prompt_password(purpose: str, *, new: bool = False) -> Secret:
    """Ask for the vault password on the terminal (never on stdin, which may carry secrets)."""
    import getpass

    from okx_wizard.core.errors import StorageError
    from okx_wizard.core.secret import Secret

    try:
        tty = open("/dev/tty", "r+")  # noqa: SIM115 - closed below
    except OSError:
        raise StorageError(
            "the encrypted vault needs its password and there is no terminal to ask on: "
            "set OKX_WIZARD_VAULT_PASSWORD"
        ) from None
    with tty:
        value = getpass.getpass(f"Vault password ({purpose}): ", stream=tty)
    return Secret(value)


class SimulatorHosts(Mapping[str, str]):
    """The local simulator's URL for each region; the simulator starts on first use.

    The wizard's first screens never talk to OKX, so ``okx-wizard --simulator`` paints them
    without loading the simulator (its import and three listeners are a visible part of start-up).
    """

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._simulator: Simulator | None = None

    def _urls(self) -> dict[str, str]:
        with self._lock:
            if self._simulator is None:
                from okx_wizard.core.errors import WizardError
                from okx_wizard.core.simulator import Simulator

                try:
                    self._simulator = Simulator().start()
                except OSError as exc:
                    reason = exc.strerror or type(exc).__name__
                    raise WizardError(
                        "network", f"The local simulator could not listen on 127.0.0.1: {reason}."
                    ) from None
            return self._simulator.urls

    def __getitem__(self, region_code: str) -> str:
        return self._urls()[region_code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._urls())

    def __len__(self) -> int:
        return len(self._urls())

    def close(self) -> None:
        """Stop the simulator, if it was started."""
        with self._lock:
            if self._simulator is not None:
                self._simulator.stop()
                self._simulator = None


@contextmanager
def _simulator(enabled: bool) -> Iterator[SimulatorHosts | None]:
    if not enabled:
        yield None
        return
    hosts = SimulatorHosts()
    try:
        yield hosts
    finally:
        hosts.close()


def _context(args: argparse.Namespace, hosts: Mapping[str, str] | None) -> Context:
    from okx_wizard.core.api import Context

    return Context(
        simulator=bool(getattr(args, "simulator", False)),
        hosts=hosts,
        allow_insecure=bool(getattr(args, "insecure_storage", False)),
        prompt_password=_prompt_password,
        timeout=float(getattr(args, "timeout", 15.0)),
    )


def _format_report(report: Report) -> str:
    ep = report.endpoint
    env = "demo" if ep.demo else "live"
    lines = []
    if report.ok:
        head = f"✓ {report.profile}: verified — {ep.region} {env}, key {report.api_key_hint}"
        lines.append(head)
        if report.account:
            acc = report.account
            kind = "sub-account" if acc.sub_account else "MAIN account"
            lines.append(
                f"  account: {kind} uid {acc.uid}, permissions "
                f"{', '.join(acc.permissions) or 'none'}, "
                f"IPs {', '.join(acc.ip_whitelist) or 'none'}"
            )
        if report.balance is not None:
            lines.append(f"  balance: {report.balance.total_eq_usd or '0'} USD")
        if report.key_age_days is not None:
            lines.append(f"  key age: {report.key_age_days} days")
    else:
        assert report.error is not None
        code = f" [OKX {report.error.okx_code}]" if report.error.okx_code else ""
        lines.append(f"✗ {report.profile}: {report.error.kind} error{code} — {ep.region} {env}")
        lines.append(f"  {report.error.message}")
    for w in report.warnings:
        lines.append(f"  ! {w.code}: {w.message}")
    return "\n".join(lines)


def _printable_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _printable(v) if isinstance(v, str) else v for k, v in row.items()}


def _jsonable(value: object) -> str:
    """Datetimes in metadata become ISO strings in JSON output."""
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return str(isoformat())
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _run_async(coro: Any) -> Any:
    """Run ``coro``; SIGTERM/SIGHUP cancel it cleanly (no half-finished task is left behind)."""
    import asyncio

    received: list[int] = []

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def stop(signum: int) -> None:
            received.append(signum)
            task.cancel()

        for sig in TERMINATING:
            loop.add_signal_handler(sig, stop, sig)
        try:
            return await coro
        except asyncio.CancelledError:
            if not received:
                raise
            return None
        finally:
            for sig in TERMINATING:
                loop.remove_signal_handler(sig)

    result = asyncio.run(main())
    if received:
        raise SystemExit(128 + received[0])
    return result


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGTERM, SIGHUP and SIGINT until the block is done: a save is never cut in half."""
    received: list[int] = []

    def hold(signum: int, _frame: object) -> None:
        received.append(signum)

    held = (*TERMINATING, signal.SIGINT)
    previous = {sig: signal.signal(sig, hold) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        if received[0] == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + received[0])


# -- commands ------------------------------------------------------------------------------------
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
        print(_json(rows, indent=2, default=_jsonable))
        return EXIT_OK
    if not rows:
        print("No profiles yet. Run `okx-wizard setup` to create one.")
    else:
        print(f"{'PROFILE':<20} {'REGION':<7} {'ENV':<5} {'KEY':<11} {'AGE':>5}  LAST CHECK")
        for r in (_printable_row(row) for row in rows):
            last: dict[str, Any] = r["last_check"] or {}
            result = (
                "never"
                if not last
                else ("ok" if last.get("ok") else f"failed ({last.get('error_kind')})")
            )
            if last.get("warnings"):
                result += f", {len(last['warnings'])} warning(s)"
            age = "?" if r["key_age_days"] is None else f"{r['key_age_days']}d"
            env = "demo" if r["demo"] else "live"
            print(
                f"{r['profile']:<20} {r['region']:<7} {env:<5} {r['api_key_hint']:<11} "
                f"{age:>5}  {result}"
            )
    for name in pending:
        shown = _printable(name)
        print(f"(unfinished setup: {shown} — run `okx-wizard setup --profile {shown}` to resume)")
    return EXIT_OK


def cmd_check(ws: Workspace, args: argparse.Namespace) -> int:
    if args.all and args.profile:
        raise _usage("give a PROFILE or --all, not both")
    if args.max_age_days is not None and args.max_age_days < 0:
        raise _usage("--max-age-days must be 0 or more")
    if args.all:
        if args.region or args.base_url or args.demo:
            raise _usage("--region, --demo and --base-url apply to one profile, not --all")
        reports = _run_async(ws.check_all(max_age_days=args.max_age_days))
        if args.json:
            print(_json([r.to_json() for r in reports], indent=2))
        else:
            if not reports:
                print("No profiles to check.")
            for r in reports:
                print(_printable(_format_report(r)))
        return EXIT_OK if all(r.ok for r in reports) else EXIT_FAILED
    name = args.profile
    if name is None:
        names = [m.name for m in ws.profiles()]
        if len(names) != 1:
            raise _usage(
                "name the PROFILE to check, or use --all "
                f"(profiles: {', '.join(names) or 'none yet'})"
            )
        name = names[0]
    name = _profile_name(name)
    meta = ws.require(name)
    endpoint = None
    if args.region or args.base_url or args.demo:
        demo = meta.demo if args.demo is None else args.demo
        endpoint = ws.endpoint(args.region or meta.region, demo, args.base_url or meta.base_url)
    report = _run_async(ws.check(name, max_age_days=args.max_age_days, endpoint=endpoint))
    print(_json(report.to_json(), indent=2) if args.json else _printable(_format_report(report)))
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_login(ws: Workspace, args: argparse.Namespace) -> int:
    from okx_wizard.core.models import Intentions
    from okx_wizard.core.validation import parse_stdin_credentials

    name = _profile_name(args.profile)
    existing = ws.profile(name)
    if existing is not None and not args.replace:
        raise _usage(f"profile {name!r} exists: pass --replace to rotate its key")
    if existing is None and args.replace:
        raise _usage(f"profile {name!r} does not exist: drop --replace to create it")
    data = sys.stdin.buffer.read(1024 * 1024 + 1)
    creds = parse_stdin_credentials(data)
    if existing is not None:
        intentions = existing.intentions
        if args.use_case:
            intentions.use_case = "read_only" if args.use_case == "read-only" else "trading"
        region_code = args.region or existing.region
        demo = existing.demo if args.demo is None else args.demo
        base_url = args.base_url or existing.base_url
        old = ws.credentials(name)
        if old.passphrase == creds.passphrase:
            raise _usage("the new key's passphrase must differ from the old one's")
        if old.api_key == creds.api_key:
            raise _usage("this is the key the profile already has: create a new key on OKX")
    else:
        intentions = Intentions(
            use_case="read_only" if args.use_case == "read-only" else "trading",
            sub_account=not args.main_account,
        )
        region_code, demo, base_url = args.region or "global", bool(args.demo), args.base_url
        old = None
    endpoint = ws.endpoint(region_code, demo, base_url)
    report = _run_async(ws.verify(name, creds, endpoint, intentions, previous=old))
    saved = None
    if report.ok:  # verify_key already warned previous-key-active when the old key works
        with _signals_deferred():
            saved = ws.commit(name, creds, report, intentions)
    if args.json:
        print(_json(report.to_json(), indent=2))
    else:
        print(_printable(_format_report(report)))
        if saved is not None:
            print(f"Saved as profile {name!r} in the {saved.storage} store.")
        else:
            print(
                "Nothing was stored." if existing is None else "The profile keeps its current key."
            )
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_remove(ws: Workspace, args: argparse.Namespace) -> int:
    name = _profile_name(args.profile)
    meta = ws.require(name)
    if not args.yes:
        if not sys.stdin.isatty():
            raise _usage(f"removing {name!r} needs confirmation: pass --yes")
        answer = input(
            f"Erase profile {name!r} and its keys from this machine? "
            "(The key stays valid on OKX: delete it there too.) [y/N] "
        )
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing removed.")
            return EXIT_OK
    with _signals_deferred():
        ws.remove(name)
    print(
        f"Removed profile {name!r} ({meta.api_key_hint}). Delete the key on OKX too: "
        f"it still works there until you do."
    )
    return EXIT_OK


def cmd_env(ws: Workspace, args: argparse.Namespace) -> int:
    from okx_wizard.core.api import stored_credentials

    creds = stored_credentials(ws, _profile_name(args.profile))
    values = creds.env()
    print(
        "okx-wizard: these are secrets — do not paste them into chats, tickets or files "
        "others can read.",
        file=sys.stderr,
    )
    if args.format == "json":
        print(_json(values, indent=2))
    else:
        import shlex

        prefix = "export " if args.format == "sh" else ""
        for key, value in values.items():
            quoted = shlex.quote(value) if args.format == "sh" else _json(value)
            print(f"{prefix}{key}={quoted}")
    return EXIT_OK


def cmd_exec(ws: Workspace, args: argparse.Namespace) -> int:
    from okx_wizard.core.api import stored_credentials

    argv = list(args.argv)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        raise _usage("give the command to run after --, e.g. okx-wizard exec bot -- python bot.py")
    creds = stored_credentials(ws, _profile_name(args.profile))
    env = {**os.environ, **creds.env()}
    env.pop("OKX_WIZARD_VAULT_PASSWORD", None)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        # The command becomes this process: it gets signals directly and its exit code is ours.
        os.execvpe(argv[0], argv, env)  # noqa: S606
    except FileNotFoundError:  # pragma: no branch - exec only returns by raising
        _err(f"command not found: {argv[0]}")
        return 127
    except PermissionError:
        _err(f"command not executable: {argv[0]}")
        return 126


def cmd_tui(ws: Workspace, args: argparse.Namespace) -> int:
    debug = bool(getattr(args, "debug", False))
    from okx_wizard.tui import run_tui  # scrubs TEXTUAL* variables itself before Textual loads

    mode: Literal["home", "setup", "rotate"] = "home"
    profile: str | None = None
    if args.command == "setup":
        mode = "setup"
        profile = _profile_name(args.profile) if args.profile else None
    elif args.command == "rotate":
        mode, profile = "rotate", _profile_name(args.profile)
        ws.require(profile)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise _usage("the wizard needs a terminal; for scripts use `okx-wizard login --stdin`")
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


COMMANDS: dict[str | None, Callable[[Workspace, argparse.Namespace], int]] = {
    None: cmd_tui,
    "setup": cmd_tui,
    "rotate": cmd_tui,
    "check": cmd_check,
    "list": cmd_list,
    "remove": cmd_remove,
    "login": cmd_login,
    "env": cmd_env,
    "exec": cmd_exec,
}


def _usage(message: str) -> Exception:
    from okx_wizard.core.errors import UsageError

    return UsageError(message)


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
    from okx_wizard.cli_args import build_parser

    return build_parser().parse_args(tokens)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every expected failure ends in a message and an exit code."""
    for sig in TERMINATING:
        signal.signal(sig, _terminate)
    args = parse_command_line(sys.argv[1:] if argv is None else list(argv))
    from okx_wizard.core.errors import UsageError, WizardError

    try:
        with _simulator(bool(getattr(args, "simulator", False))) as hosts:
            from okx_wizard.core.api import Workspace

            ws = Workspace(_context(args, hosts))
            return COMMANDS[args.command](ws, args)
    except UsageError as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
    except WizardError as exc:
        _err(f"{exc.kind} error: {exc.message}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        _err("interrupted; nothing half-written was kept")
        return 130
    except BrokenPipeError:
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
