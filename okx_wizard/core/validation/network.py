"""Rules for network input: the base URL requests go to, and a key's IP whitelist."""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field

from okx_wizard.core.validation.common import (
    PASTE_MARKER_RE,
    FieldCheck,
    ascii_printable,
    is_invisible,
    required,
    shown,
)

MAX_IPS = 20


@dataclass(frozen=True, slots=True)
class IpList:
    """A parsed IP whitelist: normalised entries, per-entry errors and warnings."""

    entries: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every entry parsed and the list fits OKX's limit."""
        return not self.errors


# Base URL


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ``::1``: this machine only."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost":  # not *.localhost: the resolver here may send it to DNS
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> FieldCheck:
    """Whether ``url`` can be a base URL for OKX requests: ``https://`` with a host and a
    valid port, or ``http://`` to this machine only (127.0.0.0/8, ``::1``, ``localhost``).

    Requests carry the API key, the passphrase and a signature: over plain http to another
    machine anyone on the way reads them. The message quotes the URL with control characters
    escaped and its length bounded.
    """
    from urllib.parse import urlsplit

    quoted = shown(url.encode("unicode_escape").decode("ascii"))
    if not url.strip():
        return FieldCheck("error", "The base URL is empty: leave the option out to use OKX's.")
    if not ascii_printable(url):
        return FieldCheck("error", f"{quoted} has spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return FieldCheck("error", f"{quoted} has an invalid host or port (1-65535).")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return FieldCheck("error", f"{quoted} is not an https:// URL with a host.")
    if port == 0:
        return FieldCheck("error", f"{quoted} has an invalid port (1-65535).")
    if parts.username is not None or parts.password is not None:
        return FieldCheck("error", f"{shown(parts.hostname)}: no user or password in the URL.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        return FieldCheck(
            "error",
            f"{quoted} is plain http to another machine: the key and passphrase would travel "
            "in clear. Use https:// (http:// is only for 127.0.0.1, ::1 or localhost).",
        )
    return FieldCheck("ok")


def validate_base_url(url: str) -> str:
    """Return ``url`` if requests can go there, else raise :class:`UsageError` saying why."""
    return required(check_base_url(url), url)


# ---------------------------------------------------------------------------------------------
# IP whitelist

_LOCAL_V4 = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",  # carrier-grade NAT
    "127.0.0.0/8",
    "169.254.0.0/16",
)
_LOCAL_V6 = ("::1/128", "fc00::/7", "fe80::/10")


@functools.cache
def _local_networks() -> tuple[
    tuple[ipaddress.IPv4Network, ...], tuple[ipaddress.IPv6Network, ...]
]:
    """The private, loopback, CGNAT and link-local ranges (built on first use)."""
    return (
        tuple(ipaddress.IPv4Network(n) for n in _LOCAL_V4),
        tuple(ipaddress.IPv6Network(n) for n in _LOCAL_V6),
    )


def _is_local(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """Private, loopback, CGNAT or link-local: never the address OKX sees."""
    v4, v6 = _local_networks()
    if isinstance(network, ipaddress.IPv4Network):
        return any(network.subnet_of(local) for local in v4)
    return any(network.subnet_of(local) for local in v6)


_PRIVATE_WARNING = "a private address: OKX sees your public IP"


def _split_entries(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", re.sub(PASTE_MARKER_RE, "", text))
    text = "".join(" " if is_invisible(c) else c for c in text)
    return [e for e in re.split(r"[\s,;]+", text) if e]


def validate_ip_list(text: str) -> IpList:
    """Parse a whitelist typed or pasted by the user: IPv4, IPv6 and CIDR, at most 20.

    Entries may be separated by commas, semicolons, spaces or new lines. Duplicates are
    dropped, networks normalised (``10.1.2.3/8`` becomes ``10.0.0.0/8``, with a warning);
    private, loopback and link-local ranges are warned about, since OKX only ever sees the
    machine's public address.
    """
    entries: list[str] = []
    errors: list[str] = []
    warnings: list[str] = []
    for raw in _split_entries(text):
        if "%" in raw:
            errors.append(f"{shown(raw)}: a zone index (%...) cannot be whitelisted")
            continue
        try:
            if "/" in raw:
                network = ipaddress.ip_network(raw, strict=False)
                normal = str(network)
                if network.prefixlen == network.max_prefixlen:
                    normal = str(network.network_address)
                elif normal != raw:
                    warnings.append(f"{shown(raw)} is read as {normal}")
            else:
                network = ipaddress.ip_network(ipaddress.ip_address(raw))
                normal = str(network.network_address)
        except ValueError:
            errors.append(f"{shown(raw)}: not an IPv4 or IPv6 address or CIDR range")
            continue
        if normal in entries:
            continue
        entries.append(normal)
        if network.prefixlen == 0:
            warnings.append(f"{normal} allows every address: the whitelist does nothing")
        elif network.is_unspecified:
            errors.append(f"{normal}: not an address a machine can have")
            entries.remove(normal)
        elif _is_local(network):
            warnings.append(f"{normal}: {_PRIVATE_WARNING}")
    if len(entries) > MAX_IPS:
        errors.append(f"OKX allows at most {MAX_IPS} IPs per key; this list has {len(entries)}")
    return IpList(entries, errors, warnings)
