"""OKX's documented rate limits: a sliding window per endpoint and per IP, user or instrument.

Beyond a limit OKX answers 50011 "Too Many Requests" with HTTP 429. Windows follow the
simulator's clock (``Simulator(clock=…)``), so a test can step past one without sleeping.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Literal

Scope = Literal["ip", "ip_type", "user", "user_inst"]


@dataclass(frozen=True)
class Limit:
    """``count`` requests per ``seconds``, counted per ``scope``; ``group`` shares a window
    between endpoints (the sub-account write calls)."""

    count: int
    seconds: float
    scope: Scope
    group: str = ""


class RateLimiter:
    """Counts requests in sliding windows; thread-safe."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._hits: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, bucket: Hashable, limit: Limit, weight: int = 1) -> bool:
        """Count ``weight`` requests in ``bucket`` unless that goes over ``limit``."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(bucket, deque())
            while hits and hits[0] <= now - limit.seconds:
                hits.popleft()
            if len(hits) + weight > limit.count:
                return False
            hits.extend([now] * weight)
            return True

    def reset(self) -> None:
        """Forget every window."""
        with self._lock:
            self._hits.clear()
