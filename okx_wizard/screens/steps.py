"""The wizard's steps, declared once and in order: navigation, numbering, rotation and drafts read
this table by step *name*.

Adding a step is one row here and one module ``okx_wizard/screens/<name>.py`` with the screen
class. Each step's module is imported only when the step is shown (see ``app.step_screen``), so
the first screen does not pay for the later ones; this module imports nothing of Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One wizard step: its name (also its module's name), title and screen class."""

    name: str
    title: str
    screen: str  # class name in okx_wizard.screens.<name>
    rotation: bool = False  # also a step of a key rotation (which reuses the profile's answers)

    @property
    def module(self) -> str:
        return f"okx_wizard.screens.{self.name}"


STEPS: tuple[Step, ...] = (
    Step("start", "Start", "StartScreen"),
    Step("before_you_start", "Before you start", "BeforeYouStartScreen"),
    Step("sub_account", "Sub-account", "SubAccountScreen"),
    Step("permissions", "Permissions and IP binding", "PermissionsScreen", rotation=True),
    Step("passphrase", "Passphrase", "PassphraseScreen", rotation=True),
    Step("capture", "Create the key", "CaptureScreen", rotation=True),
    Step("test_connection", "Test the connection", "TestConnectionScreen", rotation=True),
    Step("saved", "Saved", "SavedScreen", rotation=True),
)

#: Where the shown-once key is captured: a draft with a pending key resumes here, and a draft
#: without one resumes before it (the passphrase it is checked against is never in a draft).
CAPTURE = "capture"

#: The order of DRAFT_VERSION 1, whose drafts saved the step as its index in this tuple.
#: History, not the current order: never edit it when steps change.
_DRAFT_V1_ORDER: tuple[str, ...] = (
    "start",
    "before_you_start",
    "sub_account",
    "permissions",
    "passphrase",
    "capture",
    "test_connection",
    "saved",
)

_BY_NAME: dict[str, Step] = {step.name: step for step in STEPS}


def step_named(name: str) -> Step:
    """The step called ``name``; a name that is not in :data:`STEPS` is a bug (ValueError)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"no wizard step named {name!r}") from None


def sequence(mode: str) -> tuple[Step, ...]:
    """The steps of a ``setup`` (all of them) or of a ``rotate`` (the rotation subset)."""
    if mode == "rotate":
        return tuple(step for step in STEPS if step.rotation)
    return STEPS


def first(mode: str) -> str:
    """The name of the first step of ``mode``."""
    return sequence(mode)[0].name


def _names(mode: str) -> list[str]:
    return [step.name for step in sequence(mode)]


def after(mode: str, name: str) -> str | None:
    """The step after ``name`` in ``mode``, or None after the last."""
    names = _names(mode)
    index = names.index(step_named(name).name) if name in names else -1
    return names[index + 1] if 0 <= index < len(names) - 1 else None


def before(mode: str, name: str) -> str | None:
    """The step before ``name`` in ``mode``, or None on the first."""
    names = _names(mode)
    index = names.index(step_named(name).name) if name in names else 0
    return names[index - 1] if index > 0 else None


def position(mode: str, name: str) -> tuple[int, int]:
    """``(k, n)`` for the user's "Step k/n" (k counts from 1 within ``mode``'s steps)."""
    names = _names(mode)
    return names.index(step_named(name).name) + 1, len(names)


def is_past_first(mode: str, name: str) -> bool:
    """True when ``name`` is a step of ``mode`` after its first (a draft already exists)."""
    return name in _names(mode) and name != first(mode)


def comes_before(name: str, other: str) -> bool:
    """True when the step ``name`` comes before the step ``other`` in the table."""
    order = [step.name for step in STEPS]
    return order.index(step_named(name).name) < order.index(step_named(other).name)


def _in_mode(mode: str, name: str) -> str:
    """``name`` if it is a step of ``mode``, else the first step of ``mode`` at or after it."""
    names = _names(mode)
    if name in names:
        return name
    order = [step.name for step in STEPS]
    later = [n for n in names if name in order and order.index(n) >= order.index(name)]
    return later[0] if later else names[0]


def resume_step(mode: str, saved: str, *, has_key: bool) -> str:
    """Where a resumed draft goes: the capture step with a pending key, else at most before it."""
    if has_key:
        return _in_mode(mode, CAPTURE)
    order = [step.name for step in STEPS]
    if saved not in order:
        return first(mode)
    if order.index(saved) >= order.index(CAPTURE):
        saved = order[order.index(CAPTURE) - 1]
    return _in_mode(mode, saved)


def draft_step(draft: Mapping[str, object]) -> str:
    """The step a draft was saved at, as a name ("" when unknown).

    Drafts of version 1 saved the step as an index into the order of that time: it is read
    through that order (clamped, as version 1 did), so an old draft resumes on the right screen
    whatever steps were added since.
    """
    value = draft.get("step")
    if isinstance(value, str):
        return value if value in _BY_NAME else ""
    if isinstance(value, int) and not isinstance(value, bool):
        return _DRAFT_V1_ORDER[max(0, min(value, len(_DRAFT_V1_ORDER) - 1))]
    return ""
