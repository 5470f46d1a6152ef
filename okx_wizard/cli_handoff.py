"""Handing a profile's key to another tool (SPEC §8): env, exec and a systemd unit."""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

from okx_wizard.cli_commands import profile_name
from okx_wizard.cli_output import err, printable, to_json, usage
from okx_wizard.cli_spec import CommandSpec, add_tool_option
from okx_wizard.exit_codes import EXIT_OK

if TYPE_CHECKING:
    import argparse

    from okx_wizard.core.api import Workspace
    from okx_wizard.core.simulator import Simulator

# Never handed to a child: the vault password's only job is to open the store here.
_NOT_FOR_THE_CHILD = ("OKX_WIZARD_VAULT_PASSWORD", "OKX_WIZARD_VAULT_PASSWORD_FILE")
VAULT_CREDENTIAL = "okx-wizard-vault-password"


def _credentials_env(ws: Workspace, args: argparse.Namespace) -> dict[str, str]:
    from okx_wizard.core.api import stored_credentials

    if ws.ctx.simulator and args.tool == "ccxt":
        raise usage(
            "--for ccxt with --simulator: ccxt reads no URL from the environment, so the "
            "simulator's keys would go to the real OKX. Use --for okx and, in the bot, "
            "okx_wizard.credentials_from_env().ccxt_exchange()"
        )
    return stored_credentials(ws, profile_name(args.profile)).env(args.tool)


# -- env -----------------------------------------------------------------------------------------
def format_env(values: dict[str, str], fmt: str) -> str:
    """The variables as sh ``export`` lines, dotenv, JSON or docker's ``--env-file`` lines."""
    if fmt == "json":
        return to_json(values, indent=2)
    if fmt == "docker":  # docker takes the rest of the line as is: no quoting, no newline
        bad = [k for k, v in values.items() if "\n" in v or "\r" in v or "\0" in v]
        if bad:
            raise usage(f"{', '.join(bad)} holds a line break: docker's --env-file cannot carry it")
        return "\n".join(f"{k}={v}" for k, v in values.items())
    if fmt == "sh":
        import shlex

        return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in values.items())
    return "\n".join(f"{k}={to_json(v)}" for k, v in values.items())


def cmd_env(ws: Workspace, args: argparse.Namespace) -> int:
    values = _credentials_env(ws, args)
    err(
        "these are secrets — do not paste them into chats, tickets or files others can read. "
        "`okx-wizard exec` hands them to one command without printing them."
    )
    if ws.ctx.simulator:
        err("the simulator stops when this command ends: run the bot with `--simulator exec`")
    print(format_env(values, args.format))
    return EXIT_OK


def _env_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("profile", metavar="PROFILE")
    add_tool_option(p)
    p.add_argument(
        "--format",
        choices=("sh", "dotenv", "json", "docker"),
        default="sh",
        help="sh: export lines (default); dotenv; json; docker: NAME=value for --env-file",
    )


# -- exec ----------------------------------------------------------------------------------------
def _command(args: argparse.Namespace, example: str) -> list[str]:
    argv = list(args.argv)
    if not argv:
        raise usage(f"give the command to run after --, e.g. {example}")
    return argv


def cmd_exec(ws: Workspace, args: argparse.Namespace) -> int:
    argv = _command(args, "okx-wizard exec bot -- python bot.py")
    env = {**os.environ, **_credentials_env(ws, args)}
    for name in _NOT_FOR_THE_CHILD:
        env.pop(name, None)
    from okx_wizard.cli_runtime import SimulatorHosts

    hosts = ws.ctx.hosts
    if isinstance(hosts, SimulatorHosts):
        return run_beside_simulator(argv, env, hosts.simulator())
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        # The command becomes this process: it gets signals directly and its exit code is ours.
        os.execvpe(argv[0], argv, env)  # noqa: S606
    except FileNotFoundError:  # pragma: no branch - exec only returns by raising
        err(f"command not found: {argv[0]}")
        return 127
    except PermissionError:
        err(f"command not executable: {argv[0]}")
        return 126


def simulator_env(sim: Simulator) -> dict[str, str]:
    """What a child needs to reach the simulator: its URLs and, if it serves TLS, its CA."""
    from okx_wizard.core.stored import SIMULATOR_URLS_ENV

    env = {SIMULATOR_URLS_ENV: to_json(dict(sim.urls))}
    ca_file = getattr(sim, "ca_file", None)  # a simulator serving TLS names its CA's file
    if ca_file:
        for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            env[name] = str(ca_file)
    return env


