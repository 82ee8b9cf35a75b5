"""A plotext chart whose picture can be drawn in a worker thread.

`PlotextPlot.render` builds the whole plotext figure on the event loop, every time the widget renders: 10–45 ms
a chart on the scale data, while keys wait. Here the screen's worker draws the same figure on a plotext object
of its own (`prebuild`; the widget's own is never touched from the thread) at the size and theme the widget
last published (`shape`, set on the event loop at each resize), and `render` uses that picture while the size and
theme still match; otherwise (a load that finished before the first layout, a resize, a theme change) it builds
on the loop as before. Both pictures come from the same `draw` calls on a fresh or cleared figure: the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from plotext._dict import themes as plotext_themes
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot


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


def prebuild(draw: Callable[[Plot], None], spec: PlotSpec | None) -> Picture | None:
    """The chart `draw` makes, as `PlotextPlot.render` would build it at `spec`. Safe in a worker thread: a
    plotext figure of its own. None when there is no size yet or the theme is not registered."""
    if spec is None or spec.width <= 0 or spec.height <= 0 or spec.theme not in plotext_themes:
        return None
    plot = Plot()
    draw(plot)
    plot.plotsize(spec.width, spec.height)
    plot._set_size(spec.width, spec.height)  # as PlotextPlot.render does (textual-plotext issue 5)
    plot.theme(spec.theme)
    return Picture(spec, Text.from_ansi(plot.build()))


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
        """The picture of the data just drawn on `plt` (or None: build it when rendering), then repaint."""
        self._picture = picture
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self.shape = self.spec

    def render(self) -> RenderResult:
        picture = self._picture
        if picture is not None and picture.spec == self.spec:
            return picture.text
        self._picture = None
        return super().render()
