"""Verify an OKX API key: does it work here, and does it do what the user meant?

One check sends the server-time request and the key's three read requests (account config,
trading balance, funding balance) at the same time, so it costs about one network round trip.
It only spends more when OKX refuses the first answers for a reason it can fix or explain: a
clock more than 30 s off (re-signed with OKX's time), a key from another region's site, or a key
from the other environment (demo vs live). The result is a :class:`~okx_wizard.core.models.Report`;
expected failures go into ``report.error``, never out as exceptions.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from okx_wizard.core.client import OkxClient
from okx_wizard.core.errors import ErrorKind, WizardError
from okx_wizard.core.models import CHECK_STEPS, AccountInfo, Balance, Endpoint, Intentions, Report
from okx_wizard.core.regions import REGIONS
from okx_wizard.core.secret import Credentials

if TYPE_CHECKING:
    import httpx

StepStatus = Literal["running", "ok", "warning", "failed", "skipped"]
StepCallback = Callable[[str, str, str], None]

CONFIG_PATH = "/api/v5/account/config"
BALANCE_PATH = "/api/v5/account/balance"
FUNDING_PATH = "/api/v5/asset/balances"

CLOCK_WARN_MS = 5_000
OKX_CLOCK_WINDOW_MS = 30_000
# Once the key's answers are in, wait at most this long for a late server-time answer.
TIME_GRACE_S = 2.0
# The client stops at ``timeout``; this backstop only catches what the client does not bound.
BACKSTOP_S = 0.5

# The host does not know the key at all (as opposed to knowing it and refusing the request).
NOT_HERE_CODES = frozenset({"50111", "50119"})
# OKX knows a (previous) key and refuses it for another reason: it has not been deleted.
STILL_THERE_CODES = frozenset({"50100", "50110"})
TRANSPORT_KINDS = frozenset({"network", "server", "rate_limit"})
# The checklist row an error that stops the check belongs to.
ROW_FOR_KIND: dict[str, str] = {
    "auth": "signature",
    "clock": "signature",
    "frozen": "signature",
    "region": "region",
    "environment": "region",
    "ip": "ip",
    "permission": "permissions",
}

ACCOUNT_MODES = {
    "1": "Spot",
    "2": "Spot and futures",
    "3": "Multi-currency margin",
    "4": "Portfolio margin",
}
POSITION_MODES = {"net_mode": "One-way", "long_short_mode": "Long/short (hedge)"}
ACCOUNT_TYPES = {
    "0": "Main account",
    "1": "Standard sub-account",
    "2": "Managed trading sub-account",
}
PERMISSION_NAMES = {"read_only": "Read", "trade": "Trade", "withdraw": "Withdraw"}
TRADING_FIELDS = ("ccy", "eq", "availBal", "eqUsd")
FUNDING_FIELDS = ("ccy", "bal", "availBal", "frozenBal")

Outcome = list[dict[str, Any]] | WizardError


@dataclass(slots=True)
class _Probe:
    """The key's three read requests against one endpoint, each an answer or an error."""

    endpoint: Endpoint
    config: Outcome
    balance: Outcome
    funding: Outcome

    @property
    def error(self) -> WizardError | None:
        return self.config if isinstance(self.config, WizardError) else None

    @property
    def known_here(self) -> bool:
        """OKX at this host knows the key: it accepted it or refused it for another reason."""
        error = self.error
        if error is None:
            return True
        return error.okx_code is not None and error.okx_code not in NOT_HERE_CODES


class _Steps:
    """The live checklist: each row goes running → ok/warning/failed/skipped exactly once."""

    def __init__(self, callback: StepCallback | None, with_previous: bool) -> None:
        self._callback = callback
        self.rows = [s for s in CHECK_STEPS if s != "previous" or with_previous]
        self.done: dict[str, StepStatus] = {}

    def start(self) -> None:
        for row in self.rows:
            self._emit(row, "running", "")

    def pending(self, row: str) -> bool:
        return row in self.rows and row not in self.done

    def set(self, row: str, status: StepStatus, detail: str) -> None:
        if self.pending(row):
            self.done[row] = status
            self._emit(row, status, detail)

    def skip_rest(self, detail: str) -> None:
        for row in self.rows:
            self.set(row, "skipped", detail)

    def _emit(self, row: str, status: StepStatus, detail: str) -> None:
        if self._callback is not None:
            self._callback(row, status, detail)


