"""Questions on a real terminal (a pseudo-terminal, not a mock): hidden, asked on /dev/tty."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from okx_wizard.core.simulator import SAMPLE, Simulator
from tests.conftest import run_cli

GOOD = SAMPLE["good"]
PASSWORD = "a long vault password 7"


class Terminal:
    """``okx-wizard ARGS`` with a pseudo-terminal as its controlling terminal."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child
            os.execve(sys.executable, [sys.executable, "-m", "okx_wizard", *args], env)
        self.pid, self.fd = pid, fd
        self.output = b""
        self._seen = 0

    def _read(self, deadline: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            chunk = b""
        self.output += chunk
        return bool(chunk)

    def expect(self, text: str, timeout: float = 60) -> None:
        """Wait until ``text`` appears after what was already matched."""
        wanted = text.encode()
        deadline = time.monotonic() + timeout
        while wanted not in self.output[self._seen :]:
            if not self._read(deadline):
                raise AssertionError(f"{text!r} never came; the terminal showed {self.output!r}")
        self._seen = self.output.index(wanted, self._seen) + len(wanted)

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\r")

    def exit_code(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while self._read(deadline):
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


@pytest.fixture
def vault_env(cli_env: dict[str, str]) -> dict[str, str]:
    """No keyring and no vault password in the environment: the vault asks on the terminal."""
    env = {k: v for k, v in cli_env.items() if k not in ("OKX_WIZARD_VAULT_PASSWORD",)}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return env


def _login_on_terminal(env: dict[str, str], sim: Simulator) -> Terminal:
    term = Terminal(["login", "--profile", "bot", "--stdin", "--base-url", sim.url()], env)
    term.expect("API key: ")
    term.type(GOOD.api_key)
    term.expect("Secret key: ")
    term.type(GOOD.secret_key)
    term.expect("Passphrase: ")
    term.type(GOOD.passphrase)
    return term


def test_login_asks_hidden_and_a_new_vault_asks_twice(
    vault_env: dict[str, str], sim: Simulator
) -> None:
    term = _login_on_terminal(vault_env, sim)
    term.expect("Choose a password for the new encrypted vault")
    term.type("too short")
    term.expect("at least 10 characters")
    term.expect("Choose a password for the new encrypted vault")
    term.type(PASSWORD)
    term.expect("The same password again: ")
    term.type(PASSWORD + "x")
    term.expect("differ")
    term.expect("Choose a password for the new encrypted vault")
    term.type(PASSWORD)
    term.expect("The same password again: ")
    term.type(PASSWORD)
    term.expect("Saved as profile 'bot'")
    assert term.exit_code() == 0
    shown = term.output.decode("utf-8", "replace")
    for secret in (GOOD.secret_key, GOOD.passphrase, GOOD.api_key, PASSWORD):
        assert secret not in shown  # echo was off for every answer


def test_existing_vault_is_asked_once_and_again_when_wrong(
    vault_env: dict[str, str], sim: Simulator
) -> None:
    created = run_cli(
        "login", "--profile", "bot", "--stdin", "--base-url", sim.url(),
        env={**vault_env, "OKX_WIZARD_VAULT_PASSWORD": PASSWORD},
        stdin=f"{GOOD.api_key}\n{GOOD.secret_key}\n{GOOD.passphrase}\n".encode(),
    )  # fmt: skip
    assert created.returncode == 0, created.stdout + created.stderr
    term = Terminal(["check", "bot"], vault_env)
    term.expect("Vault password (")
    term.type("not the password")
    term.expect("Vault password (")
    term.type(PASSWORD)
    term.expect("verified")
    assert term.exit_code() == 0
    assert b"same password again" not in term.output


def test_without_a_terminal_the_vault_says_how_to_automate(
    vault_env: dict[str, str], sim: Simulator
) -> None:
    created = run_cli(
        "login", "--profile", "bot", "--stdin", "--base-url", sim.url(),
        env={**vault_env, "OKX_WIZARD_VAULT_PASSWORD": PASSWORD},
        stdin=f"{GOOD.api_key}\n{GOOD.secret_key}\n{GOOD.passphrase}\n".encode(),
    )  # fmt: skip
    assert created.returncode == 0
    result = subprocess.run(
        [sys.executable, "-m", "okx_wizard", "check", "bot"],
        env=vault_env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        start_new_session=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    shown = result.stdout + result.stderr
    assert "no terminal" in shown and "OKX_WIZARD_VAULT_PASSWORD" in shown
    assert "Traceback" not in shown


def test_import_on_a_terminal_offers_to_scrub(
    cli_env: dict[str, str], sim: Simulator, tmp_path: Path
) -> None:
    dotenv = tmp_path / "bot" / ".env"
    dotenv.parent.mkdir()
    dotenv.write_text(
        f"OKX_API_KEY={GOOD.api_key}\nOKX_SECRET_KEY={GOOD.secret_key}\n"
        f"OKX_PASSPHRASE={GOOD.passphrase}\nOKX_API_BASE_URL={sim.url()}\nKEEP=me\n"
    )
    dotenv.chmod(0o640)
    term = Terminal(["import", "--from", "dotenv", str(dotenv)], cli_env)
    term.expect("Remove the secret values from")
    term.type("y")
    term.expect("Removed the secret values")
    assert term.exit_code() == 0
    assert dotenv.read_text() == f"OKX_API_BASE_URL={sim.url()}\nKEEP=me\n"  # no secret left
    assert oct(dotenv.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in dotenv.parent.iterdir()] == [".env"]
