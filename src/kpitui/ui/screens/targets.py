"""The targets editor: the team default row on top, then one row per rep, a column per KPI, for the period in
view (its kind: week, month, quarter). Enter edits a cell (a small input; the service validates and its message
is shown inline, nothing saved), `x` clears it, `c` copies the previous period's targets where none are set,
`h` shows who changed what, `g` previews suggested targets (target_suggestions.py). Where nothing is set, the
target derived by working days from a longer period (the cascade, domain/targets.py) shows dim with "≈"; the
line under the grid says where the cell's value comes from; typing a value over it sets it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Static

from kpitui.domain.formatting import MISSING, format_kpi
from kpitui.domain.kpis import KPIS
from kpitui.domain.periods import Period
from kpitui.domain.reports import TargetSheet
from kpitui.domain.text import clean_text
from kpitui.services import Kpitui
from kpitui.ui.keys import QUIET_PERIOD_BINDINGS
from kpitui.ui.screens.target_suggestions import SUGGESTED, SuggestionPreview
from kpitui.ui.show import plain, problem, user_text
from kpitui.ui.widgets.breadcrumb import Breadcrumb

if TYPE_CHECKING:
    from kpitui.store.people_queries import RepRow

TARGET_KPIS = ("conversations", "meetings", "new_opps", "revenue", "calls", "proposals", "won_deals", "win_rate")
TEAM_ROW = "team"
WHO_WIDTH = 20
CELL_WIDTH = 9
DERIVED = "≈"
SHORT = {"conversations": "Convers.", "new_opps": "New opps", "won_deals": "Won", "proposals": "Proposals"}


def source_words(source: str | None) -> str:
    """`derived:2026-Q4` as a person reads it."""
    if source is None:
        return "no target"
    if source.startswith("derived:"):
        labels = source.removeprefix("derived:").replace("+", " and ")
        return f"derived from {labels} by working days"
    return {"rep": "set for the rep", "team": "the team default"}.get(source, source)


def editable(value: Decimal | None) -> str:
    """A target as a person types it: 5000, 0.25, 12.5 (no exponent, no trailing zeros)."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


