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
from typing import TYPE_CHECKING

from okx_wizard.core import findings, place_words
from okx_wizard.core.client import OkxClient
from okx_wizard.core.errors import WizardError
from okx_wizard.core.findings import Finding, Outcome
from okx_wizard.core.models import CHECK_STEPS, CheckId, CheckStatus, Endpoint, Intentions, Report
from okx_wizard.core.regions import REGIONS
from okx_wizard.core.secret import Credentials

if TYPE_CHECKING:
    import httpx

StepCallback = Callable[[str, str, str], None]

CONFIG_PATH = "/api/v5/account/config"
BALANCE_PATH = "/api/v5/account/balance"
FUNDING_PATH = "/api/v5/asset/balances"

# Once the key's answers are in, wait at most this long for a late server-time answer.
TIME_GRACE_S = 2.0
# The client stops at ``timeout``; this backstop only catches what the client does not bound.
BACKSTOP_S = 0.5

TRANSPORT_KINDS = frozenset({"network", "server", "rate_limit"})
# The checklist row an error that stops the check belongs to.
ROW_FOR_KIND: dict[str, CheckId] = {
    "auth": "signature",
    "clock": "signature",
    "frozen": "signature",
    "region": "region",
    "environment": "region",
    "ip": "ip",
    "permission": "permissions",
}


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
        info = error.code_info
        if info is None:
            return error.okx_code is not None
        return not info.key_gone


class _Steps:
    """The live checklist: each row goes running → ok/warning/failed/skipped exactly once."""

    def __init__(self, callback: StepCallback | None, with_previous: bool) -> None:
        self._callback = callback
        self.rows: list[CheckId] = [s for s in CHECK_STEPS if s != "previous" or with_previous]
        self.done: dict[CheckId, CheckStatus] = {}

    def start(self) -> None:
        for row in self.rows:
            self._emit(row, "running", "")

    def pending(self, row: CheckId) -> bool:
        return row in self.rows and row not in self.done

    def set(self, row: CheckId, status: CheckStatus, detail: str) -> None:
        if self.pending(row):
            self.done[row] = status
            self._emit(row, status, detail)

    def skip_rest(self, detail: str) -> None:
        for row in self.rows:
            self.set(row, "skipped", detail)

    def _emit(self, row: CheckId, status: CheckStatus, detail: str) -> None:
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
                f"The check did not finish within {timeout:g} s.",
                "Check this machine's internet connection, proxy and firewall, then try again.",
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
            self.apply(findings.reach_finding(skew))
        elif main.error is None or main.error.kind not in TRANSPORT_KINDS:
            self.steps.set(
                "reach",
                "warning",
                f"OKX's server time could not be read, so the clock was not checked: "
                f"{skew.message}",
            )

    def apply(self, finding: Finding) -> None:
        """Put a finding into the report and the checklist."""
        self.report.warnings.extend(finding.warnings)
        if finding.error is not None and self.report.error is None:
            self.report.error = finding.error
        self.steps.set(finding.check, finding.status, finding.detail)

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
        info = error.code_info
        found: _Probe | None = None
        if not self.auto_detect or info is None:
            return None, error
        if info.moves_region and not endpoint.explicit_base_url:
            found = await self._other_regions(endpoint)
            if found is None:
                others = [code for code in self.hosts if code != endpoint.region]
                return None, place_words.not_found_anywhere(error, endpoint.region, others)
        elif info.moves_environment:
            found = await self._other_environment(endpoint)
        if found is None:
            return None, error
        self.report.suggested_endpoint = found.endpoint
        where = place_words.where_error(endpoint, found.endpoint, error.okx_code)
        if found.error is None:
            return found, where
        there = found.error
        return None, WizardError(
            there.kind,
            f"{where.cause} There, OKX refuses it: {there.cause}",
            f"{where.fix} {there.fix}".strip(),
            okx_code=there.okx_code,
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
        if found is not None and _moves_environment(found.error):
            switched = await self._other_environment(found.endpoint)
            if switched is not None:
                return switched
        return found

    async def _other_environment(self, endpoint: Endpoint) -> _Probe | None:
        """The probe in the other environment (demo header toggled) if OKX knows the key there."""
        toggled = replace(endpoint, demo=not endpoint.demo)
        probe = await _probe(self.client.sibling(toggled), self.creds, self.offset_ms)
        known = probe.known_here and not _moves_environment(probe.error)
        return probe if known else None

    # -- reading the answers --------------------------------------------------------------------
    def _evaluate(self, probe: _Probe, error: WizardError | None) -> None:
        """Fill the report from an accepted probe and compare it with the intentions."""
        assert isinstance(probe.config, list)
        account = findings.parse_account(probe.config[0] if probe.config else {})
        self.report.account = account
        elsewhere = probe.endpoint != self.report.endpoint
        self.steps.set(
            "signature",
            "ok",
            "OKX accepted the key's signature"
            + (f" at {place_words.site_name(probe.endpoint.region)}." if elsewhere else "."),
        )
        if error is not None:
            self.report.error = error
            self.steps.set("region", "failed", error.message)
        else:
            self.steps.set("region", "ok", place_words.describe_endpoint(probe.endpoint))
        intentions, region = self.intentions, probe.endpoint.region
        self.apply(findings.permissions_finding(account, intentions))
        self.apply(findings.sub_account_finding(account, intentions))
        self.apply(findings.modes_finding(account, intentions, region))
        self.apply(findings.ip_finding(account, intentions, probe.endpoint.demo))
        balance, finding = findings.balance_finding(probe.balance, probe.funding, account)
        self.report.balance = balance
        self.apply(finding)

    # -- the previous key -----------------------------------------------------------------------
    async def _check_previous(self, previous: Credentials) -> Outcome:
        """The previous key's config answer, re-signed with OKX's time after a 50102."""
        outcome = await _fetch(self.client, CONFIG_PATH, previous)
        if isinstance(outcome, WizardError) and _clock_at_fault(outcome):
            offset = await self._offset_for_retry()
            if offset is not None:
                outcome = await _fetch(self.client, CONFIG_PATH, previous, offset)
        return outcome

    def _report_previous(self, outcome: Outcome) -> None:
        assert self.previous is not None
        active, finding = findings.previous_finding(
            outcome, self.previous.hint, self.report.endpoint
        )
        self.report.previous_key_active = active
        self.apply(finding)


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


def _clock_at_fault(error: WizardError | None) -> bool:
    info = error.code_info if error is not None else None
    return info is not None and info.clock


def _moves_environment(error: WizardError | None) -> bool:
    info = error.code_info if error is not None else None
    return info is not None and info.moves_environment


def _clock_refused(probe: _Probe) -> bool:
    return _clock_at_fault(probe.error)
