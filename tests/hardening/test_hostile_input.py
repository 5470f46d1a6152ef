"""Hostile input: ``login --stdin``, profile names, options, IP lists and a profile file broken
or edited by hand.

Tables of chosen inputs run through the real CLI (a subprocess, or ``cli.main`` in process
where thousands of calls are needed); the parsers are fuzzed with hypothesis, and each fuzz test
records how many examples it ran. Bad input is exit 2 with a message that quotes no secret and
no control character; nothing is stored; a broken profile file is named, kept byte for byte,
and copied aside.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import ipaddress
import json
import re
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okx_wizard.core.errors import StorageError, UsageError
from okx_wizard.core.metadata import MetadataStore, ProfileMeta
from okx_wizard.core.simulator import SAMPLE, Simulator
from okx_wizard.core.validation import (
    MAX_IPS,
    check_profile_name,
    parse_stdin_credentials,
    validate_ip_list,
    validate_profile_name,
)
from tests.hardening.conftest import HomeFactory, Record, selected_cases
from tests.hardening.support import Home, run_matrix, scan, secret_pieces, stdin_json

GOOD = SAMPLE["good"]
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)
# Terminal controls: C0 (but newline), DEL, C1, bidi overrides. Never printed raw.
CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# -- running cli.main in process ------------------------------------------------------------------
@dataclass
class MainRun:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_main(*argv: str, stdin: bytes = b"") -> MainRun:
    """``cli.main(argv)`` with its own stdin, stdout and stderr; signal handlers put back."""
    from okx_wizard import cli

    out, err = io.StringIO(), io.StringIO()
    saved_handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    saved_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(argv))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin = saved_stdin
        for sig, handler in saved_handlers.items():
            signal.signal(sig, handler)
    return MainRun(code, out.getvalue(), err.getvalue())


def _nothing_stored(env: dict[str, str]) -> bool:
    roots = [Path(env["XDG_CONFIG_HOME"]) / "okx-wizard", Path(env["XDG_DATA_HOME"]) / "okx-wizard"]
    return not any(p.is_file() for root in roots if root.exists() for p in root.rglob("*"))


# -- login --stdin through the real CLI -----------------------------------------------------------
K, S, P = GOOD.api_key, GOOD.secret_key, GOOD.passphrase
LINES = f"{K}\n{S}\n{P}\n"


@dataclass(frozen=True)
class StdinCase:
    id: str
    tried: str
    data: bytes
    exit: int
    word: str = ""  # the message must say this


STDIN_CASES = [
    StdinCase("empty", "nothing at all", b"", 2, "empty"),
    StdinCase("blank", "only spaces and new lines", b"  \r\n\n\t\n", 2, "empty"),
    StdinCase("binary", "256 bytes of binary", bytes(range(256)), 2, "UTF-8"),
    StdinCase("nul", "NUL bytes inside the text", f"{K}\n{S}\x00\n{P}".encode(), 2, "control"),
    StdinCase("escape", "a terminal escape sequence", f"{K}\n\x1b[2J{S}\n{P}".encode(), 2,
              "control"),
    StdinCase("5mb", "5 MB of text", b"a" * 5_000_000, 2, "64 KiB"),
    StdinCase("json-array", "a JSON array", b'["a", "b", "c"]', 2, "one object"),
    StdinCase("json-number", "a bare number", b"42", 2, "expected 3"),
    StdinCase("wrong-type", "api_key as a number", stdin_json(GOOD, api_key=12345), 2,
              "JSON string"),
    StdinCase("null", "secret_key null", stdin_json(GOOD, secret_key=None), 2, "JSON string"),
    StdinCase("object", "passphrase as an object", stdin_json(GOOD, passphrase={"a": P}), 2,
              "JSON string"),
    StdinCase("missing", "passphrase missing", json.dumps({"api_key": K, "secret_key": S}).encode(),
              2, "lacks passphrase"),
    StdinCase("extra", "a fourth field", stdin_json(GOOD, password=P), 2, "unexpected"),
    StdinCase("empty-value", "an empty passphrase", stdin_json(GOOD, passphrase=""), 2, "empty"),
    StdinCase("broken-json", "JSON cut short", stdin_json(GOOD)[:-9], 2, "not valid JSON"),
    StdinCase("deep-json", "60,000 nested brackets", b"[" * 60_000, 2, "JSON"),
    StdinCase("huge-number", "a 5,000-digit number", b'{"api_key": ' + b"9" * 5000 + b"}", 2,
              "JSON"),
    StdinCase("two-lines", "two lines instead of three", f"{K}\n{S}\n".encode(), 2, "expected 3"),
    StdinCase("four-lines", "four lines", f"{K}\n{S}\n{P}\n{P}\n".encode(), 2, "expected 3"),
    StdinCase("key-as-secret", "the API key pasted as the secret key too",
              f"{K}\n{K}\n{P}\n".encode(), 1),
    StdinCase("non-ascii-passphrase", "a passphrase with non-ASCII letters",
              stdin_json(GOOD, passphrase="Pässwörd#2024"), 1, "ASCII"),
    StdinCase("bom", "a UTF-8 BOM before three lines", codecs.BOM_UTF8 + LINES.encode(), 0),
    StdinCase("bom-json", "a UTF-8 BOM before the JSON", codecs.BOM_UTF8 + stdin_json(GOOD), 0),
    StdinCase("utf16", "UTF-16 with BOM (PowerShell)", ("\ufeff" + LINES).encode("utf-16-le"), 0),
    StdinCase("crlf", "CR LF line ends", LINES.replace("\n", "\r\n").encode(), 0),
    StdinCase("cr", "CR-only line ends", LINES.replace("\n", "\r").encode(), 0),
    StdinCase("paste", "bracketed-paste markers around each value",
              "".join(f"\x1b[200~{v}\x1b[201~\n" for v in (K, S, P)).encode(), 0),
    StdinCase("paste-no-esc", "paste markers whose ESC was lost",
              "".join(f"[200~{v}[201~\n" for v in (K, S, P)).encode(), 0),
    StdinCase("invisible", "NBSP, zero-width spaces and tabs around the values",
              f"\u00a0{K}\u200b\t\n\u200b{S} \n {P}\u00a0\n\n\n".encode(), 0),
]  # fmt: skip


def _stdin_case(case: StdinCase, home: Home) -> Any:
    with Simulator() as sim:
        args = ("--timeout", "5", "login", "--profile", "bot", "--stdin", "--base-url", sim.url())
        run = home.cli(*args, stdin=case.data)
    return run, home.snapshot(with_profiles=False), home.temp_files()


@pytest.fixture(scope="module")
def stdin_observed(request: pytest.FixtureRequest, module_homes: HomeFactory) -> dict[Any, Any]:
    cases = selected_cases(request, "case")
    homes = {case.id: module_homes() for case in cases}
    return run_matrix({c.id: c for c in cases}, lambda c: _stdin_case(c, homes[c.id]), workers=6)


@pytest.mark.parametrize("case", STDIN_CASES, ids=[c.id for c in STDIN_CASES])
def test_login_stdin(case: StdinCase, stdin_observed: dict[Any, Any], record: Record) -> None:
    seen = stdin_observed[case.id]
    if isinstance(seen, Exception):
        raise seen
    run, after, temp_files = seen
    stored = (
        "nothing"
        if after.metadata is None and not after.entries
        else f"profile saved; secrets: {', '.join(sorted(after.entries)) or 'none'}"
    )
    record(
        area="stdin",
        case=case.id,
        command="login --stdin",
        tried=case.tried,
        exit=run.code,
        kind=run.error_kind,
        elapsed=run.elapsed,
        stored=stored,
        message=run.message if run.code else "verified and saved",
        traceback=run.traceback,
    )
    assert not run.traceback, run.output
    assert run.code == case.exit, run.output
    assert case.word in run.output
    assert not CONTROL_RE.search(run.output)
    assert temp_files == []
    if case.exit == 0:
        assert set(after.entries) == {"bot:active"}
        return
    assert stored == "nothing"
    # The message describes the input, it never repeats it.
    assert not scan({"output": run.output}, [S, P]), run.output


# -- login --stdin: fuzzed ------------------------------------------------------------------------
def _control_free(text: str) -> bool:
    return not CONTROL_RE.search(text)


printable_secret = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=12, max_size=32
)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    st.text(max_size=40),
)


def test_fuzz_stdin_bytes(record: Record) -> None:
    """Any bytes: credentials or a UsageError, nothing else; the message has no controls."""
    examples = {"n": 0, "accepted": 0}

    @FUZZ
    @given(
        st.one_of(
            st.binary(max_size=3000),
            st.text(max_size=600).map(lambda t: t.encode("utf-8", "surrogatepass")),
        )
    )
    def run(data: bytes) -> None:
        examples["n"] += 1
        try:
            creds = parse_stdin_credentials(data)
        except UsageError as exc:
            assert _control_free(str(exc))
            return
        examples["accepted"] += 1
        assert creds.api_key and creds.secret_key and creds.passphrase

    run()
    record(
        area="stdin",
        case="fuzz-bytes",
        command="parse_stdin_credentials",
        tried="random bytes and text (hypothesis)",
        examples=examples["n"],
        exit=None,
        kind="usage",
        stored="n/a (parser)",
        message=f"{examples['n'] - examples['accepted']} refused with UsageError, "
        f"{examples['accepted']} parsed; no other exception",
        traceback=False,
    )


def test_fuzz_stdin_json_with_secrets(record: Record) -> None:
    """JSON objects of any shape around real-looking secrets: a refusal never quotes them."""
    examples = {"n": 0}

    @FUZZ
    @given(
        secret=printable_secret,
        passphrase=printable_secret,
        fields=st.dictionaries(
            st.sampled_from(["api_key", "secret_key", "passphrase", "password", "x"]),
            junk,
            max_size=4,
        ),
        keep=st.sets(st.sampled_from(["api_key", "secret_key", "passphrase"])),
    )
    def run(secret: str, passphrase: str, fields: dict[str, Any], keep: set[str]) -> None:
        examples["n"] += 1

        def message(secret_value: str, passphrase_value: str) -> str:
            payload: dict[str, Any] = {
                "api_key": K,
                "secret_key": secret_value,
                "passphrase": passphrase_value,
            }
            payload = {k: v for k, v in payload.items() if k in keep} | fields
            try:
                parse_stdin_credentials(json.dumps(payload).encode())
            except UsageError as exc:
                return str(exc)
            return ""

        said = message(secret, passphrase)
        # The same input with other secrets of the same length: what the message says anyway
        # (its own words: a passphrase "0000PASSPHRA" shares "passphra" with them) is no leak.
        baseline = message("~" * len(secret), "`" * len(passphrase)).casefold()
        leaked = [
            piece
            for piece in secret_pieces([secret, passphrase])
            if piece in said.casefold() and piece not in baseline
        ]
        assert not leaked, said
        assert _control_free(said)

    run()
    record(
        area="stdin",
        case="fuzz-json-secrets",
        command="parse_stdin_credentials",
        tried="JSON objects with wrong types, missing and extra fields around secrets (hypothesis)",
        examples=examples["n"],
        exit=None,
        kind="usage",
        stored="n/a (parser)",
        message="no refusal quoted an 8-character piece of a secret",
        traceback=False,
    )


def test_fuzz_stdin_paste_artefacts_are_removed(record: Record) -> None:
    """Valid credentials wrapped in what terminals and editors add read back exactly."""
    examples = {"n": 0}
    blank = st.sampled_from(["", " ", "\t", "\u00a0", "\u200b", "\ufeff", "  \u200b"])
    marker = st.sampled_from([("", ""), ("\x1b[200~", "\x1b[201~"), ("[200~", "[201~")])

    @FUZZ
    @given(
        passphrase=st.text(
            alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=8, max_size=32
        ),
        eol=st.sampled_from(["\n", "\r\n", "\r"]),
        around=st.lists(st.tuples(blank, marker, blank), min_size=3, max_size=3),
        as_json=st.booleans(),
        bom=st.sampled_from([b"", codecs.BOM_UTF8]),
        trailing=st.integers(0, 3),
    )
    def run(
        passphrase: str,
        eol: str,
        around: list[tuple[str, tuple[str, str], str]],
        as_json: bool,
        bom: bytes,
        trailing: int,
    ) -> None:
        examples["n"] += 1
        values = [K, S, passphrase]
        wrapped = [f"{a}{m[0]}{v}{m[1]}{b}" for v, (a, m, b) in zip(values, around, strict=True)]
        if as_json:
            text = json.dumps(
                dict(zip(("api_key", "secret_key", "passphrase"), wrapped, strict=True))
            )
        else:
            text = eol.join(wrapped)
        creds = parse_stdin_credentials(bom + (text + eol * trailing).encode())
        assert (creds.api_key, creds.secret_key.reveal(), creds.passphrase.reveal()) == (
            K,
            S,
            passphrase,
        )

    run()
    record(
        area="stdin",
        case="fuzz-paste-artefacts",
        command="parse_stdin_credentials",
        tried="BOM, CR/LF, bracketed-paste markers, NBSP and zero-width around valid values "
        "(hypothesis)",
        examples=examples["n"],
        exit=None,
        kind=None,
        stored="n/a (parser)",
        message="every example read back the exact credentials",
        traceback=False,
    )


# -- profile names --------------------------------------------------------------------------------
BAD_NAMES = {
    "dot-dot-slash": "../",
    "slash": "/",
    "path-traversal": "../../etc/passwd",
    "dot-dot": "..",
    "dot": ".",
    "inner-slash": "a/b",
    "backslash": "a\\b",
    "space": "has space",
    "leading-space": " bot",
    "300-chars": "x" * 300,
    "65-chars": "x" * 65,
    "empty": "",
    "colon": "a:b",
    "non-ascii": "bötß",
    "cjk": "名前",
    "newline": "bot\nx",
    "escape": "\x1b[2Jbot",
    "rtl-override": "bot\u202etxt",
    "option-like": "-rf",
}
COMMANDS = {
    "login": lambda n: (["login", "--profile", n, "--stdin"], stdin_json(GOOD)),
    "check": lambda n: (["check", n], b""),
    "remove": lambda n: (["remove", n, "--yes"], b""),
    "env": lambda n: (["env", n], b""),
    "exec": lambda n: (["exec", n, "--", "true"], b""),
    "setup": lambda n: (["setup", "--profile", n], b""),
    "rotate": lambda n: (["rotate", n], b""),
}


@pytest.mark.parametrize("name_id", list(BAD_NAMES))
def test_bad_profile_name_every_command(
    name_id: str, isolated_home: dict[str, str], record: Record
) -> None:
    name = BAD_NAMES[name_id]
    seen = {cmd: run_main(*build(name)[0], stdin=build(name)[1]) for cmd, build in COMMANDS.items()}
    codes = sorted({r.code for r in seen.values()})
    first = seen["check"]
    record(
        area="profile-name",
        case=name_id,
        command=", ".join(COMMANDS),
        tried=f"profile name {json.dumps(name) if len(name) < 30 else f'{len(name)} characters'}",
        exit=codes[0] if len(codes) == 1 else codes,
        kind="usage",
        stored="nothing" if _nothing_stored(isolated_home) else "FILES WRITTEN",
        message=first.stderr.strip().splitlines()[-1][:200] if first.stderr else "",
        traceback=any("Traceback" in r.output for r in seen.values()),
    )
    for cmd, run in seen.items():
        assert run.code == 2, (cmd, run.output)
        assert not CONTROL_RE.search(run.output), (cmd, run.output)
        assert "Traceback" not in run.output
    assert _nothing_stored(isolated_home)


@pytest.mark.parametrize("name_id", ["dot-dot-slash", "slash", "space", "300-chars", "empty"])
def test_bad_profile_name_real_process(
    name_id: str, make_home: HomeFactory, record: Record
) -> None:
    """The issue's own list, through a real process."""
    home = make_home()
    name = BAD_NAMES[name_id]
    before = home.files()
    run = home.cli("login", "--profile", name, "--stdin", stdin=stdin_json(GOOD))
    record(
        area="profile-name",
        case=f"{name_id}-process",
        command="login --stdin (process)",
        tried=f"profile name {json.dumps(name) if len(name) < 30 else f'{len(name)} characters'}",
        exit=run.code,
        kind=run.error_kind,
        elapsed=run.elapsed,
        stored="nothing" if home.files() == before else "FILES WRITTEN",
        message=run.message,
        traceback=run.traceback,
    )
    assert run.code == 2 and not run.traceback
    assert "Profile names are 1–64" in run.stderr
    assert home.files() == before


