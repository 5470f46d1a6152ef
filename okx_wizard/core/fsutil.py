"""Private files written safely: atomic replace, owner-only modes, and an inter-process lock.

The metadata file and the vault are rewritten whole. Writing to a temporary file in the same
directory and renaming it over the target means a crash or a full disk leaves either the old
file or the new one, never half of each; creating the temporary file with mode 0600 means the
content is never readable by others, not even for an instant.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from okx_wizard.core.file_trust import NOT_SHARED_WRITE, check_directory, check_stat

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and its missing parents) with mode 0700, or check the one that exists.

    An existing directory that another user owns or could change (and its parents inside the
    home directory) is refused with :class:`StorageError`, not quietly repaired: someone may
    already have put files in it (see :mod:`okx_wizard.core.file_trust`). One that is ours
    and only readable by others is tightened to 0700.
    """
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):  # parents too: mkdir(parents=True) would use the umask
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    check_directory(path, "The folder")
    if os.name == "posix":
        info = path.stat()
        if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
            path.chmod(PRIVATE_DIR_MODE)
    return path


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, mode: int = PRIVATE_FILE_MODE) -> None:
    """Replace ``path`` with ``data`` atomically; the result has ``mode`` (0600 by default).

    The temporary file is created with ``O_CREAT | O_EXCL`` and mode 0600 in the target's
    directory, written, fsynced, renamed over the target with :func:`os.replace`, and the
    directory is fsynced so the rename survives a power loss.
    """
    import secrets  # here: reading profiles (every start) does not need it

    path = Path(path)
    directory = path.parent
    tmp = directory / f".{path.name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, PRIVATE_FILE_MODE)
    try:
        try:
            if os.name == "posix":
                os.fchmod(fd, mode)  # the umask may have removed bits the file needs
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(directory)


@contextlib.contextmanager
def file_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (created 0600) for the duration of the block.

    Used around read-modify-write cycles so that two okx-wizard processes saving at the same
    time do not lose each other's changes. The lock file itself stays empty.
    """
    lock_path = Path(lock_path)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(lock_path, flags, PRIVATE_FILE_MODE)
    try:
        check_stat(os.fstat(fd), lock_path, "The lock file", forbidden=NOT_SHARED_WRITE)
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
