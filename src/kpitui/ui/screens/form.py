"""What every modal form shares: Enter in a field saves, Esc (or Cancel) closes without saving."""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.screen import ModalScreen
from textual.widgets import Button, Input

T = TypeVar("T")


class FormScreen(ModalScreen[T]):
    """Subclasses implement `save(again)`; a button with id `again` saves and keeps the form open for more."""

    def save(self, again: bool = False) -> None:
        raise NotImplementedError

    def on_mount(self) -> None:
        """Runs after the subclass's own `on_mount` (Textual calls each class's handler, subclass first), so the
        form's first field has its focus: the keys typed while it was built may come in now."""
        keys_ready = getattr(self.app, "keys_ready", None)
        if callable(keys_ready):
            self.call_after_refresh(keys_ready)

    def action_save(self, again: bool = False) -> None:
        self.save(again)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.save()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.action_cancel()
        else:
            self.save(again=event.button.id == "again")
