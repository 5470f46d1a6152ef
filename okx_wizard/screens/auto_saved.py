"""Automatic path, last step: the key okx-wizard made is the profile's; how to use it.

The key was committed by the create step (``HandsFree.create``), so this screen reads the saved
profile instead of committing again. Like the manual Saved screen it shows no secret and offers
none to copy.
"""

from __future__ import annotations

from textual import work

from okx_wizard.core.errors import StorageError, WizardError
from okx_wizard.screens.saved import SavedScreen


class AutoSavedScreen(SavedScreen):
    """The saved profile's summary and how a bot gets the key."""

    @work(thread=True, exclusive=True, group="commit")
    def _commit(self) -> None:
        state, ws = self.state, self.wizard.workspace
        report = state.report
        try:
            meta = ws.profile(state.profile)
        except WizardError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        if meta is None or report is None:
            error = StorageError(
                f"Profile {state.profile!r} is not saved.",
                "Go back (Esc) and make the key again.",
            )
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._committed, meta, report)
