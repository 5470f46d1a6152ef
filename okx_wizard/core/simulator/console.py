"""``python -m okx_wizard.core.simulator``: serve in the foreground and print the sample keys."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from types import FrameType

from okx_wizard.core.simulator.engine import Simulator
from okx_wizard.core.simulator.samples import SAMPLE
from okx_wizard.core.simulator.server import HOST


def describe(sim: Simulator) -> str:
    """The text ``python -m okx_wizard.core.simulator`` prints: URLs and sample credentials."""
    lines = ["OKX simulator (loopback only, not OKX). Ctrl+C to stop.", ""]
    lines += [f"  {code:<7} {url}" for code, url in sim.urls.items()]
    limits = "on" if sim.rate_limits else "off"
    lines += [f"\n  latency {sim.latency_ms:g} ms, clock offset {sim.clock_offset_ms} ms, "
              f"public IP {sim.public_ip}, rate limits {limits}\n\n"
              "Sample keys (simulator only):"]  # fmt: skip
    for name, key in SAMPLE.items():
        kind = "main account" if key.is_main else f"sub-account {key.sub_account}"
        lines.append(
            f"  {name}: region={key.region} {'demo' if key.demo else 'live'} {kind} "
            f"perm={key.perm} ip={key.ip or '-'}\n    api_key={key.api_key}\n"
            f"    secret_key={key.secret_key}\n    passphrase={key.passphrase}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the simulator with the sample keys until Ctrl+C or SIGTERM."""
    import argparse  # only here: importing the package (tests, the CLI) needs neither
    import signal

    parser = argparse.ArgumentParser(prog="python -m okx_wizard.core.simulator")
    parser.add_argument("--port-base", type=int, default=0, help="first port (0: free ports)")
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--clock-offset-ms", type=int, default=0)
    parser.add_argument("--public-ip", default="203.0.113.7")
    parser.add_argument("--no-rate-limits", action="store_true", help="never answer 50011")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    sim = Simulator(
        latency_ms=args.latency_ms,
        clock_offset_ms=args.clock_offset_ms,
        public_ip=args.public_ip,
        port_base=args.port_base,
        rate_limits=not args.no_rate_limits,
    )
    if not args.quiet:
        sim.log = lambda line: print(line, file=sys.stderr, flush=True)
    done = threading.Event()

    def finish(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, finish)
    signal.signal(signal.SIGTERM, finish)
    try:
        sim.start()
    except OSError as exc:
        print(f"cannot listen on {HOST}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(describe(sim), flush=True)
    try:
        while not done.wait(0.5):
            pass
    finally:
        sim.stop()
    return 0
