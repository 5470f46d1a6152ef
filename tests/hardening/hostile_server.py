"""A malicious "OKX" on loopback, and a stopwatch and memory gauge for the CLI it attacks.

:class:`HostileServer` answers every request with one attack (see :data:`ATTACKS`): bodies too
large to hold, endless streams, a compression bomb, JSON nested too deep, invalid UTF-8, markup
and escape sequences in OKX's ``msg``, a slow-loris trickle, a redirect. :func:`run_measured`
runs ``okx-wizard`` in a subprocess and reads that one child's peak memory from ``wait4``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MIB = 1024 * 1024
# The markup, terminal escapes and forged lines a hostile server puts in OKX's ``msg``.
HOSTILE_MSG = (
    '[link="https://evil.example"]www.okx.com/account/my-api[/link] '
    "[b red on yellow]styled[/] [@click=app.quit]Retry[/] [/bold] "
    "\x1b[2J\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07osc8\x1b]8;;\x07 "
    "\x9b31m \r\n✓ bot: verified — global live, key forged\u2028"
    "✓ forged after U+2028\u2029\u202eevil"
)


@dataclass(frozen=True)
class Attack:
    """One way a server attacks the client, in words for the report."""

    id: str
    tried: str


ATTACKS = [
    Attack("huge-content-length", "HTTP 200 declaring Content-Length 1.5 GB, then spaces"),
    Attack("huge-until-close", "an endless body with no length, ended only by closing"),
    Attack("endless-chunked", "an endless chunked stream of JSON-looking bytes"),
    Attack("gzip-bomb", "1 MB of gzip inflating to 1000 MiB of spaces (Content-Length 1 MB)"),
    Attack("nested-json", "JSON nested 200000 deep ('[' x 200000)"),
    Attack("invalid-utf8", "an OKX-shaped error whose msg is invalid UTF-8"),
    Attack("not-an-object", "valid JSON that is not an object (a list of 50000 numbers)"),
    Attack("hostile-msg", "markup, escape sequences, CR/LF and U+2028 in OKX's msg"),
    Attack("hostile-code", "escape sequences and a line break in OKX's code"),
    Attack("slow-loris", "headers, then one byte of body every 0.5 s"),
    Attack("redirect", "302 to https://evil.example/ on every request"),
]
BY_ID = {a.id: a for a in ATTACKS}


@cache
def gzip_bomb(mebibytes: int = 1000) -> bytes:
    """A valid gzip member of ``mebibytes`` MiB of spaces, built without holding them.

    After a full flush deflate starts afresh, so each MiB compresses to the same bytes: one
    block is compressed and repeated, and the CRC is computed over the MiB repeated.
    """
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = deflate.compress(b" " * MIB) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush(zlib.Z_FINISH)
    crc = 0
    spaces = b" " * MIB
    for _ in range(mebibytes):
        crc = zlib.crc32(spaces, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    size = (mebibytes * MIB) & 0xFFFFFFFF
    return header + block * mebibytes + end + struct.pack("<II", crc, size)


def _head(status: str, *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers, "Connection: close", "", ""]
    return "\r\n".join(lines).encode()


class HostileServer:
    """A loopback HTTP server that answers every request with one attack; counts bytes sent."""

    def __init__(self, attack: str) -> None:
        assert attack in BY_ID, attack
        self.attack = attack
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)
        self.port = int(self._listener.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._lock = threading.Lock()
        self.requests = 0
        self.bytes_sent = 0

    def __enter__(self) -> HostileServer:
        if self.attack == "gzip-bomb":
            gzip_bomb()  # built before the client starts, not while its clock runs
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._listener.close()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        with self._lock:
            self.bytes_sent += len(data)

    def _handle(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            with self._lock:
                self.requests += 1
            getattr(self, "_" + self.attack.replace("-", "_"))(conn)

    def _forever(self, conn: socket.socket, piece: bytes, *, pause: float = 0.0) -> None:
        """Send ``piece`` until the client hangs up or the server stops."""
        while not self._stop.is_set():
            self._send(conn, piece)
            if pause:
                self._stop.wait(pause)

    # -- the attacks ------------------------------------------------------------------------------
    def _huge_content_length(self, conn: socket.socket) -> None:
        self._send(
            conn, _head("200 OK", "Content-Type: application/json", "Content-Length: 1500000000")
        )
        self._forever(conn, b" " * 65536)

    def _huge_until_close(self, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n")
        self._send(conn, b'{"code":"0","msg":"","data":[')
        self._forever(conn, b'{"ccy":"USDT","eq":"1"},' * 2048)

    def _endless_chunked(self, conn: socket.socket) -> None:
        self._send(
            conn, _head("200 OK", "Content-Type: application/json", "Transfer-Encoding: chunked")
        )
        piece = b'{"ccy":"USDT","eq":"1"},' * 2048
        self._forever(conn, f"{len(piece):x}\r\n".encode() + piece + b"\r\n")

    def _gzip_bomb(self, conn: socket.socket) -> None:
        bomb = gzip_bomb()
        self._send(
            conn,
            _head(
                "200 OK",
                "Content-Type: application/json",
                "Content-Encoding: gzip",
                f"Content-Length: {len(bomb)}",
            ),
        )
        self._send(conn, bomb)

    def _body(self, conn: socket.socket, body: bytes, status: str = "200 OK") -> None:
        self._send(
            conn,
            _head(status, "Content-Type: application/json", f"Content-Length: {len(body)}") + body,
        )

    def _nested_json(self, conn: socket.socket) -> None:
        self._body(conn, b"[" * 200_000)

    def _invalid_utf8(self, conn: socket.socket) -> None:
        self._body(conn, b'{"code":"50113","msg":"\xff\xfe\xc0\xaf bad \xed\xa0\x80","data":[]}')

    def _not_an_object(self, conn: socket.socket) -> None:
        self._body(conn, json.dumps(list(range(50_000))).encode())

    def _hostile_msg(self, conn: socket.socket) -> None:
        self._body(conn, json.dumps({"code": "59999", "msg": HOSTILE_MSG, "data": []}).encode())

    def _hostile_code(self, conn: socket.socket) -> None:
        code = "5\x1b[2J\n✓ bot: verified"
        self._body(conn, json.dumps({"code": code, "msg": HOSTILE_MSG, "data": []}).encode())

    def _slow_loris(self, conn: socket.socket) -> None:
        self._send(
            conn, _head("200 OK", "Content-Type: application/json", "Content-Length: 100000")
        )
        self._forever(conn, b" ", pause=0.5)

    def _redirect(self, conn: socket.socket) -> None:
        body = b"<html><title>302 Found</title></html>"
        self._send(
            conn,
            _head(
                "302 Found",
                "Location: https://evil.example/api/v5/account/config",
                "Content-Type: text/html",
                f"Content-Length: {len(body)}",
            )
            + body,
        )


# -- running the CLI with a memory gauge ----------------------------------------------------------
@dataclass
class Measured:
    """One finished ``okx-wizard`` process: exit code, output, seconds and peak memory."""

    code: int
    stdout: str
    stderr: str
    elapsed: float
    peak_mb: float
    killed: bool


# Runs the measured command as its only child and writes that child's rusage. A child's
# ru_maxrss counts the memory of the process it was forked from (kept across exec): forked from
# pytest it would include pytest's own 60+ MB, forked from this small wrapper only a few MB.
_WRAPPER = """
import json, os, signal, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"maxrss_kb": usage.ru_maxrss}, out)
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_measured(argv: list[str], env: dict[str, str], cwd: Path, kill_after: float) -> Measured:
    """Run ``argv`` and read its own peak RSS (``wait4`` in a small wrapper process).

    A process still running after ``kill_after`` seconds is killed (``killed`` says so).
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as folder,
    ):
        usage_file = Path(folder) / "usage.json"
        wrapped = [sys.executable, "-S", "-c", _WRAPPER, str(usage_file), *argv]
        start = time.monotonic()
        proc = subprocess.Popen(
            wrapped,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=kill_after)
            killed = False
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            code = proc.wait()
            killed = True
        elapsed = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        usage = json.loads(usage_file.read_text()) if usage_file.exists() else {}
        return Measured(
            code,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            round(elapsed, 2),
            round(int(usage.get("maxrss_kb", 0)) / 1024, 1),  # KiB on Linux
            killed,
        )


def cli_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "okx_wizard", *args]


# -- the section of docs/reliability.md -----------------------------------------------------------
DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
BEGIN = "<!-- hostile-server:begin (tests/hardening/hostile_server.py --doc) -->"
END = "<!-- hostile-server:end -->"


def render_section(rows: list[dict[str, object]], when: str) -> str:
    """The hostile-server section: one row per attack with its time and memory figures."""

    def cell(value: object) -> str:
        text = str(value).replace("|", "\\|").replace("`", "'")
        return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)

    lines = [
        BEGIN,
        "## Hostile server",
        "",
        f'A malicious "OKX" on loopback (tests/hardening/hostile_server.py), attacking '
        f"`okx-wizard --timeout 4 check bot --base-url http://127.0.0.1:PORT` in a subprocess; "
        f"measured {when}. Bound for every attack: exit 1, no traceback, done within the timeout "
        "+ 5 s, peak memory (the process's own `ru_maxrss`) under 300 MB, no escape sequence, "
        "markup or forged line in the output. Every body goes through one bounded reader: "
        "Content-Length over 1 MiB refused up front, at most 1 MiB once decoded (gzip and "
        "deflate inflated by okx-wizard, piece by piece, never past the cap), inside the "
        "request's deadline; server text is quoted on one line, cleaned, without brackets.",
        "",
        "| Attack | What the server sent | Exit | s | Peak MB | Server sent MB | "
        "What the user saw |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        said = str(row.get("said", ""))
        said = said if len(said) <= 200 else said[:197] + "..."
        lines.append(
            "| "
            + " | ".join(
                cell(v)
                for v in (
                    row["attack"],
                    row["tried"],
                    row["exit"],
                    f"{float(str(row['seconds'])):.2f}",
                    f"{float(str(row['peak_mb'])):.1f}",
                    f"{float(str(row['server_sent_mb'])):.2f}",
                    said,
                )
            )
            + " |"
        )
    lines.append(END)
    return "\n".join(lines)


def update_doc(rows_path: Path, doc: Path = DOC) -> None:
    """Replace (or append) the hostile-server section of ``doc`` with the rows saved by a run."""
    rows = json.loads(rows_path.read_text("utf-8"))
    when = time.strftime("%Y-%m-%d", time.gmtime(rows_path.stat().st_mtime))
    section = render_section(rows, when)
    text = doc.read_text("utf-8") if doc.exists() else ""
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, "utf-8")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the hostile-server section of the doc.")
    parser.add_argument("--doc", type=Path, required=True, help="rows saved by the test run")
    update_doc(parser.parse_args().doc)
