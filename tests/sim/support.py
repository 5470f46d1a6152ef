"""Helpers for the simulator's bot-facing tests: new keys like the samples, signed calls."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from typing import Any

import httpx

from okx_wizard.core.signing import okx_timestamp, sign
from okx_wizard.core.simulator import SAMPLE, SimKey, Simulator


def variant(name: str, **changes: Any) -> SimKey:
    """A new key like sample ``name`` (a fresh API key), with ``changes``."""
    return dataclasses.replace(SAMPLE[name], api_key=str(uuid.uuid4()), **changes)


def call(
    client: httpx.Client,
    sim: Simulator,
    key: SimKey,
    method: str,
    path: str,
    body: Any = None,
    *,
    region: str | None = None,
) -> httpx.Response:
    """A request signed with ``key`` the way OKX documents (``path`` with its query for GET)."""
    text = "" if body is None else json.dumps(body)
    stamp = okx_timestamp(int(time.time() * 1000))
    headers = {
        "OK-ACCESS-KEY": key.api_key,
        "OK-ACCESS-PASSPHRASE": key.passphrase,
        "OK-ACCESS-TIMESTAMP": stamp,
        "OK-ACCESS-SIGN": sign(key.secret_key, stamp, method, path, text),
        "Content-Type": "application/json",
    }
    if key.demo:
        headers["x-simulated-trading"] = "1"
    url = sim.url(region or key.region) + path
    return client.request(method, url, headers=headers, content=text or None)


def answer(response: httpx.Response, code: str = "0", status: int = 200) -> dict[str, Any]:
    """The JSON body, after checking OKX's code and the HTTP status."""
    body: dict[str, Any] = response.json()
    assert (response.status_code, body["code"]) == (status, code), body
    return body
