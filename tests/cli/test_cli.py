"""The command line end to end: real subprocesses, a throwaway HOME, the simulator on loopback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from okx_wizard.core.regions import REGION_CODES
from okx_wizard.core.simulator import SAMPLE, Simulator
from tests.conftest import run_cli, stdin_for

ACCOUNT_FIELDS = {
    "uid",
    "main_uid",
    "sub_account",
    "permissions",
    "ip_whitelist",
    "acct_lv",
    "position_mode",
    "account_type",
    "label",
}
REPORT_FIELDS = {
    "profile",
    "ok",
    "error",
    "region",
    "demo",
    "base_url",
    "account",
    "balance",
    "clock_skew_ms",
    "key_age_days",
    "api_key_hint",
    "warnings",
}


def login(
    env: dict[str, str],
    sim: Simulator,
    name: str,
    key: str = "good",
    *extra: str,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[str]:
    data = stdin if stdin is not None else stdin_for(SAMPLE[key])
    return run_cli(
        "login",
        "--profile",
        name,
        "--stdin",
        "--json",
        "--base-url",
        sim.url(),
        *extra,
        env=env,
        stdin=data,
    )


def check_json(env: dict[str, str], *args: str) -> tuple[int, object]:
    result = run_cli("check", *args, "--json", env=env)
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def warning_codes(report: dict[str, object]) -> set[str]:
    return {w["code"] for w in report["warnings"]}  # type: ignore[attr-defined, index]


def stored_names(env: dict[str, str]) -> list[str]:
    result = run_cli("list", "--json", env=env)
    assert result.returncode == 0, result.stderr
    return [row["profile"] for row in json.loads(result.stdout)]


def test_login_then_check_reports_the_account(cli_env: dict[str, str], sim: Simulator) -> None:
    result = login(cli_env, sim, "bot")
    assert result.returncode == 0, result.stderr
    code, report = check_json(cli_env, "bot")
    assert code == 0
    assert isinstance(report, dict)
    assert set(report) == REPORT_FIELDS
    assert report["ok"] is True and report["error"] is None
    assert set(report["account"]) >= ACCOUNT_FIELDS
    good = SAMPLE["good"]
    assert report["account"]["uid"] == good.uid
    assert report["account"]["main_uid"] == good.main_uid
    assert report["account"]["sub_account"] is True
    assert report["account"]["permissions"] == ["read_only", "trade"]
    assert report["account"]["ip_whitelist"] == good.ip.split(",")
    assert report["account"]["acct_lv"] == good.acct_lv
    assert report["account"]["position_mode"] == "net_mode"
    assert float(report["balance"]["total_eq_usd"]) > 0
    assert report["api_key_hint"] == f"{good.api_key[:4]}…{good.api_key[-4:]}"
    assert report["key_age_days"] == 0
    assert "main-account" not in warning_codes(report)


@pytest.mark.parametrize(
    ("wrong", "okx_code", "kind"),
    [("passphrase", "50105", "auth"), ("secret", "50113", "auth"), ("key", "50119", "region")],
)
def test_wrong_credentials_fail_and_store_nothing(
    cli_env: dict[str, str], sim: Simulator, wrong: str, okx_code: str, kind: str
) -> None:
    good = SAMPLE["good"]
    payload = {
        "api_key": good.api_key,
        "secret_key": good.secret_key,
        "passphrase": good.passphrase,
    }
    if wrong == "passphrase":
        payload["passphrase"] = "Wrong-Passphrase-1"
    elif wrong == "secret":
        payload["secret_key"] = "0" * 32
    else:
        payload["api_key"] = "11111111-2222-3333-4444-555555555555"
    result = login(cli_env, sim, "bot", stdin=json.dumps(payload).encode())
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["error"]["okx_code"] == okx_code
    assert report["error"]["kind"] == kind
    assert stored_names(cli_env) == []


def test_demo_key_used_as_live_is_named(cli_env: dict[str, str], sim: Simulator) -> None:
    result = login(cli_env, sim, "bot", "demo")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["error"]["kind"] == "environment"
    assert report["error"]["okx_code"] == "50101"
    assert "demo" in report["error"]["message"].lower()
    assert stored_names(cli_env) == []
    ok = login(cli_env, sim, "bot", "demo", "--demo")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["demo"] is True


def test_server_clock_45s_ahead_still_verifies(cli_env: dict[str, str], sim: Simulator) -> None:
    sim.clock_offset_ms = 45_000
    result = login(cli_env, sim, "bot")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert "clock-skew" in warning_codes(report)
    assert abs(report["clock_skew_ms"] - 45_000) < 1_500


def test_withdraw_permission_is_refused(cli_env: dict[str, str], sim: Simulator) -> None:
    result = login(cli_env, sim, "bot", "withdraw")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["error"]["kind"] == "permission"
    assert report["ok"] is False
    assert stored_names(cli_env) == []


def test_main_account_and_missing_ip_are_warned(cli_env: dict[str, str], sim: Simulator) -> None:
    result = login(cli_env, sim, "main", "main")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert {"main-account", "no-ip-whitelist"} <= warning_codes(report)
    assert report["account"]["sub_account"] is False


def test_login_onto_existing_profile_needs_replace(cli_env: dict[str, str], sim: Simulator) -> None:
    assert login(cli_env, sim, "bot").returncode == 0
    again = login(cli_env, sim, "bot", "rotated")
    assert again.returncode == 2
    assert "--replace" in again.stderr
    code, report = check_json(cli_env, "bot")
    assert code == 0 and report["api_key_hint"].startswith(SAMPLE["good"].api_key[:4])


@pytest.mark.parametrize("name", ["../etc", "a/b", "has space", "x" * 300, "", "..", "é"])
def test_bad_profile_names_exit_2(cli_env: dict[str, str], sim: Simulator, name: str) -> None:
    result = login(cli_env, sim, name)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert stored_names(cli_env) == []


def test_no_secret_anywhere(cli_env: dict[str, str], sim: Simulator, tmp_path: Path) -> None:
    good = SAMPLE["good"]
    outputs = [
        login(cli_env, sim, "bot"),
        run_cli("check", "bot", "--json", env=cli_env),
        run_cli("check", "bot", env=cli_env),
        run_cli("list", "--json", env=cli_env),
        run_cli("list", env=cli_env),
        login(cli_env, sim, "bot2", stdin=b"{}"),
    ]
    text = "".join(r.stdout + r.stderr for r in outputs)
    home = Path(cli_env["HOME"])
    for path in home.rglob("*"):
        if path.is_file() and "vault" not in path.name and "keyrings" not in path.parts:
            text += path.read_text("utf-8", "replace")
    for secret in (good.secret_key, good.passphrase):
        for i in range(len(secret) - 7):
            assert secret[i : i + 8] not in text


def test_rotation_keeps_old_key_until_deleted_on_okx(
    cli_env: dict[str, str], sim: Simulator
) -> None:
    assert login(cli_env, sim, "bot").returncode == 0
    rotated = login(cli_env, sim, "bot", "rotated", "--replace")
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    codes = [w["code"] for w in json.loads(rotated.stdout)["warnings"]]
    assert codes.count("previous-key-active") == 1
    code, report = check_json(cli_env, "bot")
    assert code == 0
    assert report["api_key_hint"].startswith(SAMPLE["rotated"].api_key[:4])
    assert "previous-key-active" in warning_codes(report)
    old_hint = SAMPLE["good"].api_key[:4]
    assert any(old_hint in w["message"] for w in report["warnings"])
    sim.delete_key(SAMPLE["good"].api_key)
    code, report = check_json(cli_env, "bot")
    assert code == 0
    assert "previous-key-active" not in warning_codes(report)
    listed = json.loads(run_cli("list", "--json", env=cli_env).stdout)
    assert listed[0]["previous_key_hint"] is None
    assert listed[0]["rotated_at"] is not None


def test_failed_rotation_leaves_working_key(cli_env: dict[str, str], sim: Simulator) -> None:
    assert login(cli_env, sim, "bot").returncode == 0
    bad = stdin_for(SAMPLE["rotated"], secret="F" * 32)
    result = login(cli_env, sim, "bot", "rotated", "--replace", stdin=bad)
    assert result.returncode == 1
    code, report = check_json(cli_env, "bot")
    assert code == 0
    assert report["api_key_hint"].startswith(SAMPLE["good"].api_key[:4])
    assert "previous-key-active" not in warning_codes(report)


def test_rotation_needs_a_new_passphrase(cli_env: dict[str, str], sim: Simulator) -> None:
    assert login(cli_env, sim, "bot").returncode == 0
    same = stdin_for(SAMPLE["rotated"], passphrase=SAMPLE["good"].passphrase)
    result = login(cli_env, sim, "bot", "rotated", "--replace", stdin=same)
    assert result.returncode == 2
    assert "passphrase" in result.stderr


def test_check_all_is_an_array_and_fails_if_any_fails(
    cli_env: dict[str, str], sim: Simulator
) -> None:
    assert login(cli_env, sim, "one").returncode == 0
    assert login(cli_env, sim, "two", "readonly", "--use-case", "read-only").returncode == 0
    code, reports = check_json(cli_env, "--all")
    assert code == 0
    assert isinstance(reports, list)
    assert [r["profile"] for r in reports] == ["one", "two"]
    sim.delete_key(SAMPLE["readonly"].api_key)
    code, reports = check_json(cli_env, "--all")
    assert code == 1
    assert [r["ok"] for r in reports] == [True, False]


def test_exec_gives_the_child_credentials_and_its_exit_code(
    cli_env: dict[str, str], sim: Simulator
) -> None:
    assert login(cli_env, sim, "bot").returncode == 0
    good = SAMPLE["good"]
    child = (
        "import os, sys\n"
        f"ok = os.environ['OKX_API_KEY'] == {good.api_key!r}"
        f" and os.environ['OKX_SECRET_KEY'] == {good.secret_key!r}"
        f" and os.environ['OKX_PASSPHRASE'] == {good.passphrase!r}"
        " and 'OKX_WIZARD_VAULT_PASSWORD' not in os.environ\n"
        "sys.exit(7 if ok else 3)\n"
    )
    result = run_cli("exec", "bot", "--", sys.executable, "-c", child, env=cli_env)
    assert result.returncode == 7, result.stderr
    missing = run_cli("exec", "bot", "--", "no-such-command-okxw", env=cli_env)
    assert missing.returncode == 127


def test_env_prints_credentials_and_warns(cli_env: dict[str, str], sim: Simulator) -> None:
    assert login(cli_env, sim, "bot").returncode == 0
    result = run_cli("env", "bot", "--format", "json", env=cli_env)
    assert result.returncode == 0
    values = json.loads(result.stdout)
    assert values["OKX_API_KEY"] == SAMPLE["good"].api_key
    assert values["OKX_API_BASE_URL"] == sim.url()
    assert values["OKX_SITE"] == "global"
    assert "OKX_DEMO" not in values  # unset for live: the kit reads "1" or "true" as demo
    assert "secret" in result.stderr.lower()
    sh = run_cli("env", "bot", env=cli_env)
    assert f"export OKX_API_KEY={SAMPLE['good'].api_key}" in sh.stdout


def test_remove_needs_yes_without_a_terminal(cli_env: dict[str, str], sim: Simulator) -> None:
    assert login(cli_env, sim, "bot").returncode == 0
    assert run_cli("remove", "bot", env=cli_env).returncode == 2
    assert stored_names(cli_env) == ["bot"]
    assert run_cli("remove", "bot", "--yes", env=cli_env).returncode == 0
    assert stored_names(cli_env) == []
    assert run_cli("check", "bot", env=cli_env).returncode == 2


@pytest.mark.skipif(
    shutil.which("faketime") is None,
    reason="faketime is not installed (.ci/run installs it with apt-get)",
)
def test_machine_clock_100_days_ahead(cli_env: dict[str, str], sim: Simulator) -> None:
    assert login(cli_env, sim, "bot").returncode == 0
    env = {**cli_env, "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
    result = subprocess.run(
        ["faketime", "-f", "+100d", sys.executable, "-m", "okx_wizard", "check", "bot", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["key_age_days"] == 100
    assert {"key-age", "clock-skew"} <= warning_codes(report)
    custom = subprocess.run(
        [
            "faketime",
            "-f",
            "+100d",
            sys.executable,
            "-m",
            "okx_wizard",
            "check",
            "bot",
            "--json",
            "--max-age-days",
            "365",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "key-age" not in warning_codes(json.loads(custom.stdout))


def test_simulator_flag_runs_everything_in_process(cli_env: dict[str, str]) -> None:
    result = run_cli(
        "--simulator",
        "login",
        "--profile",
        "sim",
        "--stdin",
        "--json",
        env=cli_env,
        stdin=stdin_for(SAMPLE["good"]),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert run_cli("--simulator", "check", "sim", env=cli_env).returncode == 0
    assert stored_names(cli_env) == []
    listed = run_cli("--simulator", "list", "--json", env=cli_env)
    assert [r["profile"] for r in json.loads(listed.stdout)] == ["sim"]


@pytest.mark.parametrize("args", [["--help"], ["list"], ["check", "nope"], ["--version"]])
def test_fast_paths_never_import_textual(cli_env: dict[str, str], args: list[str]) -> None:
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['okx-wizard', *{args!r}]\n"
        "try:\n    runpy.run_module('okx_wizard', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print('IMPORTED', bad, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "IMPORTED []" in result.stderr, result.stderr


@pytest.mark.parametrize(
    "tokens",
    [
        [],
        ["--simulator"],
        ["--debug", "--simulator"],
        ["--insecure-storage", "--simulator", "--debug", "--simulator"],
        ["--sim"],  # an abbreviation: argparse decides
        ["--simulator", "list"],
        ["--timeout", "5"],
    ],
)
def test_wizard_start_parses_like_the_full_parser(tokens: list[str]) -> None:
    """The wizard's fast path (no command parsers built) answers exactly as argparse does."""
    from okx_wizard.cli import parse_command_line
    from okx_wizard.cli_args import build_parser

    assert vars(parse_command_line(tokens)) == vars(build_parser().parse_args(tokens))