def test_fuzz_profile_names(isolated_home: dict[str, str], record: Record) -> None:
    """Any text: accepted exactly when it follows the rule, and then a safe file-name part."""
    examples = {"n": 0, "accepted": 0}
    rule = re.compile(r"[A-Za-z0-9._-]{1,64}")

    @FUZZ
    @given(
        st.one_of(
            st.text(max_size=80),
            st.text(alphabet="abcXYZ019._-/\\: \x00\x1b", max_size=70),
            st.from_regex(rule, fullmatch=True),
        )
    )
    def run(name: str) -> None:
        examples["n"] += 1
        valid = bool(rule.fullmatch(name)) and name not in (".", "..")
        assert check_profile_name(name).blocking is not valid
        if valid:
            examples["accepted"] += 1
            assert validate_profile_name(name) == name
            assert Path(name).name == name and "/" not in name and ":" not in name
        else:
            with pytest.raises(UsageError):
                validate_profile_name(name)
        if name.startswith("-") or "\x00" in name:
            return  # argparse takes it for an option / argv cannot carry NUL
        result = run_main("check", name)
        assert result.code == 2
        assert ("Profile names are" in result.stderr) is not valid
        assert not CONTROL_RE.search(result.output)

    run()
    assert _nothing_stored(isolated_home)
    record(
        area="profile-name",
        case="fuzz-names",
        command="validate_profile_name + check NAME (in process)",
        tried="random text, path-like and rule-following names (hypothesis)",
        examples=examples["n"],
        exit=2,
        kind="usage",
        stored="nothing",
        message=f"{examples['accepted']} accepted, {examples['n'] - examples['accepted']} refused",
        traceback=False,
    )


