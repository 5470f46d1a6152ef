"""Which system keyring there is, and whether okx-wizard may keep secrets in it.

Probing a keyring can hang (a locked keyring over SSH waits for a prompt nobody sees), so
every call here runs in a daemon thread with a timeout (:func:`call_with_timeout`) and a stuck
one becomes a verdict, not a frozen process. Nothing here stores anything: the store itself
is :mod:`okx_wizard.core.secret_store`.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

DEFAULT_TIMEOUT = 10.0
NO_DBUS = "no Secret Service on D-Bus (typical over SSH)"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BackendStatus:
    """The system keyring found: its display name, whether secrets are safe in it, and why."""

    name: str
    secure: bool
    reason: str


class KeyringTimeout(Exception):
    """A keyring call did not finish in time (internal; surfaces as StorageError)."""


def call_with_timeout(fn: Callable[[], T], timeout: float | None) -> T:
    """Run ``fn`` in a daemon thread and wait at most ``timeout`` seconds for it.

    A daemon thread (not a pool worker) because a call that never returns must not block
    interpreter exit. On timeout the thread is abandoned and :class:`KeyringTimeout` raised.
    """
    if timeout is None:
        return fn()
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=run, name="okx-wizard-keyring", daemon=True)
    worker.start()
    if not done.wait(timeout):
        raise KeyringTimeout
    if "error" in outcome:
        raise outcome["error"]
    return cast(T, outcome["value"])


def _dbus_session_missing() -> bool:
    """True on Linux/BSD when no session bus can be found (an SSH login, a container)."""
    if sys.platform in ("darwin", "win32"):
        return False
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return False
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    return not Path(runtime, "bus").exists()


def probe_secret_service(
    collection_path: str | None = None, *, timeout: float = DEFAULT_TIMEOUT
) -> str | None:
    """Check that a Secret Service answers and its keyring is (or can be) unlocked.

    Returns ``None`` when usable, else the reason in words. Unlocking may show the desktop's
    unlock prompt; where no prompt can be shown it fails at once. ``collection_path`` probes
    a specific collection instead of the default one (tests).
    """
    try:
        import secretstorage
        from secretstorage import exceptions
    except ImportError:
        return "the secretstorage package is missing, so the Secret Service cannot be used"
    deadline = time.monotonic() + timeout
    try:
        connection = secretstorage.dbus_init()
    except exceptions.SecretServiceNotAvailableException:
        return NO_DBUS
    except (OSError, KeyError, ValueError):
        return NO_DBUS
    with closing(connection):
        try:
            if not secretstorage.check_service_availability(connection):
                return (
                    "no Secret Service on D-Bus: D-Bus runs but no keyring daemon "
                    "(gnome-keyring, KWallet) answers"
                )
            if collection_path is None:
                collection = secretstorage.get_default_collection(connection)
            else:
                collection = secretstorage.Collection(connection, collection_path)
            if collection.is_locked():
                remaining = max(0.1, deadline - time.monotonic())
                collection.unlock(timeout=remaining)
                if collection.is_locked():
                    return (
                        "the Secret Service keyring is locked and could not be unlocked "
                        "(no unlock prompt could be shown; typical over SSH)"
                    )
        except exceptions.PromptDismissedException:
            return (
                "the Secret Service has no default keyring and could not create one "
                "(no prompt could be shown; typical over SSH)"
            )
        except TimeoutError:
            return "the Secret Service keyring is locked and nobody answered its unlock prompt"
        except (exceptions.SecretStorageException, OSError) as exc:
            return f"the Secret Service failed ({type(exc).__name__})"
    return None


_FRIENDLY = {
    "keyring.backends.SecretService.Keyring": "Secret Service",
    "keyring.backends.libsecret.Keyring": "Secret Service (libsecret)",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Locker",
    "keyring.backends.kwallet.DBusKeyring": "KDE Wallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KDE Wallet 4",
}
_SECRET_SERVICE = {"keyring.backends.SecretService.Keyring", "keyring.backends.libsecret.Keyring"}


def classify_backend(
    backend: KeyringBackend, *, probe: bool = True, timeout: float = DEFAULT_TIMEOUT
) -> BackendStatus:
    """Say whether ``backend`` keeps secrets safely and works here (see module docs).

    Insecure or unusable: keyring's fail and null backends, keyrings.alt's file backends
    (plain or encrypted: the encrypted one asks for its password on the terminal, which a
    full-screen app cannot share), a chainer whose first (writing) backend is one of those,
    and anything keyring itself rates below priority 1. A Secret Service is probed.
    """
    from keyring.backends import chainer, fail, null

    cls = type(backend)
    qualname = f"{cls.__module__}.{cls.__name__}"
    if isinstance(backend, fail.Keyring):
        why = NO_DBUS if _dbus_session_missing() else "keyring found no usable backend"
        return BackendStatus("no system keyring", False, why)
    if isinstance(backend, null.Keyring):
        return BackendStatus("null keyring", False, "the null keyring stores nothing")
    if isinstance(backend, chainer.ChainerBackend):
        chained = list(backend.backends)
        if not chained:
            return BackendStatus("chainer", False, "the keyring chainer has no backend to use")
        first = classify_backend(chained[0], probe=probe, timeout=timeout)
        if first.secure:
            return first
        return BackendStatus(first.name, False, f"new keys would go to it: {first.reason}")
    if cls.__module__.startswith("keyrings.alt"):
        if "encrypt" in cls.__name__.lower():
            why = (
                "keyrings.alt's encrypted file asks for its password on the terminal, which "
                "okx-wizard cannot pass through; use okx-wizard's own vault "
                "(set OKX_WIZARD_VAULT_PASSWORD)"
            )
        else:
            why = "keyrings.alt keeps secrets unencrypted in a file"
        return BackendStatus(qualname, False, why)
    if cls.__module__ == "okx_wizard.core.vault":
        return BackendStatus(qualname, True, "okx-wizard's own store")
    try:
        priority = float(cls.priority)
    except Exception as exc:
        return BackendStatus(
            qualname, False, f"{qualname} is not usable here ({type(exc).__name__})"
        )
    friendly = _FRIENDLY.get(qualname)
    if priority < 1:
        return BackendStatus(
            friendly or qualname,
            False,
            f"keyring rates {qualname} at priority {priority:g}: not recommended for secrets",
        )
    if qualname in _SECRET_SERVICE:
        reason = probe_secret_service(timeout=timeout) if probe else None
        if reason is not None:
            return BackendStatus(friendly or qualname, False, reason)
        return BackendStatus(friendly or qualname, True, "the desktop keyring is unlocked")
    if friendly is not None:
        return BackendStatus(friendly, True, f"the {friendly} keeps secrets encrypted")
    return BackendStatus(
        qualname,
        True,
        f"third-party keyring backend {qualname} (priority {priority:g}), trusted because "
        "keyring recommends it",
    )


def system_backend(timeout: float) -> tuple[KeyringBackend | None, BackendStatus]:
    """The backend keyring chose, and its status; all of it under ``timeout``."""

    def detect() -> tuple[KeyringBackend | None, BackendStatus]:
        import keyring

        try:
            backend = keyring.get_keyring()
        except Exception as exc:
            return None, BackendStatus("keyring", False, f"keyring failed ({type(exc).__name__})")
        return backend, classify_backend(backend, timeout=timeout)

    try:
        return call_with_timeout(detect, timeout)
    except KeyringTimeout:
        return None, BackendStatus(
            "system keyring",
            False,
            f"the system keyring did not answer within {timeout:g} s: it may be locked",
        )


def known_backend_status() -> BackendStatus | None:
    """The keyring verdict when it is certain without importing keyring, else ``None``.

    On Linux with no D-Bus session and no configured keyring backend (typical over SSH) there
    is no Secret Service to find: saying so at once keeps the wizard's start-up free of the
    keyring imports and the D-Bus probe.
    """
    if not sys.platform.startswith("linux") or os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return None
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return None
    from platformdirs import user_config_dir

    if (Path(user_config_dir("python_keyring", appauthor=False)) / "keyringrc.cfg").exists():
        return None
    return BackendStatus(
        "no system keyring", False, "no Secret Service on D-Bus (typical over SSH)"
    )


def detect_backend(*, timeout: float = DEFAULT_TIMEOUT) -> BackendStatus:
    """Which system keyring there is and whether okx-wizard may keep secrets in it (blocking)."""
    return system_backend(timeout)[1]
