"""A plotext chart whose picture can be drawn in a worker thread.

`PlotextPlot.render` builds the whole plotext figure on the event loop, every time the widget renders: 10–45 ms
a chart on the scale data, while keys wait. A subclass draws its picture in the screen's worker on a plotext
object of its own (the widget's own is never touched from the thread) at the size and theme the widget last
published (`shape`, set on the event loop at each resize), hands it over with `use`, and renders it while the
size and theme still match; otherwise (a load that finished before the first layout, a resize, a theme change)
it builds on the loop from the same drawing code (kpi_bars.KpiBarChart.render).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual_plotext import PlotextPlot


@dataclass(frozen=True)
class PlotSpec:
    """What a picture is drawn for: the widget's content size and its plotext theme. Taken on the event loop."""

    width: int
    height: int
    theme: str


@dataclass(frozen=True)
class Picture:
    spec: PlotSpec
    text: Text


class PrebuiltPlot(PlotextPlot):
    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._picture: Picture | None = None
        self.shape: PlotSpec | None = None
        """The size and theme of the last layout: an immutable value a worker thread may read."""

    @property
    def spec(self) -> PlotSpec:
        """The size and theme a picture is drawn for now (event loop only)."""
        return PlotSpec(self.size.width, self.size.height, self._get_plotext_theme_name(self.app.theme))

    def use(self, picture: Picture | None) -> None:
        """The picture of the data just shown (or None: build it when rendering), then repaint."""
        self._picture = picture
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self.shape = self.spec
