"""The data that flows between core, CLI and TUI: what the user meant and what OKX reported."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from okx_wizard.core.errors import WizardError

CheckId = Literal[
    "reach",
    "signature",
    "region",
    "permissions",
    "sub_account",
    "modes",
    "ip",
    "balance",
    "previous",
]
# The checks of a verification, in the order they are shown: each one's id and title, once.
# The CLI report, the live check list and the tests all read this list.
CHECKS: tuple[tuple[CheckId, str], ...] = (
    ("reach", "OKX reachable, clock in sync"),
    ("signature", "Signature accepted"),
    ("region", "Region and environment"),
    ("permissions", "Permissions as intended, no withdraw"),
    ("sub_account", "Sub-account"),
    ("modes", "Account and position mode"),
    ("ip", "IP whitelist"),
    ("balance", "Balance visible"),
    ("previous", "Previous key deleted on OKX"),
)
CHECK_STEPS: tuple[CheckId, ...] = tuple(check for check, _ in CHECKS)
CHECK_TITLES: dict[CheckId, str] = dict(CHECKS)
assert get_args(CheckId) == CHECK_STEPS

# A check row's state: pending (not started; the check list's own), running, then one of the
# four outcomes, reported exactly once.
CheckStatus = Literal["pending", "running", "ok", "warning", "failed", "skipped"]
CHECK_STATUSES: tuple[CheckStatus, ...] = get_args(CheckStatus)

UseCase = Literal["read_only", "trading"]

WarningCode = Literal[
    "main-account",
    "no-ip-whitelist",
    "permission-mismatch",
    "account-mode-mismatch",
    "position-mode-mismatch",
    "no-balance",
    "clock-skew",
    "key-age",
    "previous-key-active",
    "insecure-storage",
]
WARNING_CODES: tuple[WarningCode, ...] = get_args(WarningCode)


@dataclass(slots=True)
class Intentions:
    """What the user set out to create; compared with what OKX reports."""

    use_case: UseCase = "trading"
    sub_account: bool = True
    sub_account_name: str = ""
    account_type: str = "1"  # "1" standard sub-account
    # What a trading profile outside spot-only regions expects; see findings.expected_modes.
    acct_lv: str = "2"  # "2" Futures mode (older docs: "Spot and futures")
    position_mode: str = "net_mode"  # one-way
    ip_whitelist: list[str] = field(default_factory=list)
    allow_withdraw: bool = False

    @property
    def permissions(self) -> list[str]:
        """Least privilege for the use case: read_only, plus trade for a bot."""
        return ["read_only"] if self.use_case == "read_only" else ["read_only", "trade"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where requests go: region, environment, and the base URL actually used."""

    region: str
    demo: bool
    base_url: str
    explicit_base_url: bool = False


@dataclass(slots=True)
class AccountInfo:
    """What ``GET /api/v5/account/config`` said about the key and its account."""

    uid: str
    main_uid: str
    sub_account: bool
    account_type: str
    acct_lv: str
    position_mode: str
    permissions: list[str]
    ip_whitelist: list[str]
    label: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Balance:
    """Equity in USD and the currencies held in the trading and funding accounts."""

    total_eq_usd: str
    trading: list[dict[str, str]]
    funding: list[dict[str, str]]

    @property
    def empty(self) -> bool:
        def positive(text: str) -> bool:
            try:
                return float(text or "0") > 0
            except ValueError:
                return False

        return not positive(self.total_eq_usd) and not any(
            positive(row.get("bal", "") or row.get("eq", "")) for row in self.trading + self.funding
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ReportWarning:
    """Something the user should fix or know; the key still works. Cause and fix apart."""

    code: WarningCode
    cause: str
    fix: str = ""

    @property
    def message(self) -> str:
        """Cause and fix in one line, as ``check --json`` and the CLI show them."""
        return f"{self.cause} Fix: {self.fix}" if self.fix else self.cause

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(slots=True)
class Report:
    """Everything one verification found: the object behind ``check --json``."""

    profile: str
    endpoint: Endpoint
    error: WizardError | None = None
    account: AccountInfo | None = None
    balance: Balance | None = None
    clock_skew_ms: int | None = None
    key_age_days: int | None = None
    api_key_hint: str = ""
    warnings: list[ReportWarning] = field(default_factory=list)
    previous_key_active: bool | None = None
    # Where the key does work when it failed on ``endpoint`` (other region or environment).
    suggested_endpoint: Endpoint | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def warn(self, code: WarningCode, cause: str, fix: str = "") -> None:
        """Add a warning (``code`` one of :data:`WARNING_CODES`)."""
        if code not in WARNING_CODES:
            raise ValueError(f"unknown warning code {code}")
        self.warnings.append(ReportWarning(code, cause, fix))

    def to_json(self) -> dict[str, Any]:
        """The stable shape documented in SPEC §2. No secret is in it."""
        return {
            "profile": self.profile,
            "ok": self.ok,
            "error": self.error.to_json() if self.error else None,
            "region": self.endpoint.region,
            "demo": self.endpoint.demo,
            "base_url": self.endpoint.base_url,
            "account": self.account.to_json() if self.account else None,
            "balance": self.balance.to_json() if self.balance else None,
            "clock_skew_ms": self.clock_skew_ms,
            "key_age_days": self.key_age_days,
            "api_key_hint": self.api_key_hint,
            "warnings": [w.to_json() for w in self.warnings],
        }
