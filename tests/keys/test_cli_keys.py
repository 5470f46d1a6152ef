"""The hands-free commands as a script runs them: admin, create, rotate --auto, rebind, audit.

A simulator runs in the test (so keys made by one command are there for the next), and the CLI
reaches it through the admin key's stored base URL, exactly as it would reach OKX.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from okx_wizard.core.simulator import SAMPLE, Simulator
from tests.conftest import run_cli, stdin_for

pytestmark = pytest.mark.slow  # subprocesses, and OKX pacing of one write per second

ADMIN = SAMPLE["admin"]
SUB = "SimGood01"


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """OKX's rate limits on, in real time: the CLI paces its writes by the clock, as with OKX."""
    with Simulator(rate_limits=True) as simulator:
        yield simulator


@pytest.fixture
def admin_added(cli_env: dict[str, str], sim: Simulator) -> dict[str, str]:
    added = run_cli(
        "admin", "add", "--stdin", "--base-url", sim.url(), "--json",
        env=cli_env, stdin=stdin_for(ADMIN),
    )  # fmt: skip
    assert added.returncode == 0, added.stdout + added.stderr
    return cli_env


def _secrets_of(sim: Simulator) -> list[str]:
    return [v for k in sim.state.keys.values() for v in (k.secret_key, k.passphrase)]


def _leaks(home: Path, texts: list[str], sim: Simulator) -> list[str]:
    """Every secret or passphrase of the simulator found in a file (the vault is encrypted)."""
    found = []
    secrets = _secrets_of(sim)
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}" for s in secrets if s.encode() in data]
    found += [f"output: {s[:4]}…" for t in texts for s in secrets if s in t]
    return found


def test_create_rotate_rebind_audit_without_ever_showing_a_secret(
    admin_added: dict[str, str], sim: Simulator
) -> None:
    env = admin_added
    outputs: list[str] = []

    def cli(*args: str) -> dict[str, object]:
        result = run_cli(*args, "--json", env=env)
        outputs.extend([result.stdout, result.stderr])
        assert "Traceback" not in result.stderr
        data = json.loads(result.stdout)
        data["_exit"] = result.returncode
        return data

    made = cli("create", "bot", "--sub-account", SUB, "--ip", "203.0.113.7")
    assert (made["_exit"], made["ok"]) == (0, True), made
    first_hint = made["api_key_hint"]
    assert run_cli("check", "bot", env=env).returncode == 0

    rotated = cli("rotate", "bot", "--auto")
    assert (rotated["_exit"], rotated["old_key_deleted"], rotated["old_key_refused"]) == (
        0, True, True,
    )  # fmt: skip
    assert rotated["old_key_hint"] == first_hint and rotated["api_key_hint"] != first_hint
    assert rotated["keys_on_okx"] == [rotated["api_key_hint"]]

    rebound = cli("rebind", "bot", "--ip", "203.0.113.7,198.51.100.0/24")
    assert rebound["_exit"] == 0
    assert rebound["ip_whitelist"] == ["203.0.113.7", "198.51.100.0/24"]

    audit = cli("audit")
    assert audit["_exit"] == 1  # the sample keys on OKX belong to no profile here: orphans
    mine = [k for k in audit["keys"] if k["profile"] == "bot"]  # type: ignore[union-attr]
    assert [k["api_key_hint"] for k in mine] == [rotated["api_key_hint"]]
    assert mine[0]["flags"] == []
    orphans = {k["api_key_hint"] for k in audit["keys"] if k["orphan"]}  # type: ignore[union-attr]
    assert SAMPLE["good"].api_key[:4] + "…" + SAMPLE["good"].api_key[-4:] in orphans

    home = Path(env["HOME"])
    assert _leaks(home, outputs, sim) == []


def test_audit_flags_an_old_key_and_deletes_orphans_only_with_yes(
    admin_added: dict[str, str], sim: Simulator
) -> None:
    env = admin_added
    sim.key(SAMPLE["readonly"].api_key).created_ms -= 200 * 86_400_000
    report = json.loads(run_cli("audit", "--json", "--max-age-days", "100", env=env).stdout)
    readonly = next(k for k in report["keys"] if k["api_key_hint"].startswith("33a4"))
    assert readonly["flags"] == ["orphan", "old"]
    refused = run_cli("audit", "--delete-orphans", env=env)  # no terminal to ask on
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert SAMPLE["readonly"].api_key in sim.state.keys
    deleted = run_cli("audit", "--delete-orphans", "--yes", "--json", env=env)
    assert all(k["deleted"] for k in json.loads(deleted.stdout)["keys"] if k["orphan"])
    assert SAMPLE["readonly"].api_key not in sim.state.keys


@pytest.mark.parametrize(
    ("sample", "code"), [("good", "59500"), ("main", "50035"), ("withdraw", None)]
)
def test_keys_that_cannot_be_admin_are_refused_and_nothing_is_stored(
    cli_env: dict[str, str], sim: Simulator, sample: str, code: str | None
) -> None:
    result = run_cli(
        "admin", "add", "--stdin", "--base-url", sim.url(), "--json",
        env=cli_env, stdin=stdin_for(SAMPLE[sample]),
    )  # fmt: skip
    assert result.returncode == 1, result.stdout
    error = json.loads(result.stdout)["error"]
    assert error["kind"] in ("permission", "ip")
    if code:
        assert error["okx_code"] == code
    assert run_cli("admin", "check", env=cli_env).returncode == 2  # none stored


def test_the_admin_key_is_never_handed_out(admin_added: dict[str, str]) -> None:
    for command in (["env", "@admin"], ["exec", "@admin", "--", "true"], ["check", "@admin"]):
        result = run_cli(*command, env=admin_added)
        assert result.returncode == 2, (command, result.stdout)
        assert ADMIN.secret_key not in result.stdout + result.stderr
    listed = run_cli("list", "--json", env=admin_added)
    assert "admin" not in listed.stdout.lower()


def test_admin_stdin_serves_one_command_and_is_not_stored(
    cli_env: dict[str, str], sim: Simulator
) -> None:
    result = run_cli(
        "create", "bot", "--sub-account", SUB, "--ip", "203.0.113.7", "--admin-stdin",
        "--base-url", sim.url(), env=cli_env, stdin=stdin_for(ADMIN),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "\\x0a" not in result.stdout  # the report's own lines are lines, not escapes
    assert result.stdout.splitlines()[0].startswith("✓ bot: verified")
    assert run_cli("admin", "check", env=cli_env).returncode == 2


def test_a_trade_key_needs_ips(admin_added: dict[str, str]) -> None:
    result = run_cli("create", "bot", "--sub-account", SUB, env=admin_added)
    assert result.returncode == 2 and "--ip" in result.stderr


def test_the_admin_key_cannot_become_a_profile(admin_added: dict[str, str], sim: Simulator) -> None:
    login = run_cli(
        "login", "--profile", "bot", "--stdin", "--base-url", sim.url(), "--json",
        env=admin_added, stdin=stdin_for(ADMIN),
    )  # fmt: skip
    assert login.returncode == 1, login.stdout + login.stderr
    assert "admin key" in login.stderr
    assert run_cli("env", "bot", env=admin_added).returncode == 2  # no such profile
