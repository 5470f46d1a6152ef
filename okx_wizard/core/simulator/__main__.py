"""Run the simulator in the foreground: ``python -m okx_wizard.core.simulator``."""

import sys

from okx_wizard.core.simulator.console import main

if __name__ == "__main__":
    sys.exit(main())