async def verify_key(
    creds: Credentials,
    endpoint: Endpoint,
    intentions: Intentions,
    *,
    profile: str = "",
    auto_detect: bool = True,
    timeout: float = 15.0,
    on_step: StepCallback | None = None,
    previous: Credentials | None = None,
    hosts: Mapping[str, str] | None = None,
    http: httpx.AsyncClient | None = None,
) -> Report:
    """Check ``creds`` against OKX at ``endpoint`` and compare what OKX reports with intentions.

    ``auto_detect`` lets a refused key be tried on the other regions' hosts (``hosts``: region
    → base URL, default OKX's) and in the other environment, to say where it belongs
    (``report.suggested_endpoint``). ``previous``, a rotated-out key, is checked at the same
    time to tell whether it was deleted on OKX. ``http``, a pool from
    :func:`~okx_wizard.core.client.new_http_client`, is shared with other checks when given.
    ``on_step(row, status, detail)`` reports each
    row of :data:`~okx_wizard.core.models.CHECK_STEPS` as its answer arrives. The whole check
    ends within ``timeout`` seconds.
    """
    report = Report(profile=profile, endpoint=endpoint, api_key_hint=creds.hint)
    steps = _Steps(on_step, with_previous=previous is not None)
    steps.start()
    client = OkxClient(endpoint, timeout=timeout, deadline=time.monotonic() + timeout, _http=http)
    check = _Check(
        report=report,
        steps=steps,
        client=client,
        creds=creds,
        intentions=intentions,
        auto_detect=auto_detect,
        previous=previous,
        hosts=hosts if hosts is not None else {c: r.rest_url for c, r in REGIONS.items()},
    )
    try:
        async with asyncio.timeout(timeout + BACKSTOP_S):
            await check.run()
    except TimeoutError:
        check.fail(
            WizardError(
                "network",
                f"The check did not finish within {timeout:g} s. Fix: check this machine's "
                "internet connection, proxy and firewall, then try again.",
            )
        )
    finally:
        await client.aclose()
    steps.skip_rest("Not checked: an earlier check failed.")
    return report


