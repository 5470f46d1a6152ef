"""An async OKX REST v5 client made for checking keys: signed, bounded in time, retrying, lenient.

One :class:`OkxClient` (one connection pool) serves a whole check, including the other regions'
hosts tried by region detection (:meth:`OkxClient.sibling`). Every failure comes out as a
:class:`~okx_wizard.core.errors.WizardError` whose message says what failed and what to do; no
secret, header or long response body ever goes into a message or a log line.
"""

from __future__ import annotations

import asyncio
import functools
import html
import ipaddress
import json
import logging
import os
import random
import re
import socket
import ssl
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
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

from okx_wizard.core.errors import WizardError, describe_code
from okx_wizard.core.models import Endpoint
from okx_wizard.core.secret import Credentials
from okx_wizard.core.signing import okx_timestamp, sign

log = logging.getLogger(__name__)

TIME_PATH = "/api/v5/public/time"
# First backoff delay in seconds; attempt n waits about BACKOFF_BASE * 2**n, with jitter.
BACKOFF_BASE = 0.2
# Never start a retry with less time than this left: it could not finish anyway.
MIN_ATTEMPT_BUDGET = 0.25
EXCERPT_CHARS = 80
# What _excerpt gives for a body that repeats the credentials: it is described, never quoted.
WITHHELD = "\x00withheld"

