"""Hand-off to other tools (SPEC §8) end to end: env, exec, systemd, import, check --from-env."""

from __future__ import annotations

import json
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from okx_wizard.core.simulator import SAMPLE, Simulator
from tests.conftest import run_cli, stdin_for

BOTS = Path(__file__).parent / "bots"
GOOD = SAMPLE["good"]
# Each tool's names, from its own source (see tests/core/test_handoff.py for the files).
TOOL_NAMES = {
    "okx": {"OKX_API_KEY", "OKX_SECRET_KEY", "OKX_PASSPHRASE", "OKX_SITE", "OKX_API_BASE_URL"},
    "ccxt": {"OKX_APIKEY", "OKX_SECRET", "OKX_PASSWORD"},
    "freqtrade": {
        "FREQTRADE__EXCHANGE__KEY",
        "FREQTRADE__EXCHANGE__SECRET",
        "FREQTRADE__EXCHANGE__PASSWORD",
        "FREQTRADE__EXCHANGE__NAME",
        "FREQTRADE__EXCHANGE__CCXT_CONFIG__HOSTNAME",  # the simulator is not www.okx.com
    },
    "python-okx": {"OKX_API_KEY", "OKX_API_SECRET", "OKX_PASSPHRASE", "OKX_FLAG", "OKX_DOMAIN"},
}
# The child prints every variable a tool could read, so the test sees extra ones too.
SHOW_ENV = (
    "import json, os\n"
    "print(json.dumps({k: v for k, v in os.environ.items()"
    " if k.startswith(('OKX_', 'MYOKX_', 'OKXUS_', 'FREQTRADE__'))"
    " and not k.startswith('OKX_WIZARD_KEYRING')}))\n"
)