@dataclass(slots=True)
class _Check:
    """One verification in progress: what it asks OKX and how it reads the answers."""

    report: Report
    steps: _Steps
    client: OkxClient
    creds: Credentials
    intentions: Intentions
    auto_detect: bool
    previous: Credentials | None
    hosts: Mapping[str, str]
    offset_ms: int = 0
    _time_task: asyncio.Task[int | WizardError] | None = field(default=None, init=False)

    async def run(self) -> None:
        async with asyncio.TaskGroup() as group:
            time_task = self._time_task = group.create_task(_measure_skew(self.client))
            main_task = group.create_task(_probe(self.client, self.creds))
            previous_task = (
                group.create_task(self._check_previous(self.previous))
                if self.previous is not None
                else None
            )
            await asyncio.wait({time_task, main_task}, return_when=asyncio.FIRST_COMPLETED)
            if not main_task.done() or _clock_refused(main_task.result()):
                await asyncio.wait({time_task})
            elif not time_task.done():
                await asyncio.wait({time_task}, timeout=TIME_GRACE_S)
            skew = self._skew()
            main = await main_task
            self._reach(skew, main)
            if _clock_refused(main) and isinstance(skew, int):
                self.offset_ms = skew
                main = await _probe(self.client, self.creds, skew)
            probe, error = await self._locate(main)
            if probe is None:
                assert error is not None
                self.fail(error)
            else:
                self._evaluate(probe, error)
            if previous_task is not None:
                self._report_previous(await previous_task)

    def fail(self, error: WizardError) -> None:
        """Record an error that stops the check and fail the row it belongs to."""
        if self.report.error is None:
            self.report.error = error
        row = ROW_FOR_KIND.get(error.kind, "signature")
        if error.kind in TRANSPORT_KINDS and self.steps.pending("reach"):
            row = "reach"
        self.steps.set(row, "failed", error.message)

    def _skew(self) -> int | WizardError:
        """The measured clock skew; a time request still out after the grace is given up."""
        task = self._time_task
        assert task is not None
        if not task.done():
            task.cancel()
            return WizardError(
                "network", f"no answer within {TIME_GRACE_S:g} s of the key's answers."
            )
        return task.result()

    async def _offset_for_retry(self) -> int | None:
        """The clock skew to sign with after a 50102, once measured; None when unknown."""
        task = self._time_task
        assert task is not None
        await asyncio.wait({task})
        if task.cancelled():
            return None
        result = task.result()
        return result if isinstance(result, int) else None

    def _reach(self, skew: int | WizardError, main: _Probe) -> None:
        if isinstance(skew, int):
            self.report.clock_skew_ms = skew
            if abs(skew) > CLOCK_WARN_MS:
                message = _clock_message(skew)
                self.report.warn("clock-skew", message)
                self.steps.set("reach", "warning", message)
            else:
                self.steps.set(
                    "reach",
                    "ok",
                    f"OKX answered; this machine's clock is within {abs(skew) / 1000:.1f} s "
                    "of OKX's.",
                )
        elif main.error is None or main.error.kind not in TRANSPORT_KINDS:
            self.steps.set(
                "reach",
                "warning",
                f"OKX's server time could not be read, so the clock was not checked: "
                f"{skew.message}",
            )

    async def _locate(self, main: _Probe) -> tuple[_Probe | None, WizardError | None]:
        """The probe whose answers describe the key, and the error to report.

        No probe means the check stops at the error; a probe with an error means the key works
        elsewhere, and the probe tells what it can do there.

        A key refused as unknown (50119) or as belonging to the other environment (50101) is
        tried elsewhere; where it is known, the check finishes there and the error says what
        to change.
        """
        error = main.error
        if error is None:
            return main, None
        endpoint = main.endpoint
        found: _Probe | None = None
        if self.auto_detect and error.okx_code == "50119" and not endpoint.explicit_base_url:
            found = await self._other_regions(endpoint)
            if found is None:
                return None, _not_found_anywhere(error, endpoint.region, self.hosts)
        elif self.auto_detect and error.okx_code == "50101":
            found = await self._other_environment(endpoint)
        if found is None:
            return None, error
        self.report.suggested_endpoint = found.endpoint
        where = _where_message(endpoint, found.endpoint)
        if found.error is None:
            kind: ErrorKind = (
                "region" if found.endpoint.region != endpoint.region else "environment"
            )
            return found, WizardError(kind, where, okx_code=error.okx_code)
        there = found.error
        return None, WizardError(
            there.kind, f"{where} There, OKX refuses it: {there.message}", okx_code=there.okx_code
        )

    async def _other_regions(self, endpoint: Endpoint) -> _Probe | None:
        """The first other region whose host knows the key (all asked at once), else None."""
        others = [
            Endpoint(code, endpoint.demo, url)
            for code, url in self.hosts.items()
            if code != endpoint.region
        ]
        probes = await asyncio.gather(
            *(_probe(self.client.sibling(e), self.creds, self.offset_ms) for e in others)
        )
        found = next((p for p in probes if p.error is None), None)
        found = found or next((p for p in probes if p.known_here), None)
        if found is not None and found.error is not None and found.error.okx_code == "50101":
            switched = await self._other_environment(found.endpoint)
            if switched is not None:
                return switched
        return found

    async def _other_environment(self, endpoint: Endpoint) -> _Probe | None:
        """The probe in the other environment (demo header toggled) if OKX knows the key there."""
        toggled = replace(endpoint, demo=not endpoint.demo)
        probe = await _probe(self.client.sibling(toggled), self.creds, self.offset_ms)
        known = probe.known_here and (probe.error is None or probe.error.okx_code != "50101")
        return probe if known else None

    # -- reading the answers --------------------------------------------------------------------
    def _evaluate(self, probe: _Probe, error: WizardError | None) -> None:
        """Fill the report from an accepted probe and compare it with the intentions."""
        assert isinstance(probe.config, list)
        account = _account(probe.config[0] if probe.config else {})
        self.report.account = account
        elsewhere = probe.endpoint != self.report.endpoint
        self.steps.set(
            "signature",
            "ok",
            "OKX accepted the key's signature"
            + (f" at {_site_name(probe.endpoint.region)}." if elsewhere else "."),
        )
        if error is not None:
            self.report.error = error
            self.steps.set("region", "failed", error.message)
        else:
            self.steps.set("region", "ok", _describe_endpoint(probe.endpoint))
        self._check_permissions(account)
        self._check_sub_account(account)
        self._check_modes(account)
        self._check_ip(account, probe.endpoint.demo)
        self._check_balance(probe, account)

    def _check_permissions(self, account: AccountInfo) -> None:
        perms = account.permissions
        needed = self.intentions.permissions
        has = _perm_names(perms) or "none"
        use = (
            "portfolio tracking (read only)"
            if self.intentions.use_case == "read_only"
            else "a trading bot (Read + Trade)"
        )
        problems: list[str] = []
        notes: list[str] = []
        if "withdraw" in perms and not self.intentions.allow_withdraw:
            problems.append(
                f"This key has the Withdraw permission ({has}): whoever gets it can move your "
                "funds out, so okx-wizard refuses it. Fix: delete the key on OKX and create one "
                f"with only {_perm_names(needed)}."
            )
        elif "withdraw" in perms:
            notes.append(
                "This key can withdraw funds, as you confirmed. A leaked key can empty the "
                "account: keep it IP-bound and rotate it often."
            )
        missing = [p for p in needed if p not in perms]
        if missing:
            problems.append(
                f"The key lacks the {_perm_names(missing)} permission that {use} needs "
                f"(it has {has}). Fix: edit the key on OKX and tick {_perm_names(missing)}."
            )
        extra = [p for p in perms if p not in needed and p != "withdraw"]
        if extra:
            notes.append(
                f"The key has the {_perm_names(extra)} permission, more than {use} needs "
                f"(it has {has}). Fix: for least privilege, edit the key on OKX and untick "
                f"{_perm_names(extra)}."
            )
        for note in notes:
            self.report.warn("permission-mismatch", note)
        if problems:
            error = WizardError("permission", " ".join(problems))
            if self.report.error is None:
                self.report.error = error
            self.steps.set("permissions", "failed", error.message)
        elif notes:
            self.steps.set("permissions", "warning", " ".join(notes))
        else:
            self.steps.set("permissions", "ok", f"{has}: as intended for {use}.")

    def _check_sub_account(self, account: AccountInfo) -> None:
        if account.sub_account:
            kind = ACCOUNT_TYPES.get(account.account_type, "Sub-account")
            self.steps.set(
                "sub_account",
                "ok",
                f"{kind} (uid {account.uid}) of main account {account.main_uid}.",
            )
            return
        if self.intentions.sub_account:
            message = (
                "This key belongs to your main account, not to a sub-account as planned: a "
                "leaked key reaches everything you hold. Fix: create a sub-account on OKX, move "
                "only what the bot needs into it, and create the key inside it."
            )
        else:
            message = (
                "This key belongs to your main account, as you chose. Keep in mind that a "
                "leaked key reaches everything you hold there; a dedicated sub-account would "
                "limit the damage to what you move into it."
            )
        self.report.warn("main-account", message)
        self.steps.set("sub_account", "warning", message)

    def _check_modes(self, account: AccountInfo) -> None:
        mode = _account_mode(account.acct_lv)
        position = _position_mode(account.position_mode)
        messages: list[str] = []
        planned_mode = self.intentions.acct_lv
        if planned_mode and account.acct_lv != planned_mode:
            message = (
                f"OKX reports the account mode “{mode}”; you planned "
                f"“{_account_mode(planned_mode)}”. Fix: switch it in OKX's trading settings "
                "(Account mode), or keep it if this is what you want."
            )
            self.report.warn("account-mode-mismatch", message)
            messages.append(message)
        planned_position = self.intentions.position_mode
        # In Spot mode there are no positions, so the position mode does not matter.
        if (
            account.acct_lv != "1"
            and planned_position
            and account.position_mode != planned_position
        ):
            message = (
                f"OKX reports the position mode “{position}”; you planned "
                f"“{_position_mode(planned_position)}”. Fix: switch it in OKX's trading settings "
                "(Position mode; only possible with no open positions or orders)."
            )
            self.report.warn("position-mode-mismatch", message)
            messages.append(message)
        if messages:
            self.steps.set("modes", "warning", " ".join(messages))
        else:
            self.steps.set("modes", "ok", f"{mode}, {position} position mode.")

    def _check_ip(self, account: AccountInfo, demo: bool) -> None:
        ips = account.ip_whitelist
        if ips:
            detail = f"Bound to {', '.join(ips)}."
            planned = [ip for ip in self.intentions.ip_whitelist if ip not in ips]
            if planned:
                detail += f" Planned but not bound: {', '.join(planned)}."
            self.steps.set("ip", "ok", detail)
            return
        can_trade = any(p in account.permissions for p in ("trade", "withdraw"))
        if not can_trade:
            self.steps.set("ip", "ok", "Not bound to an IP: OKX keeps read-only keys anyway.")
        elif demo:
            self.steps.set("ip", "ok", "Not bound to an IP (demo-trading keys are kept anyway).")
        else:
            message = (
                "The key can trade and is not bound to an IP address: OKX deletes such keys "
                "after 14 days of inactivity, and a leaked one works from anywhere. Fix: edit "
                "the key on OKX and add the public IP of the machine your bot runs on."
            )
            self.report.warn("no-ip-whitelist", message)
            self.steps.set("ip", "warning", message)

    def _check_balance(self, probe: _Probe, account: AccountInfo) -> None:
        if isinstance(probe.balance, WizardError):
            self.steps.set(
                "balance",
                "warning",
                f"The balance could not be read: {probe.balance.message}",
            )
            return
        first = probe.balance[0] if probe.balance else {}
        details = first.get("details")
        trading = [
            _strings(row, TRADING_FIELDS)
            for row in (details if isinstance(details, list) else [])
            if isinstance(row, dict)
        ]
        funding_note = ""
        funding: list[dict[str, str]] = []
        if isinstance(probe.funding, WizardError):
            funding_note = f" The funding account could not be read: {probe.funding.message}"
        else:
            funding = [_strings(row, FUNDING_FIELDS) for row in probe.funding]
        balance = Balance(str(first.get("totalEq") or "0"), trading, funding)
        self.report.balance = balance
        if balance.empty:
            if account.sub_account:
                message = (
                    "The sub-account holds no funds yet, so a bot has nothing to trade with. "
                    "Fix: on OKX, open Assets → Transfer, choose USDT, and move it from your "
                    "main account to this sub-account's Trading account."
                )
            else:
                message = (
                    "The account holds no funds yet. Fix: deposit USDT on OKX, then move it to "
                    "the Trading account (Assets → Transfer)."
                )
            self.report.warn("no-balance", message + funding_note)
            self.steps.set("balance", "warning", message + funding_note)
            return
        held = ", ".join(f"{r.get('bal', '')} {r.get('ccy', '')}" for r in funding)
        detail = f"Total equity {balance.total_eq_usd} USD" + (
            f"; funding: {held}." if held else "."
        )
        self.steps.set("balance", "ok" if not funding_note else "warning", detail + funding_note)

    # -- the previous key -----------------------------------------------------------------------
    async def _check_previous(self, previous: Credentials) -> Outcome:
        """The previous key's config answer, re-signed with OKX's time after a 50102."""
        outcome = await _fetch(self.client, CONFIG_PATH, previous)
        if isinstance(outcome, WizardError) and outcome.okx_code == "50102":
            offset = await self._offset_for_retry()
            if offset is not None:
                outcome = await _fetch(self.client, CONFIG_PATH, previous, offset)
        return outcome

    def _report_previous(self, outcome: Outcome) -> None:
        assert self.previous is not None
        hint = self.previous.hint
        label = ""
        if isinstance(outcome, list):
            active: bool | None = True
            label = str(outcome[0].get("label") or "") if outcome else ""
        elif outcome.okx_code in NOT_HERE_CODES:
            active = False
        elif outcome.okx_code in STILL_THERE_CODES:
            active = True
        else:
            active = None
        self.report.previous_key_active = active
        if active:
            named = f"{hint} (label “{label}”)" if label else hint
            page = _key_page(self.report.endpoint)
            message = (
                f"The previous key {named} still works on OKX. Fix: delete it on OKX's API "
                f"page{f' ({page})' if page else ''} now that the new key is verified."
            )
            self.report.warn("previous-key-active", message)
            self.steps.set("previous", "warning", message)
        elif active is False:
            self.steps.set("previous", "ok", f"The previous key {hint} no longer works on OKX.")
        else:
            assert isinstance(outcome, WizardError)
            self.steps.set(
                "previous",
                "skipped",
                f"Could not tell whether the previous key {hint} still works: {outcome.message}",
            )


