"""One bounded, streaming reader for OKX's answers: nothing a server sends can exhaust memory.

A response body is read as it arrives and decoded (gzip or deflate) by this module, never by
httpx, so the *decoded* size is counted as it grows: a declared Content-Length above the cap is
refused before a byte is read, an endless stream stops at the cap, and a compression bomb is
inflated at most to the cap (``zlib``'s ``max_length``), never to its full size. The caller
bounds the time (the request's deadline covers the whole read).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

# OKX's biggest answers here (balances of many currencies) are under 100 KB.
MAX_BODY_BYTES = 1024 * 1024
# What okx-wizard asks for: encodings this module decodes with a bounded output.
ACCEPT_ENCODING = "gzip, deflate"


class BodyRefused(Exception):
    """A body not read to its end: too large, or encoded in a way okx-wizard does not read.

    ``reason`` is plain words about the body (no server text in it).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Inflater:
    """gzip or deflate, decoded a bounded piece at a time."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, room: int) -> tuple[bytes, bytes]:
        """At most ``room`` decoded bytes from ``data``, and the part of ``data`` not yet used."""
        try:
            out = self._zlib.decompress(data, room)
        except zlib.error:
            if self._encoding != "deflate" or self._started:
                raise BodyRefused(f"its {self._encoding} encoding is broken") from None
            # Some servers send raw deflate without the zlib header (httpx does the same).
            self._wbits = -zlib.MAX_WBITS
            self._zlib = zlib.decompressobj(self._wbits)
            self._started = True
            return self.feed(data, room)
        self._started = True
        return out, self._zlib.unconsumed_tail


def declared_length(headers: Any) -> int | None:
    """The Content-Length a response declares; None when absent or not a number."""
    value = headers.get("Content-Length")
    if value is None:
        return None
    try:
        return int(str(value).split(",")[0].strip())
    except ValueError:
        return None


async def read_body(raw: AsyncIterator[bytes], headers: Any, limit: int = MAX_BODY_BYTES) -> bytes:
    """The decoded body of a response whose raw (still encoded) chunks ``raw`` yields.

    Raises :class:`BodyRefused` when the declared length, the raw size or the decoded size
    passes ``limit``, or when the body is encoded other than gzip, deflate or not at all.
    """
    declared = declared_length(headers)
    if declared is not None and declared > limit:
        raise BodyRefused(f"it declared {declared} bytes, more than the {limit} allowed")
    encoding = str(headers.get("Content-Encoding") or "identity").strip().lower()
    inflater: _Inflater | None = None
    if encoding in ("gzip", "x-gzip"):
        inflater = _Inflater("gzip")
    elif encoding == "deflate":
        inflater = _Inflater("deflate")
    elif encoding != "identity":
        raise BodyRefused("it is encoded in a way okx-wizard does not accept")
    chunks: list[bytes] = []
    size = 0
    raw_size = 0
    too_large = f"it is larger than the {limit} bytes allowed"
    async for chunk in raw:
        raw_size += len(chunk)
        if raw_size > limit:
            raise BodyRefused(too_large)
        if inflater is None:
            size += len(chunk)
            if size > limit:
                raise BodyRefused(too_large)
            chunks.append(chunk)
            continue
        pending = chunk
        while pending:
            out, pending = inflater.feed(pending, limit - size + 1)
            size += len(out)
            if size > limit:
                raise BodyRefused(too_large + " once decompressed")
            chunks.append(out)
            if not out and pending:
                break  # zlib wants more input before it can give output
    return b"".join(chunks)


def parse_object(body: bytes) -> dict[str, Any] | None:
    """The JSON object in ``body``; None when it is not JSON, not an object, not UTF-8, or
    nested too deeply to parse (a hostile ``[[[[…``)."""
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
