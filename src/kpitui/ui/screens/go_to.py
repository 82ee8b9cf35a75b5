"""`g` then one key: the second half of the `g d` / `g l` / `g h` chords, as a small menu."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

PLACES = (("h", "home", "Home: my scorecard"), ("l", "activities", "My activities"), ("d", "deals", "My deals"))


class GoTo(ModalScreen[str | None]):
    BINDINGS = [
        *(Binding(key, f"go('{place}')", label, id=f"go_to.{place}") for key, place, label in PLACES),
        Binding("D", "go('deals')", "My deals", show=False, id="go_to.deals_upper"),
        Binding("escape,g", "go('')", "Cancel", key_display="esc", id="go_to.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="go-to", classes="menu") as menu:
            menu.border_title = "Go to"
            for key, _place, label in PLACES:
                yield Static(Content.assemble((f" {key} ", "bold reverse"), f"  {label}"))

    def action_go(self, place: str) -> None:
        self.dismiss(place or None)