# -- options --------------------------------------------------------------------------------------
OPTIONS = {
    "timeout-nan": ["--timeout", "nan"],
    "timeout-inf": ["--timeout", "inf"],
    "timeout-zero": ["--timeout", "0"],
    "timeout-negative": ["--timeout", "-1"],
    "timeout-word": ["--timeout", "soon"],
    "base-url-port": ["--base-url", "http://127.0.0.1:99999"],
    "base-url-ftp": ["--base-url", "ftp://example.com"],
    "base-url-empty": ["--base-url", ""],
    "base-url-userinfo": ["--base-url", "https://user:pa55word@proxy.example"],
    "base-url-escape": ["--base-url", "\x1b[31mhttp://x"],
    "base-url-unclosed-ipv6": ["--base-url", "http://[::1"],
    "region-unknown": ["--region", "mars"],
    "max-age-negative": ["--max-age-days", "-5"],
}


@pytest.mark.parametrize("option_id", list(OPTIONS))
def test_bad_option(option_id: str, isolated_home: dict[str, str], record: Record) -> None:
    option = OPTIONS[option_id]
    if option[0] in ("--timeout",):
        argv = [*option, "login", "--profile", "bot", "--stdin"]
    elif option[0] == "--max-age-days":
        argv = ["check", "bot", *option]
    else:
        argv = ["login", "--profile", "bot", "--stdin", *option]
    run = run_main(*argv, stdin=stdin_json(GOOD))
    record(
        area="options",
        case=option_id,
        command=argv[0] if argv[0] != "--timeout" else "login --stdin",
        tried=" ".join(json.dumps(v) if not v.startswith("--") else v for v in option),
        exit=run.code,
        kind="usage",
        stored="nothing" if _nothing_stored(isolated_home) else "FILES WRITTEN",
        message=(run.stderr.strip().splitlines() or [""])[-1][:200],
        traceback="Traceback" in run.output,
    )
    assert run.code == 2, run.output
    assert "pa55word" not in run.output
    assert not CONTROL_RE.search(run.output)
    assert _nothing_stored(isolated_home)


