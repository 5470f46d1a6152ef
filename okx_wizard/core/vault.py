"""The encrypted file vault, for machines without a usable keyring (SSH, containers).

One file holds every entry, and all of it is encrypted: profile names are hidden too, and the
plaintext is padded so the file size barely hints at how many keys it holds. Layout::

    okx-wizard vault\\n
    {"aead":"aes-256-gcm","kdf":"argon2id","m":65536,"nonce":"…","p":1,"salt":"…","t":4,"v":1}\\n
    AES-256-GCM ciphertext and tag

The key is Argon2id(password, salt) with the parameters in the header; every write uses a
fresh random 96-bit nonce, and the two header lines are the associated data, so changing any
byte of the file makes decryption fail. A wrong password and a modified file look the same to
AES-GCM, so that failure says both ("the vault password is wrong or the vault file was
modified"); a file whose header does not parse, whose KDF cost is outside the window of
:class:`KdfParams`, or whose length cannot be a vault's (truncated) is called damaged, before
any key is derived. The file and its folder must pass ssh's ownership and mode rules
(:mod:`okx_wizard.core.file_trust`) before they are read.

The derived key is cached in memory for the process, so several reads cost one derivation.
Both stores here are ``keyring`` backends, so :class:`SecretStore` uses them like any keyring.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

from okx_wizard.core.errors import StorageError
from okx_wizard.core.file_trust import read_trusted
from okx_wizard.core.fsutil import atomic_write, ensure_private_dir, file_lock
from okx_wizard.core.secret import Secret

APP_NAME = "okx-wizard"
MAGIC = b"okx-wizard vault\n"
FORMAT_VERSION = 1
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
PAD_TO = 512
MAX_HEADER_BYTES = 4096

Entries = dict[str, dict[str, str]]


# The window of KDF costs a vault header may ask for. Floor: OWASP's least Argon2id memory
# (19 MiB). Ceiling: 512 MiB, 10 passes, 8 lanes, and at most 4x the default's work (passes x
# memory <= 1 GiB): a header that was tampered with costs at most about a second and half a GB
# before its authentication fails, never minutes and gigabytes.
TIME_COST_RANGE = (1, 10)
MEMORY_KIB_RANGE = (19 * 1024, 512 * 1024)
PARALLELISM_RANGE = (1, 8)
MAX_WORK_KIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost: ``time_cost`` passes over ``memory_kib`` KiB with ``parallelism`` lanes.

    The default (4 passes, 64 MiB, 1 lane) takes about 0.3 s on a 2-core cloud VM: slow
    enough to make guessing expensive, fast enough not to annoy at every unlock. Values
    outside the window above raise ValueError, here and when read from a vault's header.
    """

    time_cost: int = 4
    memory_kib: int = 64 * 1024
    parallelism: int = 1

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Refuse parameters a tampered header could use to exhaust memory or time."""
        for name, value, (low, high) in (
            ("time_cost", self.time_cost, TIME_COST_RANGE),
            ("memory_kib", self.memory_kib, MEMORY_KIB_RANGE),
            ("parallelism", self.parallelism, PARALLELISM_RANGE),
        ):
            if type(value) is not int:
                raise ValueError(f"{name} is not a whole number")
            if not low <= value <= high:
                raise ValueError(f"{name} is outside {low}..{high}")
        if self.time_cost * self.memory_kib > MAX_WORK_KIB:
            raise ValueError("time_cost x memory_kib is above the work limit")

    @classmethod
    def from_header(cls, header: dict[str, Any]) -> KdfParams:
        """The parameters in a vault header; ValueError for any value outside the window
        (including floats such as ``1e999``, booleans and strings)."""
        return cls(header["t"], header["m"], header["p"])


DEFAULT_KDF = KdfParams()
#: The cheapest costs a vault may have (tests use them; a person should not).
CHEAPEST_KDF = KdfParams(TIME_COST_RANGE[0], MEMORY_KIB_RANGE[0], PARALLELISM_RANGE[0])
TAG_BYTES = 16


class WrongVaultPassword(StorageError):
    """AES-GCM refused the vault: the password is wrong or the file was modified."""


_KEY_CACHE: dict[tuple[bytes, KdfParams, Secret], bytes] = {}
_KEY_CACHE_LOCK = threading.Lock()


def derive_key(password: Secret, salt: bytes, params: KdfParams) -> bytes:
    """Argon2id(password, salt) → 32 bytes, cached for the process per (salt, params, password)."""
    cache_key = (salt, params, password)
    with _KEY_CACHE_LOCK:
        cached = _KEY_CACHE.get(cache_key)
    if cached is not None:
        return cached
    from argon2.low_level import Type, hash_secret_raw

    key = hash_secret_raw(
        password.reveal().encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )
    with _KEY_CACHE_LOCK:
        _KEY_CACHE[cache_key] = key
    return key


def forget_keys() -> None:
    """Drop every cached vault key (the next access derives it again)."""
    with _KEY_CACHE_LOCK:
        _KEY_CACHE.clear()


def default_vault_path(*, simulator: bool = False) -> Path:
    """``vault.bin`` (``vault-simulator.bin``) in the platform's user data dir."""
    import platformdirs

    name = "vault-simulator.bin" if simulator else "vault.bin"
    return Path(platformdirs.user_data_dir(APP_NAME)) / name


