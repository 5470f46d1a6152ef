"""The hand-off table (SPEC §8): each tool's names, exactly as that tool's source reads them."""

from __future__ import annotations

import pytest

from okx_wizard.core.errors import UsageError
from okx_wizard.core.handoff import TOOLS, credentials_from_env, tool_env
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.stored import StoredCredentials

KEY = "55b271b5-a561-5dac-8d40-ed83af31e9a8"
SECRET = "BE0744DE60107C959F56170A01E4BE21"
PASSPHRASE = "Good#Sim2024"
CREDS = Credentials(KEY, Secret(SECRET), Secret(PASSPHRASE))

# Written out from each tool's source, not from our table:
# okx/agent-trade-kit packages/core/src/config.ts (loadCredentials, resolveSite, resolveBaseUrl,
#   resolveDemo) and constants.ts (OKX_SITES: global www, eea eea.okx.com, us app.okx.com);
# ccxt/ccxt cli/ts/helpers.ts: (exchangeId + '_' + credential).toUpperCase() over
#   requiredCredentials apiKey, secret, password;
# freqtrade/freqtrade freqtrade/configuration/environment_vars.py: FREQTRADE__{section}__{key};
# okxapi/python-okx okx/okxclient.py: OkxClient(api_key, api_secret_key, passphrase, flag, ...).
EXPECTED: dict[tuple[str, str, bool], dict[str, str]] = {
    ("okx", "global", False): {
        "OKX_API_KEY": KEY, "OKX_SECRET_KEY": SECRET, "OKX_PASSPHRASE": PASSPHRASE,
        "OKX_SITE": "global",
    },
    ("okx", "global", True): {
        "OKX_API_KEY": KEY, "OKX_SECRET_KEY": SECRET, "OKX_PASSPHRASE": PASSPHRASE,
        "OKX_SITE": "global", "OKX_DEMO": "1",
    },
    ("okx", "eea", False): {
        "OKX_API_KEY": KEY, "OKX_SECRET_KEY": SECRET, "OKX_PASSPHRASE": PASSPHRASE,
        "OKX_SITE": "eea",
    },
    ("okx", "us", False): {  # the kit's US default host is app.okx.com; OKX's REST is us.okx.com
        "OKX_API_KEY": KEY, "OKX_SECRET_KEY": SECRET, "OKX_PASSPHRASE": PASSPHRASE,
        "OKX_SITE": "us", "OKX_API_BASE_URL": "https://us.okx.com",
    },
    ("okx", "tr", False): {
        "OKX_API_KEY": KEY, "OKX_SECRET_KEY": SECRET, "OKX_PASSPHRASE": PASSPHRASE,
        "OKX_SITE": "global", "OKX_API_BASE_URL": "https://tr.okx.com",
    },
    ("ccxt", "global", False): {
        "OKX_APIKEY": KEY, "OKX_SECRET": SECRET, "OKX_PASSWORD": PASSPHRASE,
    },
    ("ccxt", "eea", False): {
        "MYOKX_APIKEY": KEY, "MYOKX_SECRET": SECRET, "MYOKX_PASSWORD": PASSPHRASE,
    },
    ("ccxt", "us", False): {
        "OKXUS_APIKEY": KEY, "OKXUS_SECRET": SECRET, "OKXUS_PASSWORD": PASSPHRASE,
    },
    ("freqtrade", "global", False): {
        "FREQTRADE__EXCHANGE__KEY": KEY, "FREQTRADE__EXCHANGE__SECRET": SECRET,
        "FREQTRADE__EXCHANGE__PASSWORD": PASSPHRASE, "FREQTRADE__EXCHANGE__NAME": "okx",
    },
    ("freqtrade", "eea", False): {
        "FREQTRADE__EXCHANGE__KEY": KEY, "FREQTRADE__EXCHANGE__SECRET": SECRET,
        "FREQTRADE__EXCHANGE__PASSWORD": PASSPHRASE, "FREQTRADE__EXCHANGE__NAME": "myokx",
    },
    ("freqtrade", "us", False): {
        "FREQTRADE__EXCHANGE__KEY": KEY, "FREQTRADE__EXCHANGE__SECRET": SECRET,
        "FREQTRADE__EXCHANGE__PASSWORD": PASSPHRASE, "FREQTRADE__EXCHANGE__NAME": "okxus",
    },
    ("python-okx", "global", True): {
        "OKX_API_KEY": KEY, "OKX_API_SECRET": SECRET, "OKX_PASSPHRASE": PASSPHRASE,
        "OKX_FLAG": "1", "OKX_DOMAIN": "https://www.okx.com",
    },
    ("python-okx", "eea", False): {
        "OKX_API_KEY": KEY, "OKX_API_SECRET": SECRET, "OKX_PASSPHRASE": PASSPHRASE,
        "OKX_FLAG": "0", "OKX_DOMAIN": "https://eea.okx.com",
    },
}  # fmt: skip
HOSTS = {"global": "www.okx.com", "eea": "eea.okx.com", "us": "us.okx.com", "tr": "tr.okx.com"}


