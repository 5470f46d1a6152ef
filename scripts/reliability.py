#!/usr/bin/env python3
"""Run the hardening tests and turn what they observed into docs/reliability.md.

Each hardening test records the case it tried and what it saw (command, fault or input, exit
code, error kind, seconds, what was stored, the message) through the ``record`` fixture of
tests/hardening/conftest.py; with ``OKX_WIZARD_RELIABILITY_JSON`` set, those rows are written
as JSON when the session ends, each with the test's verdict. This script runs the tests with
that variable set, then renders the rows as tables with the totals: faults tried, inputs
fuzzed (hypothesis examples counted one by one), secrets found.

    python scripts/reliability.py                 # run the tests, write docs/reliability.md
    python scripts/reliability.py --keyring       # the same inside dbus-run-session with a
                                                  # throwaway gnome-keyring, as CI runs
    python scripts/reliability.py --from-json F   # render rows saved by an earlier run
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "reliability.md"
JSON_ENV = "OKX_WIZARD_RELIABILITY_JSON"
# tests/hardening/test_hostile_server.py writes its figures here; they become their own section.
HOSTILE_ENV = "OKX_WIZARD_HOSTILE_JSON"
HOSTILE_ROWS = "hostile-server.json"

# Must match tests/hardening/conftest.py.
FAULT_AREAS = ("network", "interruption", "keyring", "storage")
INPUT_AREAS = ("stdin", "profile-name", "ip-list", "metadata", "options")
HYGIENE_AREAS = ("secrets", "files")

SECTIONS: list[tuple[str, str, str]] = [
    ("network", "Network faults",
     "Through the simulator and real loopback sockets, on `login` (new profile), `check` and "
     "`login --replace` (rotation). A lasting fault must end within the time bound with exit "
     "1, the right error kind, a message with the fix and nothing stored; a fault that happens "
     "once must be retried away."),
    ("interruption", "Interruptions",
     "SIGTERM, SIGHUP (an SSH drop) and SIGINT while waiting for OKX, and just before each "
     "write of a save (the real CLI paused there by tests/hardening/pause.py). What is left "
     "must be the old state or the complete new one, and a re-run must work."),
    ("keyring", "Keyring faults",
     "A keyring backend that raises, is locked, or never answers: in process at each keyring "
     "call of every operation, and through the CLI via keyring's PYTHON_KEYRING_BACKEND."),
    ("storage", "Storage faults", "The encrypted vault damaged or locked with another password."),
    ("stdin", "Hostile input: `login --stdin`",
     "Each input through the real CLI, then the parser fuzzed with hypothesis."),
    ("profile-name", "Hostile input: profile names",
     "Every command that takes a profile name (in process), the issue's list through a real "
     "process, then random names."),
    ("options", "Hostile input: options", "Values of --timeout, --base-url and others."),
    ("ip-list", "Hostile input: IP whitelists", "The wizard's IP list parser."),
    ("metadata", "Hostile input: the profile file broken or edited by hand",
     "`list`, `check` and `login` on each file. A damaged file is named, never overwritten, "
     "and copied aside once."),
    ("secrets", "Secret hygiene",
     "Known random secrets, then every output, file, exception text and log record scanned "
     "for each secret and every 8-character piece of it (any letter case)."),
    ("files", "Files", "Modes, atomic rewrites and SIGKILL in the middle of a write."),
    ("failed", "Tests that failed before recording what they saw", ""),
]  # fmt: skip


def run_tests(json_path: Path, keyring: bool, extra: list[str]) -> int:
    """Run tests/hardening with the recorder on; pytest's exit status."""
    command = [sys.executable, "-m", "pytest", "tests/hardening", "-q", "-p", "no:cacheprovider"]
    command += extra
    if keyring:
        if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
            print("--keyring needs dbus-run-session and gnome-keyring-daemon", file=sys.stderr)
            return 2
        command = ["dbus-run-session", "--", "bash", ".ci/with-keyring.sh", *command]
    env = {
        **os.environ,
        JSON_ENV: str(json_path),
        HOSTILE_ENV: str(json_path.with_name(HOSTILE_ROWS)),
    }
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def totals(records: list[dict[str, Any]]) -> dict[str, int]:
    faults = sum(int(r.get("faults", 1)) for r in records if r["area"] in FAULT_AREAS)
    examples = sum(int(r.get("examples", 0)) for r in records if r["area"] in INPUT_AREAS)
    chosen = sum(1 for r in records if r["area"] in INPUT_AREAS and not r.get("examples"))
    return {
        "faults": faults,
        "inputs": chosen + examples,
        "chosen": chosen,
        "examples": examples,
        "secrets": sum(int(r.get("secrets_found", 0)) for r in records),
        "tracebacks": sum(1 for r in records if r.get("traceback")),
        "passed": sum(1 for r in records if r.get("result") == "passed"),
        "failed": sum(1 for r in records if r.get("result") not in ("passed", None)),
        "rows": len(records),
    }


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return text.replace("`", "'")


