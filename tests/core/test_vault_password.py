"""Unattended unlock and the new-vault rules: a password file, a systemd credential, their
order, the 10-character minimum for a new vault, and plaintext refused while a vault is usable.

Every test opens the store through the real :func:`open_secret_store` with keyring's null
backend (no system keyring, as over SSH) and a real vault file.
"""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import pytest
from keyring.backends import null

from okx_wizard.core import vault as vault_module
from okx_wizard.core.errors import StorageError
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.secret_store import open_secret_store
from okx_wizard.core.vault import CHEAPEST_KDF, VaultKeyring, default_vault_path, forget_keys
from okx_wizard.core.vault_password import (
    CREDENTIAL_NAME,
    NEW_VAULT_PASSWORD_MIN,
    unattended_password,
)

pytestmark = pytest.mark.usefixtures("private_home", "restore_keyring")

CREDS = Credentials(
    "8a0f2c4e-1b3d-4f5a-9c7e-0d2b4a6c9d21",
    Secret("0123456789ABCDEF0123456789ABCDEF"),
    Secret("Tr0ub4dor&3-pass"),
)
PASSWORD = "a password from a file"


@pytest.fixture(autouse=True)
def no_keyring_and_cheap_vault(monkeypatch: pytest.MonkeyPatch) -> None:
    """No usable system keyring; vaults with the cheapest KDF; no password source set."""
    keyring.set_keyring(null.Keyring())
    monkeypatch.setattr(vault_module, "DEFAULT_KDF", CHEAPEST_KDF)
    for name in (
        "OKX_WIZARD_VAULT_PASSWORD",
        "OKX_WIZARD_VAULT_PASSWORD_FILE",
        "CREDENTIALS_DIRECTORY",
    ):
        monkeypatch.delenv(name, raising=False)
    forget_keys()


def existing_vault(password: str = PASSWORD) -> Path:
    """A vault file holding CREDS, made by the real vault code with ``password``."""
    path = default_vault_path()
    path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    vault = VaultKeyring(path, Secret(password), kdf=CHEAPEST_KDF)
    vault.set_password("okx-wizard-x", "unused:active", "{}")
    forget_keys()
    return path


def write_private(path: Path, data: bytes, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_bytes(data)
    path.chmod(mode)
    return path


def never_prompt(purpose: str, *, new: bool) -> Secret:
    raise AssertionError("no prompt when an unattended source has the password")


def test_a_password_file_unlocks_the_vault_with_one_line_break_dropped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    existing_vault()
    file = write_private(tmp_path / "secrets" / "vault-password", PASSWORD.encode() + b"\n")
    monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD_FILE", str(file))
    store = open_secret_store(prompt_password=never_prompt)
    assert store.kind == "vault"
    store.set("bot", "active", CREDS)
    forget_keys()
    assert open_secret_store("vault").get("bot", "active") == CREDS

    # Only one line break goes: a password that really ends in one is kept whole.
    write_private(file, PASSWORD.encode() + b"\n\n")
    forget_keys()
    with pytest.raises(StorageError, match="password is wrong or the vault file"):
        open_secret_store("vault")
    write_private(file, PASSWORD.encode() + b"\r\n")
    assert open_secret_store("vault").get("bot", "active") == CREDS


@pytest.mark.parametrize("loose", [0o644, 0o640, 0o604, 0o660])
def test_a_password_file_others_can_read_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, loose: int
) -> None:
    existing_vault()
    file = write_private(tmp_path / "pw", PASSWORD.encode(), loose)
    monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD_FILE", str(file))
    with pytest.raises(StorageError) as info:
        open_secret_store("vault", prompt_password=never_prompt)
    assert f"The vault password file {file}" in info.value.cause
    assert info.value.fix == f"Make it private: `chmod 600 {file}`."
    assert PASSWORD not in info.value.message


def test_a_password_file_owned_by_another_user_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    existing_vault()
    file = write_private(tmp_path / "pw", PASSWORD.encode())
    os.chown(file, 12345, 12345)
    monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD_FILE", str(file))
    with pytest.raises(StorageError, match="belongs to another user"):
        open_secret_store("vault", prompt_password=never_prompt)


@pytest.mark.parametrize(
    ("content", "words"),
    [(None, "does not exist"), (b"", "is empty"), (b"\n", "is empty"), (b"\xff\xfe", "UTF-8")],
)
def test_a_broken_password_file_is_a_clear_error_not_a_fallthrough(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, content: bytes | None, words: str
) -> None:
    existing_vault()
    file = tmp_path / "pw"
    if content is not None:
        write_private(file, content)
    monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD_FILE", str(file))
    with pytest.raises(StorageError, match=words):
        open_secret_store("vault", prompt_password=never_prompt)


