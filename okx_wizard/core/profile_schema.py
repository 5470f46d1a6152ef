"""The profile file's schema: one profile's non-secret facts, read strictly, written plainly.

Values read from ``profiles.toml`` are data from a file a person (or another program) may have
edited: every value is type-checked, the base URL must pass :func:`check_base_url` (https, or
http only to this machine), strings lose control characters and line breaks (they would reach
a terminal), and ``allow_withdraw`` is never read back: consent to a Withdraw key is given per
command (``--allow-withdraw`` or the wizard's typed confirmation), never by a line in a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from okx_wizard.core.clock import utc_now
from okx_wizard.core.regions import REGION_CODES
from okx_wizard.core.text import map_strings, strip_unsafe

if TYPE_CHECKING:  # loaded when a profile is read, not when there is none (a first run)
    from okx_wizard.core.models import Intentions, UseCase

StorageKind = Literal["keyring", "vault", "plaintext"]
STORAGE_KINDS: tuple[str, ...] = get_args(StorageKind)


def clean_text(text: str) -> str:
    """``text`` without control characters, line breaks or bidi overrides (they would move
    the cursor, clear or recolour a terminal, or forge a line of output): the one cleaner's
    set, :data:`okx_wizard.core.text.UNSAFE`."""
    return strip_unsafe(text)


def clean_value(value: Any) -> Any:
    """A value read from the file with every string in it (keys too) passed through
    :func:`clean_text`; tables and arrays are cleaned all the way down."""
    return map_strings(value, clean_text)


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
        # Consent to Withdraw is per command, never kept: see the module docs.
        table["intentions"].pop("allow_withdraw", None)
        return cast(dict[str, Any], tomlable(table, f"profiles.{self.name}"))

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
            base_url=_read_base_url(read),
            simulator=read.boolean("simulator", False),
            intentions=_read_intentions(read.table("intentions"), read.where("intentions")),
            storage=cast(StorageKind, storage),
            api_key_hint=read.string("api_key_hint", ""),
            key_label=read.string("key_label", ""),
            created_at=read.timestamp("created_at") or utc_now(),
            rotated_at=read.timestamp("rotated_at"),
            verified_at=read.timestamp("verified_at"),
            last_check=last_check,
            reported=clean_value(read.table("reported")),
            previous_key_hint=read.optional_string("previous_key_hint"),
            previous_key_label=read.optional_string("previous_key_label"),
            extra={k: clean_value(v) for k, v in table.items() if k not in _PROFILE_KEYS},
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
        return clean_text(value)

    def raw_string(self, key: str) -> str | None:
        """The string as the file has it, not cleaned (for values checked by a rule)."""
        value = self._table.get(key)
        if value is not None and not isinstance(value, str):
            raise SchemaError(self.where(key), "a string")
        return value

    def optional_string(self, key: str) -> str | None:
        value = self.raw_string(key)
        return None if value is None else clean_text(value)

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
    """Intentions from their table, type-checked field by field; unknown keys are ignored,
    and so is ``allow_withdraw`` (see the module docs)."""
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
        ip_whitelist=[clean_text(ip) for ip in ips],
        # allow_withdraw is not read: a line in a file is not the user's consent.
    )


def _normalise_last_check(table: dict[str, Any], where: str) -> dict[str, Any]:
    """``{"at", "ok", "error_kind", "warnings"}`` with ``at`` as a UTC datetime, every field
    type-checked and every string cleaned; other keys are dropped."""
    at = table.get("at")
    if at is not None:
        at = _parse_datetime(at)
        if at is None:
            raise SchemaError(f"{where}.at", "a date and time")
    ok = table.get("ok", False)
    if not isinstance(ok, bool):
        raise SchemaError(f"{where}.ok", "true or false")
    error_kind = table.get("error_kind")
    if error_kind is not None and not isinstance(error_kind, str):
        raise SchemaError(f"{where}.error_kind", "a string")
    warnings = table.get("warnings", [])
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        raise SchemaError(f"{where}.warnings", "a list of strings")
    return {
        "at": at,
        "ok": ok,
        "error_kind": None if error_kind is None else clean_text(error_kind),
        "warnings": [clean_text(w) for w in warnings],
    }


def _read_base_url(read: _TableReader) -> str | None:
    """The profile's base URL, held to the rule every base URL meets (https, or http to
    this machine): the file must not send a key's signature somewhere else in clear."""
    from okx_wizard.core.validation.network import check_base_url

    raw = read.raw_string("base_url")
    # Judged as written: a control character in it is a reason to refuse, not to clean it away.
    if raw is not None and check_base_url(raw).blocking:
        raise SchemaError(
            read.where("base_url"), "an https:// URL (http:// only to 127.0.0.1, ::1, localhost)"
        )
    return raw


def tomlable(value: Any, where: str) -> Any:
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
                out[key] = tomlable(item, f"{where}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [tomlable(item, f"{where}[]") for item in value if item is not None]
    if isinstance(value, datetime):
        return _as_utc(value)
    if isinstance(value, bool | int | float | str | date):
        return value
    raise TypeError(f"{where}: a {type(value).__name__} cannot be stored in TOML")
