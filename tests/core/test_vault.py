"""The encrypted vault and the plaintext file: format, passwords, tampering, modes, costs."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from okx_wizard.core.errors import StorageError
from okx_wizard.core.secret import Secret
from okx_wizard.core.vault import (
    CHEAPEST_KDF,
    DEFAULT_KDF,
    MAGIC,
    KdfParams,
    PlaintextFileKeyring,
    VaultKeyring,
    default_plaintext_path,
    default_vault_path,
    forget_keys,
)

pytestmark = pytest.mark.usefixtures("private_home")

ROOT = Path(__file__).resolve().parents[2]
CHEAP = CHEAPEST_KDF
PASSWORD = Secret("vault password for tests")
SECRET_VALUE = '{"api_key":"8a0f","secret_key":"SECRETSECRET","passphrase":"Pass-phrase1!"}'


@pytest.fixture(autouse=True)
def fresh_key_cache() -> None:
    """Every test derives its keys itself, as a new process would."""
    forget_keys()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def make_vault(path: Path, password: Secret = PASSWORD) -> VaultKeyring:
    return VaultKeyring(path, password, kdf=CHEAP)


def test_default_paths_are_in_the_user_data_dir(private_home: Path) -> None:
    data = private_home / ".local" / "share" / "okx-wizard"
    assert default_vault_path() == data / "vault.bin"
    assert default_vault_path(simulator=True) == data / "vault-simulator.bin"
    assert default_plaintext_path() == data / "secrets-plaintext.json"
    assert default_plaintext_path(simulator=True) == data / "secrets-plaintext-simulator.json"


def test_round_trip_hides_everything_and_is_private(private_home: Path) -> None:
    path = default_vault_path()
    vault = make_vault(path)
    assert vault.get_password("okx-wizard", "bot:active") is None
    vault.set_password("okx-wizard", "secretive-profile:active", SECRET_VALUE)
    vault.set_password("okx-wizard", "secretive-profile:previous", "old")
    assert vault.get_password("okx-wizard", "secretive-profile:active") == SECRET_VALUE

    raw = path.read_bytes()
    assert raw.startswith(MAGIC)
    for visible in (b"secretive-profile", b"SECRETSECRET", b"Pass-phrase1", b'okx-wizard"'):
        assert visible not in raw
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700

    again = make_vault(path)  # another instance, as another command would open it
    assert again.get_password("okx-wizard", "secretive-profile:previous") == "old"
    again.delete_password("okx-wizard", "secretive-profile:previous")
    assert vault.get_password("okx-wizard", "secretive-profile:previous") is None
    from keyring.errors import PasswordDeleteError

    with pytest.raises(PasswordDeleteError):
        vault.delete_password("okx-wizard", "secretive-profile:previous")


def test_wrong_password_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "vault.bin"
    make_vault(path).set_password("s", "u", SECRET_VALUE)
    wrong = make_vault(path, Secret("not the password"))
    with pytest.raises(StorageError, match="The vault password is wrong") as info:
        wrong.unlock()
    assert SECRET_VALUE not in info.value.message
    with pytest.raises(StorageError, match="wrong"):
        wrong.set_password("s", "other", "x")  # refuses to write with a wrong password
    assert make_vault(path).get_password("s", "u") == SECRET_VALUE


def test_tampered_body_or_header_fails_and_garbage_header_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "vault.bin"
    make_vault(path).set_password("s", "u", SECRET_VALUE)
    good = path.read_bytes()

    body = bytearray(good)
    body[-5] ^= 0x01
    path.write_bytes(bytes(body))
    with pytest.raises(StorageError, match="password is wrong"):
        make_vault(path).unlock()

    header_end = good.index(b"\n", len(MAGIC))
    header = json.loads(good[len(MAGIC) : header_end])
    header["t"] = header["t"] + 1  # still parses, but no longer matches the associated data
    changed = MAGIC + json.dumps(header).encode() + good[header_end:]
    path.write_bytes(changed)
    with pytest.raises(StorageError, match="password is wrong"):
        make_vault(path).unlock()

    path.write_bytes(MAGIC + b"{not json\n" + good[header_end + 1 :])
    with pytest.raises(StorageError, match="damaged"):
        make_vault(path).unlock()
    path.write_bytes(b"hello world")
    with pytest.raises(StorageError, match="damaged") as info:
        make_vault(path).set_password("s", "u", "x")
    assert str(path) in info.value.message
    assert path.read_bytes() == b"hello world"  # a damaged vault is never overwritten


def test_hostile_kdf_parameters_are_refused_before_deriving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "vault.bin"
    make_vault(path).set_password("s", "u", "x")
    raw = path.read_bytes()
    header_end = raw.index(b"\n", len(MAGIC))
    header = json.loads(raw[len(MAGIC) : header_end])
    header["m"] = 1 << 30  # one TiB of memory
    path.write_bytes(MAGIC + json.dumps(header).encode() + raw[header_end:])
    import argon2.low_level

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the KDF must not run on hostile parameters")

    monkeypatch.setattr(argon2.low_level, "hash_secret_raw", refuse)
    with pytest.raises(StorageError, match="key derivation cost is missing or out of range"):
        make_vault(path).unlock()


def test_default_kdf_parameters_and_format(tmp_path: Path) -> None:
    assert (DEFAULT_KDF.time_cost, DEFAULT_KDF.memory_kib, DEFAULT_KDF.parallelism) == (4, 65536, 1)
    path = tmp_path / "vault.bin"
    vault = VaultKeyring(path, PASSWORD)
    vault.set_password("svc", "user", SECRET_VALUE)
    header = vault.read_header()
    assert header["kdf"] == "argon2id" and header["aead"] == "aes-256-gcm"
    assert (header["t"], header["m"], header["p"]) == (4, 65536, 1)
    salt = base64.b64decode(header["salt"])
    nonce = base64.b64decode(header["nonce"])
    assert len(salt) == 16 and len(nonce) == 12

    # Decrypt independently, from the documented layout, with argon2 and AES-GCM directly.
    from argon2.low_level import Type, hash_secret_raw
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = path.read_bytes()
    header_end = raw.index(b"\n", len(MAGIC)) + 1
    key = hash_secret_raw(
        PASSWORD.reveal().encode(),
        salt,
        time_cost=4,
        memory_cost=65536,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )
    plain = AESGCM(key).decrypt(nonce, raw[header_end:], raw[:header_end])
    assert json.loads(plain) == {"version": 1, "entries": {"svc": {"user": SECRET_VALUE}}}
    assert len(plain) % 512 == 0  # padded: the size hides how many entries there are


def test_every_write_gets_a_new_nonce_and_keeps_the_salt(tmp_path: Path) -> None:
    path = tmp_path / "vault.bin"
    vault = make_vault(path)
    vault.set_password("s", "a", "1")
    first, first_size = vault.read_header(), path.stat().st_size
    vault.set_password("s", "b", "2")
    second, second_size = vault.read_header(), path.stat().st_size
    assert first["nonce"] != second["nonce"]
    assert first["salt"] == second["salt"]
    assert first_size == second_size  # padding: one entry or two look the same


def test_unlock_takes_about_a_third_of_a_second(tmp_path: Path) -> None:
    path = tmp_path / "vault.bin"
    VaultKeyring(path, PASSWORD).set_password("s", "u", "x")
    forget_keys()
    started = time.perf_counter()
    VaultKeyring(path, PASSWORD).unlock()
    elapsed = time.perf_counter() - started
    print(f"vault unlock with the default KDF: {elapsed:.3f} s")
    assert 0.02 < elapsed < 5


def test_the_derived_key_is_cached_for_the_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argon2.low_level

    real = argon2.low_level.hash_secret_raw
    calls: list[int] = []

    def counting(*args: object, **kwargs: object) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(argon2.low_level, "hash_secret_raw", counting)
    path = tmp_path / "vault.bin"
    make_vault(path).set_password("s", "u", "x")
    for _ in range(3):
        assert make_vault(path).get_password("s", "u") == "x"
    assert len(calls) == 1
    with pytest.raises(StorageError):
        make_vault(path, Secret("another password")).unlock()
    assert len(calls) == 2


def test_change_password_re_encrypts_with_a_new_salt(tmp_path: Path) -> None:
    path = tmp_path / "vault.bin"
    vault = make_vault(path)
    vault.set_password("s", "u", SECRET_VALUE)
    old_salt = vault.read_header()["salt"]
    vault.change_password(Secret("a brand new password"))
    assert vault.read_header()["salt"] != old_salt
    with pytest.raises(StorageError, match="wrong"):
        make_vault(path).unlock()
    assert make_vault(path, Secret("a brand new password")).get_password("s", "u") == SECRET_VALUE


def test_keyring_never_picks_the_file_stores_by_itself() -> None:
    assert VaultKeyring.viable is False
    assert PlaintextFileKeyring.viable is False
    import keyring.backend

    names = {type(k).__name__ for k in keyring.backend.get_all_keyring()}
    assert "VaultKeyring" not in names and "PlaintextFileKeyring" not in names


def test_plaintext_file_layout_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "data" / "secrets-plaintext.json"
    store = PlaintextFileKeyring(path)
    store.set_password("okx-wizard", "bot:active", SECRET_VALUE)
    assert json.loads(path.read_text()) == {
        "version": 1,
        "entries": {"okx-wizard": {"bot:active": SECRET_VALUE}},
    }
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    store.delete_password("okx-wizard", "bot:active")
    assert store.get_password("okx-wizard", "bot:active") is None
    path.write_text("[]")
    with pytest.raises(StorageError, match="damaged"):
        store.get_password("okx-wizard", "bot:active")


WRITER = """
import sys
from pathlib import Path
from okx_wizard.core.secret import Secret
from okx_wizard.core.vault import CHEAPEST_KDF, VaultKeyring
vault = VaultKeyring(Path(sys.argv[1]), Secret("pw"), kdf=CHEAPEST_KDF)
for i in range(15):
    vault.set_password("svc", f"{sys.argv[2]}-{i}", str(i))
