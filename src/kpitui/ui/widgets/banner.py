"""The line at the top of every rep screen: who, which team, which period, and where you are."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from kpitui.domain.calendar import WorkCalendar
from kpitui.domain.formatting import format_ratio
from kpitui.domain.periods import Period
from kpitui.ui.show import period_span, plain


class RepBanner(Horizontal):
    """Name and team on the left (shortened when narrow), the period on the right (always whole)."""

    def __init__(self, place: str = "", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes="banner")
        self.place = place

    def compose(self) -> ComposeResult:
        yield Static(id="banner-who", markup=False)
        yield Static(id="banner-when", markup=False)

    def show(self, name: str, team: str | None, period: Period, today: date, calendar: WorkCalendar,
             score: float | None = None, score_known: bool = False) -> None:
        parts = [Content.styled(plain(name), "bold")]
        if team:
            parts += [Content.styled(" · ", "$text-muted"), Content(plain(team))]
        if self.place:
            parts += [Content.styled(f"  › {self.place}", "$text-muted")]
        self.query_one("#banner-who", Static).update(Content.assemble(*parts))
        when = [Content.styled(period.label, "bold"), Content.styled(f"  {period_span(period)}", "$text-muted")]
        if today in period:  # how far it has run in the days pace counts (working days, DESIGN.md section 3)
            elapsed = calendar.elapsed(period, today)
            unit = "working day" if calendar.counts_working_days(period) else "day"
            when.append(Content.styled(f"  {unit} {elapsed.done}/{elapsed.total}", "$text-muted"))
        elif today < period.start:
            when.append(Content.styled("  upcoming", "$text-warning"))
        if score_known:
            when.append(Content.assemble(("  score ", "$text-muted"), (format_ratio(score), "bold")))
        self.query_one("#banner-when", Static).update(Content.assemble(*when))
