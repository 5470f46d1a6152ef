"""Profile metadata: everything about a profile except its secrets, in one TOML file.

The file (``profiles.toml`` under the platform config dir, ``simulator-profiles.toml`` for the
built-in simulator so its profiles never mix with real ones) holds the region, environment,
what the user intended, what OKX reported, times and a key hint such as ``8a0f…9d21``. It never
holds a secret: those live in the secure store (:mod:`okx_wizard.core.secret_store`).

The file is meant to survive humans: it is plain TOML with a schema version, written
atomically with mode 0600 under a lock so two processes cannot lose each other's updates, and
a file that a person broke by hand is never overwritten. It is copied aside once and every
command says which file and which line to fix. A file (or folder) that another user owns or
could change is refused before it is read (:mod:`okx_wizard.core.file_trust`), and what is read
is checked and cleaned by :mod:`okx_wizard.core.profile_schema`.

:meth:`MetadataStore.locked` holds the file's lock across several steps, e.g. "this profile
does not exist yet" and the commit that creates it, so two ``login`` runs cannot both create
the same profile.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from okx_wizard.core.clock import utc_now
from okx_wizard.core.errors import StorageError
from okx_wizard.core.file_trust import read_trusted
from okx_wizard.core.fsutil import atomic_write, ensure_private_dir, file_lock
from okx_wizard.core.profile_schema import (
    STORAGE_KINDS,
    ProfileMeta,
    SchemaError,
    StorageKind,
    clean_text,
    clean_value,
    tomlable,
)

__all__ = [
    "APP_NAME",
    "SCHEMA_VERSION",
    "STORAGE_KINDS",
    "MetadataStore",
    "ProfileMeta",
    "SchemaError",
    "StorageKind",
    "clean_text",
    "clean_value",
    "default_metadata_path",
    "utc_now",
]

SCHEMA_VERSION = 1
APP_NAME = "okx-wizard"


def default_metadata_path(*, simulator: bool = False) -> Path:
    """``profiles.toml`` (or ``simulator-profiles.toml``) in the platform's config dir."""
    import platformdirs

    name = "simulator-profiles.toml" if simulator else "profiles.toml"
    return Path(platformdirs.user_config_dir(APP_NAME)) / name


_LINE_RE = re.compile(r"\(at line (\d+), column (\d+)\)")
# A draft's typed confirmation of a Withdraw key: consent is given in the session that uses
# it, never read back from a file (anyone who can edit the file could "confirm" it).
CONSENT_KEYS = frozenset({"withdraw_confirmation", "allow_withdraw"})


def _without_consent(draft: Any) -> Any:
    """A draft table without the keys that would carry a Withdraw consent."""
    if not isinstance(draft, dict):
        return draft
    return {key: value for key, value in draft.items() if key not in CONSENT_KEYS}


class _HeldLock:
    """One lock file as this process holds it: re-entrant for the thread inside, exclusive
    for the other threads (the RLock) and for other processes (the flock)."""

    def __init__(self) -> None:
        self.guard = threading.RLock()
        self.depth = 0
        self.stack = contextlib.ExitStack()


_HELD: dict[str, _HeldLock] = {}
_HELD_GUARD = threading.Lock()


def _held_lock(path: Path) -> _HeldLock:
    key = str(path.absolute())
    with _HELD_GUARD:
        return _HELD.setdefault(key, _HeldLock())


