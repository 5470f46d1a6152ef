"""The leak scan, extended (issue #12, "Must show"): after a whole CLI flow, no file under the
isolated home (config, data, cache, state) or temp dir, and no captured stdout or stderr, holds
the secret key, the passphrase or the vault password — nor their base64 (standard or URL-safe,
at any byte alignment), hex, URL-encoded, UTF-16 or JSON-escaped forms.

tests/hardening/test_hygiene.py scans for the plain values and 8-character pieces of them; a
secret that leaked encoded (a base64 blob in a log, a hex dump in a cache) would pass it.
``env`` prints secrets by design: here its stdout goes to /dev/null, as a user would send it to
a file of their own, and only its stderr is scanned.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from okx_wizard.core.simulator import Simulator
from tests.conftest import VAULT_PASSWORD
from tests.hardening.support import files_under, random_key, stdin_json


def encoded_forms(value: str) -> dict[str, str]:
    """Every form a secret could leak in, by name; each is long enough not to occur by chance."""
    raw = value.encode("utf-8")
    forms = {
        "plain": value,
        "hex": raw.hex(),
        "HEX": raw.hex().upper(),
        "url": quote(value, safe=""),
        "json": json.dumps(value)[1:-1],
        "json-ascii": json.dumps(value, ensure_ascii=True).replace("&", "\\u0026")[1:-1],
        "utf-16le": value.encode("utf-16-le").decode("latin-1"),
    }
    for name, encode in (("b64", base64.b64encode), ("b64url", base64.urlsafe_b64encode)):
        for shift in range(3):
            # In a longer stream the secret starts at any byte offset mod 3; the characters
            # that depend only on its own bytes are those between the first and last group.
            text = encode(b"\0" * shift + raw).decode("ascii")
            inner = text[4 if shift else 0 : -4]
            forms[f"{name}+{shift}"] = inner
    return {name: form for name, form in forms.items() if len(form) >= 12}


def test_encoded_forms_are_found_where_they_are(tmp_path: Path) -> None:
    """The scanner's positive control: each form, embedded in a larger blob, is found."""
    secret = "A1b2C3d4E5f6G7h8&<>\"'#9"
    for name, form in encoded_forms(secret).items():
        assert form, name
    blob = base64.b64encode(b"xy" + secret.encode() + b"tail").decode()
    assert any(form in blob for form in encoded_forms(secret).values())
    blob = ("prefix " + secret.encode().hex() + " suffix").encode()
    assert _found({"blob": blob}, [secret])


def _found(sources: dict[str, bytes | str], secrets: list[str]) -> list[str]:
    hits = []
    for where, content in sources.items():
        text = content.decode("latin-1") if isinstance(content, bytes) else content
        for index, secret in enumerate(secrets):
            for name, form in encoded_forms(secret).items():
                if form in text or form.casefold() in text.casefold():
                    hits.append(f"{where}: secret #{index} as {name}")
    return hits


def test_a_whole_cli_flow_leaks_no_secret_in_any_form(cli_env: dict[str, str]) -> None:
    key, rotated = random_key(), random_key(label="rotated")
    tmp = Path(cli_env["HOME"]) / "tmp"
    tmp.mkdir(mode=0o700)
    # The encrypted vault (no Secret Service): the one store whose file is on this disk to scan.
    env = {**cli_env, "TMPDIR": str(tmp)}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    outputs: dict[str, bytes | str] = {}

    def cli(label: str, *args: str, stdin: bytes = b"", keep_stdout: bool = True) -> int:
        run = subprocess.run(
            [sys.executable, "-m", "okx_wizard", *args],
            input=stdin,
            env=env,
            stdout=subprocess.PIPE if keep_stdout else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
        if keep_stdout:
            outputs[f"{label}: stdout"] = run.stdout
        outputs[f"{label}: stderr"] = run.stderr
        return run.returncode

    with Simulator([key, rotated]) as sim:
        login = ("login", "--profile", "bot", "--stdin", "--base-url", sim.url())
        assert cli("login", *login, stdin=stdin_json(key)) == 0, outputs
        assert cli("login-json", *login, "--replace", "--json", stdin=stdin_json(rotated)) == 0
        assert cli("check", "check", "bot") == 0
        assert cli("check-json", "check", "--all", "--json") == 0
        assert cli("list", "list") == 0
        assert cli("list-json", "list", "--json") == 0
        assert cli("env", "env", "bot", keep_stdout=False) == 0
        assert cli("env-json", "env", "bot", "--format", "json", keep_stdout=False) == 0
        control = subprocess.run(
            [sys.executable, "-m", "okx_wizard", "env", "bot", "--format", "json"],
            env=env, capture_output=True, timeout=120, check=True,
        ).stdout  # fmt: skip
        assert cli("remove", "remove", "bot", "--yes") == 0

    written = files_under(Path(cli_env["HOME"]))
    assert any(path.endswith("vault.bin") for path in written), sorted(written)
    secrets = [key.secret_key, key.passphrase, rotated.secret_key, rotated.passphrase]
    secrets.append(VAULT_PASSWORD)
    # The scanner finds the secrets where they are meant to be: env's own stdout.
    assert _found({"env stdout": control}, [rotated.secret_key, rotated.passphrase])
    hits = _found({**outputs, **written}, secrets)
    assert hits == [], hits
