"""What the command line prints: one cleaner for outside text, the report, JSON, errors.

Text from a server or a file is data: it never moves the cursor, recolours or clears the
terminal, and never starts a line of its own (a forged "✓ verified" line).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from okx_wizard.core.report_text import report_lines
from okx_wizard.core.text import map_strings, printable

if TYPE_CHECKING:
    from okx_wizard.core.models import Report


def printable_value(value: Any) -> Any:
    """``value`` with every string in it cleaned, however deeply nested (lists, tables)."""
    return map_strings(value, printable)


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


def format_report(report: Report) -> str:
    """The human report of one check as text."""
    return "\n".join(report_lines(report))
