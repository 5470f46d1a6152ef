"""Where secrets live: the OS keyring, else the encrypted vault, plaintext only by consent.

One store entry per (profile, slot) holds the compact JSON of :meth:`Credentials.to_store`.
Slots: ``active`` (the key in use), ``pending`` (captured, not yet verified; survives an SSH
drop), ``previous`` (the rotated-out key, kept until OKX stops accepting it).

The system keyring can hang (a locked keyring over SSH waits for a prompt nobody sees), so
every keyring call runs in a daemon thread with a timeout: a stuck call becomes a clear
:class:`StorageError` and cannot keep the process from exiting. Keyring exceptions are
re-raised by class name only, since their messages could carry data.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from okx_wizard.core.errors import StorageError
from okx_wizard.core.metadata import STORAGE_KINDS, StorageKind
from okx_wizard.core.secret import Credentials, Secret

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

Slot = Literal["active", "pending", "previous"]
SLOTS: tuple[str, ...] = ("active", "pending", "previous")

DEFAULT_SERVICE = "okx-wizard"
SERVICE_ENV = "OKX_WIZARD_KEYRING_SERVICE"
VAULT_PASSWORD_ENV = "OKX_WIZARD_VAULT_PASSWORD"
DEFAULT_TIMEOUT = 10.0
NO_DBUS = "no Secret Service on D-Bus (typical over SSH)"
VAULT_HINT = "or use the encrypted vault (set OKX_WIZARD_VAULT_PASSWORD)"

T = TypeVar("T")


def service_name(*, simulator: bool = False) -> str:
    """The keyring service: ``okx-wizard`` (or ``$OKX_WIZARD_KEYRING_SERVICE``), with a
    ``-simulator`` suffix for the simulator realm so its keys never mix with real ones."""
    base = os.environ.get(SERVICE_ENV) or DEFAULT_SERVICE
    return f"{base}-simulator" if simulator else base


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


def _timeout_message(timeout: float) -> str:
    return (
        f"The system keyring did not answer within {timeout:g} s: it may be locked. "
        f"Unlock it (e.g. `gnome-keyring-daemon --unlock`) {VAULT_HINT}."
    )


def _as_storage_error(exc: BaseException, action: str) -> StorageError:
    """A keyring failure in words, naming only the exception class (its text may hold data)."""
    if isinstance(exc, StorageError):
        return exc
    from keyring import errors

    if isinstance(exc, errors.KeyringLocked):
        return StorageError(
            f"The system keyring is locked and could not be unlocked to {action}. Unlock it "
            f"(e.g. `gnome-keyring-daemon --unlock`) {VAULT_HINT}."
        )
    if isinstance(exc, errors.NoKeyringError | errors.InitError):
        return StorageError(
            f"No usable system keyring to {action} ({type(exc).__name__}). Use the encrypted "
            "vault: set OKX_WIZARD_VAULT_PASSWORD."
        )
    return StorageError(
        f"The system keyring failed to {action} ({type(exc).__name__}). Check that it is "
        f"running and unlocked, {VAULT_HINT}."
    )


class SecretStore:
    """Credentials by (profile, slot) in one keyring backend: system keyring, vault or file.

    ``kind`` is what the profile metadata records (``keyring``, ``vault``, ``plaintext``);
    ``location`` says where, for messages. Calls block: run them off the UI thread.
    """

    def __init__(
        self,
        backend: KeyringBackend,
        *,
        kind: StorageKind,
        service: str,
        timeout: float | None = DEFAULT_TIMEOUT,
        location: str = "",
    ) -> None:
        self.backend = backend
        self.kind: StorageKind = kind
        self.service = service
        self.timeout = timeout
        self.location = location

    def __repr__(self) -> str:
        return f"SecretStore(kind={self.kind!r}, service={self.service!r})"

    def describe(self) -> str:
        """Where the secrets are, in words: "the system keyring (Secret Service)"…"""
        where = f" ({self.location})" if self.location else ""
        names = {
            "keyring": "the system keyring",
            "vault": "the encrypted vault",
            "plaintext": "an unencrypted file",
        }
        return names[self.kind] + where

    @staticmethod
    def entry_name(profile: str, slot: str) -> str:
        """The keyring user name of one entry: ``PROFILE:SLOT``."""
        if slot not in SLOTS:
            raise ValueError(f"unknown slot {slot!r}; use one of {', '.join(SLOTS)}")
        if not profile:
            raise ValueError("a profile name is required")
        return f"{profile}:{slot}"

    def _call(self, action: str, fn: Callable[[], T]) -> T:
        try:
            return call_with_timeout(fn, self.timeout)
        except KeyringTimeout:
            raise StorageError(_timeout_message(self.timeout or 0)) from None
        except StorageError:
            raise
        except Exception as exc:
            if self.kind == "keyring":
                raise _as_storage_error(exc, action) from None
            reason = exc.strerror if isinstance(exc, OSError) else None
            raise StorageError(
                f"Could not {action} in {self.describe()}: {reason or type(exc).__name__}."
            ) from None

    def get(self, profile: str, slot: str = "active") -> Credentials | None:
        """The credentials in ``slot`` of ``profile``, or ``None`` if there are none."""
        user = self.entry_name(profile, slot)
        value = self._call("read a key", lambda: self.backend.get_password(self.service, user))
        if value is None:
            return None
        try:
            data = json.loads(value)
            if not isinstance(data, dict):
                raise TypeError
            return Credentials.from_store(data)
        except (ValueError, TypeError, KeyError):
            raise StorageError(
                f"The stored {slot} key of profile {profile!r} in {self.describe()} is damaged. "
                f"Store it again (okx-wizard rotate {profile})."
            ) from None

    def set(self, profile: str, slot: str, creds: Credentials) -> None:
        """Store ``creds`` in ``slot`` of ``profile``, replacing what was there."""
        user = self.entry_name(profile, slot)
        value = json.dumps(creds.to_store(), separators=(",", ":"))
        self._call("store a key", lambda: self.backend.set_password(self.service, user, value))

    def delete(self, profile: str, slot: str) -> bool:
        """Erase ``slot`` of ``profile``; ``False`` if it was already empty."""
        from keyring.errors import PasswordDeleteError

        user = self.entry_name(profile, slot)

        def delete() -> bool:
            try:
                self.backend.delete_password(self.service, user)
            except PasswordDeleteError:
                return False
            return True

        return self._call("erase a key", delete)

    def move(self, profile: str, source: str, target: str) -> bool:
        """Move the key in ``source`` to ``target`` (e.g. pending → active); ``False`` if none.

        The target is written before the source is erased, so an interruption leaves a copy.
        """
        creds = self.get(profile, source)
        if creds is None:
            return False
        self.set(profile, target, creds)
        self.delete(profile, source)
        return True


# -- which system keyring, and is it any good ---------------------------------------------------


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


def _system_backend(timeout: float) -> tuple[KeyringBackend | None, BackendStatus]:
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
    return _system_backend(timeout)[1]


# -- opening a store ------------------------------------------------------------------------------


def _as_secret(value: Secret | str) -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


def _vault_password(
    vault_password: Secret | None,
    prompt_password: Callable[[str], Secret] | None,
    prompt: str,
) -> tuple[Secret | None, bool]:
    """The vault password from the argument, the environment or the prompt (in that order).

    The flag says whether it came from the prompt (so a wrong one may be asked again).
    """
    if vault_password is not None:
        return _as_secret(vault_password), False
    from_env = os.environ.get(VAULT_PASSWORD_ENV)
    if from_env:
        return Secret(from_env), False
    if prompt_password is not None:
        return _as_secret(prompt_password(prompt)), True
    return None, False


def _open_vault(
    path: Path | None,
    simulator: bool,
    service: str,
    vault_password: Secret | None,
    prompt_password: Callable[[str], Secret] | None,
    unavailable: str,
) -> SecretStore:
    from okx_wizard.core.vault import VaultKeyring, default_vault_path

    vault_path = Path(path) if path is not None else default_vault_path(simulator=simulator)
    exists = vault_path.exists()
    prompt = (
        f"Vault password ({vault_path})"
        if exists
        else f"Choose a password for the new encrypted vault ({vault_path})"
    )
    attempts = 3
    for attempt in range(attempts):
        password, prompted = _vault_password(vault_password, prompt_password, prompt)
        if password is None:
            raise StorageError(
                f"{unavailable}The encrypted vault needs a password: set "
                f"{VAULT_PASSWORD_ENV}, or run okx-wizard in a terminal to be asked for it."
            )
        if not password:
            raise StorageError("The vault password is empty: choose a real password.")
        backend = VaultKeyring(vault_path, password)
        try:
            backend.unlock()
        except StorageError:
            if prompted and attempt + 1 < attempts:
                continue
            raise
        return SecretStore(
            backend, kind="vault", service=service, timeout=None, location=str(vault_path)
        )
    raise AssertionError("unreachable")  # pragma: no cover


def open_secret_store(
    kind: str | None = None,
    *,
    service: str | None = None,
    simulator: bool = False,
    allow_insecure: bool = False,
    vault_password: Secret | None = None,
    prompt_password: Callable[[str], Secret] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    path: Path | None = None,
) -> SecretStore:
    """Open the secret store of ``kind`` (``None``: the best one there is).

    - ``"keyring"``: the system keyring, if it is secure and answers; else StorageError.
    - ``"vault"``: the encrypted file vault; password from ``vault_password``, else
      ``$OKX_WIZARD_VAULT_PASSWORD``, else ``prompt_password(prompt)`` (asked up to 3 times).
      A wrong password raises StorageError here, not at the first read.
    - ``"plaintext"``: an unencrypted 0600 file, only with ``allow_insecure=True``; the caller
      then adds an ``insecure-storage`` warning.
    - ``None``: the system keyring if it is secure and usable, else the vault; plaintext only
      when ``allow_insecure`` and no vault password is given (argument or environment).

    ``simulator`` selects the simulator realm (its own keyring service and files); ``path``
    overrides the vault or plaintext file location. Blocking: at most ``timeout`` for the
    keyring check, plus the vault's key derivation (about 0.3 s).
    """
    if kind is not None and kind not in STORAGE_KINDS:
        raise ValueError(f"unknown secret store {kind!r}; use one of {', '.join(STORAGE_KINDS)}")
    service = service or service_name(simulator=simulator)
    if kind == "plaintext":
        if not allow_insecure:
            raise StorageError(
                "Refusing to keep secrets in an unencrypted file without explicit consent "
                "(--insecure-storage). Use the system keyring or the encrypted vault."
            )
        from okx_wizard.core.vault import PlaintextFileKeyring, default_plaintext_path

        file = Path(path) if path is not None else default_plaintext_path(simulator=simulator)
        return SecretStore(
            PlaintextFileKeyring(file),
            kind="plaintext",
            service=service,
            timeout=None,
            location=str(file),
        )
    if kind == "vault":
        return _open_vault(path, simulator, service, vault_password, prompt_password, "")
    backend, status = _system_backend(timeout)
    if backend is not None and status.secure:
        return SecretStore(
            backend, kind="keyring", service=service, timeout=timeout, location=status.name
        )
    if kind == "keyring":
        raise StorageError(
            f"The system keyring cannot be used: {status.reason}. Use the encrypted vault "
            "instead (set OKX_WIZARD_VAULT_PASSWORD, or answer the password prompt)."
        )
    if allow_insecure and vault_password is None and not os.environ.get(VAULT_PASSWORD_ENV):
        # The user consented to plaintext (--insecure-storage) and gave no vault password.
        return open_secret_store(
            "plaintext", simulator=simulator, allow_insecure=True, service=service, path=path
        )
    unavailable = f"No secure system keyring: {status.reason}. "
    return _open_vault(path, simulator, service, vault_password, prompt_password, unavailable)
