"""My activities in the period: filter by kind, edit (`e`), delete (`x`) and undo (`u`)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from kpitui.domain.kpis import ACTIVITY_KINDS
from kpitui.domain.periods import Period
from kpitui.domain.records import ActivityRecord
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.keys import HIDDEN_PERIOD_BINDINGS
from kpitui.ui.show import period_span, problem
from kpitui.ui.widgets.activity_table import ActivityTable
from kpitui.ui.widgets.banner import RepBanner

PAGE = 500
KIND_FILTERS: tuple[str | None, ...] = (None, *ACTIVITY_KINDS)


class ActivityList(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("a", "app.log_activity", "Log", id="activity.log"),
        Binding("e", "edit", "Edit", id="activity.edit", tooltip="the one under the cursor (or ⏎)"),
        Binding("x,delete", "delete", "Delete", key_display="x", id="activity.delete"),
        Binding("u", "undo", "Undo", id="activity.undo"),
        Binding("h", "history", "History", id="activity.history", tooltip="who changed what, when"),
        Binding("f", "cycle_kind(1)", "Kind", id="activity.filter",
                tooltip="all → call → email → …"),
        Binding("F", "cycle_kind(-1)", "Kind filter back", show=False, id="activity.filter_back"),
        *HIDDEN_PERIOD_BINDINGS,  # the filter bar names them: ([ ] w)
        Binding("g", "app.go_menu", "Go to", id="go.menu"),
        Binding("r", "reload", "Refresh", show=False, id="activity.reload"),
    ]

    @dataclass
    class Loaded(Message):
        period: Period
        kind: str | None
        records: list[ActivityRecord]

    @dataclass
    class Written(Message):
        """A delete or an undo went through."""

        what: str
        record: ActivityRecord

    @dataclass
    class Failed(Message):
        problem: str
        restore: ActivityRecord | None = None

    def __init__(self, svc: Kpitui) -> None:
        super().__init__(id="activities", classes="rep-screen")
        self.svc = svc
        self.kind: str | None = None
        self.deleted: list[ActivityRecord] = []
        """Deleted records, newest last, for `u`."""

    def compose(self) -> ComposeResult:
        yield RepBanner(place="Activities", id="banner")
        yield Static(id="activity-filters", markup=False)
        yield ActivityTable(id="activity-table")
        yield Footer()

    def on_mount(self) -> None:
        actor = self.svc.actor
        assert actor is not None
        self.query_one(RepBanner).show(actor.name, actor.team, self.app.period, self.svc.today(), self.svc.calendar)  # type: ignore[attr-defined]
        self.watch(self.app, "period", self._period_changed, init=True)
        self.app.data_changed.subscribe(self, lambda _what: self.action_reload())  # type: ignore[attr-defined]
        self.query_one(ActivityTable).focus()

    # -- loading ---------------------------------------------------------------------------------------------------
    def _period_changed(self, period: Period | None) -> None:
        if period is None:
            return
        actor = self.svc.actor
        assert actor is not None
        self.query_one(RepBanner).show(actor.name, actor.team, period, self.svc.today(), self.svc.calendar)
        self.action_reload()

    def action_history(self) -> None:
        from kpitui.ui.screens.activity_history import ActivityHistory

        actor = self.svc.actor
        if actor is not None:
            self.app.push_screen(ActivityHistory(self.svc, actor.id))

    def action_reload(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if period is not None:
            self._show_filters(period, None)
            self.load(period, self.kind)

    @work(thread=True, exclusive=True, group="activity-list", exit_on_error=False)
    def load(self, period: Period, kind: str | None) -> None:
        worker = get_current_worker()
        try:
            records = self.svc.activities(period=period, kinds=[kind] if kind else None, limit=PAGE)
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        if not worker.is_cancelled:
            self.post_message(self.Loaded(period, kind, records))

    def on_activity_list_loaded(self, message: Loaded) -> None:
        if message.period != self.app.period or message.kind != self.kind:  # type: ignore[attr-defined]
            return
        self.query_one(ActivityTable).show(message.records, self.svc.zone, message.period)
        self._show_filters(message.period, len(message.records))

    def _show_filters(self, period: Period, count: int | None) -> None:
        kind = f"{self.kind}s" if self.kind else "all kinds"
        shown = "loading…" if count is None else (f"latest {count:,}" if count >= PAGE else f"{count:,} activities")
        parts = [Content.assemble(("Kind ", "$text-muted"), (kind, "bold"), ("  (f)", "$text-muted")),
                 Content.assemble(("Period ", "$text-muted"), (period.label, "bold"),
                                  (f"  {period_span(period)}  ([ ] w)", "$text-muted")),
                 Content.styled(shown, "$text-muted")]
        if self.deleted:
            parts.append(Content.styled(f"u: undo delete ({len(self.deleted)})", "$text-warning"))
        self.query_one("#activity-filters", Static).update(Content("   ").join(parts))

    def on_activity_list_failed(self, message: Failed) -> None:
        if message.restore is not None:
            self.deleted.append(message.restore)
        self.notify(clean_text(message.problem), severity="error", markup=False)

    # -- keys ------------------------------------------------------------------------------------------------------
    def action_cycle_kind(self, step: int) -> None:
        self.kind = KIND_FILTERS[(KIND_FILTERS.index(self.kind) + step) % len(KIND_FILTERS)]
        self.action_reload()

    def on_data_table_row_selected(self, event: ActivityTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        record = self.query_one(ActivityTable).selected
        if record is None:
            self.app.bell()
            return
        from kpitui.ui.screens.activity_form import ActivityForm

        self.app.open_screen(ActivityForm(self.svc, existing=record))  # type: ignore[attr-defined]

    def action_delete(self) -> None:
        record = self.query_one(ActivityTable).selected
        if record is None:
            self.app.bell()
            return
        self.write("delete", record)

    def action_undo(self) -> None:
        if not self.deleted:
            self.notify("Nothing to undo", severity="warning")
            return
        self.write("restore", self.deleted.pop())

    @work(thread=True, exclusive=False, group="activity-write", exit_on_error=False)
    def write(self, what: str, record: ActivityRecord) -> None:
        try:
            if what == "delete":
                done = self.svc.delete_activity(record.id)
            else:
                done = self.svc.restore_activity(record)
        except Exception as exc:  # shown; a failed undo stays undoable
            self.post_message(self.Failed(problem(exc), record if what == "restore" else None))
            return
        self.post_message(self.Written(what, done))

    def on_activity_list_written(self, message: Written) -> None:
        record = message.record
        when = record.occurred_at.astimezone(self.svc.zone).strftime("%a %d %b %H:%M")
        if message.what == "delete":
            self.deleted.append(record)
            self.notify(f"Deleted {record.kind} of {when} — press u to undo", markup=False)
        else:
            self.notify(f"Restored {record.kind} of {when}", markup=False)
        self.app.data_changed.publish(message.what)  # type: ignore[attr-defined]
