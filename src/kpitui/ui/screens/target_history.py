"""Who changed which target, when: the team's target changes, newest first, old value → new value."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer

from kpitui.domain.formatting import MISSING, format_kpi
from kpitui.domain.kpis import KPIS
from kpitui.domain.records import ChangeRecord
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.show import problem, user_text
from kpitui.ui.widgets.breadcrumb import Breadcrumb

if TYPE_CHECKING:
    from kpitui.store.people_queries import RepRow


@dataclass(frozen=True)
class TargetChange:
    """One history line, parsed from the change log's JSON snapshots."""

    at: str
    actor: str
    owner: str  # a rep's name, or "team default"
    kpi: str
    period: str
    old: str
    new: str


def _snapshot(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _value(key: str, raw: object) -> str:
    if raw is None or raw == "":
        return MISSING
    try:
        from decimal import Decimal

        return format_kpi(key, Decimal(str(raw))) if key in KPIS else str(raw)
    except ArithmeticError:
        return clean_text(str(raw))


def parse_change(change: ChangeRecord, names: dict[int, str], zone: Any) -> TargetChange:
    before, after = _snapshot(change.before), _snapshot(change.after)
    either = after or before
    key = str(either.get("kpi", ""))
    rep_id = either.get("rep_id")
    owner = names.get(rep_id, f"rep #{rep_id}") if isinstance(rep_id, int) else "team default"
    period = f"{either.get('period_kind', '')} {either.get('period_start', '')}".strip()
    return TargetChange(change.at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), change.actor, owner, key, period,
                        _value(key, before.get("value")), _value(key, after.get("value")))


class TargetHistory(Screen[None]):
    BINDINGS = [
        Binding("escape,h", "app.pop_screen", "Back", key_display="esc", id="history.back"),
        Binding("r", "reload", "Refresh", show=False, id="history.reload"),
    ]
    COLUMNS = (("When", "at", 16), ("Who", "actor", 16), ("For", "owner", 18), ("KPI", "kpi", 13),
               ("Period", "period", 18), ("Old", "old", 10), ("", "arrow", 1), ("New", "new", 10))

    @dataclass
    class Loaded(Message):
        changes: list[TargetChange]

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(self, svc: Kpitui, team: str, people: dict[int, RepRow]) -> None:
        super().__init__(id="target-history", classes="manager-screen")
        self.svc = svc
        self.team = team
        self.names = {rep_id: person.name for rep_id, person in people.items()}
        self.changes: list[TargetChange] = []

    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="banner")
        with Vertical(id="history-panel", classes="panel") as panel:
            panel.border_title = "Target history"
            panel.border_subtitle = "newest first"
            table: DataTable[Text] = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            for label, key, width in self.COLUMNS:
                table.add_column(label, key=key, width=width)
            yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if period is not None:
            self.query_one(Breadcrumb).show([self.team, "Targets", "History"], period)
        self.query_one(DataTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="target-history", exit_on_error=False)
    def load(self) -> None:
        try:
            changes = self.svc.target_history(self.team)
        except Exception as exc:
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Loaded([parse_change(c, self.names, self.svc.zone) for c in changes]))

    def on_target_history_loaded(self, message: Loaded) -> None:
        self.changes = message.changes
        table = self.query_one(DataTable)
        table.clear()
        for index, change in enumerate(message.changes):
            label = KPIS[change.kpi].label if change.kpi in KPIS else change.kpi
            table.add_row(Text(change.at), user_text(change.actor, limit=16), user_text(change.owner, limit=18),
                          Text(label), Text(change.period), Text(change.old, style="dim", justify="right"),
                          Text("→"), Text(change.new, style="bold", justify="right"), key=str(index))

    def on_target_history_failed(self, message: Failed) -> None:
        self.notify(clean_text(message.problem), severity="error", markup=False)
