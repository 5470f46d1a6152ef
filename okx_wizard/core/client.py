"""An async OKX REST v5 client made for checking keys: signed, bounded in time, retrying, lenient.

One :class:`OkxClient` (one connection pool) serves a whole check, including the other regions'
hosts tried by region detection (:meth:`OkxClient.sibling`). Every failure comes out as a
:class:`~okx_wizard.core.errors.WizardError` whose message says what failed and what to do; no
secret, header or long response body ever goes into a message or a log line.

Every body is read by one bounded, streaming reader (:mod:`okx_wizard.core.http_body`): at most
:data:`~okx_wizard.core.http_body.MAX_BODY_BYTES` once decoded, inside the request's deadline.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import random
import re
import ssl
import sys
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import urlencode, urlsplit

if "httpx" not in sys.modules:
    # httpx's __init__ imports its own command-line tool (click, pygments, rich: ~80 ms, and
    # rich is UI the core must not load) whenever those happen to be installed. okx-wizard never
    # uses it: a None entry makes that optional import fail at once, and httpx falls back to
    # its stub ``main``. The entry is removed right after, so nothing else is affected.
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        import httpx
    finally:
        if sys.modules.get("httpx._main", 0) is None:
            del sys.modules["httpx._main"]
import httpx  # binds the name when httpx was imported before this module

from okx_wizard.core import client_errors as say
from okx_wizard.core.errors import WizardError
from okx_wizard.core.http_body import (
    ACCEPT_ENCODING,
    MAX_BODY_BYTES,
    BodyRefused,
    parse_object,
    read_body,
)
from okx_wizard.core.models import Endpoint
from okx_wizard.core.secret import Credentials
from okx_wizard.core.signing import okx_timestamp, sign
from okx_wizard.core.text import printable
from okx_wizard.core.validation.network import is_loopback_host

log = logging.getLogger(__name__)

TIME_PATH = "/api/v5/public/time"
# First backoff delay in seconds; attempt n waits about BACKOFF_BASE * 2**n, with jitter.
BACKOFF_BASE = 0.2
# Never start a retry with less time than this left: it could not finish anyway.
MIN_ATTEMPT_BUDGET = 0.25
# OKX's error codes are short numbers; anything else in ``code`` is not OKX's JSON.
_CODE_RE = re.compile(r"[0-9]{1,10}")

Method = Literal["GET", "POST"]


@dataclass(frozen=True, slots=True)
class Answer:
    """One successful request: OKX's ``data`` and when the attempt that got it ran (epoch ms)."""

    data: list[dict[str, Any]]
    sent_ms: float
    received_ms: float

    @property
    def midpoint_ms(self) -> float:
        return (self.sent_ms + self.received_ms) / 2


class _Retryable(Exception):
    """An attempt failed in a way worth another try; carries the error to raise if none is left.

    ``unsent``: the request surely never reached the server (so even a write may be resent).
    """

    def __init__(
        self, error: WizardError, retry_after: float | None = None, *, unsent: bool = False
    ) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after
        self.unsent = unsent


