"""A live passphrase strength meter: zxcvbn's verdict beside OKX's rule checklist."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from okx_wizard.core.passphrase import SCORE_LABELS, Strength, score_passphrase
from okx_wizard.core.secret import Secret

BAR_WIDTH = 12


def render_bar(score: int, width: int = BAR_WIDTH) -> str:
    """``█`` for the score's share of ``width``, ``░`` for the rest: readable with NO_COLOR."""
    filled = round(width * score / 4)
    return "█" * filled + "░" * (width - filled)


def pack_line(prefix: str, items: list[str], width: int) -> str:
    """Join ``items`` after ``prefix``, breaking lines only between items to fit ``width``."""
    lines: list[list[str]] = [[]]
    for item in items:
        trial = len(prefix) + len("  ".join([*lines[-1], item]))
        if lines[-1] and trial > width:
            lines.append([])
        lines[-1].append(item)
    lead = [prefix] + [" " * len(prefix)] * (len(lines) - 1)
    return "\n".join(head + "  ".join(line) for head, line in zip(lead, lines, strict=True))


class StrengthMeter(Vertical):
    """Shows a passphrase's strength: bar and score, crack time, feedback, OKX's rules, and
    a warning about characters that break shells and env files.

    Call :meth:`update_for` whenever the passphrase changes (e.g. on ``Input.Changed``);
    the last :class:`Strength` is in :attr:`strength`. The passphrase itself is never kept.
    """

    DEFAULT_CSS = """
    StrengthMeter {
        height: auto;
        width: 1fr;
        max-width: 80;
        & > Static { height: auto; width: 1fr; }
        & > #strength-bar { text-style: bold; }
        & > .-score-0, & > .-score-1 { color: $text-error; }
        & > .-score-2 { color: $text-warning; }
        & > .-score-3, & > .-score-4 { color: $text-success; }
        & > #strength-feedback { color: $text-muted; }
        & > #strength-unsafe { color: $text-warning; }
    }
    """

    def __init__(
        self,
        *,
        user_inputs: Sequence[str] = (),
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.user_inputs = user_inputs
        self.strength: Strength = score_passphrase("")

    def compose(self) -> ComposeResult:
        yield Static(id="strength-bar")
        yield Static(id="strength-crack")
        yield Static(id="strength-feedback")
        yield Static(id="strength-rules")
        yield Static(id="strength-unsafe")

    def on_mount(self) -> None:
        self._show(self.strength)
        # zxcvbn loads its word lists on first use; do it now, off the UI thread.
        self.run_worker(_warm_up, thread=True, exclusive=True, group="strength-warm-up")

    def on_resize(self) -> None:
        self._show(self.strength)

    def update_for(self, secret: Secret | str) -> Strength:
        """Score ``secret`` and show the result; returns the :class:`Strength`."""
        self.strength = score_passphrase(secret, self.user_inputs)
        if self.is_mounted:
            self._show(self.strength)
        return self.strength

    def _show(self, strength: Strength) -> None:
        bar = self.query_one("#strength-bar", Static)
        for score in range(len(SCORE_LABELS)):
            bar.set_class(score == strength.score and strength.length > 0, f"-score-{score}")
        if strength.length:
            bar.update(
                Content(
                    f"Strength {render_bar(strength.score)} {strength.score}/4 {strength.label}"
                )
            )
            crack = f"Time to guess it if a hashed copy leaked: {strength.crack_time_display}"
        else:
            bar.update(Content(f"Strength {render_bar(0)} –"))
            crack = "Type a passphrase, or generate one."
        self.query_one("#strength-crack", Static).update(Content(crack))

        feedback = [f"! {strength.warning}"] if strength.warning else []
        feedback += [f"› {tip}" for tip in strength.suggestions]
        self._set("#strength-feedback", "\n".join(feedback))

        rules = [f"{'✓' if rule.ok else '✗'} {rule.name}" for rule in strength.rules]
        width = self.query_one("#strength-rules", Static).content_region.width or 80
        self._set("#strength-rules", pack_line("OKX rules: ", rules, width))

        unsafe = strength.unsafe
        if unsafe:
            shown = " ".join("space" if c == " " else c for c in sorted(unsafe))
            text = f"! Breaks shells and .env files: {shown} — avoid, or always quote it."
        else:
            text = ""
        self._set("#strength-unsafe", text)

    def _set(self, selector: str, text: str) -> None:
        widget = self.query_one(selector, Static)
        widget.update(Content(text))
        widget.display = bool(text)


def _warm_up() -> None:
    score_passphrase("warm-up: not a passphrase")
