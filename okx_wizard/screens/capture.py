"""Create the key on OKX and capture what it shows once; kept as pending at once."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Input, Static

from okx_wizard.core.errors import WizardError
from okx_wizard.core.secret import Credentials
from okx_wizard.core.validation import (
    FieldCheck,
    check_api_key,
    check_passphrase_match,
    check_secret_key,
    clean_paste,
    strip_paste_artifacts,
)
from okx_wizard.core.wizard_state import WizardState
from okx_wizard.screens.base import StepScreen, titled
from okx_wizard.screens.focus import show_more_below
from okx_wizard.widgets.plain import DataStatic, plain
from okx_wizard.widgets.secret_input import SecretField, SecretInput

PENDING_DELAY = 0.4


def sample_names(state: WizardState) -> list[str]:
    """The simulator's samples, the one that fits the chosen answers first.

    A rotation gets the second key of the same sub-account; a setup the sample made for the
    chosen region and environment (or, when there is none, the nearest: same region first).
    """
    from okx_wizard.core.simulator import SAMPLE

    names = list(SAMPLE)

    def fit(name: str) -> tuple[int, int, int]:
        key = SAMPLE[name]
        wanted = "rotated" if state.mode == "rotate" else "good"
        return (
            key.region != state.region,
            key.demo != state.demo,
            name != wanted,
        )

    return sorted(names, key=fit)


def describe_sample(name: str) -> str:
    """``'eea': EEA, live, sub-account, Read + Trade`` — what a sample key is."""
    from okx_wizard.core.regions import region
    from okx_wizard.core.simulator import SAMPLE

    key = SAMPLE[name]
    env = "demo" if key.demo else "live"
    where = "main account" if key.uid == key.main_uid else "sub-account"
    perms = "Read + Trade" if "trade" in key.perm else "Read"
    if "withdraw" in key.perm:
        perms += " + Withdraw"
    return f"{name!r}: {region(key.region).title.split(' ')[0]}, {env}, {where}, {perms}"


def sample_text(name: str, others: list[str]) -> str:
    """The simulator's sample key, for a newcomer to type or paste (it is not a real key)."""
    from okx_wizard.core.simulator import SAMPLE

    key = SAMPLE[name]
    return (
        f"{describe_sample(name)} · ctrl+t fills it in\n"
        f"API key    {key.api_key}\n"
        f"Secret key {key.secret_key}\n"
        f"Passphrase {key.passphrase}   (the one this sample was made with)\n"
        f"ctrl+n: next sample ({', '.join(others)})"
    )