# -- requests -----------------------------------------------------------------------------------
async def _fetch(client: OkxClient, path: str, creds: Credentials, offset_ms: int = 0) -> Outcome:
    try:
        return await client.get(path, creds, time_offset_ms=offset_ms)
    except WizardError as error:
        return error


async def _probe(client: OkxClient, creds: Credentials, offset_ms: int = 0) -> _Probe:
    """Ask for config, trading balance and funding balance at once."""
    config, balance, funding = await asyncio.gather(
        *(_fetch(client, p, creds, offset_ms) for p in (CONFIG_PATH, BALANCE_PATH, FUNDING_PATH))
    )
    return _Probe(client.endpoint, config, balance, funding)


async def _measure_skew(client: OkxClient) -> int | WizardError:
    try:
        return await client.measure_clock_skew_ms()
    except WizardError as error:
        return error


def _clock_refused(probe: _Probe) -> bool:
    return probe.error is not None and probe.error.okx_code == "50102"


# -- words ----------------------------------------------------------------------------------------
def _account(row: dict[str, Any]) -> AccountInfo:
    """AccountInfo from one ``account/config`` row; unknown or missing fields are tolerated."""
    uid = str(row.get("uid") or "")
    main_uid = str(row.get("mainUid") or "")
    return AccountInfo(
        uid=uid,
        main_uid=main_uid,
        sub_account=bool(uid and main_uid and uid != main_uid),
        account_type=str(row.get("type") or ""),
        acct_lv=str(row.get("acctLv") or ""),
        position_mode=str(row.get("posMode") or ""),
        permissions=_split(row.get("perm")),
        ip_whitelist=_split(row.get("ip")),
        label=str(row.get("label") or ""),
    )


