"""The recorder behind docs/reliability.md, and the fixtures of the hardening tests.

Every test records what it tried and what it observed through ``record(...)``; the row gets the
test's own verdict (passed / failed) when the test ends. With ``OKX_WIZARD_RELIABILITY_JSON`` set
(scripts/reliability.py sets it) the rows are written there as JSON at the end of the session.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.hardening.support import STORE_KIND, Home

RECORDS: list[dict[str, Any]] = []
JSON_ENV = "OKX_WIZARD_RELIABILITY_JSON"
# What a row is about: a fault (something broke around okx-wizard), a hostile input, or a scan.
FAULT_AREAS = ("network", "interruption", "keyring", "storage")
INPUT_AREAS = ("stdin", "profile-name", "ip-list", "metadata", "options")
HYGIENE_AREAS = ("secrets", "files")

Record = Callable[..., dict[str, Any]]


@pytest.fixture
def record(request: pytest.FixtureRequest) -> Record:
    """``record(area=..., case=..., command=..., tried=..., **observed)``: one row of the table."""

    def add(**row: Any) -> dict[str, Any]:
        area = row.get("area")
        assert area in FAULT_AREAS + INPUT_AREAS + HYGIENE_AREAS + ("tui",), area
        row = {"test": request.node.nodeid, "result": "unknown", **row}
        RECORDS.append(row)
        return row

    return add


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call" or report.failed:
        rows = [row for row in RECORDS if row["test"] == item.nodeid]
        for row in rows:
            if row["result"] == "unknown" or report.failed:
                row["result"] = report.outcome
        if report.failed and not rows:
            # It failed before it could say what it saw: the table shows that too.
            crash = getattr(report.longrepr, "reprcrash", None)
            RECORDS.append(
                {
                    "test": item.nodeid,
                    "area": "failed",
                    "case": item.name,
                    "result": "failed",
                    "message": str(getattr(crash, "message", report.longrepr))[:300],
                }
            )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get(JSON_ENV)
    if not target or not RECORDS:
        return
    document = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "store": STORE_KIND,
        "exit_status": int(exitstatus),
        "records": RECORDS,
    }
    Path(target).write_text(json.dumps(document, indent=1, default=str), "utf-8")


class HomeFactory:
    """Makes throwaway users (HOME, XDG dirs, temp dir, keyring service); cleans them up."""

    def __init__(self, tmp: pytest.TempPathFactory) -> None:
        self._tmp = tmp
        self._homes: list[Home] = []
        self._lock = threading.Lock()  # matrices make homes from several threads
        tmp.getbasetemp()  # made once, here: two threads making it at once would race

    def __call__(self) -> Home:
        with self._lock:
            root = self._tmp.mktemp("user")
        home = Home(root)
        with self._lock:
            self._homes.append(home)
        return home

    def cleanup(self) -> None:
        for home in self._homes:
            home.cleanup()


@pytest.fixture
def make_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HomeFactory]:
    """New throwaway users for one test."""
    factory = HomeFactory(tmp_path_factory)
    yield factory
    factory.cleanup()


@pytest.fixture(scope="module")
def module_homes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HomeFactory]:
    """New throwaway users for a module's case matrix."""
    factory = HomeFactory(tmp_path_factory)
    yield factory
    factory.cleanup()


def selected_cases(request: pytest.FixtureRequest, *argnames: str) -> list[Any]:
    """The parameters of this module's tests that this run selected (so ``-k`` runs only those
    cases of a matrix); one value per test, a tuple when several ``argnames`` are given."""
    found = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if getattr(item, "module", None) is not request.module or callspec is None:
            continue
        if all(name in callspec.params for name in argnames):
            values = tuple(callspec.params[name] for name in argnames)
            found.append(values if len(values) > 1 else values[0])
    return found


# -- slow cases, started early --------------------------------------------------------------------
# Some cases mostly wait (a server that never answers for 15 s, a keyring that never answers for
# 10 s). Their modules register them here at import; they start in the background when the
# module's first test does, so the wait overlaps the module's other cases instead of adding up.
Job = Callable[[HomeFactory], Any]
PREFETCH_WORKERS = 6  # in registration order: the longest waits first
_PREFETCH: dict[str, tuple[str, Job]] = {}
_FUTURES: dict[str, Future[Any]] = {}


def prefetch(key: str, module: str, job: Job) -> None:
    """Register ``job`` (run with a HomeFactory) to start when ``module``'s first test does."""
    _PREFETCH[key] = (module, job)


def prefetched(key: str, run_now: Callable[[], Any]) -> Any:
    """The result of a registered job (waiting for it if need be), or its exception; a job
    the module did not start is run now."""
    future = _FUTURES.get(key)
    if future is None:
        try:
            return run_now()
        except Exception as exc:  # handed to the case's own test, as run_matrix does
            return exc
    exception = future.exception()
    return exception if exception is not None else future.result()


@pytest.fixture(scope="module", autouse=True)
def _start_slow_cases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Start this module's registered slow cases (per module, not per session: under
    pytest-xdist a worker runs only some modules, and each module whole, see below)."""
    module = request.module.__name__
    jobs = {key: job for key, (owner, job) in _PREFETCH.items() if owner == module}
    if not jobs:
        yield
        return
    factory = HomeFactory(tmp_path_factory)
    with ThreadPoolExecutor(max_workers=PREFETCH_WORKERS) as pool:
        for key, job in jobs.items():
            _FUTURES[key] = pool.submit(job, factory)
        yield
    for key in jobs:
        _FUTURES.pop(key, None)
    factory.cleanup()


# -- parallel runs --------------------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """One xdist group per hardening module: with ``-n N --dist loadgroup`` (the README's
    command) a module runs whole on one worker, so its case matrix (module fixtures running
    every selected case side by side) and its slow cases run once, not once per worker."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group(f"hardening-{item.path.stem}"))