# -- IP lists -------------------------------------------------------------------------------------
IP_CASES = {
    "ipv4": ("203.0.113.7", 1, 0),
    "ipv6": ("2001:db8::1", 1, 0),
    "cidr": ("203.0.113.0/24", 1, 0),
    "cidr-host-bits": ("10.1.2.3/8", 1, 0),
    "zone-index": ("fe80::1%eth0", 0, 1),
    "everything": ("0.0.0.0/0", 1, 0),
    "unspecified": ("0.0.0.0", 0, 1),
    "octet-999": ("999.1.1.1", 0, 1),
    "prefix-33": ("1.2.3.4/33", 0, 1),
    "with-port": ("1.2.3.4:80", 0, 1),
    "brackets": ("[::1]", 0, 1),
    "21-addresses": (",".join(f"203.0.113.{i}" for i in range(1, 22)), 21, 1),
    "separators": ("1.2.3.4,,;; \n\t5.6.7.8", 2, 0),
    "duplicates": ("1.2.3.4, 1.2.3.4, 1.2.3.4", 1, 0),
    "escape": ("\x1b[2J1.2.3.4", 0, 1),
    "fullwidth": ("１．２．３．４", 1, 0),
    "bracketed-paste": ("\x1b[200~1.2.3.4\x1b[201~", 1, 0),
    "10k-chars": ("a" * 10_000, 0, 1),
    "empty": ("", 0, 0),
}


