"""The Python API for bots: load_credentials and its ccxt / python-okx helpers, for real."""

from __future__ import annotations

import asyncio

import pytest

from okx_wizard import load_credentials
from okx_wizard.core.api import Context, StoredCredentials, Workspace
from okx_wizard.core.errors import UsageError
from okx_wizard.core.models import Intentions
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE, SimKey, Simulator


def _store(ws: Workspace, sim: Simulator, name: str, key: str = "good", demo: bool = False) -> None:
    sample = SAMPLE[key]
    creds = Credentials(sample.api_key, Secret(sample.secret_key), Secret(sample.passphrase))
    endpoint = ws.endpoint(sample.region, demo, sim.url(sample.region))
    report = asyncio.run(ws.verify(name, creds, endpoint, Intentions()))
    assert report.ok, report.error
    ws.commit(name, creds, report, Intentions())


def test_python_okx_signs_with_loaded_credentials(
    isolated_home: dict[str, str], sim: Simulator
) -> None:
    import okx.Account

    _store(Workspace(Context()), sim, "bot")
    creds = load_credentials("bot")
    assert "Secret" not in repr(creds.api_key)
    assert SAMPLE["good"].secret_key not in repr(creds)
    api = okx.Account.AccountAPI(**creds.python_okx_kwargs())
    answer = api.get_account_config()
    assert answer["code"] == "0"
    assert answer["data"][0]["uid"] == SAMPLE["good"].uid


def test_ccxt_config_for_demo_key(isolated_home: dict[str, str], sim: Simulator) -> None:
    _store(Workspace(Context()), sim, "paper", key="demo", demo=True)
    config = load_credentials("paper").ccxt_config()
    assert config["apiKey"] == SAMPLE["demo"].api_key
    assert config["secret"] == SAMPLE["demo"].secret_key
    assert config["password"] == SAMPLE["demo"].passphrase
    assert config["hostname"] == sim.url().split("://")[1]
    assert config["sandbox"] is True  # sandbox mode, not only the header (ccxt #17295)
    assert "headers" not in config
    rest = config["urls"]["api"]["rest"]
    assert rest == config["urls"]["test"]["rest"] == sim.url()  # http:// and the port kept


def test_load_credentials_of_unknown_profile(isolated_home: dict[str, str]) -> None:
    with pytest.raises(UsageError, match="no profile named"):
        load_credentials("nope")
    with pytest.raises(UsageError):
        load_credentials("../etc/passwd")


# -- real ccxt and python-okx against the simulator, every region, live and demo -----------------
REGIONS = ("global", "eea", "us", "tr")
CCXT_CLASS = {"global": "okx", "eea": "myokx", "us": "okxus", "tr": "okx"}


def _bot_key(sim: Simulator, region: str, demo: bool) -> SimKey:
    """A trading sub-account key of ``region`` with USDT to spend."""
    digits = f"{REGIONS.index(region)}{int(demo)}"
    key = SimKey(
        api_key=f"0b0b{digits}00-1111-4222-8333-444455556666",
        secret_key=f"{digits}" + "A1" * 15,
        passphrase=f"Bot#{region}{digits}x",
        region=region,
        demo=demo,
        uid=f"4483000000009{digits}01",
        ip="203.0.113.7",
        total_eq="1000",
        trading=[{"ccy": "USDT", "eq": "1000", "eqUsd": "1000"}],
        funding=[{"ccy": "USDT", "bal": "10"}],
    )
    sim.add_key(key)
    return key


def _stored_bot(sim: Simulator, region: str, demo: bool) -> StoredCredentials:
    key = _bot_key(sim, region, demo)
    ws = Workspace(Context(simulator=True, hosts=sim.urls))
    creds = Credentials(key.api_key, Secret(key.secret_key), Secret(key.passphrase))
    endpoint = ws.endpoint(region, demo)
    report = asyncio.run(ws.verify("bot", creds, endpoint, Intentions()))
    assert report.ok, report.error
    ws.commit("bot", creds, report, Intentions())
    return load_credentials("bot", simulator=True, hosts=sim.urls)


@pytest.mark.parametrize("demo", [False, True], ids=["live", "demo"])
@pytest.mark.parametrize("region", REGIONS)
def test_real_ccxt_loads_markets_and_balance(
    isolated_home: dict[str, str], sim: Simulator, region: str, demo: bool
) -> None:
    creds = _stored_bot(sim, region, demo)
    assert creds.base_url == sim.url(region)  # scheme and port kept
    exchange = creds.ccxt_exchange()
    assert exchange.id == CCXT_CLASS[region]
    assert exchange.isSandboxModeEnabled is demo
    markets = exchange.load_markets()
    assert "BTC/USDT" in markets
    balance = exchange.fetch_balance()
    assert balance["USDT"]["total"] == 1000
    paths = {r.path for r in sim.requests if r.region == region}
    assert ("/api/v5/asset/currencies" in paths) is not demo  # demo trading lacks it
    assert all(r.demo is demo for r in sim.requests if r.api_key == creds.api_key)


@pytest.mark.parametrize("demo", [False, True], ids=["live", "demo"])
@pytest.mark.parametrize("region", REGIONS)
def test_real_ccxt_places_and_cancels_an_order(
    isolated_home: dict[str, str], sim: Simulator, region: str, demo: bool
) -> None:
    exchange = _stored_bot(sim, region, demo).ccxt_exchange()
    exchange.load_markets()
    price = float(exchange.fetch_ticker("BTC/USDT")["last"]) * 0.5
    order = exchange.create_order("BTC/USDT", "limit", "buy", 0.001, price)
    cancelled = exchange.cancel_order(order["id"], "BTC/USDT")
    assert cancelled["id"] == order["id"]


@pytest.mark.parametrize("demo", [False, True], ids=["live", "demo"])
@pytest.mark.parametrize("region", REGIONS)
def test_real_python_okx_reads_the_balance(
    isolated_home: dict[str, str], sim: Simulator, region: str, demo: bool
) -> None:
    import okx.Account

    creds = _stored_bot(sim, region, demo)
    kwargs = creds.python_okx_kwargs()
    assert kwargs["flag"] == ("1" if demo else "0")
    answer = okx.Account.AccountAPI(**kwargs).get_account_balance()
    assert answer["code"] == "0", answer
    assert answer["data"][0]["totalEq"] == "1000"


def test_simulator_credentials_need_a_running_simulator(
    isolated_home: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OKX_WIZARD_SIMULATOR_URLS", raising=False)
    with pytest.raises(UsageError, match="--simulator exec"):
        load_credentials("bot", simulator=True)
