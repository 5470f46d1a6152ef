"""Injected faults: a queue that hands out the first fault matching a path, and what each sends."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http import HTTPStatus

from okx_wizard.core.simulator.codes import HTTP_STATUS, error
from okx_wizard.core.simulator.model import Fault

_HTML_PAGE = (
    "<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    "</body>\r\n</html>\r\n"
)
BROKEN_JSON = b'{"code":"0","msg":"","data":[{"uid":"4483'


def phrase(status: int) -> str:
    """HTTP's reason phrase for ``status`` ("Error" for a made-up one)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class FaultQueue:
    """Queued faults; the first matching one wins and its ``times`` counts down."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times != 0 and (fault.path is None or path.startswith(fault.path)):
                    if fault.times > 0:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return fault
        return None


@dataclass(frozen=True)
class Reply:
    """What a fault sends: status, body, content type, extra headers and the OKX code."""

    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()
    code: str | None = None


def reply(fault: Fault) -> Reply | None:
    """The answer of a ``status``, ``okx_error``, ``html`` or ``broken_json`` fault; None for
    ``drop`` and ``hang`` (the server plays those on the socket)."""
    if fault.kind in ("drop", "hang"):
        return None
    if fault.kind == "broken_json":
        return Reply(200, BROKEN_JSON, "application/json")
    wait = () if fault.retry_after is None else (("Retry-After", f"{fault.retry_after:g}"),)
    if fault.kind == "html":
        page = _HTML_PAGE.format(status=fault.status, phrase=phrase(fault.status)).encode()
        return Reply(fault.status, page, "text/html; charset=UTF-8", wait)
    code, status = fault.code, fault.status
    if fault.kind == "status" and status == 429 and code == "50001":
        code = "50011"
    if fault.kind == "okx_error" and status == 500:
        status = HTTP_STATUS.get(code, 200)
    payload = json.dumps(error(code, fault.msg)).encode()
    return Reply(status, payload, "application/json", wait, code)
