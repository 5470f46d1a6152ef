"""Profile metadata: everything about a profile except its secrets, in one TOML file.

The file (``profiles.toml`` under the platform config dir, ``simulator-profiles.toml`` for the
built-in simulator so its profiles never mix with real ones) holds the region, environment,
what the user intended, what OKX reported, times and a key hint such as ``8a0f…9d21``. It never
holds a secret: those live in the secure store (:mod:`okx_wizard.core.secret_store`).

The file is meant to survive humans: it is plain TOML with a schema version, written
atomically with mode 0600 under a lock so two processes cannot lose each other's updates, and
a file that a person broke by hand is never overwritten. It is copied aside once and every
command says which file and which line to fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from okx_wizard.core.clock import utc_now
from okx_wizard.core.errors import StorageError
from okx_wizard.core.fsutil import atomic_write, ensure_private_dir, file_lock
from okx_wizard.core.regions import REGION_CODES

if TYPE_CHECKING:  # loaded when a profile is read, not when there is none (a first run)
    from okx_wizard.core.models import Intentions, UseCase

SCHEMA_VERSION = 1
APP_NAME = "okx-wizard"

StorageKind = Literal["keyring", "vault", "plaintext"]
STORAGE_KINDS: tuple[str, ...] = get_args(StorageKind)


def default_metadata_path(*, simulator: bool = False) -> Path:
    """``profiles.toml`` (or ``simulator-profiles.toml``) in the platform's config dir."""
    import platformdirs

    name = "simulator-profiles.toml" if simulator else "profiles.toml"
    return Path(platformdirs.user_config_dir(APP_NAME)) / name


def _as_utc(value: datetime) -> datetime:
    """A naive datetime is taken as UTC; an aware one is converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _intentions() -> Intentions:
    from okx_wizard.core.models import Intentions

    return Intentions()


@dataclass(slots=True)
class ProfileMeta:
    """One profile's non-secret facts; ``extra`` keeps keys this version does not know."""

    name: str
    region: str = "global"
    demo: bool = False
    base_url: str | None = None
    simulator: bool = False
    intentions: Intentions = field(default_factory=_intentions)
    storage: StorageKind = "keyring"
    api_key_hint: str = ""
    key_label: str = ""
    created_at: datetime = field(default_factory=utc_now)
    rotated_at: datetime | None = None
    verified_at: datetime | None = None
    last_check: dict[str, Any] | None = None
    reported: dict[str, Any] | None = None
    previous_key_hint: str | None = None
    previous_key_label: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.created_at = _as_utc(self.created_at)
        if self.rotated_at is not None:
            self.rotated_at = _as_utc(self.rotated_at)
        if self.verified_at is not None:
            self.verified_at = _as_utc(self.verified_at)

    @property
    def key_since(self) -> datetime:
        """When the current key was put in place: the last rotation, else creation."""
        return self.rotated_at or self.created_at

    def to_toml(self) -> dict[str, Any]:
        """The profile's TOML table (without its name, which is the table's key)."""
        table: dict[str, Any] = dict(self.extra)
        table.update(
            {
                "region": self.region,
                "demo": self.demo,
                "base_url": self.base_url,
                "simulator": self.simulator,
                "storage": self.storage,
                "api_key_hint": self.api_key_hint,
                "key_label": self.key_label,
                "created_at": self.created_at,
                "rotated_at": self.rotated_at,
                "verified_at": self.verified_at,
                "previous_key_hint": self.previous_key_hint,
                "previous_key_label": self.previous_key_label,
                "intentions": self.intentions.to_dict(),
                "last_check": self.last_check,
                "reported": self.reported,
            }
        )
        return cast(dict[str, Any], _tomlable(table, f"profiles.{self.name}"))

    @classmethod
    def from_toml(cls, name: str, table: Mapping[str, Any]) -> ProfileMeta:
        """Build a profile from its TOML table; raises :class:`SchemaError` on a wrong type."""
        read = _TableReader(table, f"profiles.{name}")
        region = read.string("region", "global")
        if region not in REGION_CODES:
            raise SchemaError(read.where("region"), f"one of {', '.join(REGION_CODES)}")
        storage = read.string("storage", "keyring")
        if storage not in STORAGE_KINDS:
            raise SchemaError(read.where("storage"), f"one of {', '.join(STORAGE_KINDS)}")
        last_check = read.table("last_check")
        if last_check is not None:
            last_check = _normalise_last_check(last_check, read.where("last_check"))
        return cls(
            name=name,
            region=region,
            demo=read.boolean("demo", False),
            base_url=read.optional_string("base_url"),
            simulator=read.boolean("simulator", False),
            intentions=_read_intentions(read.table("intentions"), read.where("intentions")),
            storage=cast(StorageKind, storage),
            api_key_hint=read.string("api_key_hint", ""),
            key_label=read.string("key_label", ""),
            created_at=read.timestamp("created_at") or utc_now(),
            rotated_at=read.timestamp("rotated_at"),
            verified_at=read.timestamp("verified_at"),
            last_check=last_check,
            reported=read.table("reported"),
            previous_key_hint=read.optional_string("previous_key_hint"),
            previous_key_label=read.optional_string("previous_key_label"),
            extra={k: v for k, v in table.items() if k not in _PROFILE_KEYS},
        )