@pytest.mark.parametrize("case_id", list(IP_CASES))
def test_ip_list(case_id: str, record: Record) -> None:
    text, entries, errors = IP_CASES[case_id]
    result = validate_ip_list(text)
    record(
        area="ip-list",
        case=case_id,
        command="validate_ip_list (wizard step 3)",
        tried=json.dumps(text) if len(text) < 40 else f"{len(text)} characters",
        exit=None,
        kind="usage" if result.errors else None,
        stored="n/a (parser)",
        message="; ".join(result.errors + result.warnings)[:160]
        or f"accepted: {', '.join(result.entries)}",
        traceback=False,
    )
    assert len(result.entries) == entries
    assert len(result.errors) == errors
    for message in result.errors + result.warnings:
        assert not CONTROL_RE.search(message) and len(message) < 200


def test_fuzz_ip_lists(record: Record) -> None:
    examples = {"n": 0}
    piece = st.one_of(
        st.ip_addresses().map(str),
        st.builds(lambda a, p: f"{a}/{p}", st.ip_addresses(v=4).map(str), st.integers(-1, 40)),
        st.text(alphabet="0123456789abcdef.:/%[] ", max_size=20),
        st.text(max_size=10),
    )

    @FUZZ
    @given(st.lists(piece, max_size=30), st.sampled_from([",", ";", " ", "\n", ", ", "\r\n"]))
    def run(pieces: list[str], sep: str) -> None:
        examples["n"] += 1
        result = validate_ip_list(sep.join(pieces))
        assert len(result.entries) == len(set(result.entries))
        for entry in result.entries:
            ipaddress.ip_network(entry)  # every kept entry is a real address or network
        assert (len(result.entries) > MAX_IPS) <= bool(result.errors)
        for message in result.errors + result.warnings:
            assert not CONTROL_RE.search(message) and len(message) < 200

    run()
    record(
        area="ip-list",
        case="fuzz-ip-lists",
        command="validate_ip_list",
        tried="lists of addresses, networks, bad prefixes and random text (hypothesis)",
        examples=examples["n"],
        exit=None,
        kind=None,
        stored="n/a (parser)",
        message="never raised; every kept entry parses; messages clean and short",
        traceback=False,
    )


