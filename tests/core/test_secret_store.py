"""The secret store: backend detection, timeouts, choosing a store, and a real Secret Service."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from okx_wizard.core import vault as vault_module
from okx_wizard.core.errors import StorageError
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.secret_store import (
    NO_DBUS,
    SecretStore,
    classify_backend,
    detect_backend,
    open_secret_store,
    probe_secret_service,
    service_name,
)
from okx_wizard.core.vault import CHEAPEST_KDF, default_vault_path, forget_keys

pytestmark = pytest.mark.usefixtures("private_home", "restore_keyring")

ROOT = Path(__file__).resolve().parents[2]
CREDS = Credentials(
    "8a0f2c4e-1b3d-4f5a-9c7e-0d2b4a6c9d21",
    Secret("0123456789abcdef0123456789ABCDEF"),
    Secret("Tr0ub4dor&3-pass"),
)
NEW_CREDS = Credentials(
    "11112222-3333-4444-5555-666677778888",
    Secret("fedcba9876543210fedcba9876543210"),
    Secret("An0ther!pass"),
)


@pytest.fixture(autouse=True)
def cheap_vault(monkeypatch: pytest.MonkeyPatch) -> None:
    """Vaults made here use a cheap KDF (the real cost is tested in test_vault.py)."""
    monkeypatch.setattr(vault_module, "DEFAULT_KDF", CHEAPEST_KDF)
    forget_keys()


B = TypeVar("B", bound=type[KeyringBackend])


def unregistered(cls: B) -> B:
    """Keep a test backend out of keyring's registry, so keyring never picks it by itself."""
    KeyringBackend._classes.discard(cls)
    return cls


@unregistered
class SleepyKeyring(KeyringBackend):
    """A keyring that hangs like a locked one over SSH."""

    priority = 5
    delay = 30.0

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(self.delay)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(self.delay)

    def delete_password(self, service: str, username: str) -> None:
        time.sleep(self.delay)


@unregistered
class LeakyKeyring(KeyringBackend):
    """A keyring whose exception messages contain what it was given."""

    priority = 5

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError(f"cannot read {service}/{username}: leaked-detail")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"cannot store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("nope")


@unregistered
class MemoryKeyring(KeyringBackend):
    """A third-party backend keyring would recommend (priority >= 1)."""

    priority: float = 3
    values: ClassVar[dict[tuple[str, str], str]] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.values.pop((service, username), None) is None:
            raise PasswordDeleteError("missing")


@unregistered
class LowPriorityKeyring(MemoryKeyring):
    priority = 0.5


@unregistered
class FakeAltPlaintext(MemoryKeyring):
    """Looks like keyrings.alt's plaintext file backend."""

    __module__ = "keyrings.alt.file"


@unregistered
class InsecureChain(chainer.ChainerBackend):
    """A chainer whose first (writing) backend is the null keyring."""

    backends: ClassVar[list[KeyringBackend]] = [null.Keyring(), MemoryKeyring()]


def use(backend: KeyringBackend) -> None:
    import keyring

    keyring.set_keyring(backend)