_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


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
    """An attempt failed in a way worth another try; carries the error to raise if none is left."""

    def __init__(self, error: WizardError, retry_after: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


class OkxClient:
    """Signed GET requests to one OKX endpoint, bounded by ``timeout`` and retried with backoff.

    ``timeout`` bounds each call including its retries; ``deadline`` (a ``time.monotonic()``
    instant) additionally bounds every call of this client and its siblings, so a whole check
    stays within one budget. TLS verification is always on; proxies come from the environment.
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
        _http: httpx.AsyncClient | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.retries = max(0, retries)
        self.deadline = deadline
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

    async def request(
        self,
        path: str,
        creds: Credentials | None = None,
        params: dict[str, str] | None = None,
        *,
        time_offset_ms: int = 0,
    ) -> Answer:
        """One GET with retries on 429, 5xx, network errors and OKX's retryable codes.

        Unsigned when ``creds`` is None. The whole call, sleeps included, ends by the client's
        budget: backoff is cut to what is left, and a Retry-After longer than what is left ends
        the call at once (retrying sooner than OKX asked would only be refused again).
        """
        request_path = path + (f"?{urlencode(params)}" if params else "")
        call_deadline = time.monotonic() + self.timeout
        if self.deadline is not None:
            call_deadline = min(call_deadline, self.deadline)
        attempt = 0
        while True:
            remaining = call_deadline - time.monotonic()
            if remaining <= 0:
                raise WizardError("network", self._timeout_message())
            try:
                async with asyncio.timeout(remaining):
                    return await self._attempt(request_path, creds, time_offset_ms)
            except TimeoutError:
                raise WizardError("network", self._timeout_message()) from None
            except _Retryable as failure:
                if attempt >= self.retries:
                    raise failure.error from None
                left = call_deadline - time.monotonic() - MIN_ATTEMPT_BUDGET
                wait = failure.retry_after
                if wait is not None and wait > left:
                    # Retrying before OKX's Retry-After would only be refused again.
                    error = failure.error
                    raise WizardError(
                        error.kind,
                        f"{error.message} (OKX asked to wait {wait:g} s before trying again.)",
                        okx_code=error.okx_code,
                    ) from None
                if left <= 0:
                    raise failure.error from None
                backoff = BACKOFF_BASE * 2**attempt * random.uniform(0.5, 1.5)
                delay = min(max(backoff, wait or 0.0), left)
                attempt += 1
                log.debug(
                    "GET %s failed (%s); retry %d/%d in %.2f s",
                    path,
                    failure.error.okx_code or failure.error.kind,
                    attempt,
                    self.retries,
                    delay,
                )
                await asyncio.sleep(delay)

    async def _attempt(
        self, request_path: str, creds: Credentials | None, time_offset_ms: int
    ) -> Answer:
        sent_ms = time.time() * 1000
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.endpoint.demo:
            headers["x-simulated-trading"] = "1"
        if creds is not None:
            if not (creds.api_key.isascii() and creds.passphrase.reveal().isascii()):
                raise WizardError(
                    "auth",
                    "The API key or passphrase contains characters that are not plain ASCII "
                    "(such as accented letters or typographic quotes), so it cannot be sent to "
                    "OKX. Fix: enter them exactly as on OKX's form, in plain ASCII characters.",
                )
            stamp = okx_timestamp(round(sent_ms) + time_offset_ms)
            headers["OK-ACCESS-KEY"] = creds.api_key
            headers["OK-ACCESS-SIGN"] = sign(creds.secret_key.reveal(), stamp, "GET", request_path)
            headers["OK-ACCESS-TIMESTAMP"] = stamp
            headers["OK-ACCESS-PASSPHRASE"] = creds.passphrase.reveal()
        url = self.endpoint.base_url.rstrip("/") + request_path
        try:
            urlsplit(url).port  # noqa: B018 - a port beyond 65535 would only fail in the socket
        except ValueError:
            raise WizardError("network", self._bad_url_message()) from None
        try:
            response = await self._http.get(url, headers=headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            raise WizardError("network", self._bad_url_message()) from None
        except httpx.TransportError as exc:
            error, retry = self._network_error(exc)
            if retry:
                raise _Retryable(error) from None
            raise error from None
        received_ms = time.time() * 1000
        data = self._parse(response, creds)
        return Answer(data, sent_ms, received_ms)

    def _parse(self, response: httpx.Response, creds: Credentials | None) -> list[dict[str, Any]]:
        """OKX's ``data`` from a response, or the right WizardError (retryable or not)."""
        status = response.status_code
        transient = status == 429 or status >= 500
        retry_after = _retry_after(response.headers.get("Retry-After"))
        try:
            body = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict) or "code" not in body:
            error = self._not_json_error(response, creds)
            if transient:
                raise _Retryable(error, retry_after)
            raise error
        code = str(body.get("code"))
        if code != "0":
            msg = str(body.get("msg") or "")
            error = WizardError.from_okx(code, msg, _extra_for(code, msg))
            if transient or describe_code(code, msg).retry:
                raise _Retryable(error, retry_after)
            raise error
        if transient:
            raise _Retryable(self._not_json_error(response, creds), retry_after)
        data = body.get("data")
        if not isinstance(data, list):
            return []
        return [row for row in data if isinstance(row, dict)]

    # -- messages -------------------------------------------------------------------------------
    @property
    def _host(self) -> str:
        netloc = urlsplit(self.endpoint.base_url).netloc.rpartition("@")[2]
        return netloc or self.endpoint.base_url

    def _timeout_message(self) -> str:
        return (
            f"{self._host} did not answer within the {self.timeout:g} s allowed. "
            "Fix: check this machine's internet connection, proxy and firewall, then try again; "
            "if it persists, look at OKX's status page (https://www.okx.com/status)."
        )

    def _bad_url_message(self) -> str:
        return (
            f"The base URL {self.endpoint.base_url!r} is not a valid http(s) URL. "
            "Fix: correct --base-url, or leave it out to use the region's OKX host."
        )

    def _network_error(self, exc: httpx.TransportError) -> tuple[WizardError, bool]:
        """A plain-words network error for ``exc``, and whether another try could help."""
        host = self._host
        causes = list(_causes(exc))
        tls = next((c for c in causes if isinstance(c, ssl.SSLError)), None)
        if tls is not None:
            reason = getattr(tls, "reason", None) or str(tls)
            failed = (
                f"The secure (TLS) connection to {host} failed{f' ({reason})' if reason else ''}"
            )
            if not isinstance(tls, ssl.SSLCertVerificationError):
                return WizardError(
                    "network",
                    f"{failed}: the server did not complete a TLS handshake. Fix: check the base "
                    "URL (a plain-HTTP server reached with https://, or the wrong port); if a "
                    "proxy or firewall intercepts HTTPS, check its settings.",
                ), False
            return WizardError(
                "network",
                f"{failed}: its certificate could not be verified. Fix: check that the base URL "
                "is OKX's; if a company proxy inspects HTTPS, point SSL_CERT_FILE at its CA "
                "bundle. okx-wizard never turns certificate checks off.",
            ), False
        if any(isinstance(c, socket.gaierror) for c in causes):
            return WizardError(
                "network",
                f"Could not resolve the host name {host}. Fix: check this machine's internet "
                "connection and DNS, and the spelling of the base URL.",
            ), False
        if isinstance(exc, httpx.ProxyError):
            return WizardError(
                "network",
                f"The proxy refused or failed the connection to {host}. Fix: check the "
                "HTTPS_PROXY / ALL_PROXY environment variables.",
            ), True
        if isinstance(exc, httpx.ConnectTimeout):
            return WizardError(
                "network",
                f"Connecting to {host} timed out after {self.connect_timeout:g} s. Fix: check "
                "this machine's internet connection, firewall and proxy settings.",
            ), True
        if isinstance(exc, httpx.TimeoutException):
            return WizardError(
                "network",
                f"{host} accepted the connection but did not answer in time. Fix: try again; "
                "if it persists, check the proxy or firewall and OKX's status page.",
            ), True
        if isinstance(exc, httpx.ConnectError):
            refused = any(isinstance(c, ConnectionRefusedError) for c in causes)
            what = "the connection was refused" if refused else "the connection failed"
            return WizardError(
                "network",
                f"Could not connect to {host}: {what}. Fix: check the base URL, this machine's "
                "internet connection, firewall and proxy settings (HTTPS_PROXY).",
            ), True
        return WizardError(
            "network",
            f"The connection to {host} was dropped before OKX answered. Fix: try again; if it "
            "persists, a proxy or firewall may be cutting connections.",
        ), True

    def _not_json_error(self, response: httpx.Response, creds: Credentials | None) -> WizardError:
        """A server error for an answer that is not OKX's JSON (error pages, broken bodies)."""
        status = response.status_code
        phrase = response.reason_phrase or ""
        status_text = f"HTTP {status} {phrase}".strip()
        excerpt = _excerpt(response.text if response.content else "", creds)
        said = f" (it began: “{excerpt}”)" if excerpt else ""
        if excerpt == WITHHELD:
            said = " (not quoted here: it repeats this key's credentials)"
        if status == 429:
            return WizardError(
                "rate_limit",
                f"{self._host} answered {status_text}: too many requests{said}. Fix: wait a "
                "few seconds and try again; stop other programs using this key meanwhile.",
            )
        if status in (404, 405) or 300 <= status < 400:
            fix = (
                "check the base URL: it should be the region's OKX host "
                "(https://www.okx.com, https://eea.okx.com or https://us.okx.com)"
            )
        else:
            fix = "try again in a minute; if it persists, check a proxy or OKX's status page"
        return WizardError(
            "server",
            f"{self._host} answered {status_text} with something that is not OKX's JSON{said}. "
            f"Fix: {fix}.",
        )


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
            "OKX's server-time answer had no usable timestamp. Fix: try again in a minute.",
        ) from None


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from, innermost last."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header given in seconds; None when absent or a date."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _extra_for(code: str, msg: str) -> str:
    """Specifics from OKX's message worth adding to the table's cause: the IP to whitelist."""
    if code == "50110":
        ip = _first_ip(msg)
        if ip:
            return f"OKX sees this machine as {ip}: add {ip} to the key's IP whitelist."
    return ""