@pytest.mark.parametrize(("tool", "region", "demo"), list(EXPECTED))
def test_each_tool_gets_exactly_its_own_names(tool: str, region: str, demo: bool) -> None:
    values = tool_env(tool, CREDS, region, demo, f"https://{HOSTS[region]}")
    assert values == EXPECTED[(tool, region, demo)]


def test_tr_for_freqtrade_sets_ccxt_hostname() -> None:
    values = tool_env("freqtrade", CREDS, "tr", False, "https://tr.okx.com")
    assert values["FREQTRADE__EXCHANGE__NAME"] == "okx"
    assert values["FREQTRADE__EXCHANGE__CCXT_CONFIG__HOSTNAME"] == "tr.okx.com"


@pytest.mark.parametrize("tool", ["ccxt", "freqtrade"])
def test_demo_is_refused_where_the_tool_cannot_use_it(tool: str) -> None:
    with pytest.raises(UsageError, match="demo") as info:
        tool_env(tool, CREDS, "global", True, "https://www.okx.com")
    assert SECRET not in str(info.value) and PASSPHRASE not in str(info.value)


@pytest.mark.parametrize(("tool", "region", "demo"), list(EXPECTED))
def test_names_read_back_give_the_same_key_and_place(tool: str, region: str, demo: bool) -> None:
    found = credentials_from_env(EXPECTED[(tool, region, demo)], tool)
    assert found.credentials == CREDS
    assert (found.region, found.demo) == (region, demo)
    assert found.base_url is None  # every one of these is its region's own host


def test_any_tools_names_are_found_without_naming_the_tool() -> None:
    found = credentials_from_env(EXPECTED[("ccxt", "eea", False)])
    assert (found.tool, found.region) == ("ccxt", "eea")


def test_partial_names_say_what_is_missing() -> None:
    with pytest.raises(UsageError, match="OKX_PASSPHRASE"):
        credentials_from_env({"OKX_API_KEY": KEY, "OKX_SECRET_KEY": SECRET}, "okx")
    with pytest.raises(UsageError, match="no OKX credentials"):
        credentials_from_env({"PATH": "/bin"})


def test_simulator_url_keeps_scheme_and_port() -> None:
    stored = StoredCredentials("bot", CREDS, "eea", True, "http://127.0.0.1:41234")
    assert stored.env()["OKX_API_BASE_URL"] == "http://127.0.0.1:41234"
    assert stored.env("python-okx")["OKX_DOMAIN"] == "http://127.0.0.1:41234"
    config = stored.ccxt_config()
    assert config["urls"]["api"]["rest"] == "http://127.0.0.1:41234"
    assert config["sandbox"] is True
    assert stored.ccxt_class == "myokx"


def test_every_tool_is_in_the_table() -> None:
    assert set(TOOLS) == {tool for tool, _, _ in EXPECTED}