@pytest.fixture
def no_dbus(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A session without D-Bus, as over SSH."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "no-runtime"))


# -- detection ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_dbus")
def test_fail_backend_over_ssh_is_not_usable_and_says_why() -> None:
    use(fail.Keyring())
    status = detect_backend()
    assert status.secure is False
    assert status.reason == NO_DBUS


def test_null_backend_is_not_usable() -> None:
    use(null.Keyring())
    status = detect_backend()
    assert (status.secure, status.reason) == (False, "the null keyring stores nothing")


def test_keyrings_alt_low_priority_and_insecure_chains_are_refused() -> None:
    assert classify_backend(FakeAltPlaintext()).secure is False
    assert "unencrypted" in classify_backend(FakeAltPlaintext()).reason
    low = classify_backend(LowPriorityKeyring())
    assert low.secure is False and "priority 0.5" in low.reason
    chain = classify_backend(InsecureChain())
    assert chain.secure is False and "stores nothing" in chain.reason


def test_an_unknown_recommended_backend_is_trusted_by_name() -> None:
    status = classify_backend(MemoryKeyring())
    assert status.secure is True
    assert "MemoryKeyring" in status.name and "third-party" in status.reason


def test_secret_service_absent_from_dbus_is_reported(no_dbus: None) -> None:
    assert probe_secret_service(timeout=5) == NO_DBUS


# -- choosing a store -----------------------------------------------------------------------------


def test_auto_without_keyring_or_vault_password_is_a_clear_error() -> None:
    use(fail.Keyring())
    with pytest.raises(StorageError, match="OKX_WIZARD_VAULT_PASSWORD") as info:
        open_secret_store()
    assert "No secure system keyring" in info.value.message
    with pytest.raises(StorageError, match="cannot be used"):
        open_secret_store("keyring")


def test_auto_falls_back_to_the_vault_with_the_env_password(
    monkeypatch: pytest.MonkeyPatch, private_home: Path
) -> None:
    use(null.Keyring())
    monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD", "from the environment")
    store = open_secret_store()
    assert store.kind == "vault"
    store.set("bot", "active", CREDS)
    assert store.get("bot", "active") == CREDS
    path = private_home / ".local" / "share" / "okx-wizard" / "vault.bin"
    assert path.exists() and str(path) in store.describe()
    assert b"8a0f2c4e" not in path.read_bytes()
    sim = open_secret_store(simulator=True)
    assert sim.get("bot", "active") is None  # the simulator realm has its own vault
    assert (path.parent / "vault-simulator.bin").exists() is False


def test_vault_prompt_is_asked_again_after_a_wrong_password() -> None:
    first = open_secret_store("vault", vault_password=Secret("the right one"))
    first.set("bot", "active", CREDS)
    forget_keys()
    answers = iter(["wrong", "the right one"])
    prompts: list[tuple[str, bool]] = []

    def prompt(purpose: str, *, new: bool) -> Secret:
        prompts.append((purpose, new))
        return Secret(next(answers))

    store = open_secret_store("vault", prompt_password=prompt)
    assert store.get("bot", "active") == CREDS
    vault = str(default_vault_path())
    # Unlocking: asked once per attempt, and the second question says the first answer was wrong.
    assert prompts == [(vault, False), (f"{vault}; that one was wrong", False)]

    with pytest.raises(StorageError, match=r"password is wrong or the vault file .* was modified"):
        open_secret_store("vault", prompt_password=lambda _, new: Secret("always wrong"))
    with pytest.raises(StorageError, match="password is wrong"):
        open_secret_store("vault", vault_password=Secret("wrong, given once"))


def test_a_new_vault_prompt_is_told_the_vault_is_new() -> None:
    prompts: list[tuple[str, bool]] = []

    def prompt(purpose: str, *, new: bool) -> Secret:
        prompts.append((purpose, new))
        return Secret("new vault password")

    open_secret_store("vault", prompt_password=prompt)
    assert prompts == [(str(default_vault_path()), True)]


def test_plaintext_needs_consent(private_home: Path) -> None:
    with pytest.raises(StorageError, match="explicit consent"):
        open_secret_store("plaintext")
    store = open_secret_store("plaintext", allow_insecure=True)
    assert store.kind == "plaintext"
    store.set("bot", "pending", CREDS)
    assert store.get("bot", "pending") == CREDS
    path = private_home / ".local" / "share" / "okx-wizard" / "secrets-plaintext.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())["entries"][service_name()]["bot:pending"]
    assert json.loads(stored) == CREDS.to_store()


def test_unknown_kind_or_slot_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown secret store"):
        open_secret_store("floppy")
    store = open_secret_store("plaintext", allow_insecure=True)
    with pytest.raises(ValueError, match="unknown slot"):
        store.get("bot", "spare")


def test_service_name_from_env_and_simulator_realm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OKX_WIZARD_KEYRING_SERVICE")
    assert service_name() == "okx-wizard"
    assert service_name(simulator=True) == "okx-wizard-simulator"
    monkeypatch.setenv("OKX_WIZARD_KEYRING_SERVICE", "isolated")
    assert service_name() == "isolated"
    assert service_name(simulator=True) == "isolated-simulator"


def test_store_slots_move_and_damaged_entries() -> None:
    MemoryKeyring.values.clear()
    use(MemoryKeyring())
    store = open_secret_store()
    assert store.kind == "keyring"
    store.set("bot", "pending", NEW_CREDS)
    store.set("bot", "active", CREDS)
    assert store.move("bot", "active", "previous") is True
    assert store.move("bot", "pending", "active") is True
    assert store.get("bot", "active") == NEW_CREDS
    assert store.get("bot", "previous") == CREDS
    assert store.get("bot", "pending") is None
    assert store.move("bot", "pending", "active") is False
    assert store.delete("bot", "previous") is True
    assert store.delete("bot", "previous") is False
    raw = MemoryKeyring.values[(service_name(), "bot:active")]
    assert raw == json.dumps(NEW_CREDS.to_store(), separators=(",", ":"))
    MemoryKeyring.values[(service_name(), "bot:active")] = "{broken"
    with pytest.raises(StorageError, match="damaged"):
        store.get("bot", "active")


# -- timeouts and failures ------------------------------------------------------------------------


def test_a_hanging_keyring_times_out_with_a_clear_message() -> None:
    use(SleepyKeyring())
    store = open_secret_store(timeout=0.3)
    started = time.monotonic()
    with pytest.raises(StorageError) as info:
        store.set("bot", "active", CREDS)
    assert time.monotonic() - started < 3
    message = info.value.message
    assert "did not answer within 0.3 s" in message and "OKX_WIZARD_VAULT_PASSWORD" in message
    assert CREDS.secret_key.reveal() not in message


def test_keyring_exceptions_keep_only_their_class_name() -> None:
    use(LeakyKeyring())
    store = open_secret_store()
    with pytest.raises(StorageError) as info:
        store.set("bot", "active", CREDS)
    assert "RuntimeError" in info.value.message
    assert CREDS.passphrase.reveal() not in info.value.message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    with pytest.raises(StorageError) as info:
        store.get("bot", "active")
    assert "leaked-detail" not in info.value.message


def test_the_fail_backend_error_becomes_a_storage_error() -> None:
    store = SecretStore(fail.Keyring(), kind="keyring", service="x", timeout=5)
    with pytest.raises(StorageError, match="No usable system keyring"):
        store.get("bot", "active")


HANGING_PROCESS = """
import time
import keyring
from keyring.backend import KeyringBackend
from okx_wizard.core.errors import StorageError
from okx_wizard.core.secret_store import open_secret_store

class Hang(KeyringBackend):
    priority = 5
    def get_password(self, service, username):
        time.sleep(600)
    set_password = delete_password = get_password

keyring.set_keyring(Hang())
store = open_secret_store(timeout=0.5)
try:
    store.get("bot", "active")
except StorageError as exc:
    print("timed out:", exc.message)
"""


def test_a_hung_keyring_call_does_not_block_process_exit(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", HANGING_PROCESS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "timed out: The system keyring did not answer within 0.5 s" in result.stdout
    assert time.monotonic() - started < 30


# -- the real Secret Service ----------------------------------------------------------------------


@pytest.mark.secret_service
def test_secret_service_is_detected_as_secure(system_keyring: Any) -> None:
    status = detect_backend()
    assert status == status.__class__("Secret Service", True, "the desktop keyring is unlocked")


@pytest.mark.secret_service
def test_secret_service_round_trip_in_every_slot(system_keyring: Any) -> None:
    import secretstorage

    store = open_secret_store()
    assert store.kind == "keyring"
    assert store.describe() == "the system keyring (Secret Service)"
    assert store.get("bot", "active") is None
    store.set("bot", "active", CREDS)
    store.set("bot", "pending", NEW_CREDS)
    assert store.get("bot", "active") == CREDS
    assert store.get("bot", "pending") == NEW_CREDS
    assert store.get("bot", "previous") is None

    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        items = list(collection.search_items({"service": service_name(), "username": "bot:active"}))
        assert len(items) == 1
        assert json.loads(items[0].get_secret()) == CREDS.to_store()

    assert store.move("bot", "pending", "active") is True
    assert store.get("bot", "active") == NEW_CREDS
    assert store.delete("bot", "active") is True
    assert store.delete("bot", "active") is False
    assert store.get("bot", "active") is None

    sim = open_secret_store(simulator=True)
    sim.set("bot", "active", CREDS)
    assert store.get("bot", "active") is None  # the simulator realm never mixes in


@pytest.fixture
def locked_collection(secret_service: Any) -> Iterator[str]:
    """A throwaway collection created and locked without any prompt (gnome-keyring only)."""
    import secretstorage
    from secretstorage.util import DBusAddressWrapper, format_secret, open_session

    connection = secretstorage.dbus_init()
    session = open_session(connection)
    internal = DBusAddressWrapper(
        "/org/freedesktop/secrets",
        "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
        connection,
    )
    password = b"throwaway-collection-password"
    try:
        (path,) = internal.call(
            "CreateWithMasterPassword",
            "a{sv}(oayays)",
            {"org.freedesktop.Secret.Collection.Label": ("s", "okx-wizard-test-locked")},
            format_secret(session, password, "text/plain"),
        )
    except Exception as exc:
        connection.close()
        pytest.skip(f"this Secret Service cannot create a collection without a prompt ({exc})")
    collection = secretstorage.Collection(connection, path)
    collection.lock()
    try:
        yield path
    finally:
        internal.call(
            "UnlockWithMasterPassword", "o(oayays)", path, format_secret(session, password, "")
        )
        collection.delete()
        connection.close()


@pytest.mark.secret_service
@pytest.mark.skipif(
    bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")),
    reason="on a desktop the probe would pop up a real unlock prompt",
)
def test_a_locked_keyring_that_cannot_be_unlocked_is_not_usable(locked_collection: str) -> None:
    reason = probe_secret_service(locked_collection, timeout=5)
    assert reason is not None
    assert "locked and could not be unlocked" in reason
