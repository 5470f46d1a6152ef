"""The one facade the CLI, the TUI and bots use: profiles, secrets, verification, rotation.

Screens and commands ask; this module and the ones below it decide. Blocking calls (the keyring)
are marked as such: the TUI runs them in thread workers, the async ones in async workers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from okx_wizard.core.clock import utc_now
from okx_wizard.core.context import DEFAULT_MAX_AGE_DAYS, Context, days_between
from okx_wizard.core.errors import StorageError, UsageError
from okx_wizard.core.regions import REGIONS, region
from okx_wizard.core.secret import Credentials, Secret

if TYPE_CHECKING:  # models load with the first check, not with the wizard's first screen
    from okx_wizard.core.metadata import MetadataStore, ProfileMeta
    from okx_wizard.core.models import Endpoint, Intentions, Report
    from okx_wizard.core.secret_store import BackendStatus, SecretStore
    from okx_wizard.core.stored import StoredCredentials

__all__ = [
    "DEFAULT_MAX_AGE_DAYS",
    "Context",
    "StoredCredentials",
    "Workspace",
    "age_days",
    "load_credentials",
    "stored_credentials",
    "utc_now",
]
StepCallback = Callable[[str, str, str], None]


def age_days(since: datetime | None, now: datetime | None = None) -> int | None:
    """Whole days since ``since``; None when unknown."""
    return days_between(since, now or utc_now())


def __getattr__(name: str) -> Any:
    """``StoredCredentials`` loads with the bot API, not with the wizard's first screen."""
    if name == "StoredCredentials":
        from okx_wizard.core.stored import StoredCredentials

        return StoredCredentials
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Workspace:
    """One realm's profiles (real or simulator): metadata file plus secret store."""

    def __init__(self, ctx: Context | None = None) -> None:
        self.ctx = ctx if ctx is not None else Context()
        self._meta: MetadataStore | None = None
        self._stores: dict[str, SecretStore] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Workspace({self.ctx!r})"

    def now(self) -> datetime:
        """The core's clock (:func:`utc_now`)."""
        return utc_now()

    # -- metadata -----------------------------------------------------------------------------
    @property
    def meta(self) -> MetadataStore:
        if self._meta is None:
            from okx_wizard.core.metadata import MetadataStore

            self._meta = MetadataStore(simulator=self.ctx.simulator)
        return self._meta

    def profiles(self) -> list[ProfileMeta]:
        """Every stored profile, sorted by name."""
        return list(self.meta.load().values())  # load() reads the file once, sorted

    def profile(self, name: str) -> ProfileMeta | None:
        return self.meta.get(name)

    def require(self, name: str) -> ProfileMeta:
        """The profile called ``name``, or a usage error that lists the ones there are."""
        meta = self.meta.get(name)
        if meta is None:
            names = ", ".join(sorted(self.meta.load())) or "none yet"
            realm = " simulator" if self.ctx.simulator else ""
            raise UsageError(f"no{realm} profile named {name!r} (profiles: {names})")
        return meta

    def endpoint(self, region_code: str, demo: bool, base_url: str | None = None) -> Endpoint:
        """Where requests for this region and environment go."""
        from okx_wizard.core.models import Endpoint

        region(region_code)
        if base_url:
            return Endpoint(region_code, demo, base_url.rstrip("/"), explicit_base_url=True)
        if self.ctx.hosts is not None:
            return Endpoint(region_code, demo, self.ctx.hosts[region_code])
        return Endpoint(region_code, demo, REGIONS[region_code].rest_url)

    def profile_endpoint(self, meta: ProfileMeta) -> Endpoint:
        base = None if self.ctx.simulator else meta.base_url
        return self.endpoint(meta.region, meta.demo, base)

    def warm_up(self) -> None:
        """Get ready to talk to OKX (blocking; call it from a thread ahead of a check).

        Starts what the hosts need (the simulator starts on first use), loads the HTTP client
        and builds the TLS context, so the first check pays only for the network.
        """
        if self.ctx.hosts is not None:
            len(self.ctx.hosts)
        from okx_wizard.core.client import new_http_client

        new_http_client(self.ctx.timeout)

    # -- secrets ------------------------------------------------------------------------------
    def backend_status(self) -> BackendStatus:
        """Which system keyring there is and whether it is secure (blocking)."""
        from okx_wizard.core.secret_store import detect_backend

        return detect_backend()

    def secrets(self, kind: str | None = None) -> SecretStore:
        """The store of ``kind`` ("keyring", "vault", "plaintext"; None: the best there is)."""
        key = kind or "auto"
        with self._lock:  # check --all asks from many threads: open (and unlock) once
            store = self._stores.get(key)
            if store is None:
                from okx_wizard.core.secret_store import open_secret_store

                store = open_secret_store(
                    kind,
                    simulator=self.ctx.simulator,
                    allow_insecure=self.ctx.allow_insecure,
                    vault_password=self.ctx.vault_password,
                    prompt_password=self.ctx.prompt_password,
                )
                self._stores[key] = store
                self._stores[store.kind] = store
        return store

    def _store_for(self, name: str) -> SecretStore:
        meta = self.meta.get(name)
        if meta is not None:
            return self.secrets(meta.storage)
        draft = self.meta.get_draft(name) or {}
        kind = draft.get("_storage")
        return self.secrets(kind if isinstance(kind, str) else None)

    def credentials(self, name: str, slot: str = "active") -> Credentials:
        """The stored credentials of a profile (blocking)."""
        meta = self.require(name)
        creds = self.secrets(meta.storage).get(name, slot)
        if creds is None:
            raise StorageError(
                f"the {slot} key of profile {name!r} is missing from the {meta.storage} store; "
                f"run `okx-wizard rotate {name}` to store a new one"
            )
        return creds

    # -- pending (captured, not yet verified and saved) ---------------------------------------
    def save_pending(self, name: str, creds: Credentials, draft: dict[str, Any]) -> None:
        """Keep captured credentials safe before anything else can fail (blocking)."""
        store = self._store_for(name)
        store.set(name, "pending", creds)
        self.meta.save_draft(name, {**draft, "_storage": store.kind, "_has_pending": True})

    def save_draft(self, name: str, draft: dict[str, Any]) -> None:
        """Keep the wizard's answers (no secrets) so a re-run can resume."""
        old = self.meta.get_draft(name) or {}
        keep = {k: v for k, v in old.items() if k.startswith("_")}
        self.meta.save_draft(name, {**draft, **keep})

    def pending(self, name: str) -> tuple[Credentials | None, dict[str, Any]] | None:
        """The draft of an unfinished setup and its captured credentials, if any (blocking)."""
        draft = self.meta.get_draft(name)
        if draft is None:
            return None
        creds = None
        if draft.get("_has_pending"):
            creds = self._store_for(name).get(name, "pending")
        clean = {k: v for k, v in draft.items() if not k.startswith("_")}
        return creds, clean

    def pending_names(self) -> list[str]:
        return self.meta.draft_names()

    def discard_pending(self, name: str) -> None:
        """Forget an unfinished setup: its draft and captured credentials (blocking)."""
        draft = self.meta.get_draft(name)
        if draft is not None and draft.get("_has_pending"):
            self._store_for(name).delete(name, "pending")
        self.meta.delete_draft(name)

    # -- verification -------------------------------------------------------------------------
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
    ) -> Report:
        """Prove the key works and does what was intended. Never raises for expected failures.

        ``http``: a connection pool shared by a batch of checks (``check_all``).
        """
        from okx_wizard.core.verify import verify_key

        return await verify_key(
            creds,
            endpoint,
            intentions,
            profile=name,
            auto_detect=not endpoint.explicit_base_url,
            timeout=self.ctx.timeout,
            on_step=on_step,
            previous=previous,
            hosts=self.ctx.hosts,
            http=http,
        )

    @contextmanager
    def commit_lock(self) -> Iterator[None]:
        """Hold the realm's commit lock: an existence check and the save it allows are one step.

        Another process that holds it (a concurrent ``login`` of the same new profile) makes this
        one wait, then see the profile it created.
        """
        from okx_wizard.core.fsutil import ensure_private_dir, file_lock

        path = self.meta.path
        ensure_private_dir(path.parent)
        with file_lock(path.with_name(path.name + ".commit.lock")):
            yield

    def commit(
        self,
        name: str,
        creds: Credentials,
        report: Report,
        intentions: Intentions,
        *,
        key_label: str = "",
        new: bool = False,
    ) -> ProfileMeta:
        """Make a verified key current; a replaced key becomes *previous* (blocking).

        Order keeps an interruption safe: the old key is copied to *previous* before the new one
        replaces it, metadata follows, and the pending record goes last, so a re-run resumes.
        """
        if not report.ok:
            raise UsageError("only a verified key can be saved")
        from okx_wizard.core.admin import refuse_admin_key

        refuse_admin_key(self, creds)  # a profile's key is handed to bots; the admin key never
        with self.commit_lock():
            existing = self.meta.get(name)
            if new and existing is not None:
                raise UsageError(
                    f"profile {name!r} exists: it was created while this key was being "
                    "verified; pass --replace to rotate its key"
                )
            return self._commit(name, creds, report, intentions, existing, key_label)

    def _commit(
        self,
        name: str,
        creds: Credentials,
        report: Report,
        intentions: Intentions,
        existing: ProfileMeta | None,
        key_label: str,
    ) -> ProfileMeta:
        from okx_wizard.core.checking import last_check
        from okx_wizard.core.metadata import ProfileMeta

        store = self.secrets(existing.storage) if existing else self._store_for(name)
        now = utc_now()
        previous_hint = previous_label = None
        if existing is not None:
            old = store.get(name, "active")
            if old is not None and old.api_key != creds.api_key:
                store.set(name, "previous", old)
                previous_hint = old.hint
                previous_label = existing.key_label
        store.set(name, "active", creds)
        account = report.account
        meta = ProfileMeta(
            name=name,
            region=report.endpoint.region,
            demo=report.endpoint.demo,
            base_url=report.endpoint.base_url if report.endpoint.explicit_base_url else None,
            simulator=self.ctx.simulator,
            intentions=intentions,
            storage=store.kind,
            api_key_hint=creds.hint,
            key_label=(account.label if account else "") or key_label,
            created_at=existing.created_at if existing is not None else now,
            rotated_at=now if existing is not None else None,
            verified_at=now,
            last_check=last_check(report, now),
            reported=account.to_json() if account else None,
            previous_key_hint=previous_hint or (existing.previous_key_hint if existing else None),
            previous_key_label=previous_label
            or (existing.previous_key_label if existing else None),
        )
        self.meta.save(meta)
        draft = self.meta.get_draft(name)
        if draft is not None and draft.get("_has_pending"):
            store.delete(name, "pending")
        self.meta.delete_draft(name)
        return meta

    async def check(
        self,
        name: str,
        *,
        on_step: StepCallback | None = None,
        max_age_days: int | None = None,
        endpoint: Endpoint | None = None,
    ) -> Report:
        """Verify a stored profile's key, its previous key, its age and its storage."""
        from okx_wizard.core.checking import check_profile

        return await check_profile(
            self, name, on_step=on_step, max_age_days=max_age_days, endpoint=endpoint
        )

    async def check_all(
        self, names: list[str] | None = None, *, max_age_days: int | None = None
    ) -> list[Report]:
        """Check many profiles at once: each sub-account has its own rate limit."""
        from okx_wizard.core.checking import check_profiles

        return await check_profiles(self, names, max_age_days=max_age_days)

    def remove(self, name: str) -> None:
        """Erase a profile: every stored key and its metadata (blocking)."""
        meta = self.require(name)
        store = self.secrets(meta.storage)
        for slot in ("active", "previous", "pending"):
            store.delete(name, slot)
        self.meta.delete_draft(name)
        self.meta.delete(name)


