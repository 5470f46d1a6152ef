"""The step registry's condition (``Step.when``): one table, two paths, chosen by the answers."""

from __future__ import annotations

import pytest

from okx_wizard.core.wizard_state import WizardState
from okx_wizard.screens import steps

MANUAL = [
    "start",
    "before_you_start",
    "sub_account",
    "permissions",
    "passphrase",
    "capture",
    "test_connection",
    "saved",
]
AUTO = [
    "start",
    "before_you_start",
    "sub_account",
    "permissions",
    "admin_key",
    "create_key",
    "auto_saved",
]


def walk(mode: str, state: WizardState | None) -> list[str]:
    names = [steps.first(mode, state)]
    while (following := steps.after(mode, names[-1], state)) is not None:
        names.append(following)
    return names


def walk_back(mode: str, state: WizardState | None, last: str) -> list[str]:
    names = [last]
    while (previous := steps.before(mode, names[-1], state)) is not None:
        names.append(previous)
    return names


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (None, MANUAL),
        (WizardState(), MANUAL),
        (WizardState(key_source="auto"), AUTO),
        # The automatic path makes sub-account keys only: with the main account it is manual.
        (WizardState(key_source="auto", sub_account=False), MANUAL),
    ],
)
def test_the_answers_choose_the_path(state: WizardState | None, expected: list[str]) -> None:
    assert [step.name for step in steps.sequence("setup", state)] == expected
    assert walk("setup", state) == expected
    assert walk_back("setup", state, expected[-1]) == expected[::-1]
    assert [steps.position("setup", n, state) for n in expected] == [
        (k, len(expected)) for k in range(1, len(expected) + 1)
    ]


def test_a_rotation_is_manual_whatever_the_draft_says() -> None:
    rotation = ["permissions", "passphrase", "capture", "test_connection", "saved"]
    assert walk("rotate", WizardState(mode="rotate")) == rotation
    assert [s.name for s in steps.sequence("rotate", WizardState(key_source="auto"))] == [
        "permissions"
    ]


def test_a_step_left_by_a_changed_answer_goes_on_along_the_new_path() -> None:
    state = WizardState(key_source="auto")
    # The user was on the passphrase step (manual), went back and chose the automatic path:
    assert steps.after("setup", "passphrase", state) == "auto_saved"
    assert steps.after("setup", "sub_account", state) == "permissions"
    assert steps.after("setup", "permissions", state) == "admin_key"
    assert steps.before("setup", "capture", state) == "create_key"
    assert steps.position("setup", "capture", state) == (7, 7)
    manual = WizardState()
    assert steps.after("setup", "admin_key", manual) == "passphrase"
    assert steps.before("setup", "admin_key", manual) == "permissions"


def test_only_applicable_steps_count_as_past_the_first() -> None:
    auto = WizardState(key_source="auto")
    assert steps.is_past_first("setup", "admin_key", auto)
    assert not steps.is_past_first("setup", "admin_key", WizardState())


def test_an_automatic_draft_resumes_at_the_admin_key_never_after() -> None:
    for saved in ("admin_key", "create_key", "auto_saved"):
        state = WizardState(key_source="auto")
        assert steps.resume_step("setup", saved, has_key=False, state=state) == "admin_key"
    state = WizardState(key_source="auto")
    assert steps.resume_step("setup", "permissions", has_key=False, state=state) == "permissions"


def test_a_pending_key_resumes_on_the_manual_capture() -> None:
    state = WizardState(key_source="auto")
    assert steps.resume_step("setup", "create_key", has_key=True, state=state) == "capture"
    assert state.key_source == "manual"


def test_the_key_source_is_kept_in_drafts_and_checked() -> None:
    state = WizardState(profile="bot", key_source="auto")
    draft = state.to_draft()
    assert draft["key_source"] == "auto"
    assert WizardState.from_draft(draft).key_source == "auto"
    assert WizardState.from_draft({**draft, "key_source": "robot"}).key_source == "manual"
    assert "admin" not in draft


def test_the_vault_is_asked_for_before_a_step_that_stores_a_secret() -> None:
    assert {"capture", "admin_key"} <= steps.STORING
    assert steps.comes_before("admin_key", "create_key")