def login(env: dict[str, str], sim: Simulator, name: str, key: str = "good", *extra: str) -> None:
    result = run_cli(
        "login", "--profile", name, "--stdin", "--base-url", sim.url(SAMPLE[key].region),
        *extra, env=env, stdin=stdin_for(SAMPLE[key]),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("tool", list(TOOL_NAMES))
def test_exec_for_a_tool_gives_exactly_its_names(
    cli_env: dict[str, str], sim: Simulator, tool: str
) -> None:
    login(cli_env, sim, "bot")
    result = run_cli(
        "exec", "bot", "--for", tool, "--", sys.executable, "-c", SHOW_ENV, env=cli_env
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert set(seen) == TOOL_NAMES[tool]
    values = set(seen.values())
    assert {GOOD.api_key, GOOD.secret_key, GOOD.passphrase} <= values
    assert "OKX_WIZARD_VAULT_PASSWORD" not in result.stdout


@pytest.mark.parametrize("fmt", ["sh", "dotenv", "json", "docker"])
def test_env_formats_carry_the_same_values(
    cli_env: dict[str, str], sim: Simulator, fmt: str
) -> None:
    login(cli_env, sim, "bot")
    result = run_cli("env", "bot", "--format", fmt, env=cli_env)
    assert result.returncode == 0, result.stderr
    assert "secret" in result.stderr.lower()
    if fmt == "json":
        values = json.loads(result.stdout)
    else:
        from okx_wizard.core.importers import parse_dotenv

        values = parse_dotenv(result.stdout)
    assert values["OKX_SECRET_KEY"] == GOOD.secret_key
    assert values["OKX_PASSPHRASE"] == GOOD.passphrase
    if fmt == "docker":
        assert f"OKX_PASSPHRASE={GOOD.passphrase}\n" in result.stdout  # no quoting at all


def test_docker_format_refuses_a_line_break() -> None:
    from okx_wizard.cli_handoff import format_env
    from okx_wizard.core.errors import UsageError

    with pytest.raises(UsageError, match="OKX_PASSPHRASE"):
        format_env({"OKX_API_KEY": "k", "OKX_PASSPHRASE": "a\nb"}, "docker")


@pytest.mark.parametrize("tool", ["ccxt", "freqtrade"])
def test_demo_key_is_refused_for_tools_without_demo(
    cli_env: dict[str, str], sim: Simulator, tool: str
) -> None:
    login(cli_env, sim, "paper", "demo", "--demo")
    result = run_cli("env", "paper", "--for", tool, env=cli_env)
    assert result.returncode == 2
    assert "demo" in result.stderr and "Traceback" not in result.stderr
    assert SAMPLE["demo"].secret_key not in result.stdout + result.stderr


def test_demo_key_for_okx_sets_okx_demo(cli_env: dict[str, str], sim: Simulator) -> None:
    login(cli_env, sim, "paper", "demo", "--demo")
    values = json.loads(run_cli("env", "paper", "--format", "json", env=cli_env).stdout)
    assert values["OKX_DEMO"] == "1"
    python_okx = json.loads(
        run_cli("env", "paper", "--for", "python-okx", "--format", "json", env=cli_env).stdout
    )
    assert python_okx["OKX_FLAG"] == "1"


# -- --simulator exec: the simulator stays up for the child ---------------------------------------
def _sim_login(env: dict[str, str], key: str, *extra: str) -> None:
    result = run_cli(
        "--simulator", "login", "--profile", key, "--stdin", *extra,
        env=env, stdin=stdin_for(SAMPLE[key]),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("key", "extra"), [("good", ()), ("demo", ("--demo",))])
def test_simulator_exec_runs_a_real_ccxt_bot(
    cli_env: dict[str, str], key: str, extra: tuple[str, ...]
) -> None:
    _sim_login(cli_env, key, *extra)
    env = {**cli_env, "PYTHONPATH": str(Path(__file__).parents[2])}
    bot = run_cli(
        "--simulator", "exec", key, "--", sys.executable, str(BOTS / "ccxt_bot.py"),
        env=env, timeout=120,
    )  # fmt: skip
    assert bot.returncode == 0, bot.stdout + bot.stderr
    assert "cancelled" in bot.stdout


@pytest.mark.parametrize(("key", "extra"), [("good", ()), ("demo", ("--demo",))])
def test_simulator_exec_runs_a_real_python_okx_bot(
    cli_env: dict[str, str], key: str, extra: tuple[str, ...]
) -> None:
    _sim_login(cli_env, key, *extra)
    bot = run_cli(
        "--simulator", "exec", key, "--for", "python-okx", "--",
        sys.executable, str(BOTS / "python_okx_bot.py"), env=cli_env, timeout=120,
    )  # fmt: skip
    assert bot.returncode == 0, bot.stdout + bot.stderr
    assert "cancelled" in bot.stdout


def test_simulator_keys_never_go_to_a_tool_that_cannot_reach_the_simulator(
    cli_env: dict[str, str],
) -> None:
    _sim_login(cli_env, "good")
    result = run_cli("--simulator", "exec", "good", "--for", "ccxt", "--", "true", env=cli_env)
    assert result.returncode == 2
    assert "real OKX" in result.stderr


WAIT_FOR_TERM = """
import json, os, signal, sys, urllib.request
url = os.environ["OKX_API_BASE_URL"] + "/api/v5/public/time"
with urllib.request.urlopen(url, timeout=10) as answer:
    assert json.load(answer)["code"] == "0"
def done(signum, frame):
    with urllib.request.urlopen(url, timeout=10) as answer:  # still served after the signal
        sys.exit(40 + signum if json.load(answer)["code"] == "0" else 3)
signal.signal(signal.SIGTERM, done)
print("ready", flush=True)
signal.pause()
"""


def test_simulator_exec_forwards_signals_and_keeps_the_simulator(cli_env: dict[str, str]) -> None:
    _sim_login(cli_env, "good")
    proc = subprocess.Popen(
        [sys.executable, "-m", "okx_wizard", "--simulator", "exec", "good", "--",
         sys.executable, "-c", WAIT_FOR_TERM],
        env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 40 + signal.SIGTERM
    finally:
        proc.kill()
        proc.wait()


def test_simulator_exec_reports_a_death_by_signal(cli_env: dict[str, str]) -> None:
    _sim_login(cli_env, "good")
    suicide = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    result = run_cli(
        "--simulator", "exec", "good", "--", sys.executable, "-c", suicide, env=cli_env
    )
    assert result.returncode == 128 + signal.SIGKILL
    missing = run_cli("--simulator", "exec", "good", "--", "no-such-command-okxw", env=cli_env)
    assert missing.returncode == 127


# -- systemd -------------------------------------------------------------------------------------
def test_systemd_prints_a_unit_that_runs_through_exec(
    cli_env: dict[str, str], sim: Simulator
) -> None:
    login(cli_env, sim, "bot")
    result = run_cli(
        "systemd", "bot", "--for", "freqtrade", "--", "/opt/bot/run", "trade", "100%", "a b",
        env=cli_env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    unit = result.stdout
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    assert ' exec bot --for freqtrade -- /opt/bot/run trade "100%%" "a b"' in exec_start
    assert (
        "LoadCredentialEncrypted=okx-wizard-vault-password:"
        "/etc/credstore.encrypted/okx-wizard-vault-password" in unit
    )
    assert "systemd-creds encrypt --name=okx-wizard-vault-password" in unit
    assert "[Install]" in unit and "# okx-wizard-bot.service" in unit
    assert GOOD.secret_key not in unit and GOOD.passphrase not in unit
    bad = run_cli("systemd", "bot", "--unit", "x y", "--", "/bin/true", env=cli_env)
    assert bad.returncode == 2


# -- import --------------------------------------------------------------------------------------
def _leak_scan(directory: Path, *secrets: str) -> list[str]:
    """Files under ``directory`` (any name, hidden ones too) holding 8+ characters of a secret."""
    found = []
    for path in directory.rglob("*"):
        if path.is_file():
            text = path.read_text("utf-8", "replace")
            for secret in secrets:
                if any(secret[i : i + 8] in text for i in range(len(secret) - 7)):
                    found.append(str(path))
    return found


def _write(path: Path, text: str, mode: int) -> None:
    path.write_text(text)
    path.chmod(mode)


def _sources(sim: Simulator, tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    folders = {name: tmp_path / name for name in ("freqtrade", "okx-cli", "dotenv")}
    for folder in folders.values():
        folder.mkdir()
    freqtrade = folders["freqtrade"] / "config.json"
    exchange = {"name": "okx", "key": GOOD.api_key, "secret": GOOD.secret_key,
                "password": GOOD.passphrase, "ccxt_config": {}}  # fmt: skip
    _write(freqtrade, json.dumps({"dry_run": True, "exchange": exchange}, indent=4), 0o640)
    okx_cli = folders["okx-cli"] / "config.toml"
    _write(
        okx_cli,
        'default_profile = "live"\n\n[profiles.live]\n'
        f'api_key = "{GOOD.api_key}"\nsecret_key = "{GOOD.secret_key}"\n'
        f'passphrase = "{GOOD.passphrase}"\nsite = "global"\nbase_url = "{sim.url()}"\n'
        "demo = false\n",
        0o600,
    )
    dotenv = folders["dotenv"] / ".env"
    _write(
        dotenv,
        "# my bot\nLOG_LEVEL=info\n"
        f"export OKX_API_KEY={GOOD.api_key}\nOKX_SECRET_KEY='{GOOD.secret_key}'\n"
        f'OKX_PASSPHRASE="{GOOD.passphrase}"\nOKX_API_BASE_URL={sim.url()}\n',
        0o644,
    )
    return {
        "freqtrade": (freqtrade, ["--base-url", sim.url()]),
        "okx-cli": (okx_cli, []),
        "dotenv": (dotenv, []),
    }


@pytest.mark.parametrize("source", ["freqtrade", "okx-cli", "dotenv"])
def test_import_verifies_stores_and_scrubs(
    cli_env: dict[str, str], sim: Simulator, tmp_path: Path, source: str
) -> None:
    path, extra = _sources(sim, tmp_path)[source]
    mode = stat.S_IMODE(path.stat().st_mode)
    result = run_cli(
        "import", "--from", source, str(path), "--name", "bot", "--scrub", *extra, env=cli_env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Saved as profile 'bot'" in result.stdout
    assert run_cli("check", "bot", env=cli_env).returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert _leak_scan(path.parent, GOOD.secret_key, GOOD.passphrase) == []
    # No temporary file or backup left beside it.
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    text = path.read_text()
    if source == "dotenv":
        assert "LOG_LEVEL=info" in text and "# my bot" in text
    if source == "okx-cli":
        assert 'site = "global"' in text


def test_import_of_a_key_that_fails_stores_nothing_and_keeps_the_file(
    cli_env: dict[str, str], sim: Simulator, tmp_path: Path
) -> None:
    path, _ = _sources(sim, tmp_path)["okx-cli"]
    before = path.read_bytes()
    sim.delete_key(GOOD.api_key)
    result = run_cli("import", "--from", "okx-cli", str(path), "--scrub", env=cli_env)
    assert result.returncode == 1
    assert path.read_bytes() == before
    listed = json.loads(run_cli("list", "--json", env=cli_env).stdout)
    assert listed == []


def test_import_without_scrub_leaves_the_file_and_says_so(
    cli_env: dict[str, str], sim: Simulator, tmp_path: Path
) -> None:
    path, _ = _sources(sim, tmp_path)["dotenv"]
    before = path.read_bytes()
    result = run_cli("import", "--from", "dotenv", str(path), env=cli_env)
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == before
    assert "--scrub" in result.stdout


# -- check --from-env ----------------------------------------------------------------------------
@pytest.mark.parametrize("tool", ["okx", "python-okx", None])
def test_check_from_env_verifies_without_storing(
    cli_env: dict[str, str], sim: Simulator, tool: str | None
) -> None:
    login(cli_env, sim, "bot")
    exported = json.loads(
        run_cli("env", "bot", "--for", tool or "okx", "--format", "json", env=cli_env).stdout
    )
    run_cli("remove", "bot", "--yes", env=cli_env)
    args = ["check", "--from-env", "--json", *(["--for", tool] if tool else [])]
    result = run_cli(*args, env={**cli_env, **exported})
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["account"]["uid"] == GOOD.uid
    assert json.loads(run_cli("list", "--json", env=cli_env).stdout) == []
    sim.delete_key(GOOD.api_key)
    assert run_cli(*args, env={**cli_env, **exported}).returncode == 1


def test_check_from_env_with_nothing_set_is_a_usage_error(cli_env: dict[str, str]) -> None:
    result = run_cli("check", "--from-env", env=cli_env)
    assert result.returncode == 2
    assert "OKX_API_KEY" in result.stderr


def test_exec_environment_is_what_check_from_env_reads(
    cli_env: dict[str, str], sim: Simulator
) -> None:
    """A bot started by exec can ask okx-wizard whether its key works (a doctor)."""
    login(cli_env, sim, "bot")
    result = run_cli(
        "exec", "bot", "--for", "freqtrade", "--",
        sys.executable, "-m", "okx_wizard", "check", "--from-env", "--for", "freqtrade",
        "--base-url", sim.url(), env=cli_env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified" in result.stdout