class TargetInput(ModalScreen[str | None]):
    """One cell: Enter saves (empty removes), Esc cancels; a refusal or a bad value is shown here, nothing saved.
    Dismissed with what was done, in words ("Target saved", "Target cleared"), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="target.cancel")]

    @dataclass
    class Failed(Message):
        problem: str

    @dataclass
    class Saved(Message):
        value: str

    def __init__(self, svc: Kpitui, period: Period, key: str, who: str, *, rep: str | None, team: str,
                 current: Decimal | None, fallback: Decimal | None, fallback_source: str | None = None) -> None:
        super().__init__(classes="form-screen")
        self.svc, self.period, self.key, self.who = svc, period, key, who
        self.rep, self.team, self.current, self.fallback = rep, team, current, fallback
        self.fallback_source = fallback_source

    def compose(self) -> ComposeResult:
        with Vertical(id="target-form", classes="form") as form:
            form.border_title = "Target"
            form.border_subtitle = "Enter save · empty removes · esc cancel"
            yield Static(Content.assemble((KPIS[self.key].label, "bold"), " for ", (plain(self.who), "bold"),
                                          ("  " + self.period.label, "$text-muted")), id="target-what")
            fallback = MISSING if self.fallback is None else format_kpi(self.key, self.fallback)
            if self.fallback_source is not None and self.fallback_source.startswith("derived:"):
                hint = f"Empty: {DERIVED}{fallback} applies, {source_words(self.fallback_source)}"
            elif self.rep is not None:
                hint = f"Empty: the team default applies ({fallback})"
            else:
                hint = "The default for every rep without their own target"
            if KPIS[self.key].unit == "ratio":
                hint += " · a share: 0.25 or 25%"
            yield Static(Content.styled(hint, "$text-muted"), id="target-hint")
            yield Input(editable(self.current), placeholder="value", id="target-value")
            yield Static(id="form-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#target-value")
    def _submit(self, event: Input.Submitted) -> None:
        self.query_one("#form-error").set_class(False, "-shown")
        self.save(event.value)

    @work(thread=True, exclusive=True, group="target-save", exit_on_error=False)
    def save(self, value: str) -> None:
        try:
            if self.rep is not None:
                self.svc.set_target(self.key, self.period, value, rep=self.rep)
            else:
                self.svc.set_target(self.key, self.period, value, team=self.team)
        except Exception as exc:  # shown in the form, which stays open
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Saved(value))

    def on_target_input_failed(self, message: Failed) -> None:
        error = self.query_one("#form-error", Static)
        error.update(Content(clean_text(message.problem)))
        error.set_class(True, "-shown")
        self.query_one(Input).add_class("-invalid")

    def on_target_input_saved(self, message: Saved) -> None:
        self.app.data_changed.publish("targets")  # type: ignore[attr-defined]
        self.dismiss("Target saved" if message.value.strip() else "Target cleared")

    def action_cancel(self) -> None:
        self.dismiss(None)


class TargetGrid(DataTable[Text]):
    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True)

    def on_mount(self) -> None:
        self.add_column("Who", key="who", width=WHO_WIDTH)
        for key in TARGET_KPIS:
            self.add_column(Text(SHORT.get(key, KPIS[key].label)[:CELL_WIDTH], justify="right"), key=key,
                            width=CELL_WIDTH)

    def show(self, sheet: TargetSheet, suggested: dict[tuple[int, str], Decimal] | None = None) -> None:
        """The sheet; with `suggested` ((rep id, KPI) -> value), those cells show the suggestion, marked."""
        suggested = suggested or {}
        where = self.cursor_coordinate
        self.clear()
        team_cells = []
        for key in TARGET_KPIS:
            found = sheet.default(key)
            team_cells.append(self._cell(key, found.value if found else None, "bold",
                                         found is not None and found.derived))
        self.add_row(Text("Team default", style="bold"), *team_cells, key=TEAM_ROW)
        for rep_id, name in sheet.reps:
            cells = [self._cell(key, sheet.effective(rep_id, key), "bold" if sheet.is_own(rep_id, key) else "dim",
                                (sheet.source(rep_id, key) or "").startswith("derived:"))
                     if (rep_id, key) not in suggested else
                     Text(SUGGESTED + format_kpi(key, suggested[(rep_id, key)], compact=True),
                          style="bold italic cyan", justify="right")
                     for key in TARGET_KPIS]
            self.add_row(user_text(name, limit=WHO_WIDTH), *cells, key=str(rep_id))
        if where.row < self.row_count:
            self.cursor_coordinate = where

    @staticmethod
    def _cell(key: str, value: Decimal | None, style: str, derived: bool = False) -> Text:
        if value is None:
            return Text(MISSING, style="dim", justify="right")
        if derived:
            return Text(DERIVED + format_kpi(key, value, compact=True), style="dim italic", justify="right")
        return Text(format_kpi(key, value, compact=True), style=style, justify="right")


class TargetsEditor(SuggestionPreview):
    BINDINGS = [
        Binding("escape", "back", "Back", id="targets.back", tooltip="back (from a preview: end it)"),
        Binding("enter", "edit", "Edit", id="targets.edit", tooltip="the cell under the cursor"),
        Binding("x,delete", "clear", "Clear", key_display="x", id="targets.clear",
                tooltip="remove the cell's target (a rep falls back to the team default)"),
        Binding("c", "copy_forward", "Copy prev.", id="targets.copy",
                tooltip="copy the previous period's targets where this one has none"),
        Binding("h", "history", "History", id="targets.history", tooltip="who changed which target, when"),
        *SuggestionPreview.SUGGEST_BINDINGS,
        *QUIET_PERIOD_BINDINGS,
        Binding("r", "reload", "Refresh", show=False, id="targets.reload"),
    ]

    @dataclass
    class Loaded(Message):
        period: Period
        sheet: TargetSheet
        people: dict[int, RepRow]

    @dataclass
    class Failed(Message):
        problem: str

    @dataclass
    class Copied(Message):
        count: int

    def __init__(self, svc: Kpitui, team: str) -> None:
        super().__init__(id="targets", classes="manager-screen")
        self.svc = svc
        self.team = team
        self.sheet: TargetSheet | None = None
        self.people: dict[int, RepRow] = {}

    def compose(self) -> ComposeResult:
        yield Breadcrumb(id="banner")
        with Vertical(id="targets-panel", classes="panel") as panel:
            panel.border_title = "Targets"
            panel.border_subtitle = f"Enter edit · bold: set here · dim: team default · {DERIVED}: derived"
            yield TargetGrid(id="target-grid")
            yield Static(id="target-note", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(TargetGrid).focus()
        self.watch(self.app, "period", self._period_changed, init=True)
        self.app.data_changed.subscribe(self, lambda _what: self.action_reload())  # type: ignore[attr-defined]

    def _period_changed(self, period: Period | None) -> None:
        if period is not None:
            self.query_one(Breadcrumb).show([self.team, "Targets"], period)
            self.action_reload()

    def action_reload(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if period is not None:
            self.load(period)

    @work(thread=True, exclusive=True, group="targets", exit_on_error=False)
    def load(self, period: Period) -> None:
        try:
            sheet = self.svc.target_sheet(self.team, period)
            people = self.people or {p.id: p for p in self.svc.people()}
        except Exception as exc:  # shown, never a dead worker
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Loaded(period, sheet, people))

    def on_targets_editor_loaded(self, message: Loaded) -> None:
        if message.period != self.app.period:  # type: ignore[attr-defined]
            return
        self.sheet, self.people = message.sheet, message.people
        self.query_one(TargetGrid).show(message.sheet, self.suggested())
        self._note()
        self.refresh_bindings()

    @on(DataTable.CellHighlighted, "#target-grid")
    def _note(self, _event: DataTable.CellHighlighted | None = None) -> None:
        """Under the grid: what the highlighted cell holds and where it comes from."""
        cell, note = self._cell(), self.query_one("#target-note", Static)
        if cell is None or self.sheet is None:
            note.update("")
            return
        rep_id, key = cell
        if rep_id is None:
            found = self.sheet.default(key)
            who, value, source = "Team default", found.value if found else None, found.source if found else None
        else:
            who = dict(self.sheet.reps).get(rep_id, "")
            value, source = self.sheet.effective(rep_id, key), self.sheet.source(rep_id, key)
        shown = MISSING if value is None else format_kpi(key, value)
        mark = DERIVED if source is not None and source.startswith("derived:") else ""
        note.update(Content.assemble((plain(who), "bold"), f" × {KPIS[key].label}: ", (mark + shown, "bold"),
                                     (f"  {source_words(source)}", "$text-muted"),
                                     self.suggestion_note(rep_id, key)))

    def on_targets_editor_failed(self, message: Failed) -> None:
        self.notify(clean_text(message.problem), severity="error", markup=False)

    # -- the cell under the cursor ---------------------------------------------------------------------------------
    def _cell(self) -> tuple[int | None, str] | None:
        """(rep id or None for the team default, KPI key), or None on the name column."""
        grid = self.query_one(TargetGrid)
        if self.sheet is None or not grid.row_count:
            return None
        cell = grid.coordinate_to_cell_key(grid.cursor_coordinate)
        key = cell.column_key.value or ""
        if key not in KPIS:
            return None
        row = cell.row_key.value
        return (None if row == TEAM_ROW else int(row or 0)), key

    def _rep_ref(self, rep_id: int) -> str:
        person = self.people.get(rep_id)
        if person is not None:
            return person.email or person.name
        assert self.sheet is not None
        return dict(self.sheet.reps)[rep_id]

    @on(DataTable.CellSelected, "#target-grid")
    def _selected(self, _event: DataTable.CellSelected) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        cell = self._cell()
        if cell is None or self.sheet is None:
            self.app.bell()
            return
        rep_id, key = cell
        sheet = self.sheet
        if rep_id is None:
            found = sheet.default(key)
            form = TargetInput(self.svc, sheet.period, key, "the team default", rep=None, team=sheet.team,
                               current=sheet.defaults.get(key), fallback=found.value if found else None,
                               fallback_source=found.source if found else None)
        else:
            own = sheet.own.get(rep_id, {}).get(key)
            form = TargetInput(self.svc, sheet.period, key, dict(sheet.reps)[rep_id], rep=self._rep_ref(rep_id),
                               team=sheet.team, current=own,
                               fallback=sheet.effective(rep_id, key) if own is None else sheet.defaults.get(key),
                               fallback_source=sheet.source(rep_id, key) if own is None else None)
        self.app.push_screen(form, lambda done: self.notify(done) if done else None)

    def action_clear(self) -> None:
        cell = self._cell()
        if cell is None or self.sheet is None:
            self.app.bell()
            return
        rep_id, key = cell
        own = self.sheet.defaults if rep_id is None else self.sheet.own.get(rep_id, {})
        if key not in own:  # nothing set here (a derived or default value shows): nothing to clear
            self.notify("No target set in this cell to clear", severity="warning")
            return
        self.write_clear(self.sheet, rep_id, key)

    @work(thread=True, exclusive=True, group="targets-write", exit_on_error=False)
    def write_clear(self, sheet: TargetSheet, rep_id: int | None, key: str) -> None:
        try:
            if rep_id is None:
                self.svc.set_target(key, sheet.period, "", team=sheet.team)
            else:
                self.svc.set_target(key, sheet.period, "", rep=self._rep_ref(rep_id))
        except Exception as exc:
            self.post_message(self.Failed(problem(exc)))
            return
        self.app.call_from_thread(self.app.data_changed.publish, "targets")  # type: ignore[attr-defined]
        self.app.call_from_thread(self.notify, "Target cleared")

    def action_copy_forward(self) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        if period is not None:
            self.copy_forward(period)

    @work(thread=True, exclusive=True, group="targets-write", exit_on_error=False)
    def copy_forward(self, period: Period) -> None:
        try:
            count = self.svc.copy_targets_forward(self.team, period)
        except Exception as exc:
            self.post_message(self.Failed(problem(exc)))
            return
        self.post_message(self.Copied(count))

    def on_targets_editor_copied(self, message: Copied) -> None:
        period = self.app.period  # type: ignore[attr-defined]
        source = period.previous().label if period is not None else "the previous period"
        if message.count:
            self.notify(f"Copied {message.count} target{'s' if message.count != 1 else ''} from {source}")
            self.app.data_changed.publish("targets")  # type: ignore[attr-defined]
        else:
            self.notify(f"Nothing to copy: {source} has no targets this period lacks", severity="warning")

    def action_back(self) -> None:
        if self.preview is not None:
            self.end_preview()
        else:
            self.app.pop_screen()

    def action_history(self) -> None:
        from kpitui.ui.screens.target_history import TargetHistory

        self.app.push_screen(TargetHistory(self.svc, self.team, self.people))