def run_beside_simulator(argv: list[str], env: dict[str, str], sim: Simulator) -> int:
    """Run the command as a child while the simulator serves it from this process.

    SIGINT, SIGTERM and SIGHUP are passed on to the child (in its own process group, so a
    Ctrl+C reaches it once); the simulator stays up until the child exits; its exit code is
    returned (a death by signal N gives 128 + N, as a shell says).
    """
    import signal
    import subprocess

    env = {**env, **simulator_env(sim)}
    forwarded = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    pending: list[int] = []
    child: subprocess.Popen[bytes] | None = None

    def forward(signum: int, _frame: object) -> None:
        if child is None:
            pending.append(signum)
        else:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in forwarded}
    try:
        try:
            child = subprocess.Popen(argv, env=env, process_group=0)
        except FileNotFoundError:
            err(f"command not found: {argv[0]}")
            return 127
        except PermissionError:
            err(f"command not executable: {argv[0]}")
            return 126
        for signum in pending:
            child.send_signal(signum)
        code = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 128 - code if code < 0 else code


def _exec_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("profile", metavar="PROFILE")
    add_tool_option(p)
    p.add_argument("argv", nargs="*", metavar="-- COMMAND [ARG...]")


# -- systemd -------------------------------------------------------------------------------------
_UNIT_NAME = re.compile(r"[A-Za-z0-9:_.@-]{1,200}")
_PLAIN_ARG = re.compile(r"[A-Za-z0-9_./:=@+,-]+")


def systemd_quote(arg: str) -> str:
    """One ExecStart argument in systemd's syntax (``%`` and ``$`` doubled, quoted if needed)."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in arg):
        raise usage(f"{printable(arg)!r} holds a control character: a unit cannot carry it")
    text = arg.replace("%", "%%").replace("$", "$$")
    if _PLAIN_ARG.fullmatch(arg):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _okx_wizard_argv() -> list[str]:
    import shutil

    found = shutil.which("okx-wizard")
    return [os.path.abspath(found)] if found else [sys.executable, "-m", "okx_wizard"]


def systemd_unit(profile: str, unit: str, tool: str, argv: list[str], user: str) -> str:
    """A service unit running ``argv`` through ``okx-wizard exec``, vault password sealed."""
    command = [*_okx_wizard_argv(), "exec", profile, "--for", tool, "--", *argv]
    sealed = f"/etc/credstore.encrypted/{VAULT_CREDENTIAL}"
    return "\n".join(
        [
            f"# {unit}.service — runs a bot with the OKX key of okx-wizard profile {profile!r}.",
            "# The key never sits in this file: `okx-wizard exec` reads it from the store and",
            "# hands it to the command's environment only.",
            "#",
            "# If the profile lives in the encrypted vault, seal its password once (as root):",
            f"#   install -d -m 0700 {os.path.dirname(sealed)}",
            '#   systemd-ask-password -n "okx-wizard vault password:" \\',
            f"#     | systemd-creds encrypt --name={VAULT_CREDENTIAL} - {sealed}",
            "# Then install and start the unit:",
            f"#   okx-wizard systemd {profile} ... > /etc/systemd/system/{unit}.service",
            f"#   systemctl daemon-reload && systemctl enable --now {unit}",
            "",
            "[Unit]",
            f"Description=OKX bot with okx-wizard profile {profile}",
            "Wants=network-online.target",
            "After=network-online.target",
            "",
            "[Service]",
            "Type=exec",
            f"User={user}",
            "ExecStart=" + " ".join(systemd_quote(a) for a in command),
            f"LoadCredentialEncrypted={VAULT_CREDENTIAL}:{sealed}",
            "Restart=on-failure",
            "RestartSec=10",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "ProtectSystem=full",
            "",
            "[Install]",
            "WantedBy=multi-user.target",
            "",
        ]
    )


def cmd_systemd(ws: Workspace, args: argparse.Namespace) -> int:
    import getpass

    argv = _command(args, "okx-wizard systemd bot -- /usr/bin/python3 /opt/bot/bot.py")
    name = profile_name(args.profile)
    ws.require(name)
    unit = (args.unit or f"okx-wizard-{name}").removesuffix(".service")
    if not _UNIT_NAME.fullmatch(unit):
        raise usage("--unit: letters, digits and :_.@- only")
    from okx_wizard.core.handoff import tool_names

    tool_names(args.tool)
    for arg in argv:
        systemd_quote(arg)  # refuse what a unit cannot carry before printing anything
    print(systemd_unit(name, unit, args.tool, argv, getpass.getuser()), end="")
    return EXIT_OK


def _systemd_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("profile", metavar="PROFILE")
    p.add_argument("--unit", metavar="NAME", help="the unit's name (default okx-wizard-PROFILE)")
    add_tool_option(p)
    p.add_argument("argv", nargs="*", metavar="-- COMMAND [ARG...]")


COMMANDS = (
    CommandSpec("env", "print a profile's credentials for a tool", _env_arguments, cmd_env),
    CommandSpec(
        "exec",
        "run COMMAND with the credentials in its environment only",
        _exec_arguments,
        cmd_exec,
    ),
    CommandSpec(
        "systemd",
        "print a systemd unit that runs COMMAND through exec",
        _systemd_arguments,
        cmd_systemd,
    ),
)
