"""Who changed which of my activities, when, from what to what: the audit trail, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from kpitui.domain.formatting import MISSING
from kpitui.domain.records import ChangeRecord
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.show import plain, problem, user_text
from kpitui.ui.widgets.banner import RepBanner
from kpitui.ui.widgets.fit_columns import FittedTable

FIELDS = (("kind", "kind"), ("occurred_at", "when"), ("outcome", "outcome"), ("duration_min", "minutes"),
          ("deal", "deal"), ("note", "note"))
ACTION_WORDS = {"create": "logged", "update": "edited", "delete": "deleted", "restore": "restored"}
DETAIL_CELL = 30  # the "What" column's least width: it takes whatever the terminal has beyond the others


@dataclass(frozen=True)
class ActivityChange:
    at: str
    actor: str
    action: str
    activity: str  # "call #123"
    detail: str  # "note: 'a' → 'b'; outcome: voicemail → connected"


def _snapshot(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _shown(field: str, value: object, zone: ZoneInfo) -> str:
    if value is None or value == "":
        return MISSING
    if field == "occurred_at":
        try:
            return datetime.fromisoformat(str(value)).astimezone(zone).strftime("%a %d %b %H:%M")
        except ValueError:
            pass
    return clean_text(str(value)).replace("\n", " ⏎ ")


def describe(change: ChangeRecord, zone: ZoneInfo) -> ActivityChange:
    """One history line; an edit lists only the fields that changed."""
    before, after = _snapshot(change.before), _snapshot(change.after)
    either = after or before
    if change.action == "update":
        parts = [f"{label}: {_shown(field, before.get(field), zone)} → {_shown(field, after.get(field), zone)}"
                 for field, label in FIELDS if before.get(field) != after.get(field)]
        detail = "; ".join(parts) or "no visible change"
    else:
        detail = f"{_shown('occurred_at', either.get('occurred_at'), zone)}  {_shown('note', either.get('note'), zone)}"
    return ActivityChange(change.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), change.actor,
                          ACTION_WORDS.get(change.action, change.action),
                          f"{either.get('kind', 'activity')} #{change.entity_id}", detail)


class ActivityHistory(Screen[None]):
    BINDINGS = [
        Binding("escape,h", "app.pop_screen", "Back", key_display="esc", id="activity-history.back"),
        Binding("r", "reload", "Refresh", show=False, id="activity-history.reload"),
    ]
    COLUMNS = (("When", "at", 16), ("Who", "actor", 16), ("Did", "action", 9), ("Activity", "activity", 16),
               ("What", "detail", DETAIL_CELL))

    @dataclass
    class Loaded(Message):
        changes: list[ActivityChange]

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, svc: Kpitui, rep_id: int) -> None:
        super().__init__(id="activity-history", classes="rep-screen")
        self.svc = svc
        self.rep_id = rep_id
        self.changes: list[ActivityChange] = []

    def compose(self) -> ComposeResult:
        yield RepBanner(place="Activity history", id="banner")
        with Vertical(id="activity-history-panel", classes="panel") as panel:
            panel.border_title = "Changes to activities"
            panel.border_subtitle = "newest first · who, when, from what to what"
            table = FittedTable("detail", DETAIL_CELL, id="activity-history-table", cursor_type="row",
                                zebra_stripes=True)
            for label, key, width in self.COLUMNS:
                table.add_column(label, key=key, width=width)
            yield table
            # the highlighted change in full, wrapped: a narrow terminal cuts the "What" column
            yield Static(id="activity-history-detail", markup=False)
        yield Footer()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = int(event.row_key.value or 0)
        if 0 <= index < len(self.changes):
            change = self.changes[index]
            self.query_one("#activity-history-detail", Static).update(Content.assemble(
                (f"{change.at}  {plain(change.actor)} {change.action} {change.activity}: ", "$text-muted"),
                plain(change.detail)))

    def on_mount(self) -> None:
        actor = self.svc.actor
        if actor is not None:
            self.query_one(RepBanner).show(actor.name, actor.team, self.app.period, self.svc.today(), self.svc.calendar)  # type: ignore[attr-defined]
        self.query_one(DataTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="activity-history", exit_on_error=False)
    def load(self) -> None:
        try:
            found = self.svc.changes(entity="activity")
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        mine = [c for c in found if _snapshot(c.after or c.before).get("rep_id") == self.rep_id]
        self.post_message(self.Loaded([describe(c, self.svc.zone) for c in mine]))

    def on_activity_history_loaded(self, message: Loaded) -> None:
        self.changes = message.changes
        table = self.query_one(DataTable)
        table.clear()
        for index, change in enumerate(message.changes):
            table.add_row(Text(change.at), user_text(change.actor, limit=16), Text(change.action),
                          Text(change.activity), user_text(change.detail, limit=200), key=str(index))

    def on_activity_history_failed(self, message: Failed) -> None:
        self.notify(clean_text(message.problem), severity="error", markup=False)
