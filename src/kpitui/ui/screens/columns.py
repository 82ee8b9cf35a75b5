"""`c` on the leaderboard: choose its KPI columns (checkboxes over the catalogue). The choice is remembered in
the config file (`leaderboard_columns`, settings.save_setting) so the next start shows the same columns."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import SelectionList
from textual.widgets.selection_list import Selection

from kpitui.domain.errors import ConfigError
from kpitui.domain.kpis import CATALOGUE, KPIS
from kpitui.settings import load_config, save_setting

SETTING = "leaderboard_columns"


def chosen_columns() -> list[str] | None:
    """The columns the user chose, known KPIs only, in their order; None when nothing (usable) is chosen."""
    try:
        chosen = load_config().get(SETTING)
    except ConfigError:
        return None
    keys = [key for key in chosen or [] if isinstance(key, str) and key in KPIS]
    return list(dict.fromkeys(keys)) or None


def save_columns(keys: list[str]) -> str:
    """Remember the choice; the path written, for the message."""
    return str(save_setting(SETTING, list(keys)))


class ColumnChooser(ModalScreen[list[str] | None]):
    """Space ticks a KPI, Enter keeps the ticked ones (in catalogue order), `r` goes back to the defaults."""

    BINDINGS = [
        Binding("enter", "keep", "Keep", priority=True, id="columns.keep", tooltip="show the ticked KPIs"),
        Binding("r", "defaults", "Defaults", id="columns.defaults", tooltip="tick the default columns"),
        Binding("escape", "cancel", "Cancel", id="columns.cancel"),
    ]

    def __init__(self, current: list[str], defaults: list[str]) -> None:
        super().__init__(classes="choose")
        self.current = current
        self.defaults = defaults

    def compose(self) -> ComposeResult:
        with Vertical(id="columns", classes="menu") as box:
            box.border_title = "Leaderboard columns"
            box.border_subtitle = "space tick · enter keep · r defaults · esc"
            yield SelectionList[str](
                *(Selection(Content.assemble(k.label, (f"  {k.family}", "$text-muted")), k.key, k.key in self.current)
                  for k in CATALOGUE), id="columns-list")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_keep(self) -> None:
        chosen = set(self.query_one(SelectionList).selected)
        if not chosen:
            self.notify("Tick at least one KPI (space)", severity="warning")
            return
        self.dismiss([k.key for k in CATALOGUE if k.key in chosen])

    def action_defaults(self) -> None:
        selection = self.query_one(SelectionList)
        selection.deselect_all()
        for key in self.defaults:
            selection.select(key)

    def action_cancel(self) -> None:
        self.dismiss(None)
