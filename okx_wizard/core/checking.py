"""Checking stored profiles: read their keys, verify them together, record what was found.

``Workspace.check`` and ``Workspace.check_all`` are the entry points; this module holds how a
check of stored keys works (keys read before any request, one pool, one metadata write).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from okx_wizard.core.context import days_between
from okx_wizard.core.errors import StorageError, WizardError

if TYPE_CHECKING:
    from collections.abc import Callable

    from okx_wizard.core.context import Context
    from okx_wizard.core.metadata import MetadataStore, ProfileMeta
    from okx_wizard.core.models import Endpoint, Intentions, Report
    from okx_wizard.core.secret import Credentials
    from okx_wizard.core.secret_store import SecretStore

    StepCallback = Callable[[str, str, str], None]


class Workspace(Protocol):
    """What checking needs of ``core.api.Workspace`` (named here, so neither imports the other)."""

    ctx: Context

    @property
    def meta(self) -> MetadataStore: ...

    def now(self) -> datetime: ...

    def require(self, name: str) -> ProfileMeta: ...

    def profile_endpoint(self, meta: ProfileMeta) -> Endpoint: ...

    def secrets(self, kind: str | None = None) -> SecretStore: ...

    async def verify(
        self,
        name: str,
        creds: Credentials,
        endpoint: Endpoint,
        intentions: Intentions,
        *,
        on_step: StepCallback | None = None,
        previous: Credentials | None = None,
        http: Any = None,
    ) -> Report: ...


class Loaded(NamedTuple):
    """What a check needs, read from the stores before any request goes out."""

    meta: ProfileMeta
    endpoint: Endpoint
    store: SecretStore | None
    creds: Credentials | None
    previous: Credentials | None
    error: WizardError | None


def last_check(report: Report, at: datetime) -> dict[str, Any]:
    """The summary of a check kept in the profile's metadata."""
    return {
        "at": at.isoformat(timespec="seconds"),
        "ok": report.ok,
        "error_kind": report.error.kind if report.error else "",
        "warnings": [w.code for w in report.warnings],
    }


async def check_profile(
    ws: Workspace,
    name: str,
    *,
    on_step: StepCallback | None = None,
    max_age_days: int | None = None,
    endpoint: Endpoint | None = None,
) -> Report:
    """Verify a stored profile's key, its previous key, its age and its storage."""
    import asyncio

    loaded = await asyncio.to_thread(lambda: load_for_check(ws, ws.require(name), endpoint))
    report = await verify_loaded(ws, loaded, on_step=on_step, max_age_days=max_age_days)
    await asyncio.to_thread(record_checks, ws, [(loaded, report)])
    return report


async def check_profiles(
    ws: Workspace, names: list[str] | None = None, *, max_age_days: int | None = None
) -> list[Report]:
    """Check many profiles at once: each sub-account has its own rate limit.

    Every profile's keys are read first (one thread, one keyring session), so all the
    requests go out together; the results are recorded in one metadata write.
    """
    import asyncio

    def load_all() -> list[Loaded]:
        profiles = ws.meta.load()  # one read of the metadata file for every profile
        wanted = names if names is not None else list(profiles)
        return [load_for_check(ws, profiles.get(n) or ws.require(n), None) for n in wanted]

    from okx_wizard.core.client import new_http_client

    loaded = await asyncio.to_thread(load_all)
    async with new_http_client(ws.ctx.timeout) as http:
        reports = await asyncio.gather(
            *(verify_loaded(ws, item, max_age_days=max_age_days, http=http) for item in loaded)
        )
    await asyncio.to_thread(record_checks, ws, list(zip(loaded, reports, strict=True)))
    return list(reports)


def load_for_check(ws: Workspace, meta: ProfileMeta, endpoint: Endpoint | None) -> Loaded:
    """A profile's stored keys, or the storage error that stops its check."""
    name = meta.name
    endpoint = endpoint or ws.profile_endpoint(meta)
    try:
        store = ws.secrets(meta.storage)
        creds = store.get(name, "active")
        previous = store.get(name, "previous") if meta.previous_key_hint else None
    except WizardError as exc:
        return Loaded(meta, endpoint, None, None, None, exc)
    if creds is None:
        error = StorageError(
            f"the key of profile {name!r} is missing from the {meta.storage} store",
            f"run `okx-wizard rotate {name}` to store a new one",
        )
        return Loaded(meta, endpoint, store, None, None, error)
    return Loaded(meta, endpoint, store, creds, previous, None)


async def verify_loaded(
    ws: Workspace,
    item: Loaded,
    *,
    on_step: StepCallback | None = None,
    max_age_days: int | None = None,
    http: Any = None,
) -> Report:
    """Verify one loaded profile and add the key-age and storage warnings."""
    meta = item.meta
    if item.creds is None:
        from okx_wizard.core.models import Report

        return Report(
            profile=meta.name,
            endpoint=item.endpoint,
            error=item.error,
            api_key_hint=meta.api_key_hint,
        )
    report = await ws.verify(
        meta.name,
        item.creds,
        item.endpoint,
        meta.intentions,
        on_step=on_step,
        previous=item.previous,
        http=http,
    )
    limit = ws.ctx.max_age_days if max_age_days is None else max_age_days
    report.key_age_days = days_between(meta.key_since, ws.now())
    if report.key_age_days is not None and report.key_age_days > limit:
        report.warn(
            "key-age",
            f"This key is {report.key_age_days} days old (limit {limit}). "
            f"Rotate it: okx-wizard rotate {meta.name}",
        )
    if meta.storage == "plaintext":
        report.warn(
            "insecure-storage",
            "The secrets of this profile are in a plaintext file. Move them to the system "
            "keyring or the encrypted vault: okx-wizard rotate " + meta.name,
        )
    return report


def record_checks(ws: Workspace, results: list[tuple[Loaded, Report]]) -> None:
    """Keep each check's outcome; erase previous keys that OKX no longer knows."""
    now = ws.now()
    changed = []
    for item, report in results:
        meta = item.meta
        if item.creds is None:
            continue
        if report.previous_key_active is False and meta.previous_key_hint and item.store:
            item.store.delete(meta.name, "previous")
            meta.previous_key_hint = None
            meta.previous_key_label = None
        meta.last_check = last_check(report, now)
        if report.ok:
            meta.verified_at = now
            if report.account is not None:
                meta.reported = report.account.to_json()
        changed.append(meta)
    if changed:
        ws.meta.save(*changed)
