"""A key's permissions as OKX reports them: compared without regard to case, and anything
beyond Read and Trade refused unless the user confirmed it (issue #12, item 5).

OKX writes ``perm`` in lower case; a server (or a proxy) that writes ``Withdraw`` must not get a
withdraw-capable key stored as if it were harmless, nor may a permission okx-wizard does not know.
"""

from __future__ import annotations

import pytest

from okx_wizard.core.findings import parse_account, permissions_finding
from okx_wizard.core.models import Intentions
from okx_wizard.core.simulator import Simulator
from okx_wizard.core.text import printable
from tests.conftest import run_cli
from tests.security.support import TRACEBACK, key_with, stdin_of


@pytest.mark.parametrize("perm", ["read_only,trade,Withdraw", "READ_ONLY,TRADE,WITHDRAW",
                                  "read_only, trade ,wItHdRaW"])  # fmt: skip
def test_withdraw_in_any_case_is_refused(perm: str) -> None:
    account = parse_account({"uid": "1", "mainUid": "2", "perm": perm})
    finding = permissions_finding(account, Intentions())
    assert finding.status == "failed"
    assert finding.error is not None and finding.error.kind == "permission"
    assert "Withdraw permission" in finding.error.cause


DISGUISED = ["read_only,trade,with\u200bdraw", "read_only,trade,\u202ewithdraw",
             "read_only,trade,withdraw\x00"]  # fmt: skip


@pytest.mark.parametrize("perm", DISGUISED)
def test_a_disguised_withdraw_is_refused_and_shown_as_it_came(perm: str) -> None:
    account = parse_account({"uid": "1", "mainUid": "2", "perm": perm})
    finding = permissions_finding(account, Intentions())
    assert finding.status == "failed"
    assert finding.error is not None and finding.error.kind == "permission"
    assert printable(perm.rsplit(",", 1)[1]) in finding.error.cause  # made visible
    assert not any(c in finding.error.message for c in "\u200b\u202e\x00")


def test_a_confirmed_withdraw_key_in_upper_case_is_a_warning_not_a_refusal() -> None:
    account = parse_account({"uid": "1", "mainUid": "2", "perm": "READ_ONLY,TRADE,WITHDRAW"})
    finding = permissions_finding(account, Intentions(allow_withdraw=True))
    assert finding.status == "warning"
    assert finding.error is None


@pytest.mark.parametrize("perm", ["read_only,trade,transfer", "read_only,admin",
                                  "read_only,trade,trans\u200bfer\x1b[2J"])  # fmt: skip
def test_a_permission_beyond_read_and_trade_is_refused(perm: str) -> None:
    account = parse_account({"uid": "1", "mainUid": "2", "perm": perm})
    finding = permissions_finding(account, Intentions())
    assert finding.status == "failed"
    assert finding.error is not None and finding.error.kind == "permission"
    assert "does not know" in finding.error.cause
    assert "\u200b" not in finding.error.message and "\x1b" not in finding.error.message


def test_read_and_trade_in_upper_case_are_what_a_bot_needs() -> None:
    account = parse_account({"uid": "1", "mainUid": "2", "perm": "READ_ONLY,Trade"})
    assert permissions_finding(account, Intentions()).status == "ok"


@pytest.mark.parametrize("perm", ["read_only,trade,Withdraw", "read_only,trade,transfer"])
def test_login_does_not_store_such_a_key(perm: str, cli_env: dict[str, str]) -> None:
    """The real CLI against a simulated OKX reporting ``perm``: exit 1, nothing stored."""
    key = key_with(perm=perm)
    with Simulator([key]) as sim:
        login = run_cli(
            "login", "--profile", "bot", "--stdin", "--base-url", sim.url(),
            env=cli_env, stdin=stdin_of(key),
        )  # fmt: skip
    assert login.returncode == 1, login.stdout + login.stderr
    assert "permission error" in login.stdout
    assert TRACEBACK not in login.stdout + login.stderr
    listed = run_cli("list", "--json", env=cli_env)
    assert listed.returncode == 0
    assert '"bot"' not in listed.stdout
