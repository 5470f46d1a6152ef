"""`check` on a headless server (#13): no keyring, no terminal, the vault password from a file
or from systemd's credentials, never from the environment or a prompt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from okx_wizard.core.simulator import SAMPLE, Simulator
from tests.conftest import VAULT_PASSWORD, run_cli, stdin_for

pytestmark = pytest.mark.slow  # subprocesses


def _headless(cli_env: dict[str, str]) -> dict[str, str]:
    env = dict(cli_env)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # no Secret Service: the encrypted vault
    env.pop("OKX_WIZARD_VAULT_PASSWORD", None)
    return env


def _login(env: dict[str, str], sim: Simulator) -> None:
    login = run_cli(
        "login", "--profile", "bot", "--stdin", "--base-url", sim.url(),
        env=env, stdin=stdin_for(SAMPLE["good"]),
    )  # fmt: skip
    assert login.returncode == 0, login.stdout + login.stderr


def test_check_unlocks_the_vault_from_a_password_file(
    cli_env: dict[str, str], sim: Simulator, tmp_path: Path
) -> None:
    secret_file = tmp_path / "vault-password"
    secret_file.write_text(VAULT_PASSWORD + "\n")
    secret_file.chmod(0o600)
    env = {**_headless(cli_env), "OKX_WIZARD_VAULT_PASSWORD_FILE": str(secret_file)}
    _login(env, sim)
    check = run_cli("check", "bot", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "✓ bot: verified" in check.stdout
    secret_file.chmod(0o644)  # readable by others: refused, with the fix
    refused = run_cli("check", "bot", env=env)
    assert refused.returncode == 1 and "chmod" in refused.stderr + refused.stdout
    assert "Traceback" not in refused.stderr


def test_check_unlocks_the_vault_from_systemd_credentials(
    cli_env: dict[str, str], sim: Simulator, tmp_path: Path
) -> None:
    creds = tmp_path / "credentials"
    creds.mkdir(mode=0o700)
    (creds / "okx-wizard-vault-password").write_text(VAULT_PASSWORD)
    os.chmod(creds / "okx-wizard-vault-password", 0o400)
    env = {**_headless(cli_env), "CREDENTIALS_DIRECTORY": str(creds)}
    _login(env, sim)
    check = run_cli("check", "bot", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    # No password source and no terminal (a new session has no controlling terminal): a clear
    # message naming the automation way, not a prompt that would hang a service.
    without = subprocess.run(
        [sys.executable, "-m", "okx_wizard", "check", "bot"],
        env=_headless(cli_env), capture_output=True, text=True, timeout=60,
        start_new_session=True, check=False,
    )  # fmt: skip
    assert without.returncode == 1
    assert "OKX_WIZARD_VAULT_PASSWORD_FILE" in without.stdout + without.stderr
