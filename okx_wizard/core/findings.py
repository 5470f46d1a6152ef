"""What a verification finds, from what OKX answered: pure functions, no network, no clock.

Each ``*_finding`` function reads what OKX reported about a key (an
:class:`~okx_wizard.core.models.AccountInfo`, balances) beside what the user meant
(:class:`~okx_wizard.core.models.Intentions`) and the region, and returns one
:class:`Finding`: the check row's outcome, its detail, the warnings to add to the report and, when
the key is refused by policy, the error. :mod:`okx_wizard.core.verify` asks OKX and applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from okx_wizard.core.errors import WizardError
from okx_wizard.core.models import (
    AccountInfo,
    Balance,
    CheckId,
    Endpoint,
    Intentions,
    ReportWarning,
)
from okx_wizard.core.place_words import key_page
from okx_wizard.core.regions import REGIONS
from okx_wizard.core.text import printable, quote

Outcome = list[dict[str, Any]] | WizardError
Verdict = Literal["ok", "warning", "failed", "skipped"]

CLOCK_WARN_MS = 5_000
OKX_CLOCK_WINDOW_MS = 30_000

# OKX's acctLv values. "2" was called "Spot and futures" in older docs.
ACCOUNT_MODES = {
    "1": "Spot mode",
    "2": "Futures mode",
    "3": "Multi-currency margin",
    "4": "Portfolio margin",
}
SPOT_MODE = "1"
POSITION_MODES = {"net_mode": "One-way", "long_short_mode": "Long/short (hedge)"}
ACCOUNT_TYPES = {
    "0": "Main account",
    "1": "Standard sub-account",
    "2": "Managed trading sub-account",
}
PERMISSION_NAMES = {"read_only": "Read", "trade": "Trade", "withdraw": "Withdraw"}
# What a key may hold without the user's explicit consent: anything else (Withdraw, or a
# permission this version does not know) is refused unless it was confirmed.
SAFE_PERMISSIONS = frozenset({"read_only", "trade"})
TRADING_FIELDS = ("ccy", "eq", "availBal", "eqUsd")
FUNDING_FIELDS = ("ccy", "bal", "availBal", "frozenBal")


@dataclass(frozen=True, slots=True)
class Finding:
    """One check row's outcome: status, detail, warnings for the report, and a refusal."""

    check: CheckId
    status: Verdict
    detail: str
    warnings: tuple[ReportWarning, ...] = ()
    error: WizardError | None = None


# -- parsing OKX's answers ----------------------------------------------------------------------
def parse_account(row: dict[str, Any]) -> AccountInfo:
    """AccountInfo from one ``account/config`` row; unknown or missing fields are tolerated.
    Control, line-break and bidi characters in server text are made visible here, once."""
    uid = _text(row.get("uid"))
    main_uid = _text(row.get("mainUid"))
    return AccountInfo(
        uid=uid,
        main_uid=main_uid,
        sub_account=bool(uid and main_uid and uid != main_uid),
        account_type=_text(row.get("type")),
        acct_lv=_text(row.get("acctLv")),
        position_mode=_text(row.get("posMode")),
        permissions=[perm.lower() for perm in _split(row.get("perm"))],
        ip_whitelist=_split(row.get("ip")),
        label=_text(row.get("label")),
    )


def _text(value: Any) -> str:
    return printable(str(value or ""))


def _split(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).split(",") if part.strip()]


