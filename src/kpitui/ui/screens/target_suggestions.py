"""Suggested targets in the targets editor (DESIGN.md section 4, key `g`): a preview of each rep's suggestion
(the 80th percentile of their last 12 complete weeks, scaled by working days) over the grid, marked "→";
`a` accepts the highlighted one, `A` all of them, each written as the rep's own target through the audited
target path; `g` or Esc ends the preview. The TargetsEditor is built on this part."""

from __future__ import annotations

from decimal import Decimal

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from kpitui.domain.formatting import format_kpi
from kpitui.domain.suggestions import SUGGESTED_KPIS, SuggestionsReport
from kpitui.services import Kpitui
from kpitui.ui.show import problem

SUGGESTED = "→"


class SuggestionPreview(Screen[None]):
    SUGGEST_BINDINGS = [
        Binding("g", "suggest", "Suggest", id="targets.suggest",
                tooltip="preview targets from each rep's last 12 weeks (p80); g again ends the preview"),
        Binding("a", "accept", "Accept", id="targets.accept", tooltip="set the highlighted suggestion"),
        Binding("A", "accept_all", "Accept all", key_display="A", id="targets.accept_all",
                tooltip="set every suggestion shown"),
    ]
    svc: Kpitui
    team: str

    preview: SuggestionsReport | None = None
    subtitle_before: str = ""

    def suggested(self) -> dict[tuple[int, str], Decimal]:
        """(rep id, KPI) -> the suggestion shown, for the period in view (nothing outside a preview)."""
        if self.preview is None or self.preview.period != self.app.period:  # type: ignore[attr-defined]
            return {}
        return {(s.rep_id, s.kpi): s.value for s in self.preview.suggestions}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept", "accept_all"):
            return bool(self.suggested())
        return True

    # -- preview -----------------------------------------------------------------------------------------------------
    def action_suggest(self) -> None:
        if self.preview is not None:
            self.end_preview()
            return
        period = self.app.period  # type: ignore[attr-defined]
        if period is not None:
            self.fetch_suggestions(period)

    @work(thread=True, exclusive=True, group="targets-suggest", exit_on_error=False)
    def fetch_suggestions(self, period: object) -> None:
        from kpitui.ui.screens.targets import TARGET_KPIS

        keys = [k for k in TARGET_KPIS if k in SUGGESTED_KPIS]
        try:
            report = self.svc.suggest_targets(period, team=self.team, keys=keys)  # type: ignore[arg-type]
        except Exception as exc:  # shown, never a dead worker
            self.app.call_from_thread(self.notify, problem(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.start_preview, report)

    def start_preview(self, report: SuggestionsReport) -> None:
        if report.period != self.app.period:  # type: ignore[attr-defined]
            return
        if not report.suggestions:
            self.notify("No suggestions: nobody has 4 weeks of history yet", severity="warning")
            return
        panel = self.query_one("#targets-panel")
        if self.preview is None:
            self.subtitle_before = panel.border_subtitle
        self.preview = report
        panel.border_subtitle = f"{SUGGESTED} suggested (p80 of 12 weeks) · a accept · A accept all · g/Esc end"
        self.redraw_grid()

    def end_preview(self) -> None:
        if self.preview is not None:
            self.query_one("#targets-panel").border_subtitle = self.subtitle_before
        self.preview = None
        self.redraw_grid()

    def redraw_grid(self) -> None:
        """The grid again with (or without) the suggestions, the note under it and the footer's keys."""
        sheet = getattr(self, "sheet", None)
        if sheet is not None:
            self.query_one("#target-grid").show(sheet, self.suggested())  # type: ignore[attr-defined]
            self._note()  # type: ignore[attr-defined]
        self.refresh_bindings()

    def suggestion_note(self, rep_id: int | None, key: str) -> Content:
        """For the line under the grid: the highlighted cell's suggestion and where it comes from."""
        value = self.suggested().get((rep_id, key)) if rep_id is not None else None
        if value is None or self.preview is None:
            return Content("")
        basis = next(s.basis for s in self.preview.suggestions if (s.rep_id, s.kpi) == (rep_id, key))
        return Content.assemble("  ", (f"{SUGGESTED} suggested {format_kpi(key, value)}", "bold $accent"),
                                (f", {basis} · a accept", "$text-muted"))

    # -- accept ------------------------------------------------------------------------------------------------------
    def action_accept(self) -> None:
        cell = self._cell()  # type: ignore[attr-defined]
        if cell is None or cell[0] is None or (cell[0], cell[1]) not in self.suggested():
            self.app.bell()
            return
        self.accept([(cell[0], cell[1])])

    def action_accept_all(self) -> None:
        chosen = list(self.suggested())
        if chosen:
            self.accept(chosen)

    @work(thread=True, exclusive=True, group="targets-write", exit_on_error=False)
    def accept(self, chosen: list[tuple[int, str]]) -> None:
        report = self.preview
        if report is None:
            return
        try:
            written = self.svc.apply_suggestions(report, only=chosen)
        except Exception as exc:
            self.app.call_from_thread(self.notify, problem(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._accepted, report, chosen, written)

    def _accepted(self, report: SuggestionsReport, chosen: list[tuple[int, str]], written: int) -> None:
        taken = set(chosen)
        left = [s for s in report.suggestions if (s.rep_id, s.kpi) not in taken]
        self.notify(f"{written} suggested target{'s' if written != 1 else ''} set")
        if left and self.preview is report:
            self.preview = SuggestionsReport(report.period, report.team, report.weeks, left)
        else:
            self.end_preview()
        self.app.data_changed.publish("targets")  # type: ignore[attr-defined]
