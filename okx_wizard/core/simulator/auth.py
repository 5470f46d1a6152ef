"""OKX's checks of a signed request, in OKX's order, each answered with OKX's code.

Headers (50103, 50104, 50106, 50107), timestamp (50112 malformed, 50102 more than 30 s from
server time), key (50111 impossible shape, 50119 unknown here: deleted or another region's),
environment (50101), passphrase (50105), signature (50113), frozen (50100), IP whitelist (50110).
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from email.message import Message

from okx_wizard.core.signing import parse_okx_timestamp, sign
from okx_wizard.core.simulator.codes import IP_MESSAGE
from okx_wizard.core.simulator.model import SimKey
from okx_wizard.core.simulator.state import SimState

MAX_SKEW_MS = 30_000
DEMO_HEADER = "x-simulated-trading"
_KEY_SHAPE = re.compile(r"[0-9A-Za-z-]{8,64}")


def is_demo(headers: Message) -> bool:
    """Whether the request asks for demo trading (``x-simulated-trading: 1``)."""
    return headers.get(DEMO_HEADER, "").strip() == "1"


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


def ip_allowed(public_ip: str, whitelist: str) -> bool:
    """Whether ``public_ip`` is inside a comma-joined list of IPv4/IPv6 addresses or CIDRs."""
    try:
        address = ipaddress.ip_address(public_ip.strip())
    except ValueError:
        return False
    for entry in whitelist.split(","):
        try:
            network = ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            continue
        if address in network:
            return True
    return False


def authenticate(
    state: SimState,
    request: tuple[str, str, str, str],
    headers: Message,
    server_ms: int,
    public_ip: str,
) -> SimKey | tuple[str, str]:
    """The key a request (method, path with query, region, body) proves it holds, or OKX's
    (code, msg) refusing it."""
    method, raw_path, region, body = request
    api_key = headers.get("OK-ACCESS-KEY", "").strip()
    passphrase = headers.get("OK-ACCESS-PASSPHRASE", "")
    signature = headers.get("OK-ACCESS-SIGN", "").strip()
    timestamp = headers.get("OK-ACCESS-TIMESTAMP", "").strip()
    for value, code in (
        (api_key, "50103"), (passphrase.strip(), "50104"),
        (signature, "50106"), (timestamp, "50107"),
    ):  # fmt: skip
        if not value:
            return code, ""
    try:
        stamp_ms = parse_okx_timestamp(timestamp)
    except (ValueError, OverflowError):
        return "50112", ""
    if abs(stamp_ms - server_ms) > MAX_SKEW_MS:
        return "50102", ""
    if not _KEY_SHAPE.fullmatch(api_key):
        return "50111", ""
    with state.lock:
        key = state.keys.get(api_key)
    if key is None or key.region != region:
        return "50119", ""
    if is_demo(headers) != key.demo:
        return "50101", ""
    if not _same(passphrase, key.passphrase):
        return "50105", ""
    if not _same(signature, sign(key.secret_key, timestamp, method, raw_path, body)):
        return "50113", ""
    if key.frozen:
        return "50100", ""
    if key.ip and not ip_allowed(public_ip, key.ip):
        return "50110", IP_MESSAGE.format(ip=public_ip)
    return key