class CaptureScreen(StepScreen):
    """Step 5: API key, secret key and passphrase, masked, cleaned and checked as they arrive."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "use_sample", "Fill sample"),
        Binding("ctrl+n", "next_sample", "Next sample"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._confirmed_warnings = False
        self._sample = 0

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Submit OKX's form: it shows the API key and the secret key, the secret ONLY ONCE. "
            "Paste each (masked; ctrl+r reveals), then the passphrase as typed on OKX: it is "
            "checked against the one you chose (a mismatch fails every request).",
            classes="hint",
        )
        fields = (
            SecretField(id="api-key", check=check_api_key),
            SecretField(id="secret-key", check=check_secret_key),
            SecretField(
                id="passphrase", check=self._check_passphrase, cleaner=strip_paste_artifacts
            ),
        )
        titles = ("API key", "Secret key (shown once)", "Passphrase, as typed on OKX")
        for field, title in zip(fields, titles, strict=True):
            field.border_title = title
            yield field
        yield DataStatic(id="pending-status", classes="field-check")
        if self.wizard.simulator:
            yield titled(
                Static("", id="sample", classes="sample"), "Simulator: sample keys, not real ones"
            )

    def _check_passphrase(self, value: str) -> FieldCheck:
        return check_passphrase_match(value, self.state.passphrase)

    def load(self) -> None:
        state = self.state
        self.query_one("#api-key", SecretInput).value = state.captured_api_key
        if state.captured_secret is not None:
            self.query_one("#secret-key", SecretInput).value = state.captured_secret.reveal()
        if state.captured_passphrase is not None:
            self.query_one("#passphrase", SecretInput).value = state.captured_passphrase.reveal()
        if state.pending_saved:
            self._status("✓ Kept as pending in the secure store: safe if the connection drops.")
        self._show_sample()

    def started(self) -> None:
        show_more_below(self)
        self._warm_up()

    @work(thread=True, exclusive=True, group="warm-up")
    def _warm_up(self) -> None:
        """While the user is on OKX's site: get the next step's connection ready."""
        with contextlib.suppress(WizardError):  # only a head start: the test step reports it
            self.wizard.workspace.warm_up()

    def store(self) -> None:
        state = self.state
        state.captured_api_key = clean_paste(self.query_one("#api-key", SecretInput).value)
        secret = self.query_one("#secret-key", SecretInput).secret
        passphrase = self.query_one("#passphrase", SecretInput).secret
        state.captured_secret = secret if secret else None
        state.captured_passphrase = passphrase if passphrase else None

    def _verdicts(self) -> list[FieldCheck]:
        state = self.state
        return [
            check_api_key(state.captured_api_key),
            check_secret_key(state.captured_secret.reveal() if state.captured_secret else ""),
            check_passphrase_match(state.captured_passphrase or "", state.passphrase),
        ]

    def problems(self) -> list[str]:
        self.store()
        return [v.message for v in self._verdicts() if v.blocking]

    def go_on(self) -> None:
        """Go on; a format warning (not an error) asks for a second Enter first."""
        self.store()
        if self.refresh_problems():
            return
        warnings = [v.message for v in self._verdicts() if v.level == "warning"]
        if warnings and not self._confirmed_warnings:
            self._confirmed_warnings = True
            self._problem_line(f"! {warnings[0]} Press Enter again to test it anyway.")
            return
        self.wizard.go_next()

    @on(Input.Changed)
    def _changed(self) -> None:
        self.store()
        self._confirmed_warnings = False
        self.refresh_problems(quiet=True)
        self._stop_timer()
        if self.state.pending_saved:
            return
        if any(v.blocking for v in self._verdicts()):
            self._status("")
            return
        self._timer = self.set_timer(PENDING_DELAY, self._keep_pending)

    def _stop_timer(self) -> bool:
        """Stop the pending-save timer; True when a save was still due."""
        timer, self._timer = self._timer, None
        if timer is None:
            return False
        timer.stop()
        return True

    def on_unmount(self) -> None:
        """Leaving the step (Enter, Esc, quit): a save that was still due happens now.

        The timer belongs to this screen and dies with it; the save runs as an app worker, so
        a key pasted a moment before Enter is kept as pending all the same.
        """
        self.app.clear_notifications()
        if self._stop_timer():
            self._keep_pending()

    def _keep_pending(self) -> None:
        self._timer = None
        state = self.state
        creds = state.credentials
        if creds is None or state.pending_saved:
            return
        self._status("… Keeping the key as pending in the secure store…")
        app, save = self.app, self.wizard.workspace.save_pending
        app.run_worker(
            partial(self._save_pending, app, save, state.profile, creds, state.to_draft()),
            thread=True,
            exclusive=True,
            group="pending",
        )

    def _save_pending(
        self,
        app: App[object],
        save: Callable[[str, Credentials, dict[str, object]], None],
        profile: str,
        creds: Credentials,
        draft: dict[str, object],
    ) -> None:
        """In a thread (the store may be slow); reports back on the UI thread."""
        try:
            save(profile, creds, dict(draft))
        except WizardError as exc:
            app.call_from_thread(self._status, f"✗ Not kept: {exc.message}")
            return
        app.call_from_thread(self._kept, profile, creds)

    def _kept(self, profile: str, creds: Credentials) -> None:
        state = self.state
        if state.profile != profile or state.saved:
            return  # the answers moved on (another name, or already saved)
        state.pending_saved_for = creds
        if state.pending_saved:
            self._status("✓ Kept as pending in the secure store: safe if the connection drops.")

    def _status(self, text: str) -> None:
        """Update the status line, if this step is still on screen (a worker may answer late)."""
        with contextlib.suppress(NoMatches):
            self.query_one("#pending-status", DataStatic).update(plain(text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("use_sample", "next_sample"):
            return self.wizard.simulator
        return True

    def _show_sample(self) -> None:
        if not self.wizard.simulator:
            return
        names = sample_names(self.state)
        name = names[self._sample % len(names)]
        others = [n for n in names if n != name]
        self.query_one("#sample", Static).update(Content(sample_text(name, others)))

    def action_next_sample(self) -> None:
        """Simulator only: show the next sample key (each one shows another failure or case)."""
        self._sample += 1
        self._show_sample()

    def action_use_sample(self) -> None:
        """Simulator only: fill in the sample key shown (a shortcut for demos and screenshots)."""
        if not self.wizard.simulator:
            return
        from okx_wizard.core.simulator import SAMPLE

        names = sample_names(self.state)
        key = SAMPLE[names[self._sample % len(names)]]
        self.query_one("#api-key", SecretInput).value = key.api_key
        self.query_one("#secret-key", SecretInput).value = key.secret_key
        self.query_one("#passphrase", SecretInput).value = key.passphrase
