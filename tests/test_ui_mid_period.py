"""Mid-period numbers as people meet them in the app (Pilot): the tile says what today still takes, a period that
has not begun says "not started", and the leaderboard's colours follow pace while the period runs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from conftest import Builder, local
from kpitui.store.db import Database
from kpitui.ui.screens.leaderboard import ManagerHome
from kpitui.ui.widgets.kpi_tile import KpiTile
from kpitui.ui.widgets.leaderboard_table import LeaderboardTable
from test_ui_support import fill, make_app, press, settle, sqlite_db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def tile(app, key: str) -> str:  # noqa: ANN001
    return app.screen.query_one(f"#tile-{key}", KpiTile).render().plain


async def test_the_tile_says_what_today_takes_and_a_week_ahead_is_not_started(db: Database,
                                                                              build: Builder) -> None:
    fill(build)  # Wednesday 21 October (W43): Ada has 3 of 10 conversations, 3 of 5 working days begun
    app = make_app(db)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        conversations = tile(app, "conversations")
        assert "3 more conversations today to be on pace" in conversations  # ⌈10 × 3/5 − 3⌉
        assert "pace 5 behind" in conversations  # 3 / (3/5), by working days
        assert "1.0k more revenue today to be on pace" not in tile(app, "revenue")
        assert "on pace" in tile(app, "revenue").splitlines()[3]  # 3,000 won of 5,000: ahead, nothing due
        await press(pilot, "right_square_bracket")  # W44 has not begun
        for key in ("conversations", "meetings", "new_opps", "revenue"):
            text = tile(app, key)
            assert "not started" in text, text
            assert "behind" not in text and "▼" not in text and "more" not in text, text


async def test_leaderboard_colours_follow_pace_mid_period(db: Database, build: Builder) -> None:
    team = build.team("North")
    pace, slow = build.rep("Pia Pace", team), build.rep("Sol Slow", team)
    build.rep("Mia Manager", team, role="manager", email="mia@example.com")
    build.target("conversations", "month", date(2026, 11, 1), "50", team_id=team)
    for day in (2, 3, 4):  # Wednesday 4 November: 3 of November's 21 working days
        for i in range(5):
            build.activity(pace, "call", local(2026, 11, day, 9, i), "connected")
        build.activity(slow, "call", local(2026, 11, day, 9), "connected")
    app = make_app(db, "mia@example.com", now=local(2026, 11, 4, 10))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ManagerHome)
        await press(pilot, "w")  # week -> month
        await settle(pilot)
        assert app.period.label == "2026-11"
        table = app.screen.query_one(LeaderboardTable)
        column = table.get_column_index("conversations")
        by_name = {row.rep: table.get_row(str(row.rep_id)) for row in table.rows_by_id.values()}
        pia, sol = by_name["Pia Pace"][column], by_name["Sol Slow"][column]
        assert pia.plain.startswith("15")  # 30 % of 50, but 15 / (3/21) = 105 projected: ahead, green
        assert "green" in str(pia.style) and "red" not in str(pia.style)
        assert sol.plain.startswith("3")  # 6 %: 21 projected, behind
        assert "red" in str(sol.style)
