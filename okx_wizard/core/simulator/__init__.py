"""A local OKX v5 REST simulator: OKX's signature, timestamp, key and trading rules on loopback.

Tests, screenshots and ``okx-wizard --simulator`` use it so the whole flow can be walked with no
OKX account, and a real ccxt or python-okx bot can load markets, read balances and place and
cancel orders. It listens on 127.0.0.1 only, one listener per region (``urls``: global, eea, us,
tr), all sharing one set of keys, so a key used against another region's listener fails with
50119 as on OKX.

The package, one job per module: ``model`` (records), ``samples`` (the stable sample keys),
``state`` (what it remembers), ``auth`` (signature checks), ``routing`` (endpoints, permissions,
rate limits), ``account`` / ``market`` / ``orders`` / ``subaccounts`` (the endpoints),
``ratelimit``, ``faults``, ``server`` (the listeners), ``engine`` (:class:`Simulator`) and
``console`` (``python -m okx_wizard.core.simulator``).
"""

from okx_wizard.core.simulator.auth import DEMO_HEADER, MAX_SKEW_MS, ip_allowed
from okx_wizard.core.simulator.codes import HTTP_STATUS, IP_MESSAGE, MESSAGES
from okx_wizard.core.simulator.console import describe, main
from okx_wizard.core.simulator.engine import SIM_REGIONS, Simulator
from okx_wizard.core.simulator.model import (
    Fault,
    FaultKind,
    ManualClock,
    SimKey,
    SimRequest,
    SubAccount,
)
from okx_wizard.core.simulator.ratelimit import Limit
from okx_wizard.core.simulator.routing import ROUTES
from okx_wizard.core.simulator.samples import SAMPLE, SAMPLE_KEYS
from okx_wizard.core.simulator.server import HOST

__all__ = [
    "DEMO_HEADER",
    "HOST",
    "HTTP_STATUS",
    "IP_MESSAGE",
    "MAX_SKEW_MS",
    "MESSAGES",
    "ROUTES",
    "SAMPLE",
    "SAMPLE_KEYS",
    "SIM_REGIONS",
    "Fault",
    "FaultKind",
    "Limit",
    "ManualClock",
    "SimKey",
    "SimRequest",
    "Simulator",
    "SubAccount",
    "describe",
    "ip_allowed",
    "main",
]
