"""The command line's exit codes (SPEC §2): one place, imported by every command module."""

from __future__ import annotations

EXIT_OK = 0  # verified (warnings may be listed)
EXIT_FAILED = 1  # verification failed, refused by policy, or OKX unreachable
EXIT_USAGE = 2  # usage or input error


def signal_exit(signum: int) -> int:
    """The exit code of a run ended by signal ``signum`` (the shell's convention: 128 + N)."""
    return 128 + signum
