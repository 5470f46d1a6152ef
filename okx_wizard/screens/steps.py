"""The wizard's steps, declared once and in order: navigation, numbering, rotation and drafts read
this table by step *name*.

Adding a step is one row here and one module ``okx_wizard/screens/<name>.py`` with the screen
class. Each step's module is imported only when the step is shown (see ``app.step_screen``), so
the first screen does not pay for the later ones; this module imports nothing of Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from okx_wizard.core.wizard_state import WizardState


@dataclass(frozen=True)
class Step:
    """One wizard step: its name (also its module's name), title and screen class."""

    name: str
    title: str
    screen: str  # class name in okx_wizard.screens.<name>
    rotation: bool = False  # also a step of a key rotation (which reuses the profile's answers)
    # The step applies only to the answers for which this is true (None: always).
    when: Callable[[WizardState], bool] | None = None

    @property
    def module(self) -> str:
        return f"okx_wizard.screens.{self.name}"

    def applies(self, state: WizardState | None) -> bool:
        """True when the step is part of the wizard for ``state`` (default answers if None)."""
        return self.when is None or self.when(state if state is not None else WizardState())


def manual(state: WizardState) -> bool:
    """The user creates the key on OKX's site and captures what it shows once."""
    return not automatic(state)


def automatic(state: WizardState) -> bool:
    """okx-wizard creates the key with an admin key: no secret is shown, typed or pasted."""
    return state.key_source == "auto" and state.sub_account


STEPS: tuple[Step, ...] = (
    Step("start", "Start", "StartScreen"),
    Step("before_you_start", "Before you start", "BeforeYouStartScreen"),
    Step("sub_account", "Sub-account", "SubAccountScreen"),
    Step("permissions", "Permissions and IP binding", "PermissionsScreen", rotation=True),
    Step("admin_key", "Admin key", "AdminKeyScreen", when=automatic),
    Step("create_key", "Create and verify the key", "CreateKeyScreen", when=automatic),
    Step("passphrase", "Passphrase", "PassphraseScreen", rotation=True, when=manual),
    Step("capture", "Create the key", "CaptureScreen", rotation=True, when=manual),
    Step(
        "test_connection", "Test the connection", "TestConnectionScreen", rotation=True, when=manual
    ),
    Step("saved", "Saved", "SavedScreen", rotation=True, when=manual),
    Step("auto_saved", "Saved", "AutoSavedScreen", when=automatic),
)

#: Why the automatic path needs trusted IPs for a trade key.
AUTO_NEEDS_IP = (
    "Type this machine's IP: okx-wizard makes trade keys bound to IPs only (OKX deletes trade "
    "keys without IPs after 14 idle days)."
)

#: Steps that may write a secret to the store: the vault is asked for before them at the latest.
STORING: frozenset[str] = frozenset({"capture", "admin_key"})

#: Where the shown-once key is captured: a draft with a pending key resumes here, and a draft
#: without one resumes before it (the passphrase it is checked against is never in a draft).
CAPTURE = "capture"
#: Where a draft of the automatic path resumes at the latest (the admin key is asked again).
AUTO_RESUME = "admin_key"

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


def sequence(mode: str, state: WizardState | None = None) -> tuple[Step, ...]:
    """The steps of a ``setup`` or of a ``rotate`` (the rotation subset) that apply to ``state``.

    ``state`` None means the default answers (the manual path).
    """
    return tuple(
        step for step in STEPS if (mode != "rotate" or step.rotation) and step.applies(state)
    )


def first(mode: str, state: WizardState | None = None) -> str:
    """The name of the first step of ``mode``."""
    return sequence(mode, state)[0].name


def _names(mode: str, state: WizardState | None = None) -> list[str]:
    return [step.name for step in sequence(mode, state)]


def after(mode: str, name: str, state: WizardState | None = None) -> str | None:
    """The step after ``name`` in ``mode`` for ``state``, or None after the last.

    From a step that does not apply (the answers changed on it), the next one that does.
    """
    names = _names(mode, state)
    if name not in names:
        later = _later(names, name)
        return later[0] if later else None
    index = names.index(name)
    return names[index + 1] if index < len(names) - 1 else None


def before(mode: str, name: str, state: WizardState | None = None) -> str | None:
    """The step before ``name`` in ``mode`` for ``state``, or None on the first."""
    names = _names(mode, state)
    if name not in names:
        order = [step.name for step in STEPS]
        earlier = [n for n in names if order.index(n) < order.index(step_named(name).name)]
        return earlier[-1] if earlier else None
    index = names.index(name)
    return names[index - 1] if index > 0 else None


def position(mode: str, name: str, state: WizardState | None = None) -> tuple[int, int]:
    """``(k, n)`` for the user's "Step k/n" (k counts from 1 within ``mode``'s steps)."""
    names = _names(mode, state)
    step_named(name)
    shown = name if name in names else (_later(names, name) or names[-1:])[0]
    return names.index(shown) + 1, len(names)


def _later(names: list[str], name: str) -> list[str]:
    """The steps of ``names`` after ``name`` in the table's order."""
    order = [step.name for step in STEPS]
    return [n for n in names if order.index(n) > order.index(step_named(name).name)]


def is_past_first(mode: str, name: str, state: WizardState | None = None) -> bool:
    """True when ``name`` is a step of ``mode`` after its first (a draft already exists)."""
    return name in _names(mode, state) and name != first(mode, state)


def comes_before(name: str, other: str) -> bool:
    """True when the step ``name`` comes before the step ``other`` in the table."""
    order = [step.name for step in STEPS]
    return order.index(step_named(name).name) < order.index(step_named(other).name)


def _in_mode(mode: str, name: str, state: WizardState | None = None) -> str:
    """``name`` if it is a step of ``mode``, else the first step of ``mode`` at or after it."""
    names = _names(mode, state)
    if name in names:
        return name
    order = [step.name for step in STEPS]
    later = [n for n in names if name in order and order.index(n) >= order.index(name)]
    return later[0] if later else names[0]


def resume_step(mode: str, saved: str, *, has_key: bool, state: WizardState | None = None) -> str:
    """Where a resumed draft goes: the capture step with a pending key, else at most before it.

    On the automatic path (``state``) a draft resumes at most at the admin key, which is asked
    again (it is forgotten after use unless kept): the key is never made twice by a resume.
    A pending key is resumed on the manual path's capture step, where it is verified as typed.
    """
    if has_key:
        if state is not None:
            state.key_source = "manual"
        return _in_mode(mode, CAPTURE, state)
    order = [step.name for step in STEPS]
    if saved not in order:
        return first(mode, state)
    if state is not None and automatic(state) and comes_before(AUTO_RESUME, saved):
        return _in_mode(mode, AUTO_RESUME, state)
    if order.index(saved) >= order.index(CAPTURE):
        saved = order[order.index(CAPTURE) - 1]
    return _in_mode(mode, saved, state)


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