def stored_credentials(ws: Workspace, name: str) -> StoredCredentials:
    """A profile's active credentials with where they work (blocking)."""
    from okx_wizard.core.stored import StoredCredentials

    meta = ws.require(name)
    creds = ws.credentials(name)
    endpoint = ws.profile_endpoint(meta)
    return StoredCredentials(name, creds, meta.region, meta.demo, endpoint.base_url)


def load_credentials(
    profile: str,
    *,
    vault_password: str | None = None,
    simulator: bool = False,
    hosts: Mapping[str, str] | None = None,
) -> StoredCredentials:
    """The stored credentials of ``profile`` for a bot: no secret in a file or the environment.

    The vault password, when the profile lives in the encrypted vault, comes from the argument
    or ``OKX_WIZARD_VAULT_PASSWORD``. ``simulator`` reads the simulator's separate profiles; their
    URLs come from ``hosts`` (region -> URL, e.g. ``Simulator.urls``) or, in a bot started by
    ``okx-wizard --simulator exec``, from the environment that command sets.
    """
    from okx_wizard.core.validation import validate_profile_name

    name = validate_profile_name(profile)
    if simulator and hosts is None:
        hosts = _simulator_hosts()
    ctx = Context(
        simulator=simulator,
        hosts=hosts,
        vault_password=Secret(vault_password) if vault_password else None,
    )
    return stored_credentials(Workspace(ctx), name)


def _simulator_hosts() -> dict[str, str]:
    """The running simulator's URLs that `okx-wizard --simulator exec` handed to this process."""
    import json
    import os

    from okx_wizard.core.stored import SIMULATOR_URLS_ENV

    raw = os.environ.get(SIMULATOR_URLS_ENV, "")
    try:
        urls = json.loads(raw) if raw else None
    except ValueError:
        urls = None
    if not isinstance(urls, dict) or not all(isinstance(v, str) for v in urls.values()):
        raise UsageError(
            "no simulator is running for this process: start the bot with "
            "`okx-wizard --simulator exec PROFILE -- COMMAND`, or pass hosts=Simulator.urls"
        )
    return urls
