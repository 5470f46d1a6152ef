"""Cleartext to the network (issue #12, item 4): the key, passphrase and signature never leave
this machine over plain http, whatever the base URL's source, and never through a proxy.
"""

from __future__ import annotations

import os

import pytest

from okx_wizard.core.client import OkxClient
from okx_wizard.core.errors import WizardError
from okx_wizard.core.models import Endpoint
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE, Simulator
from tests.conftest import run_cli
from tests.security.support import TRACEBACK, Recorder, key_with, stdin_of

GOOD = SAMPLE["good"]


def _creds() -> Credentials:
    return Credentials(GOOD.api_key, Secret(GOOD.secret_key), Secret(GOOD.passphrase))


async def test_the_client_sends_nothing_over_http_to_another_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An Endpoint built by any caller (not only the CLI's validated option) with plain http
    to a non-loopback host: refused before a byte goes out. A proxy from the environment is
    where such a request would otherwise go; it must see nothing."""
    with Recorder() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        endpoint = Endpoint("global", False, "http://203.0.113.9", explicit_base_url=True)
        async with OkxClient(endpoint, timeout=3) as client:
            with pytest.raises(WizardError) as caught:
                await client.get("/api/v5/account/config", _creds())
    assert caught.value.kind == "network"
    assert "plain http" in caught.value.cause
    assert proxy.connections == 0
    assert GOOD.passphrase.encode() not in proxy.received


async def test_plain_http_to_loopback_never_goes_through_an_environment_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """http:// is allowed only to this machine; a proxy set in the environment (possibly on
    another host) would receive the passphrase header in clear, so it is bypassed."""
    with Simulator() as sim, Recorder() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        async with OkxClient(Endpoint("global", False, sim.url()), timeout=5) as client:
            data = await client.get("/api/v5/account/config", _creds())
    assert data and data[0]["uid"] == GOOD.uid
    assert proxy.connections == 0


def test_cli_check_with_an_http_proxy_keeps_the_passphrase_off_it(
    cli_env: dict[str, str],
) -> None:
    key = key_with()
    with Simulator([key]) as sim, Recorder() as proxy:
        login = run_cli(
            "login", "--profile", "bot", "--stdin", "--base-url", sim.url(),
            env=cli_env, stdin=stdin_of(key),
        )  # fmt: skip
        assert login.returncode == 0, login.stdout + login.stderr
        env = {**cli_env, "HTTP_PROXY": proxy.url, "http_proxy": proxy.url}
        check = run_cli("check", "bot", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert proxy.connections == 0
    assert key.passphrase.encode() not in proxy.received


@pytest.mark.parametrize(
    "url",
    ["http://203.0.113.9", "http://www.okx.com", "http://localhost.evil.example",
     "http://127.0.0.1.evil.example", "https://x\u0000.example", "https://x\u202e.example"],
)  # fmt: skip
def test_a_profile_file_cannot_point_check_at_a_cleartext_or_disguised_url(
    url: str, cli_env: dict[str, str]
) -> None:
    """``base_url`` written by hand into profiles.toml: the file is refused as damaged (exit 1,
    the file named), no request is made, the URL is judged as written (not after cleaning)."""
    key = key_with()
    with Simulator([key]) as sim:
        login = run_cli(
            "login", "--profile", "bot", "--stdin", "--base-url", sim.url(),
            env=cli_env, stdin=stdin_of(key),
        )  # fmt: skip
        assert login.returncode == 0, login.stdout + login.stderr
        path = os.path.join(cli_env["XDG_CONFIG_HOME"], "okx-wizard", "profiles.toml")
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        escaped = url.encode("unicode_escape").decode().replace("\\x00", "\\u0000")
        escaped = escaped.replace("\\u202e", "\\u202E")
        text = text.replace(f'base_url = "{sim.url()}"', f'base_url = "{escaped}"')
        assert escaped in text
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        before = len(sim.requests)
        check = run_cli("check", "bot", env=cli_env)
        assert len(sim.requests) == before
    assert check.returncode != 0
    assert "profiles.bot.base_url" in check.stderr + check.stdout
    assert TRACEBACK not in check.stderr + check.stdout


def test_cli_refuses_a_cleartext_base_url_option(cli_env: dict[str, str]) -> None:
    key = key_with()
    with Recorder() as target:
        login = run_cli(
            "login", "--profile", "bot", "--stdin",
            "--base-url", target.url.replace("127.0.0.1", "203.0.113.9"),
            env=cli_env, stdin=stdin_of(key),
        )  # fmt: skip
    assert login.returncode == 2, login.stdout + login.stderr
    assert "plain http" in login.stderr
    assert target.connections == 0
