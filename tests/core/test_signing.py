"""Our OKX signer against a published example and against python-okx's own signer."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from okx import utils as okx_utils

from okx_wizard.core.signing import okx_timestamp, parse_okx_timestamp, prehash, sign

ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
# Up to 9999-12-31: the range an ISO timestamp with a four-digit year can express.
EPOCH_MS = st.integers(min_value=0, max_value=253_402_300_799_999)
PRINTABLE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E))


def okx_sdk_sign(secret: str, timestamp: str, method: str, path: str, body: str) -> str:
    """python-okx (okx/utils.py): sign(pre_hash(...), secret), as its clients do."""
    message = okx_utils.pre_hash(timestamp, method, path, body, debug=False)
    return str(okx_utils.sign(message, secret).decode())


def test_published_example_from_okx_sdk() -> None:
    # OKEx's official open-api-v3-sdk SignatureTest (same scheme as v5): these inputs sign to
    # TO6uwdqz+31SIPkd4I+9NiZGmVH74dXi+Fd5X0EzzSQ=
    body = '{"product_id":"BTC-USD-0309","order_id":"377454671037440"}'
    args = ("2018-03-08T10:59:25.789Z", "POST", "/orders?before=2&limit=30", body)
    expected = "TO6uwdqz+31SIPkd4I+9NiZGmVH74dXi+Fd5X0EzzSQ="
    assert sign("E65791902180E9EF4510DB6A77F6EBAE", *args) == expected
    assert okx_sdk_sign("E65791902180E9EF4510DB6A77F6EBAE", *args) == expected


def test_prehash_follows_the_v5_docs() -> None:
    # docs-v5 "REST Authentication": timestamp + 'GET' + '/api/v5/account/balance?ccy=BTC'
    text = prehash("2020-12-08T09:08:57.715Z", "get", "/api/v5/account/balance?ccy=BTC")
    assert text == "2020-12-08T09:08:57.715ZGET/api/v5/account/balance?ccy=BTC"
    assert text == okx_utils.pre_hash(
        "2020-12-08T09:08:57.715Z", "GET", "/api/v5/account/balance?ccy=BTC", "", debug=False
    )


@given(
    secret=st.one_of(st.text(alphabet="0123456789ABCDEF", min_size=32, max_size=32), PRINTABLE),
    epoch_ms=EPOCH_MS,
    method=st.sampled_from(["GET", "get", "POST", "post", "DELETE"]),
    path=st.from_regex(r"/api/v5/[a-z/-]{0,40}(\?[a-zA-Z]+=[A-Za-z0-9,.-]*(&[a-z]+=[0-9]*)?)?"),
    body=st.one_of(st.just(""), st.text()),
)
def test_matches_python_okx(secret: str, epoch_ms: int, method: str, path: str, body: str) -> None:
    timestamp = okx_timestamp(epoch_ms)
    assert sign(secret, timestamp, method, path, body) == okx_sdk_sign(
        secret, timestamp, method, path, body
    )


@given(secret=PRINTABLE, other=PRINTABLE)
def test_another_secret_gives_another_signature(secret: str, other: str) -> None:
    args = ("2020-12-08T09:08:57.715Z", "GET", "/api/v5/account/config")
    assert (sign(secret, *args) == sign(other, *args)) == (secret == other)


def test_signature_is_base64_of_32_bytes() -> None:
    value = sign("22582BD0CFF14C41EDBF1AB98506286D", "2020-12-08T09:08:57.715Z", "GET", "/")
    assert re.fullmatch(r"[A-Za-z0-9+/]{43}=", value)


def test_timestamp_format_matches_the_docs_and_python_okx() -> None:
    assert okx_timestamp(1607418537715) == "2020-12-08T09:08:57.715Z"  # docs' example moment
    assert okx_timestamp(0) == "1970-01-01T00:00:00.000Z"
    assert ISO_MS.fullmatch(okx_utils.get_timestamp())


@given(EPOCH_MS)
def test_timestamp_round_trip(epoch_ms: int) -> None:
    text = okx_timestamp(epoch_ms)
    assert ISO_MS.fullmatch(text)
    assert parse_okx_timestamp(text) == epoch_ms
    expected = datetime.fromtimestamp(epoch_ms // 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert text.startswith(expected)


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31)))
def test_parse_reads_any_millisecond_iso_time(moment: datetime) -> None:
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000, tzinfo=UTC)
    text = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert parse_okx_timestamp(text) == round(moment.timestamp() * 1000)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "1597026383.085",
        "2020-12-08 09:08:57.715",  # no T, no Z
        "2020-12-08T09:08:57.715",  # no Z: local time is ambiguous
        "2020-12-08T09:08:57.715+01:00Z",
        "2020-13-45T00:00:00.000Z",
    ],
)
def test_parse_rejects_malformed_timestamps(text: str) -> None:
    with pytest.raises(ValueError):
        parse_okx_timestamp(text)