def default_plaintext_path(*, simulator: bool = False) -> Path:
    """``secrets-plaintext.json`` (``-simulator``) in the platform's user data dir."""
    import platformdirs

    name = "secrets-plaintext-simulator.json" if simulator else "secrets-plaintext.json"
    return Path(platformdirs.user_data_dir(APP_NAME)) / name


def _as_secret(value: Secret | str) -> Secret:
    """Accept a plain str from a careless caller, but hold it as a Secret from here on."""
    return value if isinstance(value, Secret) else Secret(value)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _entries_from(document: Any) -> Entries:
    """The ``entries`` mapping of a decoded document, type-checked."""
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise ValueError("unknown content version")
    entries = document.get("entries")
    if not isinstance(entries, dict):
        raise ValueError("no entries")
    for by_user in entries.values():
        if not isinstance(by_user, dict) or not all(isinstance(v, str) for v in by_user.values()):
            raise ValueError("bad entry")
    return entries


def _entries_document(entries: Entries) -> bytes:
    return json.dumps(
        {"version": FORMAT_VERSION, "entries": entries}, separators=(",", ":"), sort_keys=True
    ).encode("utf-8")


class _FileBackend(KeyringBackend):
    """Shared behaviour of the file stores: locked read-modify-write of all entries."""

    @properties.classproperty
    def priority(cls) -> float:
        # Not a general-purpose keyring: keyring must never pick it by itself.
        raise RuntimeError("okx-wizard's file stores are opened explicitly")

    def __init__(self, path: Path) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.path = Path(path)
        self._lock = threading.Lock()

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def _load(self) -> Entries:  # pragma: no cover - overridden
        raise NotImplementedError

    def _store(self, entries: Entries) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def get_password(self, service: str, username: str) -> str | None:
        """The value stored for (service, username), or ``None``."""
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a value, replacing the old one; the whole file is rewritten atomically."""
        ensure_private_dir(self.path.parent)
        with self._lock, file_lock(self.lock_path):
            entries = self._load()
            entries.setdefault(service, {})[username] = password
            self._store(entries)

    def delete_password(self, service: str, username: str) -> None:
        """Erase a value; :class:`PasswordDeleteError` if there is none (keyring's contract)."""
        if not self.path.exists():
            raise PasswordDeleteError("not found")
        with self._lock, file_lock(self.lock_path):
            entries = self._load()
            by_user = entries.get(service, {})
            if username not in by_user:
                raise PasswordDeleteError("not found")
            del by_user[username]
            if not by_user:
                del entries[service]
            self._store(entries)


class VaultKeyring(_FileBackend):
    """The encrypted vault as a keyring backend (see the module docs for the format)."""

    def __init__(self, path: Path, password: Secret, *, kdf: KdfParams | None = None) -> None:
        super().__init__(path)
        self._password = _as_secret(password)
        self._kdf = kdf or DEFAULT_KDF

    def __repr__(self) -> str:
        return f"VaultKeyring({str(self.path)!r})"

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def unlock(self) -> None:
        """Check the password now (derives and caches the key); a missing vault is fine."""
        self._load()

    def read_header(self) -> dict[str, Any]:
        """The public header of the vault file (KDF parameters, salt, nonce); no secrets."""
        raw = _read_store_file(self.path, "The vault file")
        if raw is None:
            raise self._damaged("it does not exist")
        return self._parse(raw)[0]

    def _damaged(self, detail: str) -> StorageError:
        return StorageError(
            f"The vault file {self.path} is damaged or is not an okx-wizard vault ({detail}).",
            "Restore it from a backup, or move it away to start a new vault (the keys in it "
            "would then have to be created again on OKX).",
        )

    def _parse(self, raw: bytes) -> tuple[dict[str, Any], bytes, bytes, bytes, bytes, KdfParams]:
        """Split the file: header, salt, nonce, associated data, ciphertext, KDF params."""
        if not raw.startswith(MAGIC):
            raise self._damaged("it does not start with the vault marker")
        end = raw.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER_BYTES)
        if end < 0:
            raise self._damaged("its header is incomplete")
        try:
            header = json.loads(raw[len(MAGIC) : end])
            if not isinstance(header, dict) or header.get("v") != FORMAT_VERSION:
                raise ValueError("version")
            if header.get("kdf") != "argon2id" or header.get("aead") != "aes-256-gcm":
                raise ValueError("algorithm")
            salt = base64.b64decode(header["salt"], validate=True)
            nonce = base64.b64decode(header["nonce"], validate=True)
            if not 16 <= len(salt) <= 64 or len(nonce) != NONCE_BYTES:
                raise ValueError("sizes")
        except (ValueError, KeyError, TypeError, binascii.Error, RecursionError):
            raise self._damaged("its header is not valid") from None
        try:
            params = KdfParams.from_header(header)
        except (ValueError, KeyError, TypeError):
            raise self._damaged("its key derivation cost is missing or out of range") from None
        associated = raw[: end + 1]
        ciphertext = raw[end + 1 :]
        body = len(ciphertext) - TAG_BYTES
        if body < PAD_TO or body % PAD_TO:
            raise self._damaged("it is truncated, or bytes were added to it")
        return header, salt, nonce, associated, ciphertext, params

    def _load(self) -> Entries:
        raw = _read_store_file(self.path, "The vault file")
        if raw is None:
            return {}
        _, salt, nonce, associated, ciphertext, params = self._parse(raw)
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        key = derive_key(self._password, salt, params)
        try:
            plain = AESGCM(key).decrypt(nonce, ciphertext, associated)
        except InvalidTag:
            raise WrongVaultPassword(
                f"The vault password is wrong or the vault file {self.path} was modified.",
                "Type the password the vault was made with. If it is right, restore the file "
                "from a backup.",
            ) from None
        try:
            return _entries_from(json.loads(plain))
        except (ValueError, RecursionError):
            raise self._damaged("its content is not valid") from None

    def _salt_and_params(self) -> tuple[bytes, KdfParams]:
        """Keep the existing salt and cost (so the cached key stays valid), or make new ones."""
        raw = _read_store_file(self.path, "The vault file")
        if raw is None:
            return secrets.token_bytes(SALT_BYTES), self._kdf
        _, salt, _, _, _, params = self._parse(raw)
        return salt, params

    def _store(self, entries: Entries, *, fresh: bool = False) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if fresh:
            salt, params = secrets.token_bytes(SALT_BYTES), self._kdf
        else:
            salt, params = self._salt_and_params()
        nonce = os.urandom(NONCE_BYTES)
        header = {
            "v": FORMAT_VERSION,
            "kdf": "argon2id",
            "t": params.time_cost,
            "m": params.memory_kib,
            "p": params.parallelism,
            "salt": _b64(salt),
            "aead": "aes-256-gcm",
            "nonce": _b64(nonce),
        }
        associated = MAGIC + json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
        associated += b"\n"
        plain = _entries_document(entries)
        plain += b" " * (-len(plain) % PAD_TO)
        key = derive_key(self._password, salt, params)
        atomic_write(self.path, associated + AESGCM(key).encrypt(nonce, plain, associated))

    def change_password(self, new_password: Secret, *, kdf: KdfParams | None = None) -> None:
        """Re-encrypt every entry under ``new_password`` with a fresh salt (and ``kdf``)."""
        from okx_wizard.core.vault_password import check_new_vault_password

        check_new_vault_password(_as_secret(new_password), "argument")
        ensure_private_dir(self.path.parent)
        with self._lock, file_lock(self.lock_path):
            entries = self._load()
            self._password = _as_secret(new_password)
            if kdf is not None:
                self._kdf = kdf
            self._store(entries, fresh=True)


class PlaintextFileKeyring(_FileBackend):
    """Secrets in an unencrypted JSON file (mode 0600): only with the user's explicit consent."""

    def __repr__(self) -> str:
        return f"PlaintextFileKeyring({str(self.path)!r})"

    def _load(self) -> Entries:
        raw = _read_store_file(self.path, "The plaintext secrets file")
        if raw is None:
            return {}
        try:
            return _entries_from(json.loads(raw))
        except (ValueError, RecursionError):  # a [[[[… nested too deep is not a store either
            raise StorageError(
                f"The secrets file {self.path} is damaged (not valid JSON of okx-wizard's layout).",
                "Fix it by hand or move it away.",
            ) from None

    def _store(self, entries: Entries) -> None:
        atomic_write(self.path, _entries_document(entries) + b"\n")


def _read_store_file(path: Path, what: str) -> bytes | None:
    """The bytes of a file store, ``None`` when it does not exist yet; refused (StorageError)
    when it or its folder fails the ownership and mode rules of :mod:`file_trust`."""
    return read_trusted(path, what, secret=True)
