"""How a command runs: the process hardened, signals handled, the simulator on demand."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

    from okx_wizard.core.api import Context
    from okx_wizard.core.simulator import Simulator

# An SSH drop (SIGHUP) and a kill (SIGTERM) end okx-wizard like Ctrl+C: cleanly, exit 128 + N.
TERMINATING = (signal.SIGTERM, signal.SIGHUP)
_PR_SET_DUMPABLE = 4


def harden_process() -> None:
    """No core dump of this process: it holds secrets, passphrases and the vault password.

    RLIMIT_CORE 0 stops the kernel writing one; PR_SET_DUMPABLE 0 (Linux) also keeps other
    processes of the same user from attaching with ptrace or reading /proc/PID/mem.
    """
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not POSIX
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass


def run_async(coro: Any) -> Any:
    """Run ``coro``; SIGTERM/SIGHUP cancel it cleanly (no half-finished task is left behind)."""
    import asyncio

    received: list[int] = []

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def stop(signum: int) -> None:
            received.append(signum)
            task.cancel()

        for sig in TERMINATING:
            loop.add_signal_handler(sig, stop, sig)
        try:
            return await coro
        except asyncio.CancelledError:
            if not received:
                raise
            return None
        finally:
            for sig in TERMINATING:
                loop.remove_signal_handler(sig)

    result = asyncio.run(main())
    if received:
        raise SystemExit(128 + received[0])
    return result


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGTERM, SIGHUP and SIGINT until the block is done: a save is never cut in half."""
    received: list[int] = []

    def hold(signum: int, _frame: object) -> None:
        received.append(signum)

    held = (*TERMINATING, signal.SIGINT)
    previous = {sig: signal.signal(sig, hold) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        if received[0] == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + received[0])


class SimulatorHosts(Mapping[str, str]):
    """The local simulator's URL for each region; the simulator starts on first use.

    The wizard's first screens never talk to OKX, so ``okx-wizard --simulator`` paints them
    without loading the simulator (its import and listeners are a visible part of start-up).
    """

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._simulator: Simulator | None = None

    def simulator(self) -> Simulator:
        """The running simulator (started now if it was not)."""
        with self._lock:
            if self._simulator is None:
                from okx_wizard.core.errors import WizardError
                from okx_wizard.core.simulator import Simulator

                try:
                    self._simulator = Simulator().start()
                except OSError as exc:
                    reason = exc.strerror or type(exc).__name__
                    raise WizardError(
                        "network", f"The local simulator could not listen on 127.0.0.1: {reason}."
                    ) from None
            return self._simulator

    def _urls(self) -> dict[str, str]:
        return self.simulator().urls

    def __getitem__(self, region_code: str) -> str:
        return self._urls()[region_code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._urls())

    def __len__(self) -> int:
        return len(self._urls())

    def close(self) -> None:
        """Stop the simulator, if it was started."""
        with self._lock:
            if self._simulator is not None:
                self._simulator.stop()
                self._simulator = None


@contextmanager
def simulator_hosts(enabled: bool) -> Iterator[SimulatorHosts | None]:
    """The simulator's hosts for ``--simulator`` (stopped at the end), else None."""
    if not enabled:
        yield None
        return
    hosts = SimulatorHosts()
    try:
        yield hosts
    finally:
        hosts.close()


def make_context(args: argparse.Namespace, hosts: Mapping[str, str] | None) -> Context:
    """The core's Context for this command line."""
    from okx_wizard.cli_prompt import prompt_password
    from okx_wizard.core.api import Context

    return Context(
        simulator=bool(getattr(args, "simulator", False)),
        hosts=hosts,
        allow_insecure=bool(getattr(args, "insecure_storage", False)),
        prompt_password=prompt_password,
        timeout=float(getattr(args, "timeout", 15.0)),
    )
