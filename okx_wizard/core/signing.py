"""OKX v5 request signing: Base64(HMAC-SHA256(secret, timestamp + METHOD + path + body))."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime


def okx_timestamp(epoch_ms: int) -> str:
    """``2020-12-08T09:08:57.715Z`` for a Unix time in milliseconds."""
    # Whole seconds plus exact milliseconds: epoch_ms / 1000 as a float loses a millisecond
    # for far-future times.
    seconds, millis = divmod(int(epoch_ms), 1000)
    moment = datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=millis * 1000)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_okx_timestamp(text: str) -> int:
    """Unix milliseconds of an OKX ISO timestamp; ValueError when malformed."""
    if not text.endswith("Z") or "T" not in text:
        raise ValueError("timestamp must be ISO 8601 UTC ending in Z")
    moment = datetime.fromisoformat(text[:-1] + "+00:00")
    return round(moment.timestamp() * 1000)


def prehash(timestamp: str, method: str, request_path: str, body: str = "") -> str:
    """The string OKX signs; ``request_path`` includes ``?query`` for GET."""
    return f"{timestamp}{method.upper()}{request_path}{body}"


def sign(secret: str, timestamp: str, method: str, request_path: str, body: str = "") -> str:
    """The ``OK-ACCESS-SIGN`` header value."""
    message = prehash(timestamp, method, request_path, body).encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
