"""The Python API for bots: load_credentials and its ccxt / python-okx helpers, for real."""

from __future__ import annotations

import asyncio

import pytest

from okx_wizard import load_credentials
from okx_wizard.core.api import Context, Workspace
from okx_wizard.core.errors import UsageError
from okx_wizard.core.models import Intentions
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE, Simulator


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
