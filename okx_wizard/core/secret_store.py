"""Where secrets live: the OS keyring, else the encrypted vault, plaintext only by consent.

One store entry per (profile, slot) holds the compact JSON of :meth:`Credentials.to_store`.
Slots: ``active`` (the key in use), ``pending`` (captured, not yet verified; survives an SSH
drop), ``previous`` (the rotated-out key, kept until OKX stops accepting it).

The system keyring can hang (a locked keyring over SSH waits for a prompt nobody sees), so
every keyring call runs in a daemon thread with a timeout: a stuck call becomes a clear
:class:`StorageError` and cannot keep the process from exiting. Keyring exceptions are
re-raised by class name only, since their messages could carry data. Which keyring there is
and whether it is safe is :mod:`okx_wizard.core.keyring_probe`'s job; where the vault
password comes from is :mod:`okx_wizard.core.vault_password`'s.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from okx_wizard.core.errors import StorageError
from okx_wizard.core.keyring_probe import (
    DEFAULT_TIMEOUT,
    NO_DBUS,
    BackendStatus,
    KeyringTimeout,
    call_with_timeout,
    classify_backend,
    detect_backend,
    known_backend_status,
    probe_secret_service,
    system_backend,
)
from okx_wizard.core.metadata import STORAGE_KINDS, StorageKind
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.vault_password import (
    HOW_TO_GIVE,
    VAULT_PASSWORD_ENV,
    PasswordPrompt,
    VaultPassword,
    check_new_vault_password,
    unattended_password,
)

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

__all__ = [
    "DEFAULT_TIMEOUT",
    "NO_DBUS",
    "SLOTS",
    "VAULT_PASSWORD_ENV",
    "BackendStatus",
    "PasswordPrompt",
    "SecretStore",
    "call_with_timeout",
    "classify_backend",
    "detect_backend",
    "known_backend_status",
    "open_secret_store",
    "probe_secret_service",
    "service_name",
]

SLOTS: tuple[str, ...] = ("active", "pending", "previous")

DEFAULT_SERVICE = "okx-wizard"
SERVICE_ENV = "OKX_WIZARD_KEYRING_SERVICE"
VAULT_HINT = "or use the encrypted vault (set OKX_WIZARD_VAULT_PASSWORD_FILE)"
UNLOCK_FIX = f"Unlock it (e.g. `gnome-keyring-daemon --unlock`) {VAULT_HINT}."

T = TypeVar("T")


def service_name(*, simulator: bool = False) -> str:
    """The keyring service: ``okx-wizard`` (or ``$OKX_WIZARD_KEYRING_SERVICE``), with a
    ``-simulator`` suffix for the simulator realm so its keys never mix with real ones."""
    base = os.environ.get(SERVICE_ENV) or DEFAULT_SERVICE
    return f"{base}-simulator" if simulator else base


def _as_storage_error(exc: BaseException, action: str) -> StorageError:
    """A keyring failure in words, naming only the exception class (its text may hold data)."""
    if isinstance(exc, StorageError):
        return exc
    from keyring import errors

    if isinstance(exc, errors.KeyringLocked):
        return StorageError(
            f"The system keyring is locked and could not be unlocked to {action}.", UNLOCK_FIX
        )
    if isinstance(exc, errors.NoKeyringError | errors.InitError):
        return StorageError(
            f"No usable system keyring to {action} ({type(exc).__name__}).",
            f"Use the encrypted vault: {HOW_TO_GIVE}",
        )
    return StorageError(
        f"The system keyring failed to {action} ({type(exc).__name__}).",
        f"Check that it is running and unlocked, {VAULT_HINT}.",
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

    @property
    def insecure(self) -> bool:
        """True for the plaintext file: every report on its profiles warns ``insecure-storage``."""
        return self.kind == "plaintext"

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
            raise StorageError(
                f"The system keyring did not answer within {self.timeout or 0:g} s: it may be "
                "locked.",
                UNLOCK_FIX,
            ) from None
        except StorageError:
            raise
        except Exception as exc:
            if self.kind == "keyring":
                raise _as_storage_error(exc, action) from None
            reason = exc.strerror if isinstance(exc, OSError) else None
            raise StorageError(
                f"Could not {action} in {self.describe()}: {reason or type(exc).__name__}.",
                "Check that the file and its folder are yours and the disk is not full.",
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
                f"The stored {slot} key of profile {profile!r} in {self.describe()} is damaged.",
                f"Store it again: okx-wizard rotate {profile}",
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


# -- opening a store ------------------------------------------------------------------------------


def _as_secret(value: Secret | str) -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


def _vault_path(path: Path | None, simulator: bool) -> Path:
    from okx_wizard.core.vault import default_vault_path

    return Path(path) if path is not None else default_vault_path(simulator=simulator)


def _open_vault(
    vault_path: Path,
    service: str,
    vault_password: Secret | None,
    prompt_password: PasswordPrompt | None,
    unavailable: str,
) -> SecretStore:
    """The vault unlocked with the first password source there is (see vault_password).

    A prompted password that is wrong is asked again, up to three times in all; a new vault's
    password is held to the minimum length whatever its source.
    """
    from okx_wizard.core.vault import VaultKeyring, WrongVaultPassword

    new = not vault_path.exists()
    attempts = 3
    for attempt in range(attempts):
        source = unattended_password(vault_password)
        if source is None:
            if prompt_password is None:
                raise StorageError(
                    f"{unavailable}The encrypted vault ({vault_path}) needs a password and "
                    "none was given.",
                    HOW_TO_GIVE,
                )
            # The question says when the last answer was wrong (it is asked again, not ignored).
            purpose = str(vault_path) if attempt == 0 else f"{vault_path}; that one was wrong"
            source = VaultPassword(_as_secret(prompt_password(purpose, new=new)), "prompt")
        if not source.password:
            raise StorageError("The vault password is empty.", "Choose a real password.")
        if new:
            check_new_vault_password(source.password, source.origin)
        backend = VaultKeyring(vault_path, source.password)
        try:
            backend.unlock()
        except WrongVaultPassword:
            if source.prompted and attempt + 1 < attempts:
                continue
            raise
        return SecretStore(
            backend, kind="vault", service=service, timeout=None, location=str(vault_path)
        )
    raise AssertionError("unreachable")  # pragma: no cover


def vault_usable(
    vault_path: Path,
    vault_password: Secret | None = None,
    prompt_password: PasswordPrompt | None = None,
) -> bool:
    """Whether the encrypted vault can hold new keys here: a vault file that is there and
    can be unlocked (a password source or a prompt), or a password that can make a new one.

    A plaintext store is only offered when this is False (SPEC §5: plaintext is the last
    resort). A broken password source raises StorageError instead of answering.
    """
    has_password = unattended_password(vault_password) is not None
    if vault_path.exists():
        return has_password or prompt_password is not None
    return has_password


def open_secret_store(
    kind: str | None = None,
    *,
    service: str | None = None,
    simulator: bool = False,
    allow_insecure: bool = False,
    vault_password: Secret | None = None,
    prompt_password: PasswordPrompt | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    path: Path | None = None,
) -> SecretStore:
    """Open the secret store of ``kind`` (``None``: the best one there is).

    - ``"keyring"``: the system keyring, if it is secure and answers; else StorageError.
    - ``"vault"``: the encrypted file vault; the password from ``vault_password``, else the
      environment, a password file, a systemd credential (:mod:`vault_password`), else
      ``prompt_password(path, new=...)`` (asked up to 3 times). A wrong password raises
      StorageError here, not at the first read; so does a new vault's too-short password.
    - ``"plaintext"``: an unencrypted 0600 file, only with ``allow_insecure=True`` (an
      existing plaintext profile); the caller adds an ``insecure-storage`` warning
      (:attr:`SecretStore.insecure`).
    - ``None``: the system keyring if it is secure and usable, else the vault. With
      ``allow_insecure`` the plaintext file is used only when no vault is usable
      (:func:`vault_usable`); when one is, StorageError says so rather than writing plaintext.

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
                "(--insecure-storage).",
                "Use the system keyring or the encrypted vault.",
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
        return _open_vault(
            _vault_path(path, simulator), service, vault_password, prompt_password, ""
        )
    backend, status = system_backend(timeout)
    if backend is not None and status.secure:
        return SecretStore(
            backend, kind="keyring", service=service, timeout=timeout, location=status.name
        )
    if kind == "keyring":
        raise StorageError(
            f"The system keyring cannot be used: {status.reason}.",
            f"Use the encrypted vault instead: {HOW_TO_GIVE}",
        )
    vault_path = _vault_path(path, simulator)
    if allow_insecure:
        if vault_usable(vault_path, vault_password, prompt_password):
            there = "is there" if vault_path.exists() else "can be made (a password is set)"
            raise StorageError(
                f"--insecure-storage asks for an unencrypted file, but the encrypted vault "
                f"({vault_path}) {there}: okx-wizard will not write secrets in plaintext "
                "while a vault can hold them.",
                "Drop --insecure-storage: the key goes to the encrypted vault.",
            )
        return open_secret_store(
            "plaintext", simulator=simulator, allow_insecure=True, service=service, path=path
        )
    unavailable = f"No secure system keyring: {status.reason}. "
    return _open_vault(vault_path, service, vault_password, prompt_password, unavailable)
