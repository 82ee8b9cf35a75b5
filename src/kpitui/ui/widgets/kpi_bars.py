"""One KPI across the reps of the leaderboard as horizontal plotext bars, each rep's target marked with ┃.

Drawn on whole rows (row_bars.py) so that it reads the same at 80x24, 200x50 and in a browser: each label on its
bar's middle row, a blank row between bars, no title or legend inside the plot (the panel's title and subtitle
say what it shows: `title`, `LEGEND`), and bars that do not fit are left out ("top N of M" in the title) rather
than squeezed. The target markers are drawn over the bars.

The plotted numbers stay on the widget (`labels`, `values`, `targets`) so tests read the chart's data, not
its pixels; `rows` says where each label and bar were drawn."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.app import RenderResult
from textual_plotext.plot import Plot

from kpitui.domain.kpis import KPIS
from kpitui.domain.reports import Leaderboard
from kpitui.ui.show import plain
from kpitui.ui.widgets.prebuilt_plot import Picture, PlotSpec, PrebuiltPlot
from kpitui.ui.widgets.row_bars import FRAME_ROWS, Layout, Markers, draw_rows, layout, picture

__all__ = ["FRAME_ROWS", "LEGEND", "Bars", "KpiBarChart", "Layout", "PreparedBars", "bars_of", "chart_number",
           "draw_bars", "picture_of", "prepare_bars"]

LABEL_WIDTH = 12
MAX_BARS = 20
TARGET, DERIVED_TARGET = "┃", "┆"
LEGEND = f"{TARGET} target · {DERIVED_TARGET} derived"


def chart_number(key: str, value: object) -> float | None:
    """What a bar shows: money in currency units, ratios (and the score) in percent."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    if key == "score" or KPIS[key].unit == "ratio":
        return round(number * 100, 1)
    return number


def short_name(name: str) -> str:
    text = plain(name)
    return text if len(text) <= LABEL_WIDTH else text[: LABEL_WIDTH - 1] + "…"


@dataclass(frozen=True)
class Bars:
    """What the chart plots: the top of the ranking, one KPI (or the score), each rep's target."""

    key: str
    total: int
    labels: list[str]
    values: list[float]
    targets: list[float | None]
    derived: list[bool] = field(default_factory=list)  # the target was derived (cascade), not set

    @property
    def title(self) -> str:
        title = "Score (%)" if self.key == "score" else KPIS[self.key].label if self.key in KPIS else ""
        if self.key in KPIS and KPIS[self.key].unit == "ratio":
            title += " (%)"
        if self.total > len(self.labels):
            title += f" · top {len(self.labels)} of {self.total}"
        return title


def bars_of(board: Leaderboard, key: str) -> Bars:
    """Rank order from the top; a rep without a value gets an empty bar, without a target no marker."""
    rows = board.rows[:MAX_BARS]  # the top of the ranking: hundreds of one-cell bars say nothing
    labels = [short_name(r.rep) for r in rows]
    if key == "score":
        values = [chart_number(key, r.score) or 0.0 for r in rows]
        targets: list[float | None] = [100.0 for _ in rows]
    else:
        values = [chart_number(key, r.kpis.get(key)) or 0.0 for r in rows]
        targets = [chart_number(key, r.targets.get(key)) for r in rows]
    derived = [r.target_sources.get(key, "").startswith("derived:") for r in rows]
    return Bars(key, len(board.rows), labels, values, targets, derived if key != "score" else [])


def draw_bars(plt: Plot, bars: Bars, height: int) -> Layout:
    """The chart on `plt` for a widget `height` rows high: one cyan bar a rep, its target marked over it."""
    derived = bars.derived or [False] * len(bars.labels)
    markers = [Markers([t if d is is_derived else None for t, d in zip(bars.targets, derived, strict=False)],
                       marker, "red") for is_derived, marker in ((False, TARGET), (True, DERIVED_TARGET))]
    return draw_rows(plt, bars.labels, [(bars.values, "cyan")], height, markers)


def picture_of(bars: Bars, spec: PlotSpec) -> tuple[Picture | None, Layout]:
    """The chart at `spec` (any thread: a plotext figure of its own), padded to the widget's height."""
    plot = Plot()
    fit = draw_bars(plot, bars, spec.height)
    text = picture(plot, fit, spec.width, spec.height, spec.theme)
    return (None if text is None else Picture(spec, text)), fit


@dataclass(frozen=True)
class PreparedBars:
    bars: Bars
    picture: Picture | None


def prepare_bars(board: Leaderboard, key: str, shape: PlotSpec | None) -> PreparedBars:
    """The chart's data and its picture at `shape` (`KpiBarChart.shape`), for a worker thread."""
    bars = bars_of(board, key)
    usable = shape is not None and shape.width > 0 and shape.height > 0
    return PreparedBars(bars, picture_of(bars, shape)[0] if usable else None)  # type: ignore[arg-type]


class KpiBarChart(PrebuiltPlot):
    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.bars = Bars("", 0, [], [], [])
        self.fit = Layout(0, 1, 1)

    @property
    def key(self) -> str:
        return self.bars.key

    @property
    def total(self) -> int:
        return self.bars.total

    @property
    def labels(self) -> list[str]:
        return self.bars.labels

    @property
    def values(self) -> list[float]:
        return self.bars.values

    @property
    def targets(self) -> list[float | None]:
        return self.bars.targets

    @property
    def title(self) -> str:
        """What the panel's title says: the KPI, and "top N of M" when not every rep has a bar."""
        title = self.bars.title.split(" · top ")[0]
        shown = min(len(self.bars.labels), self.fit.shown) if self.fit.shown else len(self.bars.labels)
        return title + (f" · top {shown} of {self.bars.total}" if shown < self.bars.total else "")

    def _retitle(self) -> None:
        panel = self.parent
        if panel is not None and self.bars.key and getattr(panel, "border_title", None) != self.title:
            panel.border_title = self.title  # type: ignore[attr-defined]

    def show(self, board: Leaderboard, key: str, prepared: PreparedBars | None = None) -> None:
        """`prepared`: `prepare_bars(board, key, ...)` from a worker thread (else drawn when shown)."""
        ready = prepared if prepared is not None else PreparedBars(bars_of(board, key), None)
        self.bars = ready.bars
        self.use(ready.picture)

    def render(self) -> RenderResult:
        picture = self._picture
        if picture is None or picture.spec != self.spec:
            picture, self.fit = picture_of(self.bars, self.spec)
            self._picture = picture
        else:
            self.fit = layout(len(self.bars.labels), self.spec.height - FRAME_ROWS)
        self.call_after_refresh(self._retitle)
        return picture.text if picture is not None else Text("")