# -- the profile file, broken or edited by hand ---------------------------------------------------
@dataclass(frozen=True)
class FileCase:
    id: str
    tried: str
    damaged: bool  # expected: exit 1, storage, named, kept, copied aside


def _metadata_cases(good: str) -> dict[FileCase, bytes]:
    def edit(old: str, new: str) -> bytes:
        assert old in good, old
        return good.replace(old, new, 1).encode()

    return {
        FileCase("garbage", "random binary bytes", True): b"\x89PNG\r\n\x1a\n\x00\xff" * 40,
        FileCase("not-utf8", "a byte that is not UTF-8", True): good.encode().replace(
            b"global", b"gl\xffobal", 1
        ),
        FileCase("nul", "a NUL byte in a value", True): edit("global", "glo\x00bal"),
        FileCase("truncated", "cut in the middle (a crashed editor)", True): good.encode()[
            : len(good) // 2
        ],
        FileCase("syntax", "an unclosed table header", True): (
            good + "\n[profiles.bot2\n"
        ).encode(),
        FileCase("dup-table", "the same table twice", True): (good + "\n[profiles.bot]\n").encode(),
        FileCase("wrong-type", 'demo = "no" instead of false', True): edit(
            "demo = false", 'demo = "no"'
        ),
        FileCase("storage", 'storage = "cloud"', True): edit('storage = "', 'storage = "cloud" #'),
        FileCase("region", 'region = "mars"', True): edit('region = "global"', 'region = "mars"'),
        FileCase("timestamp", 'created_at = "yesterday"', True): re.sub(
            r"created_at = [^\n]+", 'created_at = "yesterday"', good, count=1
        ).encode(),
        FileCase("profiles-scalar", "profiles = 5", True): b"version = 1\nprofiles = 5\n",
        FileCase("version-string", 'version = "1"', True): edit("version = 1", 'version = "1"'),
        FileCase("escape-name", "a profile named with a terminal escape", True): edit(
            "[profiles.bot]", '[profiles."\\u001b[2Jbot"]'
        ),
        FileCase("newer", "version = 99 (a newer okx-wizard)", False): edit(
            "version = 1", "version = 99"
        ),
        FileCase("empty", "an empty file", False): b"",
        FileCase("bom", "a UTF-8 BOM (Windows editor)", False): codecs.BOM_UTF8 + good.encode(),
        FileCase("crlf", "CR LF line ends", False): good.replace("\n", "\r\n").encode(),
        FileCase("unknown-key", "a key this version does not know", False): edit(
            "[profiles.bot]", "[profiles.bot]\nnickname = 'mine'"
        ),
        FileCase("bad-port", "base_url with port 99999", True): re.sub(
            r"base_url = [^\n]+", 'base_url = "http://127.0.0.1:99999"', good, count=1
        ).encode(),
    }