@pytest.mark.parametrize("tokens", [["--simulatorx"], ["--help", "--simulator"]])
def test_wizard_fast_path_leaves_mistakes_and_help_to_argparse(
    tokens: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from okx_wizard.cli import parse_command_line

    with pytest.raises(SystemExit) as exit_info:
        parse_command_line(tokens)
    out = capsys.readouterr()
    assert exit_info.value.code == (0 if "--help" in tokens else 2)
    assert "usage: okx-wizard" in out.out + out.err


# Loaded only when a step needs them: the wizard's first screen must not pay for them.
NOT_AT_FIRST_PAINT = (
    "okx_wizard.core.simulator",
    "okx_wizard.core.models",
    "okx_wizard.core.client",
    "okx_wizard.core.secret_store",
    "okx_wizard.screens.home",
    "okx_wizard.screens.launch",
    "okx_wizard.cli_args",
    "httpx",
    "keyring",
    "zxcvbn",
    "qrcode",
    "tomllib",
)


def test_first_setup_screen_loads_only_what_it_shows(cli_env: dict[str, str]) -> None:
    """`okx-wizard --simulator` on a first run: step 1 comes up without the simulator and co."""
    code = (
        "import sys\n"
        "from okx_wizard.cli import SimulatorHosts\n"
        "from okx_wizard.core.api import Context\n"
        "from okx_wizard.tui import run_tui\n"
        "seen = {}\n"
        "async def look(pilot):\n"
        "    await pilot.pause()\n"
        "    seen['screen'] = type(pilot.app.screen).__name__\n"
        "    seen['modules'] = set(sys.modules)\n"
        "    pilot.app.exit(0)\n"
        "hosts = SimulatorHosts()\n"
        "ctx = Context(simulator=True, hosts=hosts)\n"
        "run_tui(ctx, 'home', None, False, headless=True, auto_pilot=look)\n"
        "print('SCREEN', seen['screen'])\n"
        f"print('LOADED', sorted(m for m in {NOT_AT_FIRST_PAINT!r} if m in seen['modules']))\n"
        "print('SIMULATOR', hosts._simulator is not None)\n"
    )
    env = {**cli_env, "OKX_WIZARD_VAULT_PASSWORD": "a vault password for tests"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "SCREEN StartScreen" in result.stdout
    assert "LOADED []" in result.stdout, result.stdout
    assert "SIMULATOR False" in result.stdout


def test_simulator_hosts_start_on_first_use_and_stop(isolated_home: dict[str, str]) -> None:
    import urllib.request

    from okx_wizard.cli import SimulatorHosts
    from okx_wizard.core.api import Context, Workspace

    hosts = SimulatorHosts()
    workspace = Workspace(Context(simulator=True, hosts=hosts))
    assert hosts._simulator is None
    workspace.warm_up()  # what the capture step does while the user is on OKX's site
    assert sorted(hosts) == sorted(REGION_CODES)
    url = workspace.endpoint("eea", demo=False).base_url
    assert url == hosts["eea"] and url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(f"{url}/api/v5/public/time", timeout=5) as answer:
        assert json.load(answer)["code"] == "0"
    hosts.close()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/api/v5/public/time", timeout=5)
