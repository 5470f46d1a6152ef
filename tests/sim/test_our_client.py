"""okx-wizard's own client against what the grown simulator answers: 50119 now comes with HTTP
200 (as OKX documents), 50011 with 429; the client reads OKX's JSON code either way."""

from __future__ import annotations

from okx_wizard.core.client import OkxClient
from okx_wizard.core.errors import WizardError
from okx_wizard.core.models import Endpoint
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE, ManualClock, SimKey, Simulator


def creds(key: SimKey) -> Credentials:
    return Credentials(key.api_key, Secret(key.secret_key), Secret(key.passphrase))


async def test_50119_with_http_200_is_an_error_with_its_code(sim: Simulator) -> None:
    eea = SAMPLE["eea"]
    async with OkxClient(Endpoint("global", False, sim.url()), timeout=5) as client:
        try:
            await client.get("/api/v5/account/config", creds(eea))
        except WizardError as error:
            assert error.okx_code == "50119"
        else:
            raise AssertionError("a key of another region was accepted")
    assert [(r.status, r.code) for r in sim.requests] == [(200, "50119")]


async def test_50011_is_retried_once_the_window_has_passed() -> None:
    clock = ManualClock()
    with Simulator(rate_limits=True, clock=clock) as sim:
        good = SAMPLE["good"]
        async with OkxClient(Endpoint("global", False, sim.url()), timeout=5) as client:
            for _ in range(5):
                await client.get("/api/v5/account/config", creds(good))
            sim.log = lambda line: clock.advance(2)  # the window passes as the refusal goes out
            [config] = await client.get("/api/v5/account/config", creds(good))
        assert config["uid"] == good.uid
        assert [r.code for r in sim.requests][-2:] == ["50011", "0"]