def _first_ip(text: str) -> str | None:
    """The first IPv4 or IPv6 address among the words of ``text``."""
    for word in text.split():
        candidate = word.strip(".,;:()[]'\"")
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def _echoes(text: str, creds: Credentials, piece: int = 8) -> bool:
    """Whether ``text`` holds a secret of ``creds`` or any ``piece``-character part of one."""
    folded = text.casefold()
    for secret in (creds.passphrase.reveal(), creds.secret_key.reveal()):
        secret = secret.casefold()
        parts = [secret[i : i + piece] for i in range(max(1, len(secret) - piece + 1))]
        if any(part and part in folded for part in parts):
            return True
    return False


def _excerpt(text: str, creds: Credentials | None) -> str:
    """At most EXCERPT_CHARS of a response body as one line: an HTML page's title, or its start.

    A page that repeats any part of the credentials (a proxy's error page may echo the request
    headers, HTML-escaped or cut short) is not quoted at all.
    """
    if not text:
        return ""
    title = _TITLE_RE.search(text)
    if title:
        text = title.group(1)
    elif "<" in text:
        text = _TAG_RE.sub(" ", text)
    line = " ".join(html.unescape(text).split())
    if creds is not None and _echoes(line, creds):
        return WITHHELD
    if len(line) > EXCERPT_CHARS:
        line = line[: EXCERPT_CHARS - 1] + "…"
    return line
