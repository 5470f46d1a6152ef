"""Input rules: names, pasted keys, IP lists and ``login --stdin`` parsing."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from okx_wizard.core.errors import UsageError
from okx_wizard.core.secret import Secret
from okx_wizard.core.validation import (
    check_api_key,
    check_key_label,
    check_passphrase_match,
    check_profile_name,
    check_secret_key,
    check_sub_account_name,
    clean_paste,
    okx_passphrase_rules,
    parse_stdin_credentials,
    shell_unsafe_chars,
    strip_paste_artifacts,
    validate_ip_list,
    validate_key_label,
    validate_profile_name,
    validate_sub_account_name,
)

API_KEY = "8a0f3c2e-5b1d-4e7f-9a6b-0c1d2e3f9d21"
SECRET_KEY = "2B7E151628AED2A6ABF7158809CF4F3C"
PASSPHRASE = "Correct-Horse7"

hex_uuid = st.uuids().map(str)
hex32 = st.text(alphabet="0123456789ABCDEF", min_size=32, max_size=32)
junk = st.lists(
    st.sampled_from(
        [" ", "\t", "\r\n", "\n", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00a0",
         "\x1b[200~", "\x1b[201~", "[200~", "[201~", "\u3000"]
    ),
    max_size=6,
).map("".join)  # fmt: skip


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "CZ"


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a", "bot", "my.bot_2-live", "x" * 64, "..a", "A.B"])
def test_valid_profile_names_are_returned_unchanged(name: str) -> None:
    assert validate_profile_name(name) == name


@pytest.mark.parametrize("name", ["", ".", "..", "x" * 65, "my bot", "bot/1", "bøt", "a\nb", "ü"])
def test_invalid_profile_names_raise_usage_error_with_a_plain_message(name: str) -> None:
    with pytest.raises(UsageError) as info:
        validate_profile_name(name)
    message = str(info.value)
    assert "Profile names are 1–64" in message
    assert "\n" not in message and "\x1b" not in message


def test_profile_name_error_names_the_bad_character_safely() -> None:
    message = check_profile_name("my\x1b[31mbot").message
    assert "U+001B" in message
    assert "\x1b" not in message


@pytest.mark.parametrize("name", ["abcdef", "Bot2024", "a" * 20])
def test_valid_sub_account_names(name: str) -> None:
    assert validate_sub_account_name(name) == name
    assert check_sub_account_name(name).ok


@pytest.mark.parametrize("name", ["", "abc12", "a" * 21, "my-bot1", "bot 123", "botéééé"])
def test_invalid_sub_account_names(name: str) -> None:
    with pytest.raises(UsageError, match="6–20 letters and digits"):
        validate_sub_account_name(name)


def test_key_label_rules() -> None:
    assert validate_key_label("bot1") == "bot1"
    assert validate_key_label("a" * 50) == "a" * 50
    for bad in ("", "a" * 51, "my bot", "bot_1"):
        assert check_key_label(bad).blocking
        with pytest.raises(UsageError):
            validate_key_label(bad)


# --- clean_paste ------------------------------------------------------------------------------


def test_clean_paste_removes_terminal_and_web_artifacts() -> None:
    pasted = f"\x1b[200~ \u200b{API_KEY[:10]}\r\n{API_KEY[10:]}\ufeff\u00a0\x1b[201~\n"
    assert clean_paste(pasted) == API_KEY
    assert clean_paste(f"[200~{SECRET_KEY}[201~") == SECRET_KEY


def test_clean_paste_normalises_look_alikes() -> None:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c != "-" else "－" for c in API_KEY)
    assert clean_paste(fullwidth) == API_KEY
    # Cyrillic а, е, с and Greek ο inside a key, dashes from a PDF
    assert clean_paste("8а0f3с2е–5b1d—4e7f−9a6b‐0c1d2e3f9d21") == API_KEY
    assert clean_paste("2В7Е151628АЕD2А6АВF7158809СF4F3С") == SECRET_KEY
    assert clean_paste("Οο") == "Oo"


def test_strip_paste_artifacts_keeps_the_passphrase_itself() -> None:
    assert strip_paste_artifacts("\x1b[200~ Pа$$ wörd–1 \r\n\x1b[201~") == "Pа$$ wörd–1"
    assert strip_paste_artifacts("\u200bab\tc\u00a0") == "abc"


@given(st.text())
@example("[2[200~00~")
@example("[200 ~")
@example("e\u200b\u0301")
@example("\u00a8")
def test_clean_paste_is_idempotent_and_leaves_nothing_invisible(text: str) -> None:
    cleaned = clean_paste(text)
    assert clean_paste(cleaned) == cleaned
    assert not any(_invisible(c) for c in cleaned)
    assert "[200~" not in cleaned and "[201~" not in cleaned


@given(st.text())
@example("[2[200~00~")
@example(" \u00a0 x")
def test_strip_paste_artifacts_is_idempotent(text: str) -> None:
    cleaned = strip_paste_artifacts(text)
    assert strip_paste_artifacts(cleaned) == cleaned
    assert not any(_invisible(c) and c not in " \u00a0" for c in cleaned)
    assert cleaned == cleaned.strip(" \u00a0")


@given(hex_uuid, junk, junk)
def test_a_valid_api_key_survives_surrounding_junk(key: str, before: str, after: str) -> None:
    assert check_api_key(clean_paste(before + key + after)).ok


@given(hex32, junk, junk)
def test_a_valid_secret_key_survives_surrounding_junk(key: str, before: str, after: str) -> None:
    assert check_secret_key(clean_paste(before + key + after)).ok


# --- checks -----------------------------------------------------------------------------------


def test_check_api_key_levels() -> None:
    assert check_api_key(API_KEY).level == "ok"
    assert check_api_key("").level == "error"
    assert check_api_key(API_KEY.upper()).level == "warning"
    assert check_api_key(API_KEY[:-1]).level == "warning"
    assert "secret key" in check_api_key(SECRET_KEY).message
    assert check_api_key("x" * 200).level == "error"
    assert check_api_key(API_KEY + "é").level == "error"


def test_check_secret_key_levels() -> None:
    assert check_secret_key(SECRET_KEY).level == "ok"
    lower = check_secret_key(SECRET_KEY.lower())
    assert lower.level == "ok" and "upper case" in lower.message
    assert check_secret_key(SECRET_KEY[:-2]).level == "warning"
    assert "API key" in check_secret_key(API_KEY).message
    assert check_secret_key("").blocking


def test_check_messages_never_quote_the_value() -> None:
    for value in (API_KEY, SECRET_KEY, API_KEY.upper(), SECRET_KEY.lower(), "zz" * 20):
        for check in (check_api_key, check_secret_key):
            assert value not in check(value).message
            assert value[:8] not in check(value).message


def test_check_passphrase_match() -> None:
    assert check_passphrase_match(PASSPHRASE, PASSPHRASE).ok
    assert check_passphrase_match(Secret(PASSPHRASE), Secret(PASSPHRASE)).ok
    assert check_passphrase_match(PASSPHRASE, None).ok
    assert check_passphrase_match("", PASSPHRASE).blocking
    case = check_passphrase_match(PASSPHRASE.swapcase(), PASSPHRASE)
    assert case.level == "warning" and "case" in case.message
    other = check_passphrase_match("Something-else9", PASSPHRASE)
    assert other.level == "warning"
    assert PASSPHRASE not in other.message and "Something" not in other.message


def test_okx_passphrase_rules() -> None:
    assert all(rule.ok for rule in okx_passphrase_rules(PASSPHRASE))
    verdicts = {rule.name: rule.ok for rule in okx_passphrase_rules("short")}
    assert verdicts == {
        "8–32 characters": False,
        "upper case": False,
        "lower case": True,
        "digit": False,
        "special": False,
    }
    assert not okx_passphrase_rules("A1b-" * 9)[0].ok  # 36 characters
    assert okx_passphrase_rules(Secret("Aa1!aaaa"))[4].ok


def test_shell_unsafe_chars() -> None:
    assert shell_unsafe_chars("a$b&c'd\"e\\f g`h") == {"$", "&", "'", '"', "\\", " ", "`"}
    assert shell_unsafe_chars(PASSPHRASE) == set()
    assert shell_unsafe_chars(Secret("x$")) == {"$"}


# --- IP lists ---------------------------------------------------------------------------------


def test_ip_list_parses_separators_and_normalises() -> None:
    result = validate_ip_list(
        "203.0.113.7, 198.51.100.0/24\n2001:db8:0:0::1  2001:db8::/32;203.0.113.7"
    )
    assert result.ok
    assert result.entries == ["203.0.113.7", "198.51.100.0/24", "2001:db8::1", "2001:db8::/32"]
    assert result.warnings == []


def test_ip_list_reports_each_bad_entry() -> None:
    result = validate_ip_list("1.2.3.4, 300.1.1.1, hello, 10.0.0.0/33, fe80::1%eth0")
    assert result.entries == ["1.2.3.4"]
    assert not result.ok
    assert len(result.errors) == 4
    assert any(e.startswith("300.1.1.1:") for e in result.errors)
    assert any("zone index" in e for e in result.errors)


def test_ip_list_flags_private_ranges() -> None:
    result = validate_ip_list("192.168.1.10 10.0.0.0/8 127.0.0.1 169.254.1.1 fd00::1 ::1 8.8.8.8")
    assert result.ok
    private = [w for w in result.warnings if "a private address: OKX sees your public IP" in w]
    assert len(private) == 6
    assert not any(w.startswith("8.8.8.8") for w in result.warnings)


def test_ip_list_warns_about_host_bits_and_any_address() -> None:
    result = validate_ip_list("203.0.113.9/24 0.0.0.0/0 203.0.113.5/32")
    assert result.entries == ["203.0.113.0/24", "0.0.0.0/0", "203.0.113.5"]
    assert any("read as 203.0.113.0/24" in w for w in result.warnings)
    assert any("allows every address" in w for w in result.warnings)


def test_ip_list_limit_and_duplicates() -> None:
    twenty = " ".join(f"203.0.113.{i}" for i in range(1, 21))
    assert validate_ip_list(twenty + " 203.0.113.1").ok
    result = validate_ip_list(twenty + " 203.0.113.21")
    assert len(result.entries) == 21
    assert any("at most 20" in e for e in result.errors)


def test_ip_list_tolerates_pasted_fullwidth_and_zero_width() -> None:
    result = validate_ip_list("\u200b２０３.０.１１３.７\u3000")
    assert result.entries == ["203.0.113.7"]


def test_ip_list_empty() -> None:
    result = validate_ip_list("  \n ")
    assert result.ok and result.entries == []


# --- login --stdin ----------------------------------------------------------------------------


def _json(**values: object) -> bytes:
    return json.dumps(values).encode()


def test_stdin_json() -> None:
    creds = parse_stdin_credentials(
        _json(api_key=API_KEY, secret_key=SECRET_KEY, passphrase=PASSPHRASE)
    )
    assert creds.api_key == API_KEY
    assert creds.secret_key.reveal() == SECRET_KEY
    assert creds.passphrase.reveal() == PASSPHRASE


def test_stdin_three_lines_with_bom_crlf_and_paste_markers() -> None:
    data = f"\ufeff\x1b[200~{API_KEY}\r\n {SECRET_KEY} \r\n{PASSPHRASE}\x1b[201~\r\n\r\n".encode()
    creds = parse_stdin_credentials(data)
    assert (creds.api_key, creds.secret_key.reveal(), creds.passphrase.reveal()) == (
        API_KEY,
        SECRET_KEY,
        PASSPHRASE,
    )


def test_stdin_utf16_from_powershell() -> None:
    data = f"{API_KEY}\r\n{SECRET_KEY}\r\n{PASSPHRASE}\r\n".encode("utf-16")
    assert parse_stdin_credentials(data).api_key == API_KEY


def test_stdin_passphrase_keeps_its_characters() -> None:
    data = f"{API_KEY}\n{SECRET_KEY}\nPа$$ wörd–1\n".encode()
    assert parse_stdin_credentials(data).passphrase.reveal() == "Pа$$ wörd–1"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \r\n\n", "empty"),
        (b"\xc3\x28 not utf-8 \xa0\xa1", "not UTF-8"),
        (b"\x00\x01binary", "control characters"),
        (b"a" * (64 * 1024 + 1), "64 KiB"),
        (b"onlyone", "1 non-empty line"),
        (b"a\nb\nc\nd", "4 non-empty line"),
        (b'{"api_key": ', "not valid JSON"),
        (b"[" * 70_000, "64 KiB"),
        (b"{" + b'"a":[' * 5000 + b"]" * 5000 + b"}", "JSON"),
        (b"[1, 2, 3]", "one object"),
        (b'{"api_key": "x"}', "lacks secret_key, passphrase"),
    ],
)
def test_stdin_rejections(data: bytes, words: str) -> None:
    with pytest.raises(UsageError, match=words):
        parse_stdin_credentials(data)


def test_stdin_json_must_be_an_object_of_strings() -> None:
    with pytest.raises(UsageError, match="one object"):
        parse_stdin_credentials(b'["a", "b", "c"]')
    with pytest.raises(UsageError, match="secret key must be a JSON string"):
        parse_stdin_credentials(_json(api_key=API_KEY, secret_key=123, passphrase=PASSPHRASE))
    with pytest.raises(UsageError, match="passphrase is empty"):
        parse_stdin_credentials(_json(api_key=API_KEY, secret_key=SECRET_KEY, passphrase=" \n"))
    with pytest.raises(UsageError, match="1 unexpected field"):
        parse_stdin_credentials(
            _json(api_key=API_KEY, secret_key=SECRET_KEY, passphrase=PASSPHRASE, hunter2="x")
        )


def test_stdin_unusable_key_is_rejected_without_quoting_it() -> None:
    key = "ключ" * 5
    with pytest.raises(UsageError) as info:
        parse_stdin_credentials(f"{key}\n{SECRET_KEY}\n{PASSPHRASE}".encode())
    assert "API key is not usable" in str(info.value)
    assert key not in str(info.value)


MARKER = "Zq7xSECRETmarker"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_stdin_arbitrary_bytes_only_raise_usage_error(data: bytes) -> None:
    try:
        creds = parse_stdin_credentials(data)
    except UsageError as exc:
        assert "\n" not in str(exc)
    else:
        assert creds.api_key and creds.secret_key and creds.passphrase


def _shapes() -> st.SearchStrategy[bytes]:
    """Inputs that carry MARKER somewhere: broken JSON, wrong types, wrong line counts."""
    value = st.sampled_from([MARKER, MARKER + "é", f"\x00{MARKER}", f" {MARKER} ", "", "ключ"])
    field = st.sampled_from(["api_key", "secret_key", "passphrase", MARKER, "secret"])
    json_obj = st.dictionaries(field, value | st.integers() | st.none(), max_size=5).map(json.dumps)
    lines = st.lists(value, max_size=6).map("\n".join)
    broken = st.builds(lambda a, b: a[: len(a) // 2] + b, json_obj, value)
    text = st.one_of(json_obj, lines, broken, st.text().map(lambda t: t + MARKER))
    return text.map(lambda t: t.encode("utf-8", "surrogatepass"))


@settings(max_examples=400)
@given(_shapes())
def test_stdin_errors_never_echo_the_input(data: bytes) -> None:
    try:
        parse_stdin_credentials(data)
    except UsageError as exc:
        assert MARKER not in str(exc)
        assert MARKER[:6] not in str(exc)


# -- base URL: https, or http to this machine only ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.okx.com",
        "https://eea.okx.com/",
        "https://proxy.example:8443/okx",
        "http://127.0.0.1:40123",
        "http://127.255.0.9",
        "http://[::1]:8080",
        "http://localhost",
        "http://LOCALHOST:1/",
    ],
)
def test_base_urls_that_keep_the_key_off_the_wire_in_clear_are_accepted(url: str) -> None:
    from okx_wizard.core.validation import check_base_url, validate_base_url

    assert check_base_url(url).ok
    assert validate_base_url(url) == url


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://www.okx.com", "plain http to another machine"),
        ("http://10.0.0.1:8080", "plain http to another machine"),
        ("http://[::2]", "plain http to another machine"),
        ("http://127.0.0.1.nip.io", "plain http to another machine"),
        ("http://localhost.evil.example", "plain http to another machine"),
        ("http://api.localhost:9", "plain http to another machine"),  # may go to DNS here
        ("http://0.0.0.0", "plain http to another machine"),
        ("ftp://www.okx.com", "not an https:// URL"),
        ("www.okx.com", "not an https:// URL"),
        ("https://u:p@www.okx.com", "no user or password"),
        ("https://www.okx.com:0", "invalid port"),
        ("https://www.okx.com:99999", "invalid host or port"),
        ("https://www.okx.com/\x1b[2J", "control characters"),
        ("", "empty"),
    ],
)
def test_base_urls_that_could_leak_or_cannot_work_are_refused(url: str, words: str) -> None:
    from okx_wizard.core.errors import UsageError
    from okx_wizard.core.validation import check_base_url, validate_base_url

    verdict = check_base_url(url)
    assert verdict.blocking and words in verdict.message
    assert "\x1b" not in verdict.message
    with pytest.raises(UsageError, match=words.split()[0]):
        validate_base_url(url)


def test_the_old_import_path_still_reaches_every_module_of_the_package() -> None:
    import okx_wizard.core.validation as facade
    from okx_wizard.core.validation import credentials, names, network, stdin

    assert facade.check_base_url is network.check_base_url
    assert facade.parse_stdin_credentials is stdin.parse_stdin_credentials
    assert facade.clean_paste is credentials.clean_paste
    assert facade.check_profile_name is names.check_profile_name
    assert set(facade.__all__) <= set(dir(facade))
