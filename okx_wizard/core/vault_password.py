"""Where the vault password comes from, and what a new vault's password must be.

In order, the first one present wins:

1. the password given to :func:`~okx_wizard.core.secret_store.open_secret_store` (a bot's
   ``load_credentials(vault_password=...)``);
2. ``$OKX_WIZARD_VAULT_PASSWORD``;
3. ``$OKX_WIZARD_VAULT_PASSWORD_FILE``: a file only its owner can read (ssh's rules,
   :mod:`okx_wizard.core.file_trust`), one trailing line break dropped;
4. systemd's ``$CREDENTIALS_DIRECTORY/okx-wizard-vault-password`` (``LoadCredential=`` or
   ``LoadCredentialEncrypted=``), read the same way;
5. the interactive prompt, a :class:`PasswordPrompt` that is told whether the vault is new
   (so it can ask twice).

A new vault's password has at least :data:`NEW_VAULT_PASSWORD_MIN` characters whatever its
source; unlocking an existing vault accepts the password it was made with.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from okx_wizard.core.errors import StorageError
from okx_wizard.core.file_trust import read_trusted
from okx_wizard.core.secret import Secret

VAULT_PASSWORD_ENV = "OKX_WIZARD_VAULT_PASSWORD"
VAULT_PASSWORD_FILE_ENV = "OKX_WIZARD_VAULT_PASSWORD_FILE"
CREDENTIALS_DIRECTORY_ENV = "CREDENTIALS_DIRECTORY"
CREDENTIAL_NAME = "okx-wizard-vault-password"
NEW_VAULT_PASSWORD_MIN = 10
#: A systemd credential may be root's with an ACL for the service's user: the ACL shows as
#: group read in the mode, so only group write and any access by others are refused.
SYSTEMD_FORBIDDEN = 0o027

Origin = Literal["argument", "environment", "file", "systemd credential", "prompt"]
HOW_TO_GIVE = (
    f"Set {VAULT_PASSWORD_FILE_ENV} to a file only you can read (chmod 600), use the systemd "
    f"credential {CREDENTIAL_NAME}, set {VAULT_PASSWORD_ENV}, or run okx-wizard in a terminal "
    "to be asked for it."
)


class PasswordPrompt(Protocol):
    """Asks the person at the terminal for the vault password.

    ``purpose`` names the vault (its path) for the question; ``new`` is True when the vault
    does not exist yet: the prompt then asks twice and returns the password only when both
    answers match (it raises :class:`StorageError` when they differ or no terminal can ask).
    """

    def __call__(self, purpose: str, *, new: bool) -> Secret: ...


@dataclass(frozen=True, slots=True)
class VaultPassword:
    """A vault password and where it came from (for messages; never the value)."""

    password: Secret
    origin: Origin

    @property
    def prompted(self) -> bool:
        return self.origin == "prompt"


def _as_secret(value: Secret | str) -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


def _decode(data: bytes, where: str) -> Secret:
    """The password in a file: UTF-8, one trailing line break dropped, not empty."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise StorageError(
            f"The vault password in {where} is not UTF-8 text.", "Write it as plain text."
        ) from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise StorageError(f"The vault password in {where} is empty.", "Write the password in it.")
    return Secret(text)


def password_from_file(path: Path) -> Secret:
    """The password in the file ``$OKX_WIZARD_VAULT_PASSWORD_FILE`` names.

    The file must exist, be the user's (or root's) and be readable by nobody else.
    """
    data = read_trusted(path, "The vault password file", secret=True)
    if data is None:
        raise StorageError(
            f"{VAULT_PASSWORD_FILE_ENV} names {path}, which does not exist.",
            f"Create it (chmod 600) or unset {VAULT_PASSWORD_FILE_ENV}.",
        )
    return _decode(data, str(path))


def password_from_credentials(directory: Path) -> Secret | None:
    """The systemd credential ``okx-wizard-vault-password``, or ``None`` if the unit has none."""
    path = Path(directory) / CREDENTIAL_NAME
    data = read_trusted(path, "The systemd credential", secret=True, forbidden=SYSTEMD_FORBIDDEN)
    return None if data is None else _decode(data, str(path))


def unattended_password(explicit: Secret | str | None = None) -> VaultPassword | None:
    """The vault password from the first source that has one (1–4 of the module docs), or
    ``None`` when only a prompt could give it. A broken source (a password file others can
    read, an empty one) is a :class:`StorageError`, not a reason to look further."""
    if explicit is not None:
        return VaultPassword(_as_secret(explicit), "argument")
    from_env = os.environ.get(VAULT_PASSWORD_ENV)
    if from_env:
        return VaultPassword(Secret(from_env), "environment")
    file = os.environ.get(VAULT_PASSWORD_FILE_ENV)
    if file:
        return VaultPassword(password_from_file(Path(file)), "file")
    directory = os.environ.get(CREDENTIALS_DIRECTORY_ENV)
    if directory:
        found = password_from_credentials(Path(directory))
        if found is not None:
            return VaultPassword(found, "systemd credential")
    return None


def check_new_vault_password(password: Secret, origin: Origin) -> None:
    """Refuse a password too short to protect a new vault (from any source)."""
    if len(password) < NEW_VAULT_PASSWORD_MIN:
        where = {
            "argument": "The vault password given",
            "environment": f"The password in {VAULT_PASSWORD_ENV}",
            "file": f"The password in {VAULT_PASSWORD_FILE_ENV}",
            "systemd credential": f"The systemd credential {CREDENTIAL_NAME}",
            "prompt": "The password typed",
        }[origin]
        raise StorageError(
            f"{where} is too short for a new vault ({len(password)} characters; at least "
            f"{NEW_VAULT_PASSWORD_MIN}).",
            f"Choose a password of {NEW_VAULT_PASSWORD_MIN} characters or more; a few "
            "unrelated words are easy to type and hard to guess.",
        )