class OkxClient:
    """Signed requests to one OKX endpoint, bounded by ``timeout`` and retried with backoff.

    ``timeout`` bounds each call including its retries; ``deadline`` (a ``time.monotonic()``
    instant) additionally bounds every call of this client and its siblings, so a whole check
    stays within one budget. TLS verification is always on; proxies come from the environment.
    A body larger than ``max_body`` bytes (decoded) is refused.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        timeout: float = 15.0,
        connect_timeout: float = 5.0,
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        deadline: float | None = None,
        max_body: int = MAX_BODY_BYTES,
        _http: httpx.AsyncClient | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.retries = max(0, retries)
        self.deadline = deadline
        self.max_body = max_body
        self._owner = _http is None
        self._http = _http or new_http_client(timeout, connect_timeout, transport)

    def sibling(self, endpoint: Endpoint) -> OkxClient:
        """A client for another endpoint that shares this one's connection pool and deadline."""
        return OkxClient(
            endpoint,
            timeout=self.timeout,
            connect_timeout=self.connect_timeout,
            retries=self.retries,
            deadline=self.deadline,
            max_body=self.max_body,
            _http=self._http,
        )

    async def aclose(self) -> None:
        """Close the connection pool (a sibling leaves it to its owner)."""
        if self._owner:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def server_time_ms(self) -> int:
        """OKX's clock in Unix milliseconds (``GET /api/v5/public/time``, no key needed)."""
        answer = await self.request(TIME_PATH)
        return _server_ts(answer)

    async def measure_clock_skew_ms(self) -> int:
        """OKX's clock minus this machine's, measured at the midpoint of the answered request."""
        answer = await self.request(TIME_PATH)
        return round(_server_ts(answer) - answer.midpoint_ms)

    async def get(
        self,
        path: str,
        creds: Credentials,
        params: dict[str, str] | None = None,
        *,
        time_offset_ms: int = 0,
    ) -> list[dict[str, Any]]:
        """OKX's ``data`` for a signed GET; raises WizardError with cause and fix on failure.

        ``time_offset_ms`` is added to this machine's clock when signing, to get past a skewed
        clock (OKX rejects timestamps more than 30 s off with 50102).
        """
        answer = await self.request(path, creds, params, time_offset_ms=time_offset_ms)
        return answer.data

    async def post(
        self,
        path: str,
        body: dict[str, Any],
        creds: Credentials,
        *,
        time_offset_ms: int = 0,
    ) -> list[dict[str, Any]]:
        """OKX's ``data`` for a signed POST of ``body`` as JSON (prehash ts + POST + path + body).

        A write is not idempotent, so it is sent again only when OKX surely did not act on it:
        the connection was never made, or OKX refused it for its rate limit (429, 50011).
        """
        answer = await self.request(
            path, creds, time_offset_ms=time_offset_ms, method="POST", body=body
        )
        return answer.data

    async def request(
        self,
        path: str,
        creds: Credentials | None = None,
        params: dict[str, str] | None = None,
        *,
        time_offset_ms: int = 0,
        method: Method = "GET",
        body: dict[str, Any] | None = None,
    ) -> Answer:
        """One request with retries on 429, 5xx, network errors and OKX's retryable codes.

        Unsigned when ``creds`` is None. The whole call, sleeps included, ends by the client's
        budget: backoff is cut to what is left, and a Retry-After longer than what is left ends
        the call at once (retrying sooner than OKX asked would only be refused again). A POST is
        retried only where resending cannot repeat a write (see :meth:`post`).
        """
        request_path = path + (f"?{urlencode(params)}" if params else "")
        payload = "" if body is None else json.dumps(body, separators=(",", ":"))
        call_deadline = time.monotonic() + self.timeout
        if self.deadline is not None:
            call_deadline = min(call_deadline, self.deadline)
        attempt = 0
        while True:
            remaining = call_deadline - time.monotonic()
            if remaining <= 0:
                raise say.timeout_error(self._host, self.timeout)
            try:
                async with asyncio.timeout(remaining):
                    return await self._attempt(method, request_path, payload, creds, time_offset_ms)
            except TimeoutError:
                raise say.timeout_error(self._host, self.timeout) from None
            except _Retryable as failure:
                error = failure.error
                resendable = method == "GET" or failure.unsent or error.kind == "rate_limit"
                if attempt >= self.retries or not resendable:
                    raise error from None
                left = call_deadline - time.monotonic() - MIN_ATTEMPT_BUDGET
                wait = failure.retry_after
                if wait is not None and wait > left:
                    # Retrying before OKX's Retry-After would only be refused again.
                    raise error.with_cause(
                        f"{error.cause} (OKX asked to wait {wait:g} s before trying again.)"
                    ) from None
                if left <= 0:
                    raise error from None
                backoff = BACKOFF_BASE * 2**attempt * random.uniform(0.5, 1.5)
                delay = min(max(backoff, wait or 0.0), left)
                attempt += 1
                log.debug(
                    "%s %s failed (%s); retry %d/%d in %.2f s",
                    method,
                    path,
                    error.okx_code or error.kind,
                    attempt,
                    self.retries,
                    delay,
                )
                await asyncio.sleep(delay)

    async def _attempt(
        self,
        method: Method,
        request_path: str,
        payload: str,
        creds: Credentials | None,
        time_offset_ms: int,
    ) -> Answer:
        sent_ms = time.time() * 1000
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        if self.endpoint.demo:
            headers["x-simulated-trading"] = "1"
        if creds is not None:
            if not (creds.api_key.isascii() and creds.passphrase.reveal().isascii()):
                raise WizardError(
                    "auth",
                    "The API key or passphrase contains characters that are not plain ASCII "
                    "(such as accented letters or typographic quotes), so it cannot be sent to "
                    "OKX.",
                    "Enter them exactly as on OKX's form, in plain ASCII characters.",
                )
            stamp = okx_timestamp(round(sent_ms) + time_offset_ms)
            secret = creds.secret_key.reveal()
            headers["OK-ACCESS-KEY"] = creds.api_key
            headers["OK-ACCESS-SIGN"] = sign(secret, stamp, method, request_path, payload)
            headers["OK-ACCESS-TIMESTAMP"] = stamp
            headers["OK-ACCESS-PASSPHRASE"] = creds.passphrase.reveal()
        url = self.endpoint.base_url.rstrip("/") + request_path
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - a port beyond 65535 would only fail in the socket
        except ValueError:
            raise say.bad_url_error(self.endpoint.base_url) from None
        if parts.scheme.lower() == "http" and not is_loopback_host(parts.hostname or ""):
            # Wherever the URL came from (an option, a file, a caller of the core), the key,
            # passphrase and signature never travel in clear beyond this machine.
            raise say.cleartext_error(self._host)
        content = payload.encode() if method == "POST" else None
        try:
            async with self._http.stream(method, url, headers=headers, content=content) as response:
                status, phrase = response.status_code, response.reason_phrase or ""
                retry_after = say.retry_after(response.headers.get("Retry-After"))
                try:
                    body = await read_body(response.aiter_raw(), response.headers, self.max_body)
                except BodyRefused as refused:
                    raise say.refused_body_error(self._host, status, refused.reason) from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            raise say.bad_url_error(self.endpoint.base_url) from None
        except httpx.TransportError as exc:
            error = say.network_error(exc, self._host, self.connect_timeout)
            if say.retryable_network_error(exc):
                raise _Retryable(error, unsent=say.never_sent(exc)) from None
            raise error from None
        received_ms = time.time() * 1000
        data = self._parse(status, phrase, retry_after, body, creds)
        return Answer(data, sent_ms, received_ms)

    def _parse(
        self,
        status: int,
        phrase: str,
        retry_after: float | None,
        content: bytes,
        creds: Credentials | None,
    ) -> list[dict[str, Any]]:
        """OKX's ``data`` from a response, or the right WizardError (retryable or not)."""
        transient = status == 429 or status >= 500
        body = parse_object(content)
        code = str(body.get("code")) if body is not None and "code" in body else ""
        if body is None or not _CODE_RE.fullmatch(code):
            error = say.not_json_error(self._host, status, phrase, content, creds)
            if transient:
                raise _Retryable(error, retry_after)
            raise error
        if code != "0":
            msg = body.get("msg")
            error = WizardError.from_okx(code, msg if isinstance(msg, str) else "")
            info = error.code_info
            if transient or (info is not None and info.retry):
                raise _Retryable(error, retry_after)
            raise error
        if transient:
            raise _Retryable(say.not_json_error(self._host, status, phrase, content, creds))
        data = body.get("data")
        if not isinstance(data, list):
            return []
        return [row for row in data if isinstance(row, dict)]

    @property
    def _host(self) -> str:
        netloc = urlsplit(self.endpoint.base_url).netloc.rpartition("@")[2]
        return printable(netloc or self.endpoint.base_url)