def _split(value: Any) -> list[str]:
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _strings(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, str]:
    return {name: str(row[name]) for name in fields if row.get(name) is not None}


def _perm_names(perms: list[str]) -> str:
    return " + ".join(PERMISSION_NAMES.get(p, p) for p in perms)


def _account_mode(acct_lv: str) -> str:
    return ACCOUNT_MODES.get(acct_lv, f"account level {acct_lv or 'unknown'}")


def _position_mode(pos_mode: str) -> str:
    return POSITION_MODES.get(pos_mode, pos_mode or "unknown")


def _site_name(code: str) -> str:
    """``the EEA site (my.okx.com)``; a region unknown to REGIONS keeps its code."""
    known = REGIONS.get(code)
    if known is None:
        return f"the {code} site"
    return f"the {known.title.split(' (')[0]} site ({known.site})"


def _environment(demo: bool) -> str:
    return "demo trading" if demo else "live trading"


def _describe_endpoint(endpoint: Endpoint) -> str:
    site = _site_name(endpoint.region)
    return f"{site[0].upper()}{site[1:]}, {_environment(endpoint.demo)}."


def _key_page(endpoint: Endpoint) -> str:
    known = REGIONS.get(endpoint.region)
    return known.key_page_url(endpoint.demo) if known else ""


