"""The one facade the CLI, the TUI and bots use: profiles, secrets, verification, rotation.

Screens and commands ask; this module and the ones below it decide. Blocking calls (the keyring)
are marked as such: the TUI runs them in thread workers, the async ones in async workers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from okx_wizard.core.clock import utc_now
from okx_wizard.core.errors import StorageError, UsageError, WizardError
from okx_wizard.core.regions import REGIONS, region
from okx_wizard.core.secret import Credentials, Secret

if TYPE_CHECKING:  # models load with the first check, not with the wizard's first screen
    from okx_wizard.core.metadata import MetadataStore, ProfileMeta
    from okx_wizard.core.models import Endpoint, Intentions, Report
    from okx_wizard.core.secret_store import BackendStatus, SecretStore
    from okx_wizard.core.vault_password import PasswordPrompt

StepCallback = Callable[[str, str, str], None]
DEFAULT_MAX_AGE_DAYS = 90


@dataclass
class Context:
    """How this run talks to OKX and where it keeps things."""

    simulator: bool = False
    hosts: Mapping[str, str] | None = None
    allow_insecure: bool = False
    vault_password: Secret | None = None
    prompt_password: PasswordPrompt | None = None
    timeout: float = 15.0
    max_age_days: int = DEFAULT_MAX_AGE_DAYS


def age_days(since: datetime | None, now: datetime | None = None) -> int | None:
    """Whole days since ``since``; None when unknown."""
    if since is None:
        return None
    delta = (now or utc_now()) - since
    return max(0, delta.days)


class Workspace:
    """One realm's profiles (real or simulator): metadata file plus secret store."""

    def __init__(self, ctx: Context | None = None) -> None:
        self.ctx = ctx if ctx is not None else Context()
        self._meta: MetadataStore | None = None
        self._stores: dict[str, SecretStore] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Workspace({self.ctx!r})"

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

    def commit(
        self,
        name: str,
        creds: Credentials,
        report: Report,
        intentions: Intentions,
        *,
        key_label: str = "",
    ) -> ProfileMeta:
        """Make a verified key current; a replaced key becomes *previous* (blocking).

        Order keeps an interruption safe: the old key is copied to *previous* before the new one
        replaces it, metadata follows, and the pending record goes last, so a re-run resumes.
        """
        from okx_wizard.core.metadata import ProfileMeta

        if not report.ok:
            raise UsageError("only a verified key can be saved")
        existing = self.meta.get(name)
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
            last_check=_last_check(report, now),
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
        import asyncio

        loaded = await asyncio.to_thread(lambda: self._load_for_check(self.require(name), endpoint))
        report = await self._verify_loaded(loaded, on_step=on_step, max_age_days=max_age_days)
        await asyncio.to_thread(self._record_checks, [(loaded, report)])
        return report

    async def check_all(
        self, names: list[str] | None = None, *, max_age_days: int | None = None
    ) -> list[Report]:
        """Check many profiles at once: each sub-account has its own rate limit.

        Every profile's keys are read first (one thread, one keyring session), so all the
        requests go out together; the results are recorded in one metadata write.
        """
        import asyncio

        def load_all() -> list[_Loaded]:
            profiles = self.meta.load()  # one read of the metadata file for every profile
            wanted = names if names is not None else list(profiles)
            return [self._load_for_check(profiles.get(n) or self.require(n), None) for n in wanted]

        from okx_wizard.core.client import new_http_client

        loaded = await asyncio.to_thread(load_all)
        async with new_http_client(self.ctx.timeout) as http:
            reports = await asyncio.gather(
                *(
                    self._verify_loaded(item, max_age_days=max_age_days, http=http)
                    for item in loaded
                )
            )
        await asyncio.to_thread(self._record_checks, list(zip(loaded, reports, strict=True)))
        return list(reports)

    def _load_for_check(self, meta: ProfileMeta, endpoint: Endpoint | None) -> _Loaded:
        """A profile's stored keys, or the storage error that stops its check."""
        name = meta.name
        endpoint = endpoint or self.profile_endpoint(meta)
        try:
            store = self.secrets(meta.storage)
            creds = store.get(name, "active")
            previous = store.get(name, "previous") if meta.previous_key_hint else None
        except WizardError as exc:
            return _Loaded(meta, endpoint, None, None, None, exc)
        if creds is None:
            error = StorageError(
                f"the key of profile {name!r} is missing from the {meta.storage} store; "
                f"run `okx-wizard rotate {name}` to store a new one"
            )
            return _Loaded(meta, endpoint, store, None, None, error)
        return _Loaded(meta, endpoint, store, creds, previous, None)

    async def _verify_loaded(
        self,
        item: _Loaded,
        *,
        on_step: StepCallback | None = None,
        max_age_days: int | None = None,
        http: Any = None,
    ) -> Report:
        meta = item.meta
        if item.creds is None:
            from okx_wizard.core.models import Report

            return Report(
                profile=meta.name,
                endpoint=item.endpoint,
                error=item.error,
                api_key_hint=meta.api_key_hint,
            )
        report = await self.verify(
            meta.name,
            item.creds,
            item.endpoint,
            meta.intentions,
            on_step=on_step,
            previous=item.previous,
            http=http,
        )
        limit = self.ctx.max_age_days if max_age_days is None else max_age_days
        report.key_age_days = age_days(meta.key_since)
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

    def _record_checks(self, results: list[tuple[_Loaded, Report]]) -> None:
        """Keep each check's outcome; erase previous keys that OKX no longer knows."""
        now = utc_now()
        changed = []
        for item, report in results:
            meta = item.meta
            if item.creds is None:
                continue
            if report.previous_key_active is False and meta.previous_key_hint and item.store:
                item.store.delete(meta.name, "previous")
                meta.previous_key_hint = None
                meta.previous_key_label = None
            meta.last_check = _last_check(report, now)
            if report.ok:
                meta.verified_at = now
                if report.account is not None:
                    meta.reported = report.account.to_json()
            changed.append(meta)
        if changed:
            self.meta.save(*changed)

    def remove(self, name: str) -> None:
        """Erase a profile: every stored key and its metadata (blocking)."""
        meta = self.require(name)
        store = self.secrets(meta.storage)
        for slot in ("active", "previous", "pending"):
            store.delete(name, slot)
        self.meta.delete_draft(name)
        self.meta.delete(name)