def new_http_client(
    timeout: float = 15.0,
    connect_timeout: float = 5.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """A connection pool for OKX requests: verifying TLS, proxies from the environment.

    One pool may serve many checks at once (``check --all``): connections and TLS set-up are
    shared instead of paid per profile.
    """
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(connect_timeout, timeout)),
        transport=transport,
        verify=_tls_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")),
        trust_env=True,
        # Plain http only ever goes to this machine (see _attempt): never through a proxy from
        # the environment, which would receive the key, passphrase and signature in clear.
        mounts={"http://": None},
        follow_redirects=False,
        limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
    )


@functools.cache
def _tls_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """httpx's verifying TLS context (CA bundle from SSL_CERT_FILE / SSL_CERT_DIR or certifi).

    Built once per CA setting: loading a CA bundle costs tens of milliseconds, which every
    client of a ``check --all`` would otherwise pay again. Certificate checks stay on.
    """
    return httpx.create_ssl_context(verify=True, trust_env=True)


def _server_ts(answer: Answer) -> int:
    try:
        return int(answer.data[0]["ts"])
    except (IndexError, KeyError, TypeError, ValueError):
        raise WizardError(
            "server",
            "OKX's server-time answer had no usable timestamp.",
            "Try again in a minute.",
        ) from None
