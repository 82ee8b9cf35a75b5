"""The leaderboard's slow preparation runs in its worker thread, not on the event loop: the table's cells arrive
built, and the chart's plotext picture is drawn by the worker when the chart's size is known, the very picture
the widget would build itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Builder
from kpitui.store.db import Database
from kpitui.ui.screens.leaderboard import ManagerHome
from kpitui.ui.widgets.kpi_bars import Bars, KpiBarChart, picture_of
from kpitui.ui.widgets.leaderboard_table import Cell, LeaderboardTable
from test_ui_manager_support import MIA, fill_teams
from test_ui_support import make_app, press, settle, sqlite_db

SIZE = (120, 36)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


async def test_rows_arrive_built_and_the_chart_is_drawn_by_the_worker(db: Database, build: Builder,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    seen: list[ManagerHome.Loaded] = []
    original = ManagerHome.on_manager_home_loaded

    def loaded(screen: ManagerHome, message: ManagerHome.Loaded) -> None:
        seen.append(message)
        original(screen, message)

    monkeypatch.setattr(ManagerHome, "on_manager_home_loaded", loaded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, ManagerHome)
        await press(pilot, "s")  # re-sort: a reload at a size the chart already has
        await settle(pilot)
        assert seen and seen[-1].sort == home.sort != "score"
        loaded = seen[-1]
        table = home.query_one(LeaderboardTable)
        # every cell came from the worker, as it is shown
        assert [key for key, _cells in loaded.rows.rows][:-1] == [str(rep_id) for rep_id in table.order]
        first = table.get_row(str(table.order[0]))
        assert all(isinstance(cell, Cell) for cell in first)
        # the columns that fit the width, of those the worker made (a wide terminal shows more of them)
        assert [c.plain for c in first] == [c.plain for c in loaded.rows.rows[0][1][:len(first)]]
        # the chart shows the worker's picture, not one built while rendering
        chart = home.query_one(KpiBarChart)
        assert loaded.bars.picture is not None and chart._picture is loaded.bars.picture
        assert loaded.bars.picture.spec == chart.spec


async def test_the_prebuilt_picture_is_the_one_the_widget_builds(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        chart = app.screen.query_one(KpiBarChart)
        assert chart.labels
        bars = Bars(chart.key, chart.total, chart.labels, chart.values, chart.targets)
        picture, _fit = picture_of(bars, chart.spec)  # as the worker draws it
        assert picture is not None
        chart.use(None)
        own = chart.render()  # what the widget builds on the event loop
        assert picture.text.plain == own.plain  # type: ignore[union-attr]
        assert picture.text.spans == own.spans  # type: ignore[union-attr]