def _strings(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    return {name: _text(row[name]) for name in fields if row.get(name) is not None}


# -- what the plan expects ----------------------------------------------------------------------
def expected_modes(intentions: Intentions, region_code: str) -> tuple[str | None, str | None]:
    """The account mode (acctLv) and position mode the plan expects; None where any will do.

    A read-only tracker trades nothing, so any mode is fine. A spot-only region (OKX US)
    expects Spot mode, where positions do not exist. A trading bot elsewhere expects what the
    profile planned (Futures mode, one-way, unless it says otherwise).
    """
    if intentions.use_case == "read_only":
        return None, None
    known = REGIONS.get(region_code)
    if known is not None and known.spot_only:
        return SPOT_MODE, None
    return intentions.acct_lv or None, intentions.position_mode or None


# -- the findings -------------------------------------------------------------------------------
def permissions_finding(account: AccountInfo, intentions: Intentions) -> Finding:
    """Withdraw (or any permission beyond Read and Trade) refused unless confirmed; missing
    permissions refused; extra ones warned. Compared without regard to case: OKX writes them
    in lower case, and ``Withdraw`` is no less a withdraw permission."""
    perms = [p.lower() for p in account.permissions]
    needed = intentions.permissions
    has = quote(perm_names(perms), 120) or "none"
    use = (
        "portfolio tracking (read only)"
        if intentions.use_case == "read_only"
        else "a trading bot (Read + Trade)"
    )
    causes: list[str] = []
    fixes: list[str] = []
    notes: list[ReportWarning] = []
    unknown = quote(perm_names([p for p in perms if p not in PERMISSION_NAMES]), 80)
    if unknown and not intentions.allow_withdraw:
        causes.append(
            f"This key has a permission okx-wizard does not know ({unknown}): it may let "
            "whoever gets the key do more than read and trade, so okx-wizard refuses it."
        )
        fixes.append(f"Delete the key on OKX and create one with only {perm_names(needed)}.")
    elif unknown:
        notes.append(ReportWarning("permission-mismatch", f"The key also has {unknown}."))
    if "withdraw" in perms and not intentions.allow_withdraw:
        causes.append(
            f"This key has the Withdraw permission ({has}): whoever gets it can move your "
            "funds out, so okx-wizard refuses it."
        )
        fixes[:] = [f"Delete the key on OKX and create one with only {perm_names(needed)}."]
    elif "withdraw" in perms:
        notes.append(
            ReportWarning(
                "permission-mismatch",
                "This key can withdraw funds, as you confirmed. A leaked key can empty the "
                "account: keep it IP-bound and rotate it often.",
            )
        )
    missing = [p for p in needed if p not in perms]
    if missing:
        causes.append(
            f"The key lacks the {perm_names(missing)} permission that {use} needs (it has {has})."
        )
        fixes.append(f"Edit the key on OKX and tick {perm_names(missing)}.")
    extra = [p for p in perms if p not in needed and p in SAFE_PERMISSIONS]
    if extra:
        notes.append(
            ReportWarning(
                "permission-mismatch",
                f"The key has the {perm_names(extra)} permission, more than {use} needs "
                f"(it has {has}).",
                f"For least privilege, edit the key on OKX and untick {perm_names(extra)}.",
            )
        )
    warnings = tuple(notes)
    if causes:
        error = WizardError("permission", " ".join(causes), " ".join(fixes))
        return Finding("permissions", "failed", error.message, warnings, error)
    if notes:
        return Finding("permissions", "warning", " ".join(n.message for n in notes), warnings)
    return Finding("permissions", "ok", f"{has}: as intended for {use}.")


def sub_account_finding(account: AccountInfo, intentions: Intentions) -> Finding:
    """A sub-account is what the wizard recommends; a main-account key is warned."""
    if account.sub_account:
        kind = ACCOUNT_TYPES.get(account.account_type, "Sub-account")
        return Finding(
            "sub_account", "ok", f"{kind} (uid {account.uid}) of main account {account.main_uid}."
        )
    if intentions.sub_account:
        warning = ReportWarning(
            "main-account",
            "This key belongs to your main account, not to a sub-account as planned: a "
            "leaked key reaches everything you hold.",
            "Create a sub-account on OKX, move only what the bot needs into it, and create "
            "the key inside it.",
        )
    else:
        warning = ReportWarning(
            "main-account",
            "This key belongs to your main account, as you chose. Keep in mind that a "
            "leaked key reaches everything you hold there; a dedicated sub-account would "
            "limit the damage to what you move into it.",
        )
    return Finding("sub_account", "warning", warning.message, (warning,))


def modes_finding(account: AccountInfo, intentions: Intentions, region_code: str) -> Finding:
    """Account and position mode against what the use case and region expect."""
    mode = account_mode(account.acct_lv)
    position = position_mode(account.position_mode)
    planned_mode, planned_position = expected_modes(intentions, region_code)
    warnings: list[ReportWarning] = []
    if planned_mode and account.acct_lv != planned_mode:
        warnings.append(
            ReportWarning(
                "account-mode-mismatch",
                f"OKX reports the account mode “{mode}”; you planned "
                f"“{account_mode(planned_mode)}”.",
                "Switch it in OKX's trading settings (Account mode), or keep it if this is "
                "what you want.",
            )
        )
    # In Spot mode there are no positions, so the position mode does not matter.
    if (
        account.acct_lv != SPOT_MODE
        and planned_position
        and account.position_mode != planned_position
    ):
        warnings.append(
            ReportWarning(
                "position-mode-mismatch",
                f"OKX reports the position mode “{position}”; you planned "
                f"“{position_mode(planned_position)}”.",
                "Switch it in OKX's trading settings (Position mode; only possible with no "
                "open positions or orders).",
            )
        )
    if warnings:
        return Finding("modes", "warning", " ".join(w.message for w in warnings), tuple(warnings))
    if account.acct_lv == SPOT_MODE:
        return Finding("modes", "ok", f"{mode}.")
    return Finding("modes", "ok", f"{mode}, {position} position mode.")


def ip_finding(account: AccountInfo, intentions: Intentions, demo: bool) -> Finding:
    """Bound IPs; a trade key without any is warned (OKX deletes it after 14 idle days)."""
    ips = account.ip_whitelist
    if ips:
        detail = f"Bound to {', '.join(ips)}."
        planned = [ip for ip in intentions.ip_whitelist if ip not in ips]
        if planned:
            detail += f" Planned but not bound: {', '.join(planned)}."
        return Finding("ip", "ok", detail)
    if intentions.ip_whitelist:
        # Planned but forgotten on OKX's form: say so whatever the key may do (demo included).
        wanted = ", ".join(intentions.ip_whitelist)
        warning = ReportWarning(
            "no-ip-whitelist",
            f"You planned to bind the key to {wanted}, but it is not bound to any IP address: "
            "a leaked copy works from anywhere.",
            f"Edit the key on OKX and add {wanted}.",
        )
        return Finding("ip", "warning", warning.message, (warning,))
    can_trade = any(p.lower() != "read_only" for p in account.permissions)
    if not can_trade:
        return Finding("ip", "ok", "Not bound to an IP: OKX keeps read-only keys anyway.")
    if demo:
        return Finding("ip", "ok", "Not bound to an IP (demo-trading keys are kept anyway).")
    warning = ReportWarning(
        "no-ip-whitelist",
        "The key can trade and is not bound to an IP address: OKX deletes such keys "
        "after 14 days of inactivity, and a leaked one works from anywhere.",
        "Edit the key on OKX and add the public IP of the machine your bot runs on.",
    )
    return Finding("ip", "warning", warning.message, (warning,))


def balance_finding(
    balance: Outcome, funding: Outcome, account: AccountInfo
) -> tuple[Balance | None, Finding]:
    """The balances read (trading and funding) and what they mean for a bot."""
    if isinstance(balance, WizardError):
        return None, Finding(
            "balance", "warning", f"The balance could not be read: {balance.message}"
        )
    first = balance[0] if balance else {}
    details = first.get("details")
    trading = [
        _strings(row, TRADING_FIELDS)
        for row in (details if isinstance(details, list) else [])
        if isinstance(row, dict)
    ]
    funding_note = ""
    funding_rows: list[dict[str, str]] = []
    if isinstance(funding, WizardError):
        funding_note = f" The funding account could not be read: {funding.message}"
    else:
        funding_rows = [_strings(row, FUNDING_FIELDS) for row in funding]
    result = Balance(_text(first.get("totalEq")) or "0", trading, funding_rows)
    if result.empty:
        if account.sub_account:
            warning = ReportWarning(
                "no-balance",
                "The sub-account holds no funds yet, so a bot has nothing to trade with."
                + funding_note,
                "On OKX, open Assets → Transfer, choose USDT, and move it from your main "
                "account to this sub-account's Trading account.",
            )
        else:
            warning = ReportWarning(
                "no-balance",
                "The account holds no funds yet." + funding_note,
                "Deposit USDT on OKX, then move it to the Trading account (Assets → Transfer).",
            )
        return result, Finding("balance", "warning", warning.message, (warning,))
    held = ", ".join(f"{r.get('bal', '')} {r.get('ccy', '')}" for r in funding_rows)
    detail = f"Total equity {result.total_eq_usd} USD" + (f"; funding: {held}." if held else ".")
    status: Verdict = "warning" if funding_note else "ok"
    return result, Finding("balance", status, detail + funding_note)


def previous_finding(
    outcome: Outcome, hint: str, endpoint: Endpoint
) -> tuple[bool | None, Finding]:
    """Whether a rotated-out key still works on OKX (None: cannot tell), and the row."""
    label = ""
    if isinstance(outcome, list):
        active: bool | None = True
        label = str(outcome[0].get("label") or "") if outcome else ""
    else:
        info = outcome.code_info
        if info is not None and info.key_gone:
            active = False
        elif info is not None and info.key_still_there:
            active = True
        else:
            active = None
    if active:
        named = f"{hint} (label “{label}”)" if label else hint
        page = key_page(endpoint)
        warning = ReportWarning(
            "previous-key-active",
            f"The previous key {named} still works on OKX.",
            f"Delete it on OKX's API page{f' ({page})' if page else ''} now that the new key "
            "is verified.",
        )
        return True, Finding("previous", "warning", warning.message, (warning,))
    if active is False:
        return False, Finding("previous", "ok", f"The previous key {hint} no longer works on OKX.")
    assert isinstance(outcome, WizardError)
    return None, Finding(
        "previous",
        "skipped",
        f"Could not tell whether the previous key {hint} still works: {outcome.message}",
    )


# -- words ----------------------------------------------------------------------------------------
def perm_names(perms: list[str]) -> str:
    return " + ".join(PERMISSION_NAMES.get(p, p) for p in perms)


def account_mode(acct_lv: str) -> str:
    return ACCOUNT_MODES.get(acct_lv, f"account level {acct_lv or 'unknown'}")


def position_mode(pos_mode: str) -> str:
    return POSITION_MODES.get(pos_mode, pos_mode or "unknown")


def clock_warning(skew_ms: int) -> ReportWarning:
    """The clock-skew warning for a measured skew (OKX's clock minus this machine's)."""
    direction = "behind" if skew_ms > 0 else "ahead of"
    cause = f"This machine's clock is {abs(skew_ms) / 1000:.1f} s {direction} OKX's. "
    if abs(skew_ms) > OKX_CLOCK_WINDOW_MS:
        cause += (
            "OKX refuses signed requests more than 30 s off (error 50102): okx-wizard signs "
            "with OKX's time during the check, but your bot will be refused until the clock "
            "is fixed."
        )
    else:
        cause += (
            "OKX refuses signed requests more than 30 s off (error 50102): fix it before it "
            "drifts further."
        )
    return ReportWarning(
        "clock-skew", cause, "Turn on time synchronisation (on Linux: timedatectl set-ntp true)."
    )


def reach_finding(skew_ms: int) -> Finding:
    """The clock check from a measured skew (OKX's clock minus this machine's)."""
    if abs(skew_ms) > CLOCK_WARN_MS:
        warning = clock_warning(skew_ms)
        return Finding("reach", "warning", warning.message, (warning,))
    return Finding(
        "reach",
        "ok",
        f"OKX answered; this machine's clock is within {abs(skew_ms) / 1000:.1f} s of OKX's.",
    )
