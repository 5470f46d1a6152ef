"""set-account-level and set-position-mode: the key's own account, refused with open orders."""

from __future__ import annotations

import httpx
import pytest

from okx_wizard.core.simulator import SAMPLE, Simulator
from tests.sim.support import answer, call
from tests.sim.test_trading import ORDER, order

LEVEL = "/api/v5/account/set-account-level"
MODE = "/api/v5/account/set-position-mode"
CONFIG = "/api/v5/account/config"


def test_a_key_sets_its_accounts_level_and_position_mode(
    sim: Simulator, client: httpx.Client
) -> None:
    good, rotated = SAMPLE["good"], SAMPLE["rotated"]  # two keys of one sub-account
    assert answer(call(client, sim, good, "POST", LEVEL, {"acctLv": "3"}))["data"] == [
        {"acctLv": "3"}
    ]
    answer(call(client, sim, good, "POST", MODE, {"posMode": "long_short_mode"}))
    config = answer(call(client, sim, rotated, "GET", CONFIG))["data"][0]
    assert (config["acctLv"], config["posMode"]) == ("3", "long_short_mode")
    other = answer(call(client, sim, SAMPLE["eea"], "GET", CONFIG))["data"][0]
    assert other["acctLv"] == SAMPLE["eea"].acct_lv  # another account is untouched


@pytest.mark.parametrize(("path", "body"), [(LEVEL, {"acctLv": "9"}), (MODE, {"posMode": "x"})])
def test_unknown_modes_are_parameter_errors(
    sim: Simulator, client: httpx.Client, path: str, body: dict[str, str]
) -> None:
    answer(call(client, sim, SAMPLE["good"], "POST", path, body), "51000")


def test_modes_need_trade_and_no_open_orders(sim: Simulator, client: httpx.Client) -> None:
    answer(call(client, sim, SAMPLE["readonly"], "POST", LEVEL, {"acctLv": "2"}), "50120")
    answer(call(client, sim, SAMPLE["good"], "POST", ORDER, order()))
    answer(call(client, sim, SAMPLE["good"], "POST", MODE, {"posMode": "net_mode"}), "59000")
