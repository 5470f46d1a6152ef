"""Run the real okx-wizard CLI whose built-in simulator also knows one extra key.

The TUI's secret-hygiene test types a key with random secrets, so that a scan can only find what
leaked (the simulator's sample secrets are shown on screen on purpose). ``OKX_TEST_EXTRA_KEY``
holds that key as JSON (SimKey fields); everything else is ``python -m okx_wizard ARGS``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

EXTRA_KEY_ENV = "OKX_TEST_EXTRA_KEY"


def main() -> int:
    from okx_wizard.core import simulator

    extra = simulator.SimKey(**json.loads(os.environ[EXTRA_KEY_ENV]))
    real_init = simulator.Simulator.__init__

    def init(self: simulator.Simulator, keys: Any = simulator.SAMPLE_KEYS, **kw: Any) -> None:
        real_init(self, [*keys, extra], **kw)

    simulator.Simulator.__init__ = init  # type: ignore[method-assign]
    from okx_wizard.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
