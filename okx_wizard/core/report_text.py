"""A check's report as plain lines of text: one formatter for the CLI and the home screen.

Every value that came from a server or a file (profile name, uid, permissions, IPs, balances,
messages quoting OKX) goes through :func:`~okx_wizard.core.text.printable`, so no line can carry
an escape sequence or a line break of its own. The lines are plain text, not markup: a screen
shows them as ``Text`` / ``Content``.
"""

from __future__ import annotations

from okx_wizard.core.models import Report
from okx_wizard.core.text import printable


def report_lines(report: Report, *, brief: bool = False) -> list[str]:
    """The report in lines: the verdict first, then details, then one line per warning.

    ``brief`` (the home screen's panel): the verdict and the warnings only. Otherwise (the
    CLI): the verdict with region, environment and key, then account, balance and key age.
    """
    name = printable(report.profile)
    error = report.error
    if brief:
        if error is not None:
            code = f" (OKX {printable(error.okx_code)})" if error.okx_code else ""
            lines = [f"✗ {name}: {error.kind}{code} — {printable(error.message)}"]
        else:
            lines = [f"✓ {name}: the key works."]
        return lines + [f"! {w.code}: {printable(w.message)}" for w in report.warnings]
    ep = report.endpoint
    where = f"{printable(ep.region)} {'demo' if ep.demo else 'live'}"
    lines = []
    if error is None:
        lines.append(f"✓ {name}: verified — {where}, key {printable(report.api_key_hint)}")
        if report.account:
            acc = report.account
            kind = "sub-account" if acc.sub_account else "MAIN account"
            perms = printable(", ".join(acc.permissions)) or "none"
            ips = printable(", ".join(acc.ip_whitelist)) or "none"
            uid = printable(acc.uid)
            lines.append(f"  account: {kind} uid {uid}, permissions {perms}, IPs {ips}")
        if report.balance is not None:
            lines.append(f"  balance: {printable(report.balance.total_eq_usd) or '0'} USD")
        if report.key_age_days is not None:
            lines.append(f"  key age: {report.key_age_days} days")
    else:
        code = f" [OKX {printable(error.okx_code)}]" if error.okx_code else ""
        lines.append(f"✗ {name}: {error.kind} error{code} — {where}")
        lines.append(f"  {printable(error.message)}")
    lines += [f"  ! {w.code}: {printable(w.message)}" for w in report.warnings]
    return lines
