"""Where the next step should put the focus: a fix lands on the field that needs changing.

A step that sends the user back to change one answer (the test step's "Change region", "Fix the
secret key") leaves a request here; the step it opens takes it instead of focusing its first field.
Kept beside the state object (weakly: it dies with the wizard), never in a draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from textual.screen import Screen

from okx_wizard.core.wizard_state import WizardState

if TYPE_CHECKING:
    from okx_wizard.screens.protocol import WizardHost

_requests: WeakKeyDictionary[WizardState, str] = WeakKeyDictionary()


def request_focus(state: WizardState, selector: str) -> None:
    """Ask the next step shown for ``state`` to focus ``selector`` (e.g. ``"#region"``)."""
    _requests[state] = selector


def take_focus_request(state: WizardState) -> str | None:
    """The pending request for ``state``, once (None when there is none)."""
    return _requests.pop(state, None)


def escape_quits(host: WizardHost) -> bool:
    """True on the first step of a wizard not opened from the home screen: Escape quits there
    (asking first when a captured key is unsaved), as ``go_back`` does; from home it goes back.
    """
    return host.at_first_step() and not host.home_below


MORE_BELOW = "↓ More below: Tab to the text, then ↓ or PgDn"


def show_more_below(screen: Screen[Any]) -> None:
    """Under a step's body, say when part of it is below the fold (small terminals).

    The line sits between the body and the footer and follows scrolling and resizing.
    """
    from textual.widgets import Static

    body = screen.query_one(".step-body")
    hint = Static("", id="more-below", classes="more-below")
    hint.display = False
    screen.mount(hint, after=body)

    def update(*_: object) -> None:
        # Judged against the body's height without the line: the line takes a row from the body
        # when shown, and a judgement that moved with it would show and hide it forever.
        full_height = body.size.height + (1 if hint.display else 0)
        more = body.scroll_y < body.virtual_size.height - full_height
        if more != hint.display:
            hint.update(MORE_BELOW if more else "")
            hint.display = more

    screen.watch(body, "scroll_y", update, init=False)
    screen.watch(body, "virtual_size", update, init=False)
    screen.call_after_refresh(update)
