"""An input that shows a core check's verdict in its bottom border (see also SecretInput).

A Textual ``Input`` subclass, so ``Input.Changed``/``Input.Submitted``, ``value``, focus and
Tab order work as usual. The rules themselves live in ``core.validation``: a
check function (``str -> FieldCheck``) is adapted here, never re-implemented.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import events
from textual.content import Content
from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from okx_wizard.core.validation import FieldCheck
from okx_wizard.widgets.plain import without_controls

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
        text = without_controls(text)  # an escape code in a paste must not reach the screen
        if self.cleaner is not None:
            text = self.cleaner(text)
        elif text:
            text = text.splitlines()[0] if text.splitlines() else ""
        if not text:
            return
        start, end = sorted(self.selection)
        self.replace(text, start, end)