class _Loaded(NamedTuple):
    """What a check needs, read from the stores before any request goes out."""

    meta: ProfileMeta
    endpoint: Endpoint
    store: SecretStore | None
    creds: Credentials | None
    previous: Credentials | None
    error: WizardError | None


def _last_check(report: Report, at: datetime) -> dict[str, Any]:
    return {
        "at": at.isoformat(timespec="seconds"),
        "ok": report.ok,
        "error_kind": report.error.kind if report.error else "",
        "warnings": [w.code for w in report.warnings],
    }


@dataclass(frozen=True)
class StoredCredentials:
    """A profile's active credentials for a bot, with helpers for ccxt and python-okx."""

    profile: str
    credentials: Credentials
    region: str
    demo: bool
    base_url: str

    def __repr__(self) -> str:
        return (
            f"StoredCredentials(profile={self.profile!r}, api_key={self.credentials.hint!r}, "
            f"region={self.region!r}, demo={self.demo})"
        )

    @property
    def api_key(self) -> str:
        return self.credentials.api_key

    @property
    def secret_key(self) -> Secret:
        return self.credentials.secret_key

    @property
    def passphrase(self) -> Secret:
        return self.credentials.passphrase

    @property
    def hostname(self) -> str:
        return self.base_url.split("://", 1)[-1].split("/", 1)[0]

    def ccxt_config(self) -> dict[str, Any]:
        """Keyword arguments for ``ccxt.okx(...)``; demo keys get OKX's demo-trading header."""
        config: dict[str, Any] = {
            "apiKey": self.api_key,
            "secret": self.secret_key.reveal(),
            "password": self.passphrase.reveal(),
            "hostname": self.hostname,
        }
        if self.demo:
            config["headers"] = {"x-simulated-trading": "1"}
        return config

    def python_okx_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for python-okx API classes, e.g. ``okx.Account.AccountAPI(**kw)``."""
        return {
            "api_key": self.api_key,
            "api_secret_key": self.secret_key.reveal(),
            "passphrase": self.passphrase.reveal(),
            "flag": "1" if self.demo else "0",
            "domain": self.base_url,
            "debug": False,
        }

    def env(self) -> dict[str, str]:
        """The environment variables `okx-wizard env` prints and `exec` sets."""
        values = {
            "OKX_API_KEY": self.api_key,
            "OKX_API_SECRET": self.secret_key.reveal(),
            "OKX_API_PASSPHRASE": self.passphrase.reveal(),
            "OKX_BASE_URL": self.base_url,
            "OKX_SIMULATED_TRADING": "1" if self.demo else "0",
        }
        return values


def stored_credentials(ws: Workspace, name: str) -> StoredCredentials:
    """A profile's active credentials with where they work (blocking)."""
    meta = ws.require(name)
    creds = ws.credentials(name)
    endpoint = ws.profile_endpoint(meta)
    return StoredCredentials(name, creds, meta.region, meta.demo, endpoint.base_url)


def load_credentials(
    profile: str,
    *,
    vault_password: str | None = None,
    simulator: bool = False,
) -> StoredCredentials:
    """The stored credentials of ``profile`` for a bot: no secret in a file or the environment.

    The vault password, when the profile lives in the encrypted vault, comes from the argument
    or ``OKX_WIZARD_VAULT_PASSWORD``. ``simulator`` reads the simulator's separate profiles.
    """
    from okx_wizard.core.validation import validate_profile_name

    name = validate_profile_name(profile)
    ctx = Context(
        simulator=simulator,
        vault_password=Secret(vault_password) if vault_password else None,
    )
    return stored_credentials(Workspace(ctx), name)