_PROFILE_KEYS = frozenset(ProfileMeta.__dataclass_fields__) - {"name", "extra"}


class SchemaError(ValueError):
    """A value in the file has the wrong type: ``where`` is its dotted key path."""

    def __init__(self, where: str, expected: str) -> None:
        super().__init__(f"{where} should be {expected}")
        self.where = where
        self.expected = expected


class _TableReader:
    """Typed access to one TOML table, with errors that name the key (never the value)."""

    def __init__(self, table: Mapping[str, Any], prefix: str) -> None:
        self._table = table
        self._prefix = prefix

    def where(self, key: str) -> str:
        return f"{self._prefix}.{key}"

    def string(self, key: str, default: str) -> str:
        value = self._table.get(key, default)
        if not isinstance(value, str):
            raise SchemaError(self.where(key), "a string")
        return value

    def optional_string(self, key: str) -> str | None:
        value = self._table.get(key)
        if value is not None and not isinstance(value, str):
            raise SchemaError(self.where(key), "a string")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self._table.get(key, default)
        if not isinstance(value, bool):
            raise SchemaError(self.where(key), "true or false")
        return value

    def timestamp(self, key: str) -> datetime | None:
        value = self._table.get(key)
        if value is None:
            return None
        parsed = _parse_datetime(value)
        if parsed is None:
            raise SchemaError(self.where(key), "a date and time such as 2025-01-31T12:00:00Z")
        return parsed

    def table(self, key: str) -> dict[str, Any] | None:
        value = self._table.get(key)
        if value is not None and not isinstance(value, dict):
            raise SchemaError(self.where(key), "a table")
        return value


def _parse_datetime(value: object) -> datetime | None:
    """A TOML datetime or an ISO 8601 string, as UTC-aware; ``None`` if it is neither."""
    if isinstance(value, datetime):
        return _as_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            return _as_utc(datetime.fromisoformat(value.strip()))
        except ValueError:
            return None
    return None


def _read_intentions(table: Mapping[str, Any] | None, where: str) -> Intentions:
    """Intentions from their table, type-checked field by field; unknown keys are ignored."""
    from okx_wizard.core.models import Intentions

    if table is None:
        return Intentions()
    read = _TableReader(table, where)
    defaults = Intentions()
    use_case = read.string("use_case", defaults.use_case)
    if use_case not in ("read_only", "trading"):
        raise SchemaError(read.where("use_case"), '"read_only" or "trading"')
    ips = table.get("ip_whitelist", [])
    if not isinstance(ips, list) or not all(isinstance(ip, str) for ip in ips):
        raise SchemaError(read.where("ip_whitelist"), "a list of strings")
    return Intentions(
        use_case=cast("UseCase", use_case),
        sub_account=read.boolean("sub_account", defaults.sub_account),
        sub_account_name=read.string("sub_account_name", defaults.sub_account_name),
        account_type=read.string("account_type", defaults.account_type),
        acct_lv=read.string("acct_lv", defaults.acct_lv),
        position_mode=read.string("position_mode", defaults.position_mode),
        ip_whitelist=list(ips),
        allow_withdraw=read.boolean("allow_withdraw", defaults.allow_withdraw),
    )


