"""The bounded body reader: declared sizes, streams, compression bombs and hostile JSON."""

from __future__ import annotations

import json
import zlib
from collections.abc import AsyncIterator, Iterable

import pytest

from okx_wizard.core.http_body import MAX_BODY_BYTES, BodyRefused, parse_object, read_body
from tests.hardening.hostile_server import gzip_bomb


async def chunks(parts: Iterable[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def endless(piece: bytes) -> Iterable[bytes]:
    while True:
        yield piece


async def test_plain_body_is_read_whole() -> None:
    body = json.dumps({"code": "0", "data": [{"ts": "1"}]}).encode()
    assert await read_body(chunks([body[:5], body[5:]]), {}) == body


async def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    read: list[bytes] = []

    async def watched() -> AsyncIterator[bytes]:
        read.append(b"x")
        yield b"x"

    with pytest.raises(BodyRefused, match="declared 1500000000 bytes"):
        await read_body(watched(), {"Content-Length": "1500000000"})
    assert read == []


async def test_endless_stream_stops_at_the_cap() -> None:
    with pytest.raises(BodyRefused, match="larger than"):
        await read_body(chunks(endless(b" " * 65536)), {}, limit=MAX_BODY_BYTES)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
async def test_compressed_bodies_are_decoded(encoding: str) -> None:
    body = json.dumps({"code": "0", "data": [{"ccy": "USDT"}] * 100}).encode()
    wbits = {"gzip": 31, "deflate": 15, "raw-deflate": -15}[encoding]
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    packed = packer.compress(body) + packer.flush()
    header = {"Content-Encoding": "gzip" if encoding == "gzip" else "deflate"}
    pieces = [packed[i : i + 7] for i in range(0, len(packed), 7)]
    assert await read_body(chunks(pieces), header) == body


async def test_gzip_bomb_is_inflated_only_to_the_cap() -> None:
    bomb = gzip_bomb(64)  # 64 MiB of spaces in about 66 KB
    pieces = [bomb[i : i + 16384] for i in range(0, len(bomb), 16384)]
    headers = {"Content-Encoding": "gzip", "Content-Length": str(len(bomb))}
    with pytest.raises(BodyRefused, match="once decompressed"):
        await read_body(chunks(pieces), headers, limit=256 * 1024)


async def test_broken_gzip_and_unknown_encodings_are_refused() -> None:
    with pytest.raises(BodyRefused, match="gzip encoding is broken"):
        await read_body(chunks([b"not gzip at all"]), {"Content-Encoding": "gzip"})
    with pytest.raises(BodyRefused, match="does not accept"):
        await read_body(chunks([b"x"]), {"Content-Encoding": "br"})


@pytest.mark.parametrize(
    "body",
    [b"[" * 200_000, b"{" * 200_000, b"[1, 2]", b'"text"', b"null", b"\xff\xfe{}", b"", b"{"],
)
def test_anything_but_a_json_object_is_none(body: bytes) -> None:
    assert parse_object(body) is None


def test_a_json_object_is_parsed() -> None:
    assert parse_object(b'{"code": "0"}') == {"code": "0"}
