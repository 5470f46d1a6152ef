"""SecretInput: a checked input for secrets, masked until revealed, never copied while masked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.validation import Validator

from okx_wizard.core.secret import Secret
from okx_wizard.core.validation import clean_paste
from okx_wizard.widgets.checked_input import CheckedInput, CheckFunction, Cleaner


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


class SecretField(SecretInput):
    """A SecretInput whose Enter shows as "Next" in the footer (a form where Enter goes on)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Next")]