def _where_message(tried: Endpoint, works: Endpoint) -> str:
    """Where the key belongs and what to change in the profile, in one sentence."""
    other_region = works.region != tried.region
    other_env = works.demo != tried.demo
    env_key = "a demo-trading key" if works.demo else "a live-trading key"
    env_fix = (
        "turn demo trading on (--demo)"
        if works.demo
        else "turn demo trading off (leave out --demo)"
    )
    if other_region and other_env:
        return (
            f"This key belongs to {_site_name(works.region)} and is {env_key}: set the "
            f"profile's region to {works.region} (--region {works.region}) and {env_fix}."
        )
    if other_region:
        return (
            f"This key belongs to {_site_name(works.region)}: set the profile's region to "
            f"{works.region} (--region {works.region})."
        )
    return (
        f"This is {env_key}: OKX accepts it only in {_environment(works.demo)}. Fix: {env_fix} "
        f"for the profile, or create a key in {_environment(tried.demo)} on OKX."
    )


def _not_found_anywhere(error: WizardError, region: str, hosts: Mapping[str, str]) -> WizardError:
    others = [code for code in hosts if code != region]
    if not others:
        return error
    return WizardError(
        error.kind,
        f"OKX does not know this API key on {_site_name(region)}, nor on the other regions' "
        f"sites ({', '.join(others)}): it was most likely mistyped or deleted. Fix: paste the "
        "API key again exactly as OKX showed it; if it was deleted on OKX, create a new one.",
        error.okx_code,
    )


def _clock_message(skew_ms: int) -> str:
    direction = "behind" if skew_ms > 0 else "ahead of"
    text = f"This machine's clock is {abs(skew_ms) / 1000:.1f} s {direction} OKX's. "
    if abs(skew_ms) > OKX_CLOCK_WINDOW_MS:
        text += (
            "OKX refuses signed requests more than 30 s off (error 50102): okx-wizard signs "
            "with OKX's time during the check, but your bot will be refused until the clock "
            "is fixed."
        )
    else:
        text += (
            "OKX refuses signed requests more than 30 s off (error 50102): fix it before it "
            "drifts further."
        )
    return text + " Fix: turn on time synchronisation (on Linux: timedatectl set-ntp true)."
