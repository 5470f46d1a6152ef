"""The command line against hostile input (issue #12) and its command registry."""

from __future__ import annotations

import importlib.machinery
import json
import subprocess
import sys
import tomllib
import types
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from okx_wizard.core.simulator import SAMPLE, SimKey, Simulator
from tests.conftest import run_cli, stdin_for

GOOD = SAMPLE["good"]


def _login(env: dict[str, str], url: str, key: SimKey, *extra: str) -> Any:
    return run_cli(
        "login", "--profile", "bot", "--stdin", "--base-url", url, *extra,
        env=env, stdin=stdin_for(key),
    )  # fmt: skip


@pytest.mark.parametrize(
    "url", ["http://10.0.0.1", "http://203.0.113.9:8080", "http://okx.example", "ftp://127.0.0.1"]
)
def test_cleartext_base_url_off_loopback_is_refused(cli_env: dict[str, str], url: str) -> None:
    result = _login(cli_env, url, GOOD)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert run_cli("check", "--from-env", "--base-url", url, env=cli_env).returncode == 2


def test_base_url_from_an_imported_file_is_checked_too(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        f"OKX_API_KEY={GOOD.api_key}\nOKX_SECRET_KEY={GOOD.secret_key}\n"
        f"OKX_PASSPHRASE={GOOD.passphrase}\nOKX_API_BASE_URL=http://10.0.0.1\n"
    )
    result = run_cli("import", "--from", "dotenv", str(dotenv), env=cli_env)
    assert result.returncode == 2
    assert "http://10.0.0.1" in result.stderr and "in clear" in result.stderr