"""


def test_concurrent_writers_keep_every_entry(tmp_path: Path) -> None:
    path = tmp_path / "vault.bin"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), tag], env=env)
        for tag in ("left", "right")
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    vault = VaultKeyring(path, Secret("pw"), kdf=CHEAPEST_KDF)
    for tag in ("left", "right"):
        for i in range(15):
            assert vault.get_password("svc", f"{tag}-{i}") == str(i)


def _with_raw_header_value(raw: bytes, key: str, literal: str | None) -> bytes:
    """The vault with header field ``key`` set to the JSON text ``literal`` (None: removed)."""
    header_end = raw.index(b"\n", len(MAGIC))
    header = json.loads(raw[len(MAGIC) : header_end])
    if literal is None:
        del header[key]
        text = json.dumps(header)
    else:
        header[key] = "@RAW@"
        text = json.dumps(header).replace('"@RAW@"', literal)
    return MAGIC + text.encode() + raw[header_end:]


@pytest.mark.parametrize(
    ("key", "literal"),
    [
        ("t", "1e999"),  # json reads it as float inf: was an OverflowError traceback
        ("t", "true"),  # a bool is an int subclass in Python: still refused
        ("t", "4.0"),
        ("t", '"4"'),
        ("t", "-1"),
        ("t", "0"),
        ("t", "11"),
        ("t", "64"),  # with 4 GiB this ran 225 s before saying "wrong password"
        ("t", "100000000000000000000000000000"),
        ("t", None),
        ("m", "8"),  # the old floor: 8 KiB of memory protects nothing
        ("m", "19455"),
        ("m", "524289"),
        ("m", "4194304"),
        ("m", "NaN"),
        ("p", "0"),
        ("p", "9"),
        ("p", "null"),
    ],
)
def test_kdf_costs_outside_the_window_are_damage_and_never_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, literal: str | None
) -> None:
    path = tmp_path / "vault.bin"
    make_vault(path).set_password("s", "u", SECRET_VALUE)
    path.write_bytes(_with_raw_header_value(path.read_bytes(), key, literal))
    forget_keys()
    import argon2.low_level

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the KDF must not run on hostile parameters")

    monkeypatch.setattr(argon2.low_level, "hash_secret_raw", refuse)
    with pytest.raises(StorageError) as info:
        make_vault(path).unlock()
    assert info.value.cause == (
        f"The vault file {path} is damaged or is not an okx-wizard vault (its key "
        "derivation cost is missing or out of range)."
    )
    assert info.value.fix.startswith("Restore it from a backup")


def test_the_kdf_window_caps_total_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each value alone is inside its range; together they are 5x the default's work.
    path = tmp_path / "vault.bin"
    make_vault(path).set_password("s", "u", SECRET_VALUE)
    raw = _with_raw_header_value(path.read_bytes(), "t", "10")
    path.write_bytes(_with_raw_header_value(raw, "m", str(128 * 1024)))
    with pytest.raises(StorageError, match="out of range"):
        make_vault(path).unlock()
    with pytest.raises(ValueError, match="work limit"):
        KdfParams(10, 128 * 1024, 1)
    with pytest.raises(ValueError, match="memory_kib"):
        KdfParams(1, 1024, 1)
    with pytest.raises(ValueError, match="whole number"):
        KdfParams(True, 65536, 1)
    assert KdfParams(4, 256 * 1024, 1).time_cost == 4  # at the limit: accepted
    assert KdfParams(1, 19 * 1024, 1) == CHEAPEST_KDF


def test_a_modified_body_says_wrong_password_or_modified(tmp_path: Path) -> None:
    from okx_wizard.core.vault import WrongVaultPassword

    path = tmp_path / "vault.bin"
    make_vault(path).set_password("s", "u", SECRET_VALUE)
    body = bytearray(path.read_bytes())
    body[-40] ^= 0x80  # one flipped bit in the ciphertext
    path.write_bytes(bytes(body))
    with pytest.raises(WrongVaultPassword) as info:
        make_vault(path).unlock()
    assert info.value.cause == (
        f"The vault password is wrong or the vault file {path} was modified."
    )
    assert " Fix: " not in info.value.cause and info.value.fix


@pytest.mark.parametrize("cut", ["last-byte", "half-body", "tag-only", "header-only", "magic"])
def test_a_truncated_vault_is_damaged_not_a_wrong_password(tmp_path: Path, cut: str) -> None:
    from okx_wizard.core.vault import WrongVaultPassword

    path = tmp_path / "vault.bin"
    make_vault(path).set_password("s", "u", SECRET_VALUE)
    raw = path.read_bytes()
    body_start = raw.index(b"\n", len(MAGIC)) + 1
    kept = {
        "last-byte": raw[:-1],
        "half-body": raw[: body_start + (len(raw) - body_start) // 2],
        "tag-only": raw[: body_start + 16],
        "header-only": raw[:body_start],
        "magic": raw[: len(MAGIC) + 5],
    }[cut]
    path.write_bytes(kept)
    with pytest.raises(StorageError, match="damaged") as info:
        make_vault(path).unlock()
    assert not isinstance(info.value, WrongVaultPassword)
    path.write_bytes(raw + b"\0")  # a byte added is not a wrong password either
    with pytest.raises(StorageError, match="truncated, or bytes were added"):
        make_vault(path).unlock()


def test_a_new_password_shorter_than_ten_characters_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vault.bin"
    vault = make_vault(path)
    vault.set_password("s", "u", SECRET_VALUE)
    before = path.read_bytes()
    with pytest.raises(StorageError, match=r"too short for a new vault \(9 characters"):
        vault.change_password(Secret("123456789"))
    assert path.read_bytes() == before