@dataclass
class FileObserved:
    runs: dict[str, Any]
    kept: bool
    backups: list[bytes]
    backup_modes: list[int]
    final: bytes


def _file_case(data: bytes, template: Home, home: Home) -> FileObserved:
    home.clone_from(template)
    home.metadata_path.write_bytes(data)
    runs = {
        "list": home.cli("list"),
        "check": home.cli("--timeout", "1", "check", "bot", "--json"),
        "login": home.cli(
            "--timeout",
            "1",
            "login",
            "--profile",
            "other",
            "--stdin",
            "--base-url",
            "http://127.0.0.1:9",
            stdin=stdin_json(SAMPLE["rotated"]),
        ),
    }
    backups = sorted(home.config_dir.glob("profiles.toml.broken-*"))
    return FileObserved(
        runs,
        home.metadata_path.read_bytes() == data,
        [b.read_bytes() for b in backups],
        [b.stat().st_mode & 0o777 for b in backups],
        home.metadata_path.read_bytes(),
    )


@pytest.fixture(scope="module")
def file_template(module_homes: HomeFactory) -> tuple[Home, str]:
    home = module_homes()
    with Simulator() as sim:
        run = home.cli(
            "login", "--profile", "bot", "--stdin", "--base-url", sim.url(), stdin=stdin_json(GOOD)
        )
    assert run.code == 0, run.output
    return home, home.metadata_path.read_text("utf-8")


@pytest.fixture(scope="module")
def file_observed(
    request: pytest.FixtureRequest, file_template: tuple[Home, str], module_homes: HomeFactory
) -> dict[Any, Any]:
    template, good = file_template
    datas = {case.id: data for case, data in _metadata_cases(good).items()}
    cases = selected_cases(request, "case_id")
    homes = {case: module_homes() for case in cases}
    return run_matrix(
        {c: c for c in cases}, lambda c: _file_case(datas[c], template, homes[c]), workers=4
    )


FILE_IDS = [
    "garbage", "not-utf8", "nul", "truncated", "syntax", "dup-table", "wrong-type", "storage",
    "region", "timestamp", "profiles-scalar", "version-string", "escape-name", "newer", "empty",
    "bom", "crlf", "unknown-key", "bad-port",
]  # fmt: skip


