"""The manager's side through the keyboard (Pilot): leaderboard, sorting, teams, drill-down, access, standup,
palette. Numbers are worked out by hand in test_ui_manager_support."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Digits, OptionList, Static

from conftest import Builder, service
from kpitui.domain.periods import Period
from kpitui.store.db import Database
from kpitui.ui.screens.choose import NOTHING, ChooseOne
from kpitui.ui.screens.leaderboard import ManagerHome
from kpitui.ui.screens.rep_detail import RepDetail
from kpitui.ui.screens.standup import Standup
from kpitui.ui.widgets.funnel_chart import FunnelChart
from kpitui.ui.widgets.kpi_bars import KpiBarChart
from kpitui.ui.widgets.leaderboard_table import TOTAL_KEY, LeaderboardTable
from kpitui.ui.widgets.trend_chart import TrendChart
from test_ui_manager_support import AL, MIA, fill_teams
from test_ui_support import NOW, make_app, press, screen_text, settle, sqlite_db

SIZE = (120, 36)
W43 = Period.week_of(NOW.date())


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def board_names(app) -> list[str]:  # noqa: ANN001
    table = app.screen.query_one(LeaderboardTable)
    return [table.rows_by_id[rep_id].rep for rep_id in table.order]


def notifications(app) -> str:  # noqa: ANN001
    return "\n".join(str(n.message) for n in app._notifications)


async def test_manager_lands_on_the_leaderboard_and_sorts_by_win_rate(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ManagerHome)
        text = screen_text(app)
        assert "North" in text and "2026-W43" in text and "Sam South" not in text
        assert board_names(app) == ["Ada Lovelace", "Cy Young", "Bob Builder"]  # 56 %, 53 %, 38 %
        table = app.screen.query_one(LeaderboardTable)
        ada = table.get_row(str(table.order[0]))
        assert ada[2].plain == "56%"
        assert ada[3].plain == "4 ▲"  # 4 conversations vs 2 in W42
        assert "green" in str(ada[3].style)  # 4 / 4: at target
        total = table.get_row(TOTAL_KEY)
        assert total[3].plain.startswith("7")  # 4 + 1 + 2 conversations
        # s steps through the columns: score → conversations → meetings → new opps → revenue → win rate
        await press(pilot, "s", "s", "s", "s", "s")
        assert app.screen.sort == "win_rate"
        assert board_names(app) == ["Bob Builder", "Cy Young", "Ada Lovelace"]  # 100 %, 50 %, 25 %
        assert [table.rows_by_id[i].rank for i in table.order] == [1, 2, 3]
        win_rate_column = 3 + 4  # rank, rep, score, 4 scorecard KPIs, then win rate
        assert [table.get_row(str(i))[win_rate_column].plain.split()[0] for i in table.order] == ["100%", "50%",
                                                                                                    "25%"]
        assert table.get_row(TOTAL_KEY)[win_rate_column].plain.split()[0] == "50%"  # 4 won / 8 closed
        assert "Win rate↓" in screen_text(app)
        chart = app.screen.query_one(KpiBarChart)
        assert chart.key == "win_rate"
        assert chart.values == [100.0, 50.0, 25.0]
        await press(pilot, "less_than_sign")
        assert app.screen.sort == "revenue"
        chart = app.screen.query_one(KpiBarChart)
        assert chart.values == [5000.0, 1000.0, 500.0]
        assert chart.targets == [4000.0, 4000.0, 4000.0]


async def test_sort_by_any_kpi_from_the_menu(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "K")
        assert isinstance(app.screen, ChooseOne)
        values = [value for value, _label in app.screen.options]
        app.screen.query_one(OptionList).highlighted = values.index("calls")
        await press(pilot, "enter")
        assert isinstance(app.screen, ManagerHome) and app.screen.sort == "calls"
        assert board_names(app) == ["Ada Lovelace", "Cy Young", "Bob Builder"]  # 5, 2, 1 calls (Cy before Bob)
        assert "Calls↓" in screen_text(app)


async def test_drill_into_the_second_rep_step_and_come_back(db: Database, build: Builder) -> None:
    ids = fill_teams(build)
    svc = service(db, actor=MIA, now=NOW)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter")
        screen = app.screen
        assert isinstance(screen, RepDetail)
        assert screen.rep.name == "Cy Young"
        text = screen_text(app)
        assert "North › Cy Young › 2026-W43" in text and "2/3" in text
        funnel = svc.funnel(W43, rep="cy@example.com")
        assert [s.value for s in funnel.steps] == [2, 2, 1, 1, 0, 1]  # calls → ... → won
        chart = screen.query_one(FunnelChart)
        assert chart.values == [2.0, 2.0, 1.0, 1.0, 0.0, 1.0]
        assert chart.team_values == [float(s.value or 0) for s in funnel.team_median]
        assert funnel.diagnosis, "the hand-built team gives Cy something to coach"
        diagnosis = screen.query_one("#detail-diagnosis", Static).render().plain
        for finding in funnel.diagnosis:
            assert finding.message in diagnosis.replace("\n", " ")
        trend = svc.trend("conversations", rep="cy@example.com", weeks=13, until=W43)
        drawn = screen.query_one(TrendChart)
        assert drawn.weeks[-1] == "2026-W43" and len(drawn.weeks) == 13
        assert drawn.values == [float(p.value) for p in trend.points]
        assert drawn.values[-3:] == [3.0, 0.0, 2.0]  # W41: 3, W42: 0, W43: 2
        assert drawn.targets[-1] == 4.0 and drawn.targets[0] is None
        # next rep without leaving
        await press(pilot, "right")
        assert isinstance(app.screen, RepDetail) and app.screen.rep.name == "Bob Builder"
        assert "North › Bob Builder" in screen_text(app)
        assert app.screen.query_one(FunnelChart).values[-1] == 2.0  # Bob won two
        await press(pilot, "p")
        assert app.screen.rep.name == "Cy Young"
        # the trend follows `k`
        await press(pilot, "k")
        assert app.screen.query_one(TrendChart).key == "meetings"
        await press(pilot, "escape")
        assert isinstance(app.screen, ManagerHome)
        assert app.screen.query_one(LeaderboardTable).selected_rep_id == ids["cy"]


async def test_escape_selects_the_rep_last_shown(db: Database, build: Builder) -> None:
    ids = fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter", "n", "n", "escape")  # Cy → Bob → (wraps) Ada
        assert app.screen.query_one(LeaderboardTable).selected_rep_id == ids["ada"]


async def test_a_manager_chooses_among_their_teams_only(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "T")
        assert isinstance(app.screen, ChooseOne)
        assert app.screen.options == [("North", "North")]  # no South, no "all teams"
        await press(pilot, "escape")
        assert isinstance(app.screen, ManagerHome)


async def test_the_services_refusal_is_shown_and_the_leaderboard_stays(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_open_rep("sam@example.com")  # what "Go to rep" would do with a rep of another team
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ManagerHome)
        assert "may not see Sam South" in notifications(app)


async def test_an_admin_sees_every_team_and_opens_anyone(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, AL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ManagerHome)
        assert "All teams" in screen_text(app)
        assert "Sam South" in board_names(app)
        await press(pilot, "T")
        assert app.screen.options[0] == (NOTHING, "All teams")
        await press(pilot, "escape")
        table = app.screen.query_one(LeaderboardTable)
        names = board_names(app)
        table.move_cursor(row=names.index("Sam South"))
        await press(pilot, "enter")
        assert isinstance(app.screen, RepDetail) and app.screen.rep.name == "Sam South"
        assert app.screen.query_one(FunnelChart).values[1] == 1.0  # one conversation


async def test_period_keys_reload_the_board(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket")
        assert app.period.label == "2026-W42"
        table = app.screen.query_one(LeaderboardTable)
        assert table.rows_by_id[table.order[0]].rep == "Ada Lovelace"
        assert table.rows_by_id[table.order[0]].kpis["conversations"] == 2
        await press(pilot, "t")
        assert app.period.label == "2026-W43"


async def test_standup_steps_rep_by_rep_and_leaves_on_escape(db: Database, build: Builder) -> None:
    ids = fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "S")
        assert isinstance(app.screen, Standup)
        assert "Ada Lovelace" in screen_text(app)
        digits = app.screen.query_one("#standup-conversations").query_one(Digits)
        assert digits.value == "4"
        await press(pilot, "space")
        assert "Cy Young" in screen_text(app) and "2/3" in screen_text(app)
        assert app.screen.query_one("#standup-conversations").query_one(Digits).value == "2"
        await press(pilot, "space", "left", "left", "left")
        assert app.screen.rep.name == "Ada Lovelace"  # rank 1 is where it starts and stops going back
        await press(pilot, "space", "space")
        assert app.screen.rep.name == "Bob Builder"
        await press(pilot, "escape")
        assert isinstance(app.screen, ManagerHome)
        assert app.screen.query_one(LeaderboardTable).selected_rep_id == ids["bob"]


async def test_kpitui_standup_opens_in_standup_mode(db: Database, build: Builder) -> None:
    from kpitui.ui.app import build_app

    fill_teams(build)
    app = build_app(None, MIA, service=service(db, actor=MIA, now=NOW), standup=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, Standup)


async def test_palette_goes_to_a_rep_named_like_markup(db: Database, build: Builder) -> None:
    ids = fill_teams(build)
    mallory = build.rep("[/] Mallory", ids["north"], email="mallory@example.com")
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p", *"repmallory")
        await pilot.pause(0.3)
        assert "[/] Mallory" in screen_text(app)
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, RepDetail)
        assert app.screen.rep.rep_id == mallory
        assert "[/] Mallory" in screen_text(app)


async def test_export_leaderboard_writes_csv(db: Database, build: Builder, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    fill_teams(build)
    monkeypatch.chdir(tmp_path)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_export_leaderboard()
        await settle(pilot)
    written = (tmp_path / "leaderboard-north-2026-W43.csv").read_text(encoding="utf-8")
    assert "Ada Lovelace" in written and "TOTAL" in written
