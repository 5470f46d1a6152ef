"""Hostile local files (issue #12, items 3 and 5): nesting that would blow the parser's stack,
a draft that "confirms" a Withdraw key, and the real CLI on each — a clear message naming the
file, an exit code, never a traceback.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from okx_wizard.core.errors import StorageError
from okx_wizard.core.metadata import MetadataStore
from okx_wizard.core.secret import Secret
from okx_wizard.core.vault import MAGIC, PAD_TO, TAG_BYTES, PlaintextFileKeyring, VaultKeyring
from okx_wizard.core.wizard_state import WITHDRAW_CONFIRMATION, WizardState
from tests.conftest import VAULT_PASSWORD, run_cli
from tests.security.support import TRACEBACK

DEEP = 50_000


def _private(path: Path, data: bytes) -> Path:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o600)
    return path


@pytest.mark.parametrize(
    "body",
    ["a = " + "[" * DEEP + "]" * DEEP, "a = " + "{b = " * DEEP + "1" + "}" * DEEP,
     "version = 1\n[profiles.bot]\nreported = " + "[" * DEEP + "]" * DEEP],
    ids=["arrays", "inline-tables", "inside-a-profile"],
)  # fmt: skip
def test_a_profile_file_nested_too_deep_is_damaged(tmp_path: Path, body: str) -> None:
    path = _private(tmp_path / "cfg" / "profiles.toml", body.encode())
    with pytest.raises(StorageError) as caught:
        MetadataStore(path).load()
    assert str(path) in caught.value.cause
    assert "nested too deeply" in caught.value.cause
    assert path.read_text() == body  # left as it was


def test_cli_list_on_a_nested_profile_file_says_damaged(cli_env: dict[str, str]) -> None:
    path = Path(cli_env["XDG_CONFIG_HOME"]) / "okx-wizard" / "profiles.toml"
    _private(path, ("a = " + "[" * DEEP + "]" * DEEP).encode())
    for args in (("list",), ("check", "--all")):
        run = run_cli(*args, env=cli_env)
        assert run.returncode == 1, (args, run.stdout, run.stderr)
        assert "damaged" in run.stderr
        assert TRACEBACK not in run.stdout + run.stderr


def _vault_with_header(header: bytes) -> bytes:
    return MAGIC + header + b"\n" + b"\0" * (PAD_TO + TAG_BYTES)


@pytest.mark.parametrize(
    "header",
    [b"[" * 4000, b'{"v":1,"kdf":"argon2id","aead":"aes-256-gcm","salt":' + b"[" * 2000],
    ids=["array", "inside-the-header"],
)
def test_a_vault_header_nested_too_deep_is_damaged(tmp_path: Path, header: bytes) -> None:
    path = _private(tmp_path / "data" / "vault.bin", _vault_with_header(header))
    with pytest.raises(StorageError) as caught:
        VaultKeyring(path, Secret(VAULT_PASSWORD)).get_password("svc", "user")
    assert "damaged" in caught.value.cause


def test_a_plaintext_store_nested_too_deep_is_damaged(tmp_path: Path) -> None:
    path = _private(tmp_path / "data" / "secrets-plaintext.json", b"[" * 100_000)
    with pytest.raises(StorageError) as caught:
        PlaintextFileKeyring(path).get_password("svc", "user")
    assert "damaged" in caught.value.cause


def test_cli_check_on_a_nested_vault_header_says_damaged(cli_env: dict[str, str]) -> None:
    from okx_wizard.core.metadata import ProfileMeta

    meta = MetadataStore(Path(cli_env["XDG_CONFIG_HOME"]) / "okx-wizard" / "profiles.toml")
    meta.save(ProfileMeta("bot", storage="vault", base_url="http://127.0.0.1:9"))
    vault = Path(cli_env["XDG_DATA_HOME"]) / "okx-wizard" / "vault.bin"
    _private(vault, _vault_with_header(b"[" * 4000))
    run = run_cli("check", "bot", env=cli_env)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "damaged" in run.stdout + run.stderr
    assert TRACEBACK not in run.stdout + run.stderr


def test_a_draft_cannot_carry_a_withdraw_consent(tmp_path: Path) -> None:
    """The wizard's typed confirmation is consent for that session: a draft written by hand
    (or kept from an earlier run) with it must not resume into an allowed Withdraw key."""
    path = _private(
        tmp_path / "cfg" / "profiles.toml",
        (
            "version = 1\n[drafts.bot]\nversion = 1\nwithdraw = true\n"
            f'withdraw_confirmation = "{WITHDRAW_CONFIRMATION}"\nallow_withdraw = true\n'
        ).encode(),
    )
    store = MetadataStore(path)
    for draft in (store.get_draft("bot"), store.drafts()["bot"]):
        assert draft is not None
        assert "withdraw_confirmation" not in draft
        assert "allow_withdraw" not in draft
        assert WizardState.from_draft(draft).intentions().allow_withdraw is False


def test_a_saved_draft_never_writes_the_consent(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "profiles.toml"
    state = WizardState()
    state.withdraw = True
    state.withdraw_confirmation = WITHDRAW_CONFIRMATION
    assert state.intentions().allow_withdraw  # this session's consent
    MetadataStore(path).save_draft("bot", state.to_draft())
    assert WITHDRAW_CONFIRMATION.lower() not in path.read_text().lower()


def test_the_vault_header_escape_and_size_checks_name_no_secret(tmp_path: Path) -> None:
    """A vault whose header is valid JSON but huge numbers (``1e999``, 10**400): damaged,
    before any key derivation, and the message holds nothing of the header."""
    for value in ("1e999", "1" + "0" * 400, "true", '"4"'):
        header = (
            '{"aead":"aes-256-gcm","kdf":"argon2id","m":65536,"nonce":"AAAAAAAAAAAAAAAA",'
            f'"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA==","t":{value},"v":1}}'
        )
        json.loads(header)
        path = _private(tmp_path / "data" / "vault.bin", _vault_with_header(header.encode()))
        with pytest.raises(StorageError) as caught:
            VaultKeyring(path, Secret(VAULT_PASSWORD)).get_password("svc", "user")
        assert "cost is missing or out of range" in caught.value.cause
        assert value not in caught.value.message
        os.unlink(path)
