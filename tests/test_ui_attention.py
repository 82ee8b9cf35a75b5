"""The "Needs attention" panel beside the manager's leaderboard (Pilot): the rules of `kpitui alerts` for the
period and team in view, beside the chart; Enter on an item opens that rep's drill-down; at 80 columns hidden
until `a` shows it in the chart's place.

The team of test_ui_manager_support on Wednesday 21 Oct 2026 (2026-W43, 3 of 5 working days begun), team
default targets conversations 4, meetings 2, new opps 1, revenue 4000 a week. Projections are value × 5 / 3:
- Ada: conversations 4 → 6.7, meetings 2 → 3.3 (fine); new opps 0 and revenue 1000 → 1,667: behind.
- Bob: conversations 1 → 1.7, meetings 0, new opps 0: behind; revenue 5000: fine.
- Cy: conversations 2 → 3.3 and meetings 1 → 1.7 (83 %), revenue 500 → 833: behind; new opps 1 → 1.7: fine.
Everyone logged something on Mon 19 or Tue 20 Oct. Bob's open deal "[/]<ESC>[2J deal", created 1 Sep and never
touched, has stalled (50 days).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import OptionList

from conftest import Builder, service
from kpitui.domain.periods import Period
from kpitui.store.db import Database
from kpitui.ui.screens.leaderboard import ManagerHome
from kpitui.ui.screens.rep_detail import RepDetail
from kpitui.ui.widgets.attention import AttentionPanel
from kpitui.ui.widgets.leaderboard_table import LeaderboardTable
from test_ui_manager_support import MIA, fill_teams
from test_ui_support import NOW, make_app, press, screen_text, settle, sqlite_db

W43 = Period.week_of(NOW.date())
EXPECTED = [("Ada Lovelace", "behind_pace", "new_opps"), ("Ada Lovelace", "behind_pace", "revenue"),
            ("Bob Builder", "behind_pace", "conversations"), ("Bob Builder", "behind_pace", "meetings"),
            ("Bob Builder", "behind_pace", "new_opps"), ("Bob Builder", "stalled_deal", None),
            ("Cy Young", "behind_pace", "conversations"), ("Cy Young", "behind_pace", "meetings"),
            ("Cy Young", "behind_pace", "revenue")]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


@pytest.fixture
def team(build: Builder) -> dict[str, int]:
    ids = fill_teams(build)
    build.deal(ids["bob"], "[/]\x1b[2J", "700", "Proposal", date(2026, 9, 1))
    return ids


def items(app) -> list[str]:  # noqa: ANN001
    options = app.screen.query_one("#attention-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_panel_lists_the_alerts_and_enter_opens_the_rep(db: Database, team: dict[str, int]) -> None:
    report = service(db, actor=MIA, now=NOW).alerts(W43)
    assert [(a.rep, a.code, a.kpi) for a in report.alerts] == EXPECTED
    app = make_app(db, MIA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, ManagerHome)
        panel = home.query_one(AttentionPanel)
        assert panel.display and panel.region.width >= 36
        assert "Needs attention (9)" in screen_text(app)
        assert [a.message for a in panel.report.alerts] == [a.message for a in report.alerts]
        shown = items(app)
        assert shown[0].startswith("Ada Lovelace  behind pace\nNew opps: 0 of 1 after 3 of 5 working days")
        assert shown[5].startswith("Bob Builder  stalled deal\n[/] deal (#")  # literal, the escape sequence stripped
        await press(pilot, "a")
        assert app.focused is panel.query_one(OptionList)
        await press(pilot, "down", "down", "down")  # Bob's meetings
        await press(pilot, "enter")
        assert isinstance(app.screen, RepDetail) and app.screen.rep.name == "Bob Builder"
        await press(pilot, "escape")
        assert app.screen is home
        table = home.query_one(LeaderboardTable)
        assert table.selected_rep_id == team["bob"] and app.focused is table
        await press(pilot, "a", "a")  # to the panel and back
        assert app.focused is table


async def test_at_80_columns_the_panel_hides_until_a(db: Database, team: dict[str, int]) -> None:
    app = make_app(db, MIA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Needs attention" not in screen_text(app)
        assert "Leaderboard" in screen_text(app)
        await press(pilot, "a")
        text = screen_text(app)
        assert "Needs attention (9)" in text and "Ada Lovelace  behind pace" in text
        assert "Team total" in text  # the board stays in view, the panel takes the chart's place
        await press(pilot, "escape")
        assert "Needs attention" not in screen_text(app)
        await press(pilot, "a", "down", "down", "down", "down", "down", "down", "enter")
        assert isinstance(app.screen, RepDetail) and app.screen.rep.name == "Cy Young"
        await press(pilot, "escape")
        assert "Needs attention" not in screen_text(app)  # back on the board, Cy selected


async def test_nobody_to_attend_to(db: Database, build: Builder) -> None:
    north = build.team("North")
    build.rep("Mia Manager", north, role="manager")
    app = make_app(db, MIA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "Nobody needs attention" in screen_text(app)
