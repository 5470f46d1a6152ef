"""The step registry: one ordered table that navigation, numbering, rotation and drafts read."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE
from okx_wizard.core.wizard_state import DRAFT_VERSION, WizardState
from okx_wizard.screens import steps
from okx_wizard.screens.base import StepScreen
from tests.ui.conftest import SIZE, press, screen_name, settle, text_of

PACKAGE = Path(__file__).resolve().parents[2] / "okx_wizard"


def test_every_step_names_its_module_and_screen() -> None:
    names = [step.name for step in steps.STEPS]
    assert len(set(names)) == len(names)
    for step in steps.STEPS:
        screen = getattr(importlib.import_module(step.module), step.screen)
        assert issubclass(screen, StepScreen)


def test_navigation_follows_the_table_in_each_mode() -> None:
    # The default answers (the manual path); the automatic path: tests/ui/test_step_conditions.py.
    setup = [step.name for step in steps.STEPS if step.applies(None)]
    rotation = [step.name for step in steps.STEPS if step.rotation and step.applies(None)]
    assert setup[0] == "start" and rotation[0] == "permissions"
    assert steps.first("setup") == "start" and steps.first("rotate") == "permissions"
    for mode, names in (("setup", setup), ("rotate", rotation)):
        walked = [steps.first(mode)]
        while (following := steps.after(mode, walked[-1])) is not None:
            walked.append(following)
        assert walked == names
        back = [names[-1]]
        while (previous := steps.before(mode, back[-1])) is not None:
            back.append(previous)
        assert back == names[::-1]
        assert [steps.position(mode, n) for n in names] == [
            (k, len(names)) for k in range(1, len(names) + 1)
        ]


def test_unknown_step_names_are_refused() -> None:
    with pytest.raises(ValueError, match="no wizard step"):
        steps.step_named("capture_key")


@pytest.mark.parametrize(
    ("index", "name"),
    [
        (0, "start"),
        (1, "before_you_start"),
        (2, "sub_account"),
        (3, "permissions"),
        (4, "passphrase"),
        (5, "capture"),
        (6, "test_connection"),
        (7, "saved"),
        (99, "saved"),
        (-3, "start"),
    ],
)
def test_version_1_drafts_read_their_index_through_the_old_order(index: int, name: str) -> None:
    assert steps.draft_step({"version": 1, "step": index}) == name


def test_drafts_save_the_step_by_name() -> None:
    state = WizardState(profile="bot", step="permissions")
    draft = state.to_draft()
    assert draft["version"] == DRAFT_VERSION == 2
    assert draft["step"] == "permissions"
    assert WizardState.from_draft(draft).step == "permissions"
    assert steps.draft_step(draft) == "permissions"
    assert steps.draft_step({"step": "no_such_step"}) == ""
    assert steps.draft_step({"step": True}) == ""


@pytest.mark.parametrize(
    ("mode", "saved", "has_key", "expected"),
    [
        ("setup", "sub_account", False, "sub_account"),
        ("setup", "capture", False, "passphrase"),  # the passphrase is never in a draft
        ("setup", "test_connection", False, "passphrase"),
        ("setup", "sub_account", True, "capture"),
        ("setup", "", False, "start"),
        ("rotate", "start", False, "permissions"),
        ("rotate", "saved", True, "capture"),
    ],
)
def test_resume_step(mode: str, saved: str, has_key: bool, expected: str) -> None:
    assert steps.resume_step(mode, saved, has_key=has_key) == expected


def test_no_step_number_is_written_in_the_package() -> None:
    """Steps are named, never numbered: no ``show_step(5)``, ``STEP = 3``, ``CAPTURE_STEP``."""
    pattern = re.compile(
        r"show_step\(\s*\d|start_wizard\([^)]*,\s*\d|\bSTEP\s*[:=]|_STEP\b|STEP_(NAMES|TITLES)"
    )
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


async def test_a_version_1_draft_resumes_on_the_step_it_was_saved_at(make_app, workspace) -> None:
    """A draft written before steps had names (step 3 = permissions) resumes there."""
    draft = {
        "version": 1,
        "mode": "setup",
        "step": 3,
        "profile": "old",
        "checklist": {"2fa": True, "official_site": True},
        "sub_account_name": "trading2025",
        "ip_text": "203.0.113.7",
    }
    workspace.save_draft("old", draft)
    app = make_app(mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "ResumeScreen"
        await press(pilot, "r")
        await settle(pilot)
        assert screen_name(app) == "PermissionsScreen"
        assert app.state.step == "permissions"
        number, total = steps.position("setup", "permissions")
        assert f"Step {number}/{total}: Permissions and IP binding" in text_of(app, ".step-bar")


async def test_a_version_1_draft_with_a_pending_key_resumes_at_capture(make_app, workspace) -> None:
    key = SAMPLE["good"]
    creds = Credentials(key.api_key, Secret(key.secret_key), Secret(key.passphrase))
    workspace.save_pending("old", creds, {"version": 1, "step": 6, "profile": "old"})
    app = make_app(mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "r")
        await settle(pilot)
        assert screen_name(app) == "CaptureScreen"
        assert app.state.captured_api_key == key.api_key


async def test_enter_and_escape_walk_the_registry_in_order(make_app) -> None:
    """Every setup step up to the capture, forward by Enter and back by Escape, numbered."""
    key = SAMPLE["good"]
    state = WizardState(
        profile="bot",
        checklist={"2fa": True, "official_site": True},
        sub_account_name="trading2025",
        ip_text="203.0.113.7",
        passphrase=Secret(key.passphrase),
        passphrase_confirm=Secret(key.passphrase),
    )
    names = [step.name for step in steps.sequence("setup", state)]
    walk = names[: names.index(steps.CAPTURE) + 1]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.start_wizard(state)
        await settle(pilot)
        for number, name in enumerate(walk, 1):
            assert screen_name(app) == steps.step_named(name).screen
            title = steps.step_named(name).title
            assert f"Step {number}/{len(names)}: {title}" in text_of(app, ".step-bar")
            if name != walk[-1]:
                await press(pilot, "enter")
        for name in reversed(walk[:-1]):
            await press(pilot, "escape")
            assert screen_name(app) == steps.step_named(name).screen
