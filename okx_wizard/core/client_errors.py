"""What the OKX client says when a request fails: plain words, cause and fix apart, no secret.

Server text is quoted only as a short, cleaned excerpt (:func:`excerpt`): one line, no control
character, and never when it repeats any part of the credentials (a proxy's error page may echo
the request's headers).
"""

from __future__ import annotations

import html
import re
import socket
import ssl
from collections.abc import Iterator
from typing import TYPE_CHECKING

from okx_wizard.core.errors import WizardError
from okx_wizard.core.regions import REGIONS
from okx_wizard.core.secret import Credentials
from okx_wizard.core.text import printable, quote

if TYPE_CHECKING:
    # Imported at run time only inside the functions that need it: client.py imports httpx
    # first, without the command-line extras that would pull UI libraries in.
    import httpx

EXCERPT_CHARS = 80
# What excerpt gives for a body that repeats the credentials: it is described, never quoted.
WITHHELD = "\x00withheld"
STATUS_PAGE = "https://www.okx.com/status"

_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")
_HOSTS = ", ".join(r.rest_url for r in REGIONS.values())


def timeout_error(host: str, timeout: float) -> WizardError:
    return WizardError(
        "network",
        f"{host} did not answer within the {timeout:g} s allowed.",
        "Check this machine's internet connection, proxy and firewall, then try again; "
        f"if it persists, look at OKX's status page ({STATUS_PAGE}).",
    )


def bad_url_error(base_url: str) -> WizardError:
    return WizardError(
        "network",
        f"The base URL {printable(repr(base_url))} is not a valid http(s) URL.",
        "Correct --base-url, or leave it out to use the region's OKX host.",
    )


def cleartext_error(host: str) -> WizardError:
    """A plain-http URL to another machine: nothing is sent (the secrets would be readable)."""
    return WizardError(
        "network",
        f"The base URL sends requests to {host} over plain http: the API key, passphrase and "
        "signature would travel in clear, so okx-wizard sent nothing.",
        "Use an https:// base URL (http:// is only for 127.0.0.1, ::1 or localhost).",
    )


def refused_body_error(host: str, status: int, reason: str) -> WizardError:
    """A body okx-wizard stopped reading (too large, or in an encoding it does not read)."""
    return WizardError(
        "server",
        f"{host} answered HTTP {status} with a body okx-wizard does not read: {reason}. "
        "OKX's answers are small JSON objects.",
        "Check the base URL: it should be the region's OKX host "
        f"({_HOSTS}); if a proxy sits in between, check it.",
    )


def network_error(exc: httpx.TransportError, host: str, connect_timeout: float) -> WizardError:
    """A plain-words network error for ``exc``."""
    import httpx

    causes = list(exception_chain(exc))
    tls = next((c for c in causes if isinstance(c, ssl.SSLError)), None)
    if tls is not None:
        reason = getattr(tls, "reason", None) or str(tls)
        failed = f"The secure (TLS) connection to {host} failed{f' ({reason})' if reason else ''}"
        if not isinstance(tls, ssl.SSLCertVerificationError):
            return WizardError(
                "network",
                f"{failed}: the server did not complete a TLS handshake.",
                "Check the base URL (a plain-HTTP server reached with https://, or the wrong "
                "port); if a proxy or firewall intercepts HTTPS, check its settings.",
            )
        return WizardError(
            "network",
            f"{failed}: its certificate could not be verified.",
            "Check that the base URL is OKX's; if a company proxy inspects HTTPS, point "
            "SSL_CERT_FILE at its CA bundle. okx-wizard never turns certificate checks off.",
        )
    if any(isinstance(c, socket.gaierror) for c in causes):
        return WizardError(
            "network",
            f"Could not resolve the host name {host}.",
            "Check this machine's internet connection and DNS, and the spelling of the base URL.",
        )
    if isinstance(exc, httpx.ProxyError):
        return WizardError(
            "network",
            f"The proxy refused or failed the connection to {host}.",
            "Check the HTTPS_PROXY / ALL_PROXY environment variables.",
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return WizardError(
            "network",
            f"Connecting to {host} timed out after {connect_timeout:g} s.",
            "Check this machine's internet connection, firewall and proxy settings.",
        )
    if isinstance(exc, httpx.TimeoutException):
        return WizardError(
            "network",
            f"{host} accepted the connection but did not answer in time.",
            "Try again; if it persists, check the proxy or firewall and OKX's status page.",
        )
    if isinstance(exc, httpx.ConnectError):
        refused = any(isinstance(c, ConnectionRefusedError) for c in causes)
        what = "the connection was refused" if refused else "the connection failed"
        return WizardError(
            "network",
            f"Could not connect to {host}: {what}.",
            "Check the base URL, this machine's internet connection, firewall and proxy "
            "settings (HTTPS_PROXY).",
        )
    return WizardError(
        "network",
        f"The connection to {host} was dropped before OKX answered.",
        "Try again; if it persists, a proxy or firewall may be cutting connections.",
    )


def retryable_network_error(exc: httpx.TransportError) -> bool:
    """Whether another try could help (a TLS, DNS or URL problem will not go away)."""
    causes = list(exception_chain(exc))
    return not any(isinstance(c, (ssl.SSLError, socket.gaierror)) for c in causes)


def never_sent(exc: httpx.TransportError) -> bool:
    """Whether the request surely never reached the server (no connection was made)."""
    import httpx

    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError))


def not_json_error(
    host: str, status: int, phrase: str, body: bytes, creds: Credentials | None
) -> WizardError:
    """A server error for an answer that is not OKX's JSON (error pages, broken bodies)."""
    status_text = f"HTTP {status} {printable(phrase)}".strip()
    quoted = excerpt(body.decode("utf-8", "replace") if body else "", creds)
    said = f" (it began: “{quoted}”)" if quoted else ""
    if quoted == WITHHELD:
        said = " (not quoted here: it repeats this key's credentials)"
    if status == 429:
        return WizardError(
            "rate_limit",
            f"{host} answered {status_text}: too many requests{said}.",
            "Wait a few seconds and try again; stop other programs using this key meanwhile.",
        )
    if status in (404, 405) or 300 <= status < 400:
        fix = f"Check the base URL: it should be the region's OKX host ({_HOSTS})."
    else:
        fix = "Try again in a minute; if it persists, check a proxy or OKX's status page."
    return WizardError(
        "server", f"{host} answered {status_text} with something that is not OKX's JSON{said}.", fix
    )


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from, innermost last."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header given in seconds; None when absent or a date."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds < float("inf") else None


def echoes(text: str, creds: Credentials, piece: int = 8) -> bool:
    """Whether ``text`` holds a secret of ``creds`` or any ``piece``-character part of one."""
    folded = text.casefold()
    for secret in (creds.passphrase.reveal(), creds.secret_key.reveal()):
        secret = secret.casefold()
        parts = [secret[i : i + piece] for i in range(max(1, len(secret) - piece + 1))]
        if any(part and part in folded for part in parts):
            return True
    return False


def excerpt(text: str, creds: Credentials | None) -> str:
    """At most EXCERPT_CHARS of a response body as one clean line: an HTML page's title, or
    its start. A page that repeats any part of the credentials (HTML-escaped or cut short) is
    not quoted at all."""
    if not text:
        return ""
    title = _TITLE_RE.search(text)
    if title:
        text = title.group(1)
    elif "<" in text:
        text = _TAG_RE.sub(" ", text)
    line = " ".join(html.unescape(text).split())
    if creds is not None and echoes(line, creds):
        return WITHHELD
    return quote(line, EXCERPT_CHARS)
