"""Whether a local file may be trusted: ssh's rules for who owns it and who can change it.

okx-wizard reads its profile file, its vault, the plaintext store (by consent), its lock files
and a vault password file. Another user who can write one of them could point ``check`` at
their own server or swap the vault, so, as ssh does with ``~/.ssh``, each such file and its
directory must be owned by the user running okx-wizard (or root), and not be writable by
group or others. Files that hold secrets (the vault, the plaintext store, a password file)
must not be readable by group or others either. A file that fails is refused, named, and the
fix is said (``chmod 600 FILE``, ``chmod 700 DIR``, ``chown``); it is never rewritten.

The checks are POSIX only: on Windows the file system's ACLs decide and they pass.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from okx_wizard.core.errors import StorageError

#: Mode bits that must be clear on a file anyone could use to steer okx-wizard.
NOT_SHARED_WRITE = 0o022
#: Mode bits that must be clear on a file that holds a secret (or guards one).
NOT_SHARED = 0o077
#: Largest file read through :func:`read_trusted` (a password file, the stores, profiles).
MAX_TRUSTED_BYTES = 16 * 1024 * 1024


def _owner_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def _trusted_owner(uid: int) -> bool:
    return uid in (os.geteuid(), 0)


def check_stat(info: os.stat_result, path: Path, what: str, *, forbidden: int) -> None:
    """Refuse ``path`` (described as ``what``) unless its owner and mode pass (see module docs).

    ``forbidden`` is the set of mode bits that must be clear (:data:`NOT_SHARED_WRITE` or
    :data:`NOT_SHARED`). Raises :class:`StorageError` naming the file and the fix.
    """
    if os.name != "posix":
        return
    is_dir = stat.S_ISDIR(info.st_mode)
    if not _trusted_owner(info.st_uid):
        me = _owner_name(os.geteuid())
        raise StorageError(
            f"{what} {path} belongs to another user ({_owner_name(info.st_uid)}), so "
            "okx-wizard does not trust it and left it unchanged.",
            f"If it is yours, take it back: `chown {'-R ' if is_dir else ''}{me} {path}`; "
            "otherwise move it away.",
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode & forbidden:
        who = "changed" if mode & forbidden & 0o022 else "read"
        tight = 0o700 if is_dir else 0o600
        raise StorageError(
            f"{what} {path} can be {who} by other users (mode {mode:04o}), so okx-wizard "
            "does not trust it and left it unchanged.",
            f"Make it private: `chmod {tight:o} {path}`.",
        )


def check_directory(path: Path, what: str, *, home: Path | None = None) -> None:
    """Refuse the directory ``path`` (and its parents inside the home directory) if others
    could change it: a writable parent lets another user swap the files below it.

    A missing directory passes (it will be created private). Parents outside the home
    directory (``/home``, ``/tmp``) belong to the system and are not judged.
    """
    if os.name != "posix":
        return
    path = Path(path)
    if home is None:
        home = Path(os.path.expanduser("~"))
    try:
        home = home.resolve()
        current = path.resolve()
    except OSError:
        return
    first = True
    while True:
        try:
            info = current.stat()
        except FileNotFoundError:
            info = None
        except OSError:
            return
        if info is not None:
            check_stat(info, current, what if first else "The folder", forbidden=NOT_SHARED_WRITE)
        first = False
        if current == home or home not in current.parents:
            return
        current = current.parent


def read_trusted(
    path: Path, what: str, *, secret: bool, forbidden: int | None = None
) -> bytes | None:
    """The bytes of ``path`` once its directory, owner and mode pass; ``None`` if it is absent.

    The file is opened first and the checks run on the open file (``fstat``), so what is
    judged is what is read. ``secret`` files must not be readable by others at all;
    ``forbidden`` overrides the mode bits that must be clear.
    """
    if forbidden is None:
        forbidden = NOT_SHARED if secret else NOT_SHARED_WRITE
    path = Path(path)
    check_directory(path.parent, f"The folder of {what.lower()}")
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)  # a FIFO planted in its place must not hang us
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StorageError(
            f"Cannot read {what.lower()} {path}: {exc.strerror or type(exc).__name__}.",
            "Check its owner and permissions: it should be yours, mode 600.",
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise StorageError(f"{what} {path} is not a regular file.", "Move it away.")
        check_stat(info, path, what, forbidden=forbidden)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_TRUSTED_BYTES + 1)
    if len(data) > MAX_TRUSTED_BYTES:
        raise StorageError(
            f"{what} {path} is larger than {MAX_TRUSTED_BYTES // (1024 * 1024)} MiB.",
            "It is not okx-wizard's: move it away.",
        )
    return data