def test_a_systemd_credential_unlocks_the_vault(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    existing_vault()
    credentials = tmp_path / "run-credentials"
    write_private(credentials / CREDENTIAL_NAME, PASSWORD.encode() + b"\n", 0o400)
    credentials.chmod(0o500)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    store = open_secret_store(prompt_password=never_prompt)
    assert store.kind == "vault" and store.get("unused", "active") is None


def test_a_systemd_credential_may_be_root_s_with_a_group_acl_but_not_world_readable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    existing_vault()
    credentials = tmp_path / "run-credentials"
    file = write_private(credentials / CREDENTIAL_NAME, PASSWORD.encode(), 0o440)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    assert open_secret_store("vault", prompt_password=never_prompt).kind == "vault"
    file.chmod(0o444)
    forget_keys()
    with pytest.raises(StorageError, match="can be read by other users"):
        open_secret_store("vault", prompt_password=never_prompt)


def test_a_credentials_directory_without_ours_falls_through_to_the_prompt(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    existing_vault()
    credentials = tmp_path / "run-credentials"
    write_private(credentials / "some-other-credential", b"not ours")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    asked: list[bool] = []

    def prompt(purpose: str, *, new: bool) -> Secret:
        asked.append(new)
        return Secret(PASSWORD)

    assert open_secret_store("vault", prompt_password=prompt).kind == "vault"
    assert asked == [False]


def test_sources_are_taken_in_order_env_file_credential(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    file = write_private(tmp_path / "pw", b"from the file")
    credentials = tmp_path / "creds"
    write_private(credentials / CREDENTIAL_NAME, b"from systemd")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    found = unattended_password()
    assert found is not None and found.origin == "systemd credential"
    assert found.password.reveal() == "from systemd"
    monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD_FILE", str(file))
    found = unattended_password()
    assert found is not None and (found.origin, found.password.reveal()) == (
        "file",
        "from the file",
    )
    monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD", "from the environment")
    found = unattended_password()
    assert found is not None and found.origin == "environment"
    found = unattended_password(Secret("given by the caller"))
    assert found is not None and found.origin == "argument"
    assert "given" not in repr(found)  # the password stays masked


@pytest.mark.parametrize("source", ["environment", "file", "systemd", "prompt", "argument"])
def test_a_new_vault_needs_ten_characters_from_any_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: str
) -> None:
    short = "x" * (NEW_VAULT_PASSWORD_MIN - 1)
    prompt = None
    given = None
    if source == "environment":
        monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD", short)
    elif source == "file":
        file = write_private(tmp_path / "pw", short.encode() + b"\n")
        monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD_FILE", str(file))
    elif source == "systemd":
        write_private(tmp_path / "creds" / CREDENTIAL_NAME, short.encode())
        monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path / "creds"))
    elif source == "prompt":

        def prompt(purpose: str, *, new: bool) -> Secret:
            assert new is True  # so the CLI asks twice
            return Secret(short)

    else:
        given = Secret(short)
    with pytest.raises(StorageError) as info:
        open_secret_store("vault", prompt_password=prompt, vault_password=given)
    assert "too short for a new vault (9 characters; at least 10)" in info.value.cause
    assert short not in info.value.message
    assert not default_vault_path().exists()


def test_an_existing_vault_opens_with_the_short_password_it_was_made_with(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    existing_vault("short")
    monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD", "short")
    assert open_secret_store().kind == "vault"


def test_insecure_storage_is_refused_while_a_vault_file_is_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = existing_vault()
    before = path.read_bytes()

    def prompt(purpose: str, *, new: bool) -> Secret:
        return Secret(PASSWORD)

    with pytest.raises(StorageError) as info:
        open_secret_store(allow_insecure=True, prompt_password=prompt)
    assert f"the encrypted vault ({path}) is there" in info.value.cause
    assert info.value.fix == "Drop --insecure-storage: the key goes to the encrypted vault."
    assert path.read_bytes() == before
    assert not (path.parent / "secrets-plaintext.json").exists()


def test_insecure_storage_is_refused_when_a_password_could_make_a_vault(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD", "a long enough password")
    with pytest.raises(StorageError, match="can be made"):
        open_secret_store(allow_insecure=True)


def test_insecure_storage_is_the_last_resort_when_no_vault_is_usable() -> None:
    store = open_secret_store(allow_insecure=True)
    assert store.kind == "plaintext" and store.insecure
    store.set("bot", "active", CREDS)
    assert store.get("bot", "active") == CREDS
    assert not open_secret_store("vault", vault_password=Secret("long enough pw")).insecure
