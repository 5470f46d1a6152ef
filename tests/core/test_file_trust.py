"""ssh-like trust in local files: another user's file, or one others can change, is refused
by the real readers (profiles, vault, plaintext store, lock files), named, and left as it was.

The tests run as root in CI's sandbox, so "another user" is a file chowned to uid 12345.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from okx_wizard.core.errors import StorageError
from okx_wizard.core.file_trust import check_directory, read_trusted
from okx_wizard.core.metadata import MetadataStore, ProfileMeta
from okx_wizard.core.secret import Secret
from okx_wizard.core.vault import CHEAPEST_KDF, PlaintextFileKeyring, VaultKeyring

pytestmark = [
    pytest.mark.usefixtures("private_home"),
    pytest.mark.skipif(os.name != "posix", reason="ownership and modes are POSIX rules"),
]

OTHER_UID = 12345
PASSWORD = Secret("a vault password for tests")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def snapshot(path: Path) -> tuple[bytes, int, int, int]:
    """What must not change when a file is refused: bytes, mode, owner, inode."""
    info = path.stat()
    return path.read_bytes(), stat.S_IMODE(info.st_mode), info.st_uid, info.st_ino


@pytest.fixture
def profiles(private_home: Path) -> MetadataStore:
    """A real profile file with one profile in it, written by the real code."""
    store = MetadataStore()
    store.save(ProfileMeta(name="bot", api_key_hint="8a0f…9d21"))
    return store


def test_a_profile_file_owned_by_another_user_is_refused_and_left_alone(
    profiles: MetadataStore,
) -> None:
    os.chown(profiles.path, OTHER_UID, OTHER_UID)
    before = snapshot(profiles.path)
    with pytest.raises(StorageError) as caught:
        profiles.load()
    error = caught.value
    assert str(profiles.path) in error.cause and "another user (12345)" in error.cause
    assert error.fix.startswith("If it is yours, take it back: `chown ")
    assert str(profiles.path) in error.fix and " Fix: " not in error.cause
    with pytest.raises(StorageError, match="another user"):
        profiles.save(ProfileMeta(name="other"))
    assert snapshot(profiles.path) == before  # never rewritten, not even "tightened"


@pytest.mark.parametrize("loose", [0o666, 0o620, 0o602])
def test_a_profile_file_others_can_write_is_refused(profiles: MetadataStore, loose: int) -> None:
    profiles.path.chmod(loose)
    before = snapshot(profiles.path)
    with pytest.raises(StorageError) as caught:
        profiles.get("bot")
    assert f"can be changed by other users (mode {loose:04o})" in caught.value.cause
    assert caught.value.fix == f"Make it private: `chmod 600 {profiles.path}`."
    with pytest.raises(StorageError, match="changed by other users"):
        profiles.delete("bot")
    assert snapshot(profiles.path) == before


def test_a_profile_file_others_can_only_read_is_trusted_like_ssh_config(
    profiles: MetadataStore,
) -> None:
    profiles.path.chmod(0o644)  # no secret in it; ssh accepts a 0644 ~/.ssh/config too
    assert profiles.get("bot") is not None


@pytest.mark.parametrize("loose", [0o777, 0o770, 0o757])
def test_a_config_folder_others_can_write_is_refused(profiles: MetadataStore, loose: int) -> None:
    folder = profiles.path.parent
    folder.chmod(loose)
    before = snapshot(profiles.path)
    with pytest.raises(StorageError) as caught:
        profiles.load()
    assert str(folder) in caught.value.cause
    assert caught.value.fix == f"Make it private: `chmod 700 {folder}`."
    with pytest.raises(StorageError, match="changed by other users"):
        profiles.save(ProfileMeta(name="other"))
    assert mode(folder) == loose  # refused, not silently repaired
    assert snapshot(profiles.path) == before


def test_a_parent_folder_inside_home_others_can_write_is_refused(
    profiles: MetadataStore, private_home: Path
) -> None:
    config = private_home / ".config"
    config.chmod(0o777)
    with pytest.raises(StorageError) as caught:
        profiles.load()
    assert str(config) in caught.value.cause and "chmod 700" in caught.value.fix


def test_a_config_folder_owned_by_another_user_is_refused(profiles: MetadataStore) -> None:
    os.chown(profiles.path.parent, OTHER_UID, OTHER_UID)
    with pytest.raises(StorageError) as caught:
        profiles.load()
    assert "belongs to another user" in caught.value.cause
    assert caught.value.fix.startswith("If it is yours, take it back: `chown -R ")


def test_a_lock_file_owned_by_another_user_is_refused(profiles: MetadataStore) -> None:
    profiles.lock_path.touch()
    os.chown(profiles.lock_path, OTHER_UID, OTHER_UID)
    before = snapshot(profiles.path)
    with pytest.raises(StorageError) as caught:
        profiles.save(ProfileMeta(name="other"))
    assert str(profiles.lock_path) in caught.value.cause
    assert snapshot(profiles.path) == before


def make_vault(path: Path) -> VaultKeyring:
    vault = VaultKeyring(path, PASSWORD, kdf=CHEAPEST_KDF)
    vault.set_password("svc", "bot:active", "stored value")
    return vault


@pytest.mark.parametrize("loose", [0o644, 0o640, 0o604, 0o660])
def test_a_vault_others_can_read_is_refused(tmp_path: Path, loose: int) -> None:
    path = tmp_path / "data" / "vault.bin"
    make_vault(path)
    path.chmod(loose)
    before = snapshot(path)
    vault = VaultKeyring(path, PASSWORD)
    with pytest.raises(StorageError) as caught:
        vault.get_password("svc", "bot:active")
    who = "changed" if loose & 0o022 else "read"
    assert f"The vault file {path} can be {who} by other users" in caught.value.cause
    assert caught.value.fix == f"Make it private: `chmod 600 {path}`."
    with pytest.raises(StorageError):
        vault.set_password("svc", "bot:active", "replacement")
    assert snapshot(path) == before


def test_a_vault_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "vault.bin"
    make_vault(path)
    os.chown(path, OTHER_UID, OTHER_UID)
    before = snapshot(path)
    with pytest.raises(StorageError, match="belongs to another user"):
        VaultKeyring(path, PASSWORD).unlock()
    with pytest.raises(StorageError, match="belongs to another user"):
        VaultKeyring(path, PASSWORD).delete_password("svc", "bot:active")
    assert snapshot(path) == before


def test_a_plaintext_store_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "secrets-plaintext.json"
    PlaintextFileKeyring(path).set_password("svc", "bot:active", "stored value")
    assert mode(path) == 0o600
    assert PlaintextFileKeyring(path).get_password("svc", "bot:active") == "stored value"
    path.chmod(0o644)
    with pytest.raises(StorageError, match=r"plaintext secrets file .* can be read by other users"):
        PlaintextFileKeyring(path).get_password("svc", "bot:active")


def test_a_data_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "vault.bin"
    make_vault(path)
    path.parent.chmod(0o777)
    with pytest.raises(StorageError, match="chmod 700"):
        VaultKeyring(path, PASSWORD).unlock()


def test_read_trusted_reads_only_after_the_checks(tmp_path: Path) -> None:
    path = tmp_path / "f"
    assert read_trusted(path, "The file", secret=True) is None  # absent: nothing to judge
    path.write_bytes(b"data")
    path.chmod(0o600)
    assert read_trusted(path, "The file", secret=True) == b"data"
    path.chmod(0o640)
    assert read_trusted(path, "The file", secret=False) == b"data"
    with pytest.raises(StorageError, match="can be read by other users"):
        read_trusted(path, "The file", secret=True)
    (tmp_path / "dir").mkdir()
    with pytest.raises(StorageError, match="not a regular file"):
        read_trusted(tmp_path / "dir", "The file", secret=False)


def test_folders_outside_home_are_not_judged(tmp_path: Path, private_home: Path) -> None:
    # /tmp is 1777 and not ours to fix; only the app's own folder and those inside home count.
    inside = tmp_path / "outside-home" / "okx-wizard"
    inside.mkdir(parents=True, mode=0o700)
    inside.parent.chmod(0o777)
    check_directory(inside, "The folder", home=private_home)
    inside.chmod(0o777)
    with pytest.raises(StorageError, match="chmod 700"):
        check_directory(inside, "The folder", home=private_home)
