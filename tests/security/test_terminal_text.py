"""Server and file strings reaching a terminal (issue #12, items 2 and 5): no escape sequence,
line break, line or paragraph separator, C1 control or bidi override takes effect or forges a
line of the CLI's output. ``--json`` escapes them by being JSON.
"""

from __future__ import annotations

import json
import re

import pytest

from okx_wizard.core.metadata import clean_text
from okx_wizard.core.simulator import Simulator
from okx_wizard.core.text import UNSAFE, printable, quote, strip_unsafe
from tests.conftest import run_cli
from tests.security.support import TRACEBACK, key_with, stdin_of

# Everything a hostile "OKX" can put in a string it returns.
EVIL = (
    "\x1b[2J\x1b]8;;https://evil.example\x07X\x1b]8;;\x07\r\n✓ forged: verified\u2028L2"
    "\u2029\u202eRTL\u2066iso\u2069\u061c\u200f\x9b31m\x85NEL\x00\x7f[b]mk[/b]\ufff9"
)
# What must not reach a terminal (a real line break is allowed only between report lines).
ACTIVE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(UNSAFE) if c != 10) + "]")


@pytest.mark.parametrize("char", [chr(c) for c in sorted(UNSAFE)])
def test_the_one_cleaner_makes_every_unsafe_character_visible(char: str) -> None:
    shown = printable(f"a{char}b")
    assert char not in shown
    assert shown.startswith("a\\") and shown.endswith("b")
    assert strip_unsafe(f"a{char}b") == "ab" == clean_text(f"a{char}b")
    assert char not in quote(f"a{char}b", 80)


def test_the_file_cleaner_and_the_terminal_cleaner_agree() -> None:
    assert strip_unsafe(EVIL) == clean_text(EVIL)
    assert not ACTIVE.search(printable(EVIL)) and "\n" not in printable(EVIL)


@pytest.fixture
def hostile_profile(cli_env: dict[str, str]):  # type: ignore[no-untyped-def]
    """A profile whose OKX answers put EVIL in every string it reports; the simulator stays
    up for the test."""
    key = key_with(
        uid="448300000000000101" + EVIL,
        label="bot" + EVIL,
        ip="203.0.113.7," + EVIL,
        total_eq="5" + EVIL,
        acct_lv="2" + EVIL,
        pos_mode="net_mode" + EVIL,
    )
    with Simulator([key]) as sim:
        login = run_cli(
            "login", "--profile", "bot", "--stdin", "--base-url", sim.url(),
            env=cli_env, stdin=stdin_of(key),
        )  # fmt: skip
        yield login, sim


def _assert_clean_report(out: str) -> None:
    assert not ACTIVE.search(out), repr(out)
    lines = out.splitlines()
    assert lines, out
    # A verdict line, then only indented detail lines: no line the server started.
    assert lines[0].startswith(("✓ bot: ", "✗ bot: ")), repr(out)
    assert all(line.startswith("  ") for line in lines[1:] if not line.startswith("Saved as")), (
        repr(out)
    )
    assert "✓ forged" not in "\n".join(line[:12] for line in lines)


def test_login_and_check_print_server_strings_as_inert_text(
    hostile_profile,
    cli_env: dict[str, str],  # type: ignore[no-untyped-def]
) -> None:
    """The account answer is made visible where it is parsed (core), and the CLI cleans each
    line again: either alone keeps the report's lines its own."""
    login, _ = hostile_profile
    assert TRACEBACK not in login.stdout + login.stderr
    _assert_clean_report(login.stdout)
    check = run_cli("check", "bot", env=cli_env)
    assert TRACEBACK not in check.stdout + check.stderr
    _assert_clean_report(check.stdout)
    assert not ACTIVE.search(check.stderr)


def test_list_prints_values_from_the_file_as_inert_text(
    hostile_profile,
    cli_env: dict[str, str],  # type: ignore[no-untyped-def]
) -> None:
    run_cli("check", "bot", env=cli_env)
    listed = run_cli("list", env=cli_env)
    assert listed.returncode == 0
    assert not ACTIVE.search(listed.stdout + listed.stderr), repr(listed.stdout)
    assert len(listed.stdout.splitlines()) == 2  # the header and one profile


def test_json_reports_keep_server_strings_escaped(
    hostile_profile,
    cli_env: dict[str, str],  # type: ignore[no-untyped-def]
) -> None:
    for args in (("check", "bot", "--json"), ("list", "--json")):
        run = run_cli(*args, env=cli_env)
        assert not ACTIVE.search(run.stdout), (args, repr(run.stdout))
        json.loads(run.stdout)
