"""Run the okx-wizard CLI paused just before one step of a save, so a test can signal it there.

``OKX_TEST_PAUSE_AT=module:Class.method:N`` (e.g.
``okx_wizard.core.metadata:MetadataStore.save:1``) makes the Nth call of that method announce
``PAUSED <step>`` on stderr and wait before it runs — until the file ``OKX_TEST_PAUSE_GO``
exists (the test creates it once it has sent its signal), at most ``OKX_TEST_PAUSE_S``
seconds — then go on as usual. Everything else is the real CLI:
``python -m tests.hardening.pause ARGS``.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from typing import Any

PAUSE_AT_ENV = "OKX_TEST_PAUSE_AT"
PAUSE_S_ENV = "OKX_TEST_PAUSE_S"
GO_ENV = "OKX_TEST_PAUSE_GO"
ANNOUNCE = "PAUSED"


def _wait(seconds: float) -> None:
    go = os.environ.get(GO_ENV)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if go and os.path.exists(go):
            time.sleep(0.1)  # the signal is on its way: let its handler run here
            return
        time.sleep(0.01)


def install(spec: str, seconds: float) -> None:
    """Wrap the method named by ``spec`` so its Nth call pauses first."""
    target, nth = spec.rsplit(":", 1)
    module_name, qualname = target.split(":")
    class_name, method_name = qualname.split(".")
    cls = getattr(importlib.import_module(module_name), class_name)
    real = getattr(cls, method_name)
    calls = 0

    def paused(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == int(nth):
            print(f"{ANNOUNCE} {qualname}#{nth}", file=sys.stderr, flush=True)
            _wait(seconds)
        return real(self, *args, **kwargs)

    setattr(cls, method_name, paused)


def main() -> int:
    install(os.environ[PAUSE_AT_ENV], float(os.environ.get(PAUSE_S_ENV, "2")))
    from okx_wizard.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
