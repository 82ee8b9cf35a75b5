"""The top line of the manager's screens: where you are (team › rep › period) and what is in view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from kpitui.domain.periods import Period
from kpitui.ui.show import period_span, plain

SEPARATOR = Content.styled(" › ", "$text-muted")


class Breadcrumb(Horizontal):
    """Reuses the banner's layout: the trail on the left (shortened), the period on the right (whole)."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes="banner")

    def compose(self) -> ComposeResult:
        yield Static(id="banner-who", markup=False)
        yield Static(id="banner-when", markup=False)

    def show(self, trail: list[str], period: Period, extra: Content | None = None) -> None:
        """trail: user text (team, rep names) shown literally; the last part in bold."""
        parts: list[Content] = []
        for index, part in enumerate(trail):
            if index:
                parts.append(SEPARATOR)
            parts.append(Content.styled(plain(part), "bold" if index == len(trail) - 1 else ""))
        parts += [SEPARATOR, Content.styled(period.label, "bold")]
        self.query_one("#banner-who", Static).update(Content.assemble(*parts))
        when = [Content.styled(period_span(period), "$text-muted")]
        if extra is not None:
            when.append(Content("  ") + extra)
        self.query_one("#banner-when", Static).update(Content.assemble(*when))
