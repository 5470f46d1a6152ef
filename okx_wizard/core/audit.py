"""`okx-wizard audit`: every sub-account key on OKX, matched to a profile or marked an orphan.

Flags what "regularly audit your keys and revoke unused ones" means in practice: keys no profile
holds (orphans), trade keys with no bound IP (OKX deletes them after 14 idle days), keys older
than the age limit, and keys still on OKX that a rotation has replaced.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from okx_wizard.core.errors import WizardError

if TYPE_CHECKING:
    from okx_wizard.core.api import Workspace
    from okx_wizard.core.subaccount import KeyInfo, SubAccountApi

AuditFlag = Literal["orphan", "no-ip", "old", "previous-key"]
# Sub-accounts whose keys are listed at once (OKX: 20 requests per 2 s for this read).
LIST_CONCURRENCY = 5


@dataclass(slots=True)
class AuditedKey:
    """One key on OKX and what the audit found about it."""

    info: KeyInfo
    profile: str | None
    age_days: int | None
    flags: list[AuditFlag] = field(default_factory=list)
    deleted: bool = False

    @property
    def orphan(self) -> bool:
        return self.profile is None

    def to_json(self) -> dict[str, Any]:
        return {
            "sub_account": self.info.sub_account,
            "api_key_hint": self.info.hint,
            "profile": self.profile,
            "orphan": self.orphan,
            "permissions": list(self.info.permissions),
            "ip_whitelist": list(self.info.ip_whitelist),
            "age_days": self.age_days,
            "flags": list(self.flags),
            "deleted": self.deleted,
        }


@dataclass(slots=True)
class AuditResult:
    """The whole audit: every key found, and the sub-accounts that could not be listed."""

    keys: list[AuditedKey]
    errors: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> int:
        return sum(1 for key in self.keys if key.flags and not key.deleted)

    def to_json(self) -> dict[str, Any]:
        return {
            "keys": [key.to_json() for key in self.keys],
            "flagged": self.flagged,
            "errors": list(self.errors),
        }


def known_keys(ws: Workspace) -> dict[str, tuple[str, bool]]:
    """Every API key a profile holds: api key → (profile, is it the *previous* key). Blocking."""
    known: dict[str, tuple[str, bool]] = {}
    for meta in ws.profiles():
        store = ws.secrets(meta.storage)
        for slot, previous in (("active", False), ("previous", True), ("pending", False)):
            creds = store.get(meta.name, slot)
            if creds is not None:
                known.setdefault(creds.api_key, (meta.name, previous))
    for name in ws.pending_names():
        pending = ws.pending(name)
        if pending is not None and pending[0] is not None:
            known.setdefault(pending[0].api_key, (name, False))
    return known


def judge(
    info: KeyInfo,
    owner: tuple[str, bool] | None,
    *,
    now: datetime,
    max_age_days: int,
) -> AuditedKey:
    """The flags of one key (pure: no I/O)."""
    age = max(0, (now - info.created_at).days) if info.created_at is not None else None
    key = AuditedKey(info, owner[0] if owner else None, age)
    if owner is None:
        key.flags.append("orphan")
    elif owner[1]:
        key.flags.append("previous-key")
    if "trade" in info.permissions and not info.ip_whitelist:
        key.flags.append("no-ip")
    if age is not None and age > max_age_days:
        key.flags.append("old")
    return key


async def audit(
    ws: Workspace, api: SubAccountApi, *, now: datetime, max_age_days: int
) -> AuditResult:
    """List every sub-account's keys (concurrently) and judge each against the profiles."""
    subs = await api.list_subaccounts()
    known = await asyncio.to_thread(known_keys, ws)
    gate = asyncio.Semaphore(LIST_CONCURRENCY)
    errors: list[str] = []

    async def keys_of(sub: str) -> list[KeyInfo]:
        async with gate:
            try:
                return await api.list_keys(sub)
            except WizardError as exc:
                errors.append(f"sub-account {sub}: {exc.message}")
                return []

    lists = await asyncio.gather(*(keys_of(sub.name) for sub in subs))
    keys = [
        judge(info, known.get(info.api_key), now=now, max_age_days=max_age_days)
        for found in lists
        for info in found
    ]
    return AuditResult(keys, errors)


async def delete_orphans(
    api: SubAccountApi, result: AuditResult, confirm: Callable[[AuditedKey], bool]
) -> None:
    """Delete each orphan that ``confirm`` approves (write calls: paced by ``api``)."""
    for key in result.keys:
        if not key.orphan or not confirm(key):
            continue
        try:
            await api.delete_key(key.info.sub_account, key.info.api_key)
        except WizardError as exc:
            result.errors.append(f"key {key.info.hint}: not deleted: {exc.message}")
            continue
        key.deleted = True
