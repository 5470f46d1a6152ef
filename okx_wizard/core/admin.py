"""The *admin key*: a main-account key that manages sub-account keys through OKX's API (SPEC §9).

It must be a main-account key with Read + Trade, bound to IPs (OKX requires both for the write
calls) and without Withdraw. It is kept apart from profiles: its secrets under an entry name no
profile can have (``@admin``), its settings in ``admin.toml`` beside the profiles file. Nothing
that hands keys to bots (``env``, ``exec``, ``load_credentials``) can reach it, since those take
profile names only.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from okx_wizard.core.errors import StorageError, UsageError, WizardError
from okx_wizard.core.models import Intentions, Report
from okx_wizard.core.regions import REGION_CODES
from okx_wizard.core.secret import Credentials

if TYPE_CHECKING:
    from okx_wizard.core.metadata import MetadataStore
    from okx_wizard.core.models import Endpoint
    from okx_wizard.core.secret_store import SecretStore


class Workspace(Protocol):
    """What the admin key needs of the workspace (core.api's, which calls back into this
    module when it commits a profile: a protocol, not an import, keeps the two apart)."""

    @property
    def meta(self) -> MetadataStore: ...

    def secrets(self, kind: str | None = None) -> SecretStore: ...

    def endpoint(self, region_code: str, demo: bool, base_url: str | None = None) -> Endpoint: ...

    async def verify(
        self, name: str, creds: Credentials, endpoint: Endpoint, intentions: Intentions
    ) -> Report: ...


# The secret store's entry for the admin key: "@" is not allowed in profile names.
ADMIN_ENTRY = "@admin"
ADMIN_REPORT_NAME = "admin"
# Warnings that describe what an admin key is meant to be, not a problem with it: a main account,
# whose own trading modes and balance do not matter for managing sub-account keys.
_EXPECTED_WARNINGS = frozenset(
    {
        "main-account",
        "no-balance",
        "permission-mismatch",
        "account-mode-mismatch",
        "position-mode-mismatch",
    }
)


@dataclass(frozen=True, slots=True)
class AdminSettings:
    """Where the admin key works and how it was stored; no secret."""

    region: str
    demo: bool
    base_url: str | None
    storage: str
    api_key_hint: str
    verified_at: datetime | None = None

    def to_toml(self) -> dict[str, Any]:
        table: dict[str, Any] = {
            "region": self.region,
            "demo": self.demo,
            "storage": self.storage,
            "api_key_hint": self.api_key_hint,
        }
        if self.base_url:
            table["base_url"] = self.base_url
        if self.verified_at is not None:
            table["verified_at"] = self.verified_at
        return table


@dataclass(frozen=True, slots=True)
class Admin:
    """An admin key ready for use: its credentials and where it works."""

    credentials: Credentials
    endpoint: Endpoint


def admin_intentions() -> Intentions:
    """What an admin key is: a main-account key for trading (Read + Trade), never Withdraw."""
    return Intentions(use_case="trading", sub_account=False, allow_withdraw=False)


def judge_admin(report: Report) -> Report:
    """Apply the admin rules to a verification report: refuse what cannot serve as admin key.

    A sub-account key (OKX answers 59500/59604), a key without Trade or without bound IPs (the
    write calls answer 50120 / 50035) or with Withdraw (refused by verification already).
    """
    report.warnings = [w for w in report.warnings if w.code not in _EXPECTED_WARNINGS]
    account = report.account
    if not report.ok or account is None:
        return report
    if account.sub_account:
        report.error = WizardError(
            "permission",
            f"This is a key of a sub-account (uid {account.uid}); only a key of the main "
            "account can manage sub-account keys.",
            "Log in to OKX with the main account, create a key there with Read + Trade bound "
            "to this machine's IP, and give that one to `okx-wizard admin add --stdin`.",
            okx_code="59500",
        )
    elif "trade" not in account.permissions:
        report.error = WizardError(
            "permission",
            "This main-account key has no Trade permission; OKX requires Trade to create, "
            "change or delete sub-account keys.",
            "Edit the key on OKX and tick Trade (never Withdraw), or create one that has it.",
            okx_code="50120",
        )
    elif not account.ip_whitelist:
        report.error = WizardError(
            "ip",
            "This main-account key is not bound to any IP address; OKX lets only IP-bound keys "
            "create, change or delete sub-account keys.",
            "Edit the key on OKX and bind it to this machine's public IP.",
            okx_code="50035",
        )
    return report


async def verify_admin(ws: Workspace, creds: Credentials, endpoint: Endpoint) -> Report:
    """Verify ``creds`` as an admin key: works, main account, Read + Trade, IP-bound."""
    report = await ws.verify(ADMIN_REPORT_NAME, creds, endpoint, admin_intentions())
    return judge_admin(report)


# -- storage ---------------------------------------------------------------------------------
def settings_path(ws: Workspace) -> Path:
    return ws.meta.path.with_name("admin.toml")


def read_settings(ws: Workspace) -> AdminSettings | None:
    """The stored admin key's settings, or None when there is no admin key."""
    path = settings_path(ws)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise StorageError(
            f"The admin key's settings file {path} cannot be read ({type(exc).__name__}).",
            f"Remove it (okx-wizard admin remove, or delete {path}) and add the key again.",
        ) from None
    region = data.get("region")
    base_url = data.get("base_url")
    verified = data.get("verified_at")
    if (
        region not in REGION_CODES
        or not isinstance(data.get("demo"), bool)
        or not isinstance(data.get("storage"), str)
        or not isinstance(base_url, str | None)
    ):
        raise StorageError(
            f"The admin key's settings file {path} is damaged.",
            "Run `okx-wizard admin remove`, then `okx-wizard admin add --stdin` again.",
        )
    return AdminSettings(
        region=str(region),
        demo=bool(data["demo"]),
        base_url=base_url,
        storage=str(data["storage"]),
        api_key_hint=str(data.get("api_key_hint") or ""),
        verified_at=verified if isinstance(verified, datetime) else None,
    )


