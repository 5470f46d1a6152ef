"""Fixtures for the storage tests: a private home, keyring isolation, a real Secret Service."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

NO_SECRET_SERVICE = (
    "no Secret Service: run under dbus-run-session with gnome-keyring, as .ci/run does"
)


@pytest.fixture
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway HOME/XDG dirs and a unique keyring service; no vault password set."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("OKX_WIZARD_KEYRING_SERVICE", f"okx-wizard-test-{uuid.uuid4().hex[:12]}")
    monkeypatch.delenv("OKX_WIZARD_VAULT_PASSWORD", raising=False)
    return home


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    """Put back whatever keyring backend was chosen before the test (even "not chosen yet")."""
    import keyring.core

    saved = keyring.core._keyring_backend
    try:
        yield
    finally:
        keyring.core._keyring_backend = saved


def _secret_service_reason() -> str | None:
    """``None`` when a Secret Service answers on the session bus with an unlocked keyring."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return NO_SECRET_SERVICE + " (DBUS_SESSION_BUS_ADDRESS is not set)"
    from okx_wizard.core.secret_store import probe_secret_service

    reason = probe_secret_service(timeout=5)
    if reason is not None:
        return f"{NO_SECRET_SERVICE} ({reason})"
    return None


@pytest.fixture(scope="session")
def secret_service() -> Any:
    """The real Secret Service backend of this session (gnome-keyring in CI), or a skip."""
    reason = _secret_service_reason()
    if reason is not None:
        pytest.skip(reason)
    from keyring.backends.SecretService import Keyring

    return Keyring()


@pytest.fixture
def system_keyring(secret_service: Any, restore_keyring: None, private_home: Path) -> Iterator[Any]:
    """Make the Secret Service keyring's choice for this test; erase the test's items after."""
    import keyring
    import secretstorage

    from okx_wizard.core.secret_store import service_name

    keyring.set_keyring(secret_service)
    services = [service_name(), service_name(simulator=True)]
    yield secret_service
    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        for service in services:
            for item in collection.search_items({"service": service}):
                item.delete()