@pytest.mark.parametrize("case_id", FILE_IDS)
def test_profile_file(
    case_id: str,
    file_observed: dict[Any, Any],
    file_template: tuple[Home, str],
    record: Record,
) -> None:
    case = next(c for c in _metadata_cases(file_template[1]) if c.id == case_id)
    seen = file_observed[case_id]
    if isinstance(seen, Exception):
        raise seen
    runs = seen.runs
    codes = {cmd: run.code for cmd, run in runs.items()}
    stored = ("file kept byte for byte" if seen.kept else "file updated (check recorded)") + (
        f"; {len(seen.backups)} copy aside" if seen.backups else "; no copy"
    )
    record(
        area="metadata",
        case=case_id,
        command="list, check, login",
        tried=case.tried,
        exit=" / ".join(str(c) for c in codes.values()),
        kind=runs["check"].error_kind,
        elapsed=max(run.elapsed for run in runs.values()),
        stored=stored,
        message=runs["list"].message if codes["list"] else runs["check"].message,
        traceback=any(run.traceback for run in runs.values()),
    )
    for cmd, run in runs.items():
        assert not run.traceback, (cmd, run.output)
        assert not CONTROL_RE.search(run.output), (cmd, run.output)
    if case.damaged:
        assert seen.kept
        for cmd, run in runs.items():
            assert run.code == 1, (cmd, run.output)
            assert run.error_kind == "storage", (cmd, run.output)
            assert "profiles.toml" in run.output and "damaged" in run.output
        assert len(seen.backups) == 1, "one copy aside, however often it is read"
        assert seen.backups[0] == _metadata_cases(file_template[1])[case]
        assert seen.backup_modes == [0o600]
        return
    assert not seen.backups
    if case_id == "newer":
        assert seen.kept and set(codes.values()) == {1}
        assert "newer okx-wizard" in runs["list"].stderr
    elif case_id == "empty":
        assert codes == {"list": 0, "check": 2, "login": 1}
    else:
        assert codes["list"] == 0
        assert codes["check"] == 1  # the key is fine; OKX (a closed port here) is not
        assert runs["check"].error_kind == "network"
        updated = seen.final.decode("utf-8")
        assert "[profiles.bot]" in updated  # still the same profile, now with the check's result
        if case_id == "unknown-key":
            assert "nickname" in updated  # what this version does not know is kept


def test_fuzz_profile_file(tmp_path: Path, record: Record) -> None:
    """A valid file, damaged at random: read as profiles or refused by name, never changed."""
    examples = {"n": 0, "refused": 0}
    source = tmp_path / "source.toml"
    store = MetadataStore(source)
    store.save(ProfileMeta(name="bot", api_key_hint="55b2…e9a8", key_label="bot"))
    store.save_draft("next", {"step": "capture", "region": "eea"})
    good = source.read_bytes()

    mutation = st.one_of(
        st.tuples(st.just("flip"), st.integers(0, len(good) - 1), st.integers(0, 255)),
        st.tuples(st.just("cut"), st.integers(0, len(good)), st.just(0)),
        st.tuples(st.just("insert"), st.integers(0, len(good)), st.binary(min_size=1, max_size=8)),
        st.tuples(st.just("text"), st.integers(0, len(good)), st.text(min_size=1, max_size=12)),
    )

    @FUZZ
    @given(st.lists(mutation, min_size=1, max_size=4))
    def run(mutations: list[tuple[str, int, Any]]) -> None:
        examples["n"] += 1
        data = bytearray(good)
        for kind, at, what in mutations:
            at = min(at, len(data))
            if kind == "flip":
                if data:
                    data[min(at, len(data) - 1)] = what
            elif kind == "cut":
                del data[at:]
            elif kind == "insert":
                data[at:at] = what
            else:
                data[at:at] = what.encode("utf-8", "surrogatepass")
        folder = tmp_path / f"case{examples['n']}"
        folder.mkdir()
        path = folder / "profiles.toml"
        path.write_bytes(bytes(data))
        try:
            profiles = MetadataStore(path).load()
        except StorageError as exc:
            examples["refused"] += 1
            assert str(path) in exc.message
            backups = list(folder.glob("profiles.toml.broken-*"))
            if "newer okx-wizard" not in exc.message:
                assert [b.read_bytes() for b in backups] == [bytes(data)]
        else:
            for name, meta in profiles.items():
                assert not check_profile_name(name).blocking
                assert meta.region in ("global", "eea", "us")
        assert path.read_bytes() == bytes(data)

    run()
    record(
        area="metadata",
        case="fuzz-profile-file",
        command="MetadataStore.load",
        tried="a valid file with random byte flips, cuts and insertions (hypothesis)",
        examples=examples["n"],
        exit=None,
        kind="storage",
        stored="file never changed; a refused file copied aside once",
        message=f"{examples['refused']} refused with StorageError naming the file, "
        f"{examples['n'] - examples['refused']} read",
        traceback=False,
    )