def save_admin(ws: Workspace, creds: Credentials, report: Report) -> AdminSettings:
    """Store a verified admin key: secrets in the secure store, settings in admin.toml."""
    import tomli_w

    from okx_wizard.core.fsutil import atomic_write, ensure_private_dir
    from okx_wizard.core.metadata import utc_now

    if not report.ok:
        raise UsageError("only a verified admin key can be stored")
    store = ws.secrets()
    store.set(ADMIN_ENTRY, "active", creds)
    endpoint = report.endpoint
    settings = AdminSettings(
        region=endpoint.region,
        demo=endpoint.demo,
        base_url=endpoint.base_url if endpoint.explicit_base_url else None,
        storage=store.kind,
        api_key_hint=creds.hint,
        verified_at=utc_now(),
    )
    path = settings_path(ws)
    ensure_private_dir(path.parent)
    atomic_write(path, tomli_w.dumps(settings.to_toml()).encode())
    return settings


def load_admin(ws: Workspace) -> Admin:
    """The stored admin key, or a usage error that says how to add one (blocking)."""
    settings = read_settings(ws)
    if settings is None:
        raise UsageError(
            "no admin key is stored: add one with `okx-wizard admin add --stdin`, "
            "or pass it for one command with --admin-stdin"
        )
    creds = ws.secrets(settings.storage).get(ADMIN_ENTRY, "active")
    if creds is None:
        raise StorageError(
            f"The admin key is missing from the {settings.storage} store.",
            "Run `okx-wizard admin remove`, then `okx-wizard admin add --stdin` again.",
        )
    endpoint = ws.endpoint(settings.region, settings.demo, settings.base_url)
    return Admin(creds, endpoint)


def refuse_admin_key(ws: Workspace, creds: Credentials) -> None:
    """Refuse to keep the stored admin key as a profile's key: profiles are handed to bots."""
    settings = read_settings(ws)
    if settings is None or settings.api_key_hint != creds.hint:
        return
    stored = ws.secrets(settings.storage).get(ADMIN_ENTRY, "active")
    if stored is not None and stored.api_key == creds.api_key:
        raise WizardError(
            "permission",
            "This is the stored admin key (a main-account key that manages sub-account keys); "
            "a profile's key is handed to bots, the admin key never is.",
            "Give the bot a sub-account key: `okx-wizard create` makes one with the admin key.",
        )


def remove_admin(ws: Workspace) -> bool:
    """Forget the stored admin key (secrets and settings); False when there was none."""
    settings = read_settings(ws)
    if settings is None:
        return False
    ws.secrets(settings.storage).delete(ADMIN_ENTRY, "active")
    settings_path(ws).unlink(missing_ok=True)
    return True