class MetadataStore:
    """The profiles file: read, and changed by locked read-modify-write cycles.

    Every read goes to the file (another process may have changed it); every change takes
    the sibling ``.lock`` file, re-reads, applies the change and replaces the file atomically.
    """

    def __init__(self, path: Path | None = None, *, simulator: bool = False) -> None:
        self.simulator = simulator
        self.path = Path(path) if path is not None else default_metadata_path(simulator=simulator)

    def __repr__(self) -> str:
        return f"MetadataStore({str(self.path)!r}, simulator={self.simulator})"

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the profile file's lock for the whole block (blocking until it is free).

        Inside the block, in this thread, reads and changes (:meth:`save`, :meth:`delete`,
        drafts) work as usual and nothing another process writes can come between them; other
        threads and processes wait. Re-entrant. Use it to make a check and the change that
        depends on it one step::

            with meta.locked():
                if meta.get(name) is not None:
                    raise UsageError(...)  # "profile exists"
                ...  # store the secret, then meta.save(...)

        Keep slow work (network) outside: the lock stops every other okx-wizard's writes.
        """
        held = _held_lock(self.lock_path)
        with held.guard:
            if held.depth == 0:
                ensure_private_dir(self.path.parent)
                held.stack.enter_context(file_lock(self.lock_path))
            held.depth += 1
            try:
                yield
            finally:
                held.depth -= 1
                if held.depth == 0:
                    held.stack.close()

    def exists(self, name: str) -> bool:
        """Whether a profile called ``name`` is in the file (read now)."""
        return name in self._read()[1]

    # -- reading ------------------------------------------------------------------------------

    def load(self) -> dict[str, ProfileMeta]:
        """All profiles by name, sorted; an absent file means no profiles."""
        _, profiles = self._read()
        return dict(sorted(profiles.items()))

    def get(self, name: str) -> ProfileMeta | None:
        """The profile called ``name``, or ``None``."""
        return self.load().get(name)

    def get_draft(self, name: str) -> dict[str, Any] | None:
        """The saved wizard state for ``name`` (no secrets in it), or ``None``."""
        document, _ = self._read()
        draft = document.get("drafts", {}).get(name)
        return _without_consent(clean_value(draft)) if draft is not None else None

    def drafts(self) -> dict[str, dict[str, Any]]:
        """Every saved wizard state by profile name, for a "resume?" question."""
        document, _ = self._read()
        drafts = sorted(document.get("drafts", {}).items())
        return {name: _without_consent(clean_value(draft)) for name, draft in drafts}

    def draft_names(self) -> list[str]:
        """The names of profiles with a saved wizard state, sorted."""
        return list(self.drafts())

    # -- changing -----------------------------------------------------------------------------

    def save(self, *metas: ProfileMeta) -> None:
        """Add or replace profiles in one write; other profiles and unknown keys are kept."""
        for meta in metas:
            if meta.simulator != self.simulator:
                realm = "simulator" if self.simulator else "real"
                raise ValueError(
                    f"profile {meta.name!r} does not belong in the {realm} profiles file"
                )
        tables = {meta.name: meta.to_toml() for meta in metas}
        self._change(lambda doc: doc.setdefault("profiles", {}).update(tables))

    def delete(self, name: str) -> bool:
        """Remove the profile ``name``; ``True`` if it existed. Its draft is left alone."""
        return self._change(lambda doc: doc.get("profiles", {}).pop(name, None) is not None)

    def save_draft(self, name: str, data: Mapping[str, Any]) -> None:
        """Keep the wizard state for ``name`` so a later run can resume it.

        ``data`` holds TOML-compatible values (str, int, float, bool, datetime, lists and
        tables of them); keys whose value is ``None`` are not stored. Never put a secret in it.
        """
        table = _without_consent(tomlable(data, f"drafts.{name}"))
        self._change(lambda doc: doc.setdefault("drafts", {}).__setitem__(name, table))

    def delete_draft(self, name: str) -> bool:
        """Forget the wizard state for ``name``; ``True`` if there was one."""
        return self._change(lambda doc: doc.get("drafts", {}).pop(name, None) is not None)

    # -- internals ----------------------------------------------------------------------------

    def _change(self, apply: Callable[[dict[str, Any]], object]) -> bool:
        """Locked read-modify-write: re-read, ``apply(document)``, write atomically."""
        with self.locked():
            document, _ = self._read()
            result = bool(apply(document))
            document["version"] = SCHEMA_VERSION
            ordered = {"version": SCHEMA_VERSION}
            ordered.update({k: v for k, v in document.items() if k != "version"})
            import tomli_w

            atomic_write(self.path, tomli_w.dumps(ordered).encode("utf-8"))
            return result

    def _read(self) -> tuple[dict[str, Any], dict[str, ProfileMeta]]:
        """The raw document and the validated profiles; a damaged file raises StorageError."""
        raw = read_trusted(self.path, "The profile file", secret=False)
        if raw is None:
            return {"version": SCHEMA_VERSION}, {}
        import tomllib  # here: a first run (no file yet) does not load the TOML parser

        try:
            document = tomllib.loads(raw.decode("utf-8-sig"))  # an editor's BOM is fine
        except UnicodeDecodeError:
            raise self._broken(raw, "it is not UTF-8 text") from None
        except RecursionError:  # arrays or inline tables nested thousands deep
            raise self._broken(raw, "values nested too deeply") from None
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            found = _LINE_RE.search(message)
            detail = _LINE_RE.sub("", message).strip().rstrip(".")
            if found:
                detail = f"line {found.group(1)}, column {found.group(2)}: {detail}"
            raise self._broken(raw, f"TOML syntax error at {detail}") from None
        version = document.get("version", SCHEMA_VERSION)
        if not isinstance(version, int) or isinstance(version, bool):
            raise self._broken(raw, "version should be a whole number")
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"The profile file {self.path} was written by a newer okx-wizard (schema "
                f"version {version}; this one knows {SCHEMA_VERSION}); it was left unchanged.",
                "Upgrade okx-wizard.",
            )
        from okx_wizard.core.validation import check_profile_name

        profiles: dict[str, ProfileMeta] = {}
        try:
            for section in ("profiles", "drafts"):
                tables = document.get(section, {})
                if not isinstance(tables, dict):
                    raise SchemaError(section, "a table")
                for name, table in tables.items():
                    if check_profile_name(name).blocking:
                        import json

                        # json.dumps: the name as TOML writes it, control characters escaped.
                        raise SchemaError(
                            f"{section}.{json.dumps(name)}",
                            "named with 1–64 letters, digits, '.', '_' or '-'",
                        )
                    if not isinstance(table, dict):
                        raise SchemaError(f"{section}.{name}", "a table")
            for name, table in document.get("profiles", {}).items():
                profiles[name] = ProfileMeta.from_toml(name, table)
        except SchemaError as exc:
            raise self._broken(raw, str(exc)) from None
        return document, profiles

    def _broken(self, raw: bytes, detail: str) -> StorageError:
        """Copy the damaged file aside (once) and build the error that explains what to do."""
        backup = self._backup(raw)
        saved = f"A copy was saved as {backup}. " if backup else ""
        return StorageError(
            f"The profile file {self.path} is damaged ({clean_text(detail)}). {saved}"
            "okx-wizard will not change it until it is fixed.",
            "Correct it by hand, or move it away to start with no profiles.",
        )

    def _backup(self, raw: bytes) -> Path | None:
        """``profiles.toml.broken-YYYYmmddTHHMMSS`` unless a copy with these bytes exists."""
        prefix = self.path.name + ".broken-"
        try:
            for existing in self.path.parent.glob(prefix + "*"):
                if existing.is_file() and existing.read_bytes() == raw:
                    return existing
            stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
            candidate = self.path.with_name(prefix + stamp)
            counter = 1
            while candidate.exists():
                candidate = self.path.with_name(f"{prefix}{stamp}-{counter}")
                counter += 1
            atomic_write(candidate, raw)
        except OSError:
            return None
        return candidate