def _normalise_last_check(table: dict[str, Any], where: str) -> dict[str, Any]:
    """``{"at", "ok", "error_kind", "warnings"}`` with ``at`` as a UTC datetime."""
    result = dict(table)
    if result.get("at") is not None:
        at = _parse_datetime(result["at"])
        if at is None:
            raise SchemaError(f"{where}.at", "a date and time")
        result["at"] = at
    else:
        result["at"] = None
    if not isinstance(result.get("ok", False), bool):
        raise SchemaError(f"{where}.ok", "true or false")
    result.setdefault("ok", False)
    result.setdefault("error_kind", None)
    warnings = result.setdefault("warnings", [])
    if not isinstance(warnings, list):
        raise SchemaError(f"{where}.warnings", "a list")
    return result


def _tomlable(value: Any, where: str) -> Any:
    """``value`` made storable in TOML: ``None`` dropped, tuples as lists, datetimes in UTC.

    TOML has no null, so a key whose value is ``None`` is simply omitted (and reads back as
    ``None`` or the field's default). Anything TOML cannot hold is a programming error.
    """
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: TOML keys are strings, got {type(key).__name__}")
            if item is not None:
                out[key] = _tomlable(item, f"{where}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_tomlable(item, f"{where}[]") for item in value if item is not None]
    if isinstance(value, datetime):
        return _as_utc(value)
    if isinstance(value, bool | int | float | str | date):
        return value
    raise TypeError(f"{where}: a {type(value).__name__} cannot be stored in TOML")


_LINE_RE = re.compile(r"\(at line (\d+), column (\d+)\)")


class MetadataStore:
    """The profiles file: read, and changed by locked read-modify-write cycles.

    Every read goes to the file (another process may have changed it); every change takes
    the sibling ``.lock`` file, re-reads, applies the change and replaces the file atomically.
    """

    def __init__(self, path: Path | None = None, *, simulator: bool = False) -> None:
        self.simulator = simulator
        self.path = Path(path) if path is not None else default_metadata_path(simulator=simulator)

    def __repr__(self) -> str:
        return f"MetadataStore({str(self.path)!r}, simulator={self.simulator})"

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    # -- reading ------------------------------------------------------------------------------

    def load(self) -> dict[str, ProfileMeta]:
        """All profiles by name, sorted; an absent file means no profiles."""
        _, profiles = self._read()
        return dict(sorted(profiles.items()))

    def get(self, name: str) -> ProfileMeta | None:
        """The profile called ``name``, or ``None``."""
        return self.load().get(name)

    def get_draft(self, name: str) -> dict[str, Any] | None:
        """The saved wizard state for ``name`` (no secrets in it), or ``None``."""
        document, _ = self._read()
        draft = document.get("drafts", {}).get(name)
        return dict(draft) if draft is not None else None

    def drafts(self) -> dict[str, dict[str, Any]]:
        """Every saved wizard state by profile name, for a "resume?" question."""
        document, _ = self._read()
        return {name: dict(draft) for name, draft in sorted(document.get("drafts", {}).items())}

    def draft_names(self) -> list[str]:
        """The names of profiles with a saved wizard state, sorted."""
        return list(self.drafts())

    # -- changing -----------------------------------------------------------------------------

    def save(self, *metas: ProfileMeta) -> None:
        """Add or replace profiles in one write; other profiles and unknown keys are kept."""
        for meta in metas:
            if meta.simulator != self.simulator:
                realm = "simulator" if self.simulator else "real"
                raise ValueError(
                    f"profile {meta.name!r} does not belong in the {realm} profiles file"
                )
        tables = {meta.name: meta.to_toml() for meta in metas}
        self._change(lambda doc: doc.setdefault("profiles", {}).update(tables))

    def delete(self, name: str) -> bool:
        """Remove the profile ``name``; ``True`` if it existed. Its draft is left alone."""
        return self._change(lambda doc: doc.get("profiles", {}).pop(name, None) is not None)

    def save_draft(self, name: str, data: Mapping[str, Any]) -> None:
        """Keep the wizard state for ``name`` so a later run can resume it.

        ``data`` holds TOML-compatible values (str, int, float, bool, datetime, lists and
        tables of them); keys whose value is ``None`` are not stored. Never put a secret in it.
        """
        table = _tomlable(data, f"drafts.{name}")
        self._change(lambda doc: doc.setdefault("drafts", {}).__setitem__(name, table))

    def delete_draft(self, name: str) -> bool:
        """Forget the wizard state for ``name``; ``True`` if there was one."""
        return self._change(lambda doc: doc.get("drafts", {}).pop(name, None) is not None)

    # -- internals ----------------------------------------------------------------------------

    def _change(self, apply: Callable[[dict[str, Any]], object]) -> bool:
        """Locked read-modify-write: re-read, ``apply(document)``, write atomically."""
        ensure_private_dir(self.path.parent)
        with file_lock(self.lock_path):
            document, _ = self._read()
            result = bool(apply(document))
            document["version"] = SCHEMA_VERSION
            ordered = {"version": SCHEMA_VERSION}
            ordered.update({k: v for k, v in document.items() if k != "version"})
            import tomli_w

            atomic_write(self.path, tomli_w.dumps(ordered).encode("utf-8"))
            return result

    def _read(self) -> tuple[dict[str, Any], dict[str, ProfileMeta]]:
        """The raw document and the validated profiles; a damaged file raises StorageError."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {"version": SCHEMA_VERSION}, {}
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise StorageError(
                f"Cannot read the profile file {self.path}: {reason}. "
                "Check its owner and permissions (it should be yours, mode 600)."
            ) from None
        import tomllib  # here: a first run (no file yet) does not load the TOML parser

        try:
            document = tomllib.loads(raw.decode("utf-8-sig"))  # an editor's BOM is fine
        except UnicodeDecodeError:
            raise self._broken(raw, "it is not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            found = _LINE_RE.search(message)
            detail = _LINE_RE.sub("", message).strip().rstrip(".")
            if found:
                detail = f"line {found.group(1)}, column {found.group(2)}: {detail}"
            raise self._broken(raw, f"TOML syntax error at {detail}") from None
        version = document.get("version", SCHEMA_VERSION)
        if not isinstance(version, int) or isinstance(version, bool):
            raise self._broken(raw, "version should be a whole number")
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"The profile file {self.path} was written by a newer okx-wizard (schema "
                f"version {version}; this one knows {SCHEMA_VERSION}). Upgrade okx-wizard; "
                "the file was left unchanged."
            )
        from okx_wizard.core.validation import check_profile_name

        profiles: dict[str, ProfileMeta] = {}
        try:
            for section in ("profiles", "drafts"):
                tables = document.get(section, {})
                if not isinstance(tables, dict):
                    raise SchemaError(section, "a table")
                for name, table in tables.items():
                    if check_profile_name(name).blocking:
                        import json

                        # json.dumps: the name as TOML writes it, control characters escaped.
                        raise SchemaError(
                            f"{section}.{json.dumps(name)}",
                            "named with 1–64 letters, digits, '.', '_' or '-'",
                        )
                    if not isinstance(table, dict):
                        raise SchemaError(f"{section}.{name}", "a table")
            for name, table in document.get("profiles", {}).items():
                profiles[name] = ProfileMeta.from_toml(name, table)
        except SchemaError as exc:
            raise self._broken(raw, str(exc)) from None
        return document, profiles

    def _broken(self, raw: bytes, detail: str) -> StorageError:
        """Copy the damaged file aside (once) and build the error that explains what to do."""
        backup = self._backup(raw)
        saved = f"A copy was saved as {backup}. " if backup else ""
        return StorageError(
            f"The profile file {self.path} is damaged ({detail}). {saved}"
            "okx-wizard will not change it until it is fixed: correct it by hand, "
            "or move it away to start with no profiles."
        )

    def _backup(self, raw: bytes) -> Path | None:
        """``profiles.toml.broken-YYYYmmddTHHMMSS`` unless a copy with these bytes exists."""
        prefix = self.path.name + ".broken-"
        try:
            for existing in self.path.parent.glob(prefix + "*"):
                if existing.is_file() and existing.read_bytes() == raw:
                    return existing
            stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
            candidate = self.path.with_name(prefix + stamp)
            counter = 1
            while candidate.exists():
                candidate = self.path.with_name(f"{prefix}{stamp}-{counter}")
                counter += 1
            atomic_write(candidate, raw)
        except OSError:
            return None
        return candidate
