"""The leaderboard made to fit, through the keyboard: the Rep column stays while the KPIs scroll sideways, the
columns chosen with `c` are remembered in the config file across restarts, a wide terminal is filled, the
footer is whole at 80x24, the Σ row has the team's score and Enter on it opens the team's funnel, and the
chart's labels sit on their bars at every size. Numbers: test_ui_manager_support (North, W43)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Builder
from kpitui.settings import load_config
from kpitui.store.db import Database
from kpitui.ui.screens.columns import ColumnChooser
from kpitui.ui.screens.leaderboard import ManagerHome
from kpitui.ui.screens.team_funnel import TeamFunnel
from kpitui.ui.widgets.kpi_bars import FRAME_ROWS, KpiBarChart
from kpitui.ui.widgets.leaderboard_table import TOTAL_KEY, LeaderboardTable
from test_ui_manager_support import MIA, fill_teams
from test_ui_support import make_app, press, screen_text, settle, sqlite_db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('# mine\nworkdays = "mon-fri"  # the usual week\n', encoding="utf-8")
    monkeypatch.setenv("KPITUI_CONFIG", str(path))
    return path


def header(table: LeaderboardTable) -> list[str]:
    return [str(column.key.value) for column in table.ordered_columns]


async def test_the_rep_column_stays_while_the_kpis_scroll(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LeaderboardTable)
        assert table.fixed_columns == 2
        assert "Cycle d" not in screen_text(app)  # off to the right
        await press(pilot, *["right"] * 6)
        assert table.scroll_x > 0
        text = screen_text(app)
        assert "Cycle d" in text
        for name in ("Ada Lovelace", "Bob Builder", "Cy Young", "Team total"):
            assert name in text


async def test_the_footer_is_whole_at_80x24(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        footer = lines[-1]
        for key in ("s Sort", "e Targets", "S Standup", "q Quit", "? Help"):
            assert key in footer
        assert "T team · c columns" in "\n".join(lines)  # the board's subtitle names the keys the footer leaves out


async def test_chosen_columns_are_remembered_across_restarts(db: Database, build: Builder, config: Path) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LeaderboardTable)
        assert header(table)[3:7] == ["conversations", "meetings", "new_opps", "revenue"]
        await press(pilot, "c")
        assert isinstance(app.screen, ColumnChooser)
        # the catalogue in order: calls, conversations, emails, meetings, ...; untick conversations and
        # meetings, tick calls
        await press(pilot, "space", "down", "space", "down", "down", "space", "enter")
        assert isinstance(app.screen, ManagerHome)
        await settle(pilot)
        shown = header(app.screen.query_one(LeaderboardTable))[3:]
        assert shown[:3] == ["calls", "new_opps", "revenue"]
        assert "conversations" not in shown and "meetings" not in shown
    saved = load_config()
    assert saved["leaderboard_columns"][:3] == ["calls", "new_opps", "revenue"]
    assert saved["workdays"] == "mon-fri"
    assert config.read_text(encoding="utf-8").startswith('# mine\nworkdays = "mon-fri"  # the usual week\n')
    again = make_app(db, MIA)  # a new start reads the config file
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert header(again.screen.query_one(LeaderboardTable))[3:] == saved["leaderboard_columns"]
        await press(pilot, "c", "r", "enter")  # back to the defaults: saved as no choice
        await settle(pilot)
        assert header(again.screen.query_one(LeaderboardTable))[3:7] == ["conversations", "meetings", "new_opps",
                                                                         "revenue"]
    assert load_config()["leaderboard_columns"] == []


async def test_a_wide_terminal_is_filled(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LeaderboardTable)
        kpis = header(table)[3:]
        assert len(kpis) > 7  # the 4 scorecard KPIs and 3 lagging ones were all there was at 200 wide
        used = sum(column.get_render_width(table) for column in table.ordered_columns)
        assert table.room - 13 <= used <= table.room  # less than one more column's room left blank
    async with make_app(db, MIA).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(header(pilot.app.screen.query_one(LeaderboardTable))[3:]) == 7


async def test_the_total_row_has_the_team_score_and_opens_the_team_funnel(db: Database, build: Builder) -> None:
    """North's summed facts against summed targets (4/2/1/4000 each, 3 reps): conversations 7/12, meetings 3/6,
    new opps 1/3, revenue 6500/12000; the score (7/12 + 1/2 + 1/3 + 6500/12000) / 4 = 49 %."""
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LeaderboardTable)
        assert table.get_row(TOTAL_KEY)[2].plain == "49%"
        await press(pilot, "down", "down", "down", "enter")
        assert table.on_total or isinstance(app.screen, TeamFunnel)
        assert isinstance(app.screen, TeamFunnel)
        report = app.screen.report
        assert report is not None and report.team == "North"
        assert [s.value for s in report.steps] == [8, 7, 3, 1, 0, 4]  # calls 5+1+2, conversations 4+1+2, ...
        assert "Median rep" in screen_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, ManagerHome)


@pytest.mark.parametrize("size", [(80, 24), (120, 35), (200, 50)])
async def test_chart_labels_sit_on_their_bars(db: Database, build: Builder, size: tuple[int, int]) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "s")  # conversations: Ada 4, Cy 2, Bob 1 against 4 each
        chart = app.screen.query_one(KpiBarChart)
        assert chart.values == [4.0, 2.0, 1.0]
        lines = chart.render().plain.splitlines()  # type: ignore[union-attr]
        fit = chart.fit
        assert fit.shown == 3 and fit.slot >= 2
        assert "target" not in "\n".join(lines)  # the legend is the panel's subtitle, not over a bar
        bar_rows = {1 + row for i in range(3) for row in fit.bar_rows(i)}  # 1: the plot's top line
        for i, label in enumerate(chart.labels):
            line = lines[1 + fit.label_row(i)]
            assert line.split("┤")[0].strip() == label
            assert "█" in line and "┃" in line  # its bar, and its target marker kept on top
        for row in range(1, 1 + fit.rows):
            assert ("█" in lines[row]) == (row in bar_rows)  # a blank row between bars: they never merge
        widths = [lines[1 + fit.label_row(i)].count("█") + lines[1 + fit.label_row(i)].count("┃") for i in range(3)]
        assert widths[0] > widths[1] > widths[2]  # 4 > 2 > 1
        assert len(lines) == chart.size.height and fit.rows + FRAME_ROWS <= chart.size.height


async def test_enter_on_the_total_of_several_teams_asks_for_a_team(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, "al@example.com")  # an admin: all teams
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LeaderboardTable)
        table.move_cursor(row=table.row_count - 1)
        await press(pilot, "enter")
        assert isinstance(app.screen, ManagerHome)
        assert any("Pick a team" in n.message for n in app._notifications)