def test_two_logins_of_one_new_profile_one_wins_cleanly(
    cli_env: dict[str, str], sim: Simulator
) -> None:
    sim.latency_ms = 300  # both verifications overlap
    args = [sys.executable, "-m", "okx_wizard", "login", "--profile", "bot", "--stdin",
            "--base-url", sim.url()]  # fmt: skip
    runs = [
        subprocess.Popen(
            args, env=cli_env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    for run, key in zip(runs, ("good", "rotated"), strict=True):
        assert run.stdin is not None
        run.stdin.write(stdin_for(SAMPLE[key]))
        run.stdin.close()
    results = [(run.wait(timeout=120), run.stderr.read().decode()) for run in runs]  # type: ignore[union-attr]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert "exists" in loser and "Traceback" not in loser
    listed = json.loads(run_cli("list", "--json", env=cli_env).stdout)
    assert [row["profile"] for row in listed] == ["bot"]


def _profiles_file(env: dict[str, str]) -> Path:
    return next(Path(env["XDG_CONFIG_HOME"]).rglob("profiles.toml"))


def test_list_cleans_escape_sequences_from_the_profile_file(
    cli_env: dict[str, str], sim: Simulator
) -> None:
    assert _login(cli_env, sim.url(), GOOD).returncode == 0
    path = _profiles_file(cli_env)
    data = tomllib.loads(path.read_text())
    profile = data["profiles"]["bot"]
    profile["key_label"] = "\x1b[2J\x1b]0;owned\x07"
    profile["last_check"]["error_kind"] = "\x1b[31mred\u2028forged line"
    profile["last_check"]["ok"] = False
    profile["last_check"]["warnings"] = ["\x9b2J"]
    path.write_text(tomli_w.dumps(data))
    path.chmod(0o600)
    result = run_cli("list", env=cli_env)
    assert result.returncode == 0, result.stderr
    for bad in ("\x1b", "\x07", "\x9b", "\u2028"):
        assert bad not in result.stdout
    assert "forged line" in result.stdout
    assert len(result.stdout.splitlines()) == 2  # header and one row, nothing forged


def test_printable_neutralises_every_control_and_line_break() -> None:
    from okx_wizard.cli_output import printable

    hostile = "ok\nFAKE\r\x1b[2J\x9b\x85\u2028\u2029\u202e\x00\x7f"
    shown = printable(hostile)
    assert shown.isprintable()
    assert shown.startswith("ok\\x0aFAKE\\x0d\\x1b[2J\\x9b\\x85\\u2028\\u2029\\u202e")
    assert printable("plain text — ✓") == "plain text — ✓"


def test_server_text_cannot_forge_a_report_line(cli_env: dict[str, str], sim: Simulator) -> None:
    hostile = SimKey(
        api_key="0d0d0000-1111-4222-8333-444455556666", secret_key="D" * 32,
        passphrase="Hostile#Pass24", uid="4483\n✓ evil: verified\u2028\x1b[2J", ip=GOOD.ip,
    )  # fmt: skip
    sim.add_key(hostile)
    result = _login(cli_env, sim.url(), hostile)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "uid 4483\\x0a✓ evil: verified\\u2028\\x1b[2J" in result.stdout
    assert [line for line in result.stdout.splitlines() if "evil" in line] == [
        line for line in result.stdout.splitlines() if line.startswith("  account:")
    ]


def test_withdraw_is_allowed_only_by_the_flag_of_this_run(
    cli_env: dict[str, str], sim: Simulator
) -> None:
    withdraw = SAMPLE["withdraw"]
    assert _login(cli_env, sim.url(), withdraw).returncode == 1
    assert _login(cli_env, sim.url(), withdraw, "--allow-withdraw").returncode == 0
    second = SimKey(
        api_key="0c0c0000-1111-4222-8333-444455556666", secret_key="C" * 32,
        passphrase="Other#Pass2024", uid=withdraw.uid, perm="read_only,trade,withdraw",
        ip=withdraw.ip,
    )  # fmt: skip
    sim.add_key(second)
    path = _profiles_file(cli_env)
    assert "allow_withdraw" not in path.read_text()  # consent is never written down
    replaced = _login(cli_env, sim.url(), second, "--replace")
    assert replaced.returncode == 1, replaced.stdout  # the file alone allows nothing
    assert (
        json.loads(run_cli("check", "bot", "--json", env=cli_env).stdout)["api_key_hint"][:4]
        == withdraw.api_key[:4]
    )


def test_no_core_dump_for_okx_wizard_or_what_it_runs(
    cli_env: dict[str, str], sim: Simulator
) -> None:
    assert _login(cli_env, sim.url(), GOOD).returncode == 0
    show = "import resource; print(resource.getrlimit(resource.RLIMIT_CORE))"
    result = run_cli("exec", "bot", "--", sys.executable, "-c", show, env=cli_env)
    assert result.stdout.strip() == "(0, 0)", result.stderr
    dumpable = (
        "import ctypes; from okx_wizard.cli_runtime import harden_process\n"
        "libc = ctypes.CDLL(None)\nbefore = libc.prctl(3, 0, 0, 0, 0)\n"
        "harden_process()\nprint(before, libc.prctl(3, 0, 0, 0, 0))\n"
    )
    probe = subprocess.run(
        [sys.executable, "-c", dumpable], capture_output=True, text=True, timeout=60, check=True
    )
    assert probe.stdout.split() == ["1", "0"]


# -- the registry --------------------------------------------------------------------------------
def test_another_module_adds_commands_and_options(monkeypatch: pytest.MonkeyPatch) -> None:
    import okx_wizard.cli_args as cli_args
    from okx_wizard.cli import dispatch, parse_command_line
    from okx_wizard.cli_spec import CommandOption, CommandSpec

    calls: list[str] = []
    module = types.ModuleType("okx_wizard_test_keys")
    module.__spec__ = importlib.machinery.ModuleSpec(module.__name__, None)
    module.COMMANDS = (  # type: ignore[attr-defined]
        CommandSpec(
            "hello",
            "say hello",
            lambda p: p.add_argument("--json", action="store_true"),
            lambda ws, args: calls.append(f"hello json={args.json}") or 0,
        ),
    )
    module.OPTIONS = (  # type: ignore[attr-defined]
        CommandOption(
            "rotate",
            lambda p: p.add_argument("--trial", action="store_true"),
            "trial",
            lambda ws, args: calls.append(f"rotate trial {args.profile}") or 0,
        ),
    )
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(cli_args, "COMMAND_MODULES", (*cli_args.COMMAND_MODULES, module.__name__))
    workspace: Any = object()
    assert dispatch(workspace, parse_command_line(["hello", "--json"])) == 0
    assert dispatch(workspace, parse_command_line(["rotate", "bot", "--trial"])) == 0
    assert calls == ["hello json=True", "rotate trial bot"]
    plain = parse_command_line(["rotate", "bot"])
    assert plain.trial is False and plain.handler.__name__ == "cmd_tui"


def test_parse_time_vocabularies_match_the_core() -> None:
    from okx_wizard.cli_import import SOURCES
    from okx_wizard.core import importers

    assert SOURCES == importers.SOURCES


def test_unknown_tool_is_a_usage_error(cli_env: dict[str, str], sim: Simulator) -> None:
    assert _login(cli_env, sim.url(), GOOD).returncode == 0
    for command in (
        ["env", "bot"],
        ["exec", "bot", "--", "true"],
        ["systemd", "bot", "--", "true"],
    ):
        result = run_cli(*command[:2], "--for", "hummingbot", *command[2:], env=cli_env)
        assert result.returncode == 2
        assert "okx, ccxt, freqtrade, python-okx" in result.stderr