def render(document: dict[str, Any]) -> str:
    records = document["records"]
    t = totals(records)
    store = {"keyring": "the system keyring (Secret Service, gnome-keyring)",
             "vault": "the encrypted vault (no Secret Service in that session)"}  # fmt: skip
    lines = [
        "# Reliability: every fault and hostile input tried",
        "",
        f"Generated by `scripts/reliability.py` from the tests in `tests/hardening/` on "
        f"{document['generated_at']} (Python {document['python']}, {document['platform']}; "
        f"secrets kept in {store.get(document['store'], document['store'])}). Every row is what "
        "a test observed; do not edit by hand, run the script again.",
        "",
        "| | |",
        "|---|---|",
        f"| **Faults tried** | {t['faults']} |",
        f"| **Inputs fuzzed** | {t['inputs']} ({t['chosen']} chosen inputs + {t['examples']} "
        "hypothesis examples) |",
        f"| **Secrets found** | {t['secrets']} |",
        f"| Tracebacks shown to the user | {t['tracebacks']} |",
        f"| Rows | {t['rows']}: {t['passed']} passed, {t['failed']} failed |",
        "",
        "Exit codes: 0 verified, 1 failed (key, OKX unreachable, storage), 2 usage or input "
        "error, 128+N ended by signal N (130 for Ctrl+C). *Stored / changed* compares "
        "`list --json`, the profile file's bytes and the secret store's entries before and "
        "after.",
    ]
    known = {area for area, _, _ in SECTIONS}
    sections = [*SECTIONS]
    for area in sorted({r["area"] for r in records} - known):
        sections.append((area, area, ""))
    for area, title, intro in sections:
        rows = [r for r in records if r["area"] == area]
        if not rows:
            continue
        lines += ["", f"## {title}", ""]
        if intro:
            lines += [intro, ""]
        lines += [
            "| Case | Command | Fault / input tried | Exit | Kind | s | Stored / changed "
            "| What the user saw | Result |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            tried = r.get("tried", "")
            if r.get("examples"):
                tried = f"{tried}: {r['examples']} examples"
            result = "✓" if r.get("result") == "passed" else f"✗ {r.get('result')}"
            lines.append(
                "| "
                + " | ".join(
                    _cell(v)
                    for v in (
                        r.get("case"),
                        r.get("command"),
                        tried,
                        r.get("exit"),
                        r.get("kind"),
                        r.get("elapsed"),
                        r.get("stored"),
                        r.get("message"),
                        result,
                    )
                )
                + " |"
            )
    return "\n".join(lines) + "\n"


def hostile_section(output: Path, rows: Path, previous: str) -> None:
    """Add the hostile-server section: this run's figures, else the one the file had."""
    sys.path.insert(0, str(ROOT))
    from tests.hardening.hostile_server import BEGIN, END, update_doc

    if rows.exists():
        update_doc(rows, output)
    elif BEGIN in previous and END in previous:
        block = BEGIN + previous.split(BEGIN, 1)[1].split(END, 1)[0] + END
        output.write_text(output.read_text("utf-8").rstrip("\n") + "\n\n" + block + "\n", "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keyring", action="store_true", help="run under a throwaway keyring")
    parser.add_argument("--json", type=Path, help="also keep the recorded rows here")
    parser.add_argument("--from-json", type=Path, help="render these rows; run no test")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args(argv)
    status = 0
    if args.from_json:
        source = args.from_json
    else:
        folder = Path(tempfile.mkdtemp(prefix="okx-wizard-reliability-"))
        source = args.json or folder / "reliability.json"
        status = run_tests(source.resolve(), args.keyring, args.pytest_args)
        if not source.exists():
            print(f"the tests recorded nothing (pytest exit {status})", file=sys.stderr)
            return status or 1
    document = json.loads(source.read_text("utf-8"))
    previous = args.output.read_text("utf-8") if args.output.exists() else ""
    args.output.write_text(render(document), "utf-8")
    hostile_section(args.output, source.with_name(HOSTILE_ROWS), previous)
    t = totals(document["records"])
    print(
        f"{args.output}: faults tried {t['faults']}, inputs fuzzed {t['inputs']}, "
        f"secrets found {t['secrets']}; {t['passed']} passed, {t['failed']} failed"
    )
    return status or (1 if t["failed"] or t["secrets"] else 0)


if __name__ == "__main__":
    raise SystemExit(main())
