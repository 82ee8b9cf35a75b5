"""Bars on whole rows (ui/widgets/row_bars.py), drawn by plotext at the heights the screens give them: every
label on a row of its own bar, nothing drawn between groups unless compact, all steps of a funnel shown."""

from __future__ import annotations

import pytest
from textual_plotext.plot import Plot

from kpitui.ui.widgets.row_bars import COMPACT_BLOCK, FRAME_ROWS, Markers, draw_rows, layout, nice_ticks, picture

LABELS = ["Calls", "Conversations", "Meetings", "New opps", "Proposals", "Won deals"]
MINE = [30.0, 20.0, 10.0, 5.0, 3.0, 1.0]
MEDIAN = [25.0, 15.0, 8.0, 4.0, 2.0, 2.0]


def drawn(labels: list[str], series: list[tuple[list[float], str]], width: int, height: int,
          markers: list[Markers] | None = None) -> tuple[list[str], object]:
    plot = Plot()
    fit = draw_rows(plot, labels, series, height, markers or [])
    text = picture(plot, fit, width, height, "clear")
    assert text is not None
    return text.plain.splitlines(), fit


@pytest.mark.parametrize("height", [8, 10, 14, 20, 30, 45])
@pytest.mark.parametrize("series", [1, 2])
def test_labels_sit_on_their_bars_at_every_height(height: int, series: int) -> None:
    data = [(MINE, "cyan"), (MEDIAN, "orange")][:series]
    lines, fit = drawn(LABELS, data, 60, height)
    assert len(lines) == height
    blocks = ("█", COMPACT_BLOCK)
    assert fit.shown == min(len(LABELS), layout(len(LABELS), height - FRAME_ROWS, series).shown) > 0
    group_rows = set()
    for i in range(fit.shown):
        line = lines[1 + fit.label_row(i)]
        assert line.split("┤")[0].strip() == LABELS[i]
        assert any(b in line for b in blocks)
        for number in range(series):  # each series' bar: as long as its value, on its own rows
            row = lines[1 + fit.bar_rows(i, number)[0]]
            assert any(b in row for b in blocks)
        group_rows |= {1 + r for r in fit.bar_rows(i)}
    for row in range(1, 1 + fit.rows):
        if row not in group_rows:
            assert not any(b in lines[row] for b in blocks)  # the blank row between groups
    if not fit.compact:
        assert fit.slot > fit.thick  # a gap: bars never merge


def test_a_marker_stays_visible_on_its_bar() -> None:
    lines, fit = drawn(LABELS[:3], [(MINE[:3], "cyan")], 60, 12, [Markers([10.0, None, 10.0], "┃", "red")])
    assert "┃" in lines[1 + fit.label_row(0)] and "┃" not in lines[1 + fit.label_row(1)]


def test_round_ticks() -> None:
    assert nice_ticks(104.2) == [0, 50, 100, 150]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(0) == [0.0, 1.0]
