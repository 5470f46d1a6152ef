"""What the command line prints: one cleaner for outside text, the report, JSON, errors.

Text from a server or a file is data: it never moves the cursor, recolours or clears the
terminal, and never starts a line of its own (a forged "✓ verified" line).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from okx_wizard.core.models import Report

# C0 and C1 controls, DEL, bidi overrides and isolates, line and paragraph separators.
_CONTROL = frozenset(
    [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, 0x200E, 0x200F, 0x061C,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x85]
)  # fmt: skip


def printable(text: str) -> str:
    """``text`` with every control character (line breaks included) made visible as ``\\xNN``."""
    if not any(ord(c) in _CONTROL for c in text):
        return text
    return "".join(_escape(c) if ord(c) in _CONTROL else c for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable_value(value: Any) -> Any:
    """``value`` with every string in it cleaned, however deeply nested (lists, tables)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, Mapping):
        return {printable(str(k)): printable_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable_value(v) for v in value]
    return value


def lines(*texts: str) -> str:
    """Lines of our own joined with newlines; each one cleaned of outside control characters."""
    return "\n".join(printable(t) for t in texts)


def err(message: str) -> None:
    """One line on stderr, prefixed with the program's name."""
    print(printable(f"okx-wizard: {message}"), file=sys.stderr)


def to_json(value: Any, **options: Any) -> str:
    """JSON text (json is loaded only by the commands that print it, not by the wizard)."""
    import json

    return json.dumps(value, **options)


def jsonable(value: object) -> str:
    """Datetimes in metadata become ISO strings in JSON output."""
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return str(isoformat())
    raise TypeError(f"cannot serialise {type(value).__name__}")


def usage(message: str) -> Exception:
    """A usage error (exit 2) to raise."""
    from okx_wizard.core.errors import UsageError

    return UsageError(message)


def report_lines(report: Report) -> list[str]:
    """The human report of one check, one cleaned line per item."""
    ep = report.endpoint
    env = "demo" if ep.demo else "live"
    out = []
    if report.ok:
        out.append(f"✓ {report.profile}: verified — {ep.region} {env}, key {report.api_key_hint}")
        if report.account:
            acc = report.account
            kind = "sub-account" if acc.sub_account else "MAIN account"
            out.append(
                f"  account: {kind} uid {acc.uid}, permissions "
                f"{', '.join(acc.permissions) or 'none'}, "
                f"IPs {', '.join(acc.ip_whitelist) or 'none'}"
            )
        if report.balance is not None:
            out.append(f"  balance: {report.balance.total_eq_usd or '0'} USD")
        if report.key_age_days is not None:
            out.append(f"  key age: {report.key_age_days} days")
    else:
        assert report.error is not None
        code = f" [OKX {report.error.okx_code}]" if report.error.okx_code else ""
        out.append(f"✗ {report.profile}: {report.error.kind} error{code} — {ep.region} {env}")
        out.append(f"  {report.error.message}")
    out.extend(f"  ! {w.code}: {w.message}" for w in report.warnings)
    return [printable(line) for line in out]


def format_report(report: Report) -> str:
    """The human report of one check as text."""
    return "\n".join(report_lines(report))
