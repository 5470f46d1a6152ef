"""Inputs that show a core check's verdict under the field, and a masked one for secrets.

Both are Textual ``Input`` subclasses, so ``Input.Changed``/``Input.Submitted``, ``value``,
focus and Tab order work as usual. The rules themselves live in ``core.validation``: a
check function (``str -> FieldCheck``) is adapted here, never re-implemented.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from okx_wizard.core.secret import Secret
from okx_wizard.core.validation import FieldCheck, clean_paste

CheckFunction = Callable[[str], FieldCheck]
Cleaner = Callable[[str], str]

#: Symbols in front of check messages; with the words they read without colour.
CHECK_SYMBOLS = {"ok": "✓", "warning": "!", "error": "✗"}


class FieldCheckValidator(Validator):
    """Adapts a core check (``str -> FieldCheck``) to a Textual ``Validator``.

    An ``error`` fails validation; a ``warning`` passes (it asks for confirmation, it does
    not block). The last verdict is kept in :attr:`last` for the widget to show. Usable on
    any ``Input``.
    """

    def __init__(self, check: CheckFunction, cleaner: Cleaner | None = None) -> None:
        super().__init__()
        self.check = check
        self.cleaner = cleaner
        self.last: FieldCheck | None = None

    def validate(self, value: str) -> ValidationResult:
        """Fail on the check's ``error`` level only, with its message as the description."""
        cleaned = self.cleaner(value) if self.cleaner else value
        self.last = verdict = self.check(cleaned)
        if verdict.blocking:
            return self.failure(verdict.message, value)
        return self.success()


class CheckedInput(Input):
    """An ``Input`` whose value is checked live by a core check function.

    The verdict is shown in the field's bottom border as ``✓``/``!``/``✗`` and a short
    message (readable with NO_COLOR); an ``error`` also makes the input invalid (``-invalid``
    class, ``is_valid`` False). ``cleaner``, when given, is applied to the value before the
    check and to pasted text (the whole paste, not just its first line). Needs the default
    (bordered) style: with ``compact=True`` there is no border to show the message in.
    """

    DEFAULT_CSS = """
    CheckedInput {
        border-subtitle-align: left;
        border-subtitle-color: $text-muted;
        &.-check-ok { border-subtitle-color: $text-success; }
        &.-check-warning { border-subtitle-color: $text-warning; }
        &.-check-error, &.-invalid { border-subtitle-color: $text-error; }
    }
    """

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "",
        *,
        check: CheckFunction | None = None,
        cleaner: Cleaner | None = None,
        password: bool = False,
        validators: Validator | Iterable[Validator] | None = None,
        max_length: int = 0,
        restrict: str | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        compact: bool = False,
    ) -> None:
        self.cleaner = cleaner
        self.field_validator = FieldCheckValidator(check, cleaner) if check else None
        all_validators: list[Validator] = []
        if self.field_validator is not None:
            all_validators.append(self.field_validator)
        if isinstance(validators, Validator):
            all_validators.append(validators)
        elif validators is not None:
            all_validators.extend(validators)
        super().__init__(
            value,
            placeholder,
            password=password,
            restrict=restrict,
            validators=all_validators,
            max_length=max_length,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
            compact=compact,
        )

    @property
    def cleaned_value(self) -> str:
        """The value after the cleaner (what the check saw)."""
        return self.cleaner(self.value) if self.cleaner else self.value

    @property
    def check_result(self) -> FieldCheck | None:
        """The core check's verdict on the current value (None without a check or value)."""
        if self.field_validator is None or not self.value:
            return None
        return self.field_validator.last

    def validate(self, value: str) -> ValidationResult | None:
        """Run the validators, then show the core check's message under the field."""
        result = super().validate(value)
        self._show_check(self.check_result if value else None)
        return result

    def _show_check(self, verdict: FieldCheck | None) -> None:
        for level in CHECK_SYMBOLS:
            self.set_class(verdict is not None and verdict.level == level, f"-check-{level}")
        if verdict is None or not verdict.message:
            self.border_subtitle = None
        else:
            self.border_subtitle = Content(f"{CHECK_SYMBOLS[verdict.level]} {verdict.message}")

    def action_paste(self) -> None:
        """Paste the app's clipboard, cleaned like a terminal paste."""
        self._insert_pasted(self.app.clipboard)

    def _on_paste(self, event: events.Paste) -> None:
        """Terminal paste: clean the whole text (when there is a cleaner) and insert it."""
        event.stop()
        event.prevent_default()
        self._insert_pasted(event.text)

    def _insert_pasted(self, text: str) -> None:
        if self.cleaner is not None:
            text = self.cleaner(text)
        elif text:
            text = text.splitlines()[0] if text.splitlines() else ""
        if not text:
            return
        start, end = sorted(self.selection)
        self.replace(text, start, end)


class SecretInput(CheckedInput):
    """A :class:`CheckedInput` for a secret: masked until revealed, no copy while masked.

    ``ctrl+r`` reveals and hides (shown in the footer as "Reveal"/"Hide"). Copy (ctrl+c)
    and cut (ctrl+x) do nothing while masked. Pasted text goes through ``cleaner``
    (default :func:`~okx_wizard.core.validation.clean_paste`, right for API and secret keys;
    pass ``strip_paste_artifacts`` for passphrases, where look-alike normalisation would
    change the value). :attr:`secret` is the cleaned value as a :class:`Secret`.
    """

    DEFAULT_CSS = """
    SecretInput.-revealed {
        border-title-color: $text-warning;
        border-title-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reveal", "Reveal", id="secret_input.reveal"),
        Binding("ctrl+r", "mask", "Hide", id="secret_input.mask"),
    ]

    def __init__(
        self,
        value: str | None = None,
        placeholder: str = "",
        *,
        check: CheckFunction | None = None,
        cleaner: Cleaner = clean_paste,
        validators: Validator | Iterable[Validator] | None = None,
        max_length: int = 0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        compact: bool = False,
    ) -> None:
        super().__init__(
            value,
            placeholder,
            check=check,
            cleaner=cleaner,
            password=True,
            validators=validators,
            max_length=max_length,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
            compact=compact,
        )

    @property
    def secret(self) -> Secret:
        """The cleaned value as a :class:`Secret`; its repr and str are masked."""
        return Secret(self.cleaned_value)

    @property
    def masked(self) -> bool:
        """True while the value is shown as bullets."""
        return self.password

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only the reveal or the hide binding, whichever applies."""
        if action == "reveal":
            return self.password
        if action == "mask":
            return not self.password
        return True

    def action_reveal(self) -> None:
        """Show the value in clear text (the user wants to check what they typed)."""
        self._set_masked(False)

    def action_mask(self) -> None:
        """Hide the value again."""
        self._set_masked(True)

    def action_toggle_reveal(self) -> None:
        """Switch between masked and revealed (for a screen-level binding or a button)."""
        self._set_masked(not self.password)

    def _set_masked(self, masked: bool) -> None:
        self.password = masked
        self.set_class(not masked, "-revealed")
        self.refresh_bindings()

    def action_copy(self) -> None:
        """Copy the selection, but only when revealed: a masked secret stays off the clipboard."""
        if self.password:
            self.notify("The field is masked: reveal it (ctrl+r) to copy.", timeout=3)
            return
        super().action_copy()

    def action_cut(self) -> None:
        """Cut the selection, but only when revealed."""
        if self.password:
            self.notify("The field is masked: reveal it (ctrl+r) to cut.", timeout=3)
            return
        super().action_cut()
