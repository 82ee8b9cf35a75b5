"""`g` in the targets editor (Pilot): suggested targets previewed in the grid, marked "→", accepted per cell
(`a`) or all at once (`A`), each audited like any target change; `g` or Esc ends the preview.

The team of test_ui_manager_support (clock Wed 21 Oct 2026, the editor on 2026-W43, a week = 5 working days),
plus Ada's connected calls on the Wednesdays of 2026-W35..W42: ADDED below; with the two of W42 that
fill_teams logs, her weeks are ADA. Her history begins in W35 (8 of the 12 complete weeks W31..W42), so her
calls and conversations are suggested at ⌈p80(ADA)⌉. Bob's and Cy's only
weekly values are the deals they created on 1 Sep: their p80 is 0, so nothing is suggested for them.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Builder, local, service
from kpitui.domain.periods import Period
from kpitui.store.db import Database
from kpitui.ui.screens.targets import TargetGrid, TargetsEditor
from test_ui_manager_support import MIA, fill_teams
from test_ui_support import NOW, make_app, press, screen_text, settle, sqlite_db

W43 = Period.week_of(NOW.date())
ADDED = [3, 5, 2, 4, 6, 1, 3, 4]
ADA = [*ADDED[:-1], ADDED[-1] + 2]
SUGGESTION = math.ceil(statistics.quantiles(ADA, n=10, method="inclusive")[7])  # 5.6 → 6


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


@pytest.fixture
def ids(build: Builder) -> dict[str, int]:
    team = fill_teams(build)
    first = date(2026, 8, 26)  # Wednesday of 2026-W35
    for week, calls in enumerate(ADDED):
        day = first + timedelta(weeks=week)
        for i in range(calls):
            build.activity(team["ada"], "call", local(day.year, day.month, day.day, 10, i), outcome="connected")
    return team


async def test_g_previews_suggestions_and_a_accepts_one_then_all(db: Database, ids: dict[str, int]) -> None:
    assert SUGGESTION == 6
    app = make_app(db, MIA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        editor = app.screen
        assert isinstance(editor, TargetsEditor)
        grid = editor.query_one(TargetGrid)
        assert grid.get_row(str(ids["ada"]))[1].plain == "4"  # the team default
        await press(pilot, "g")
        ada = grid.get_row(str(ids["ada"]))
        assert ada[1].plain == f"→{SUGGESTION}" and ada[5].plain == f"→{SUGGESTION}"  # conversations, calls
        assert "cyan" in str(ada[1].style) and "italic" in str(ada[1].style)
        assert not any(cell.plain.startswith("→") for cell in grid.get_row(str(ids["bob"]))[1:])
        assert not any(cell.plain.startswith("→") for cell in grid.get_row(str(ids["cy"]))[1:])
        await press(pilot, "down", "right")  # Ada × conversations
        text = screen_text(app)
        assert f"→ suggested {SUGGESTION}, p80 of 8 weeks (2026-W35..2026-W42)" in text
        await press(pilot, "a")
        svc = service(db, actor=MIA, now=NOW)
        sheet = svc.target_sheet("North", W43)
        assert sheet.own[ids["ada"]] == {"conversations": Decimal(SUGGESTION)}
        assert grid.get_row(str(ids["ada"]))[1].plain == str(SUGGESTION)  # set now, no longer a suggestion
        assert grid.get_row(str(ids["ada"]))[5].plain == f"→{SUGGESTION}"  # still previewed
        await press(pilot, "A")
        sheet = svc.target_sheet("North", W43)
        assert sheet.own[ids["ada"]] == {"conversations": Decimal(SUGGESTION), "calls": Decimal(SUGGESTION)}
        assert editor.preview is None
        assert not any(cell.plain.startswith("→") for cell in grid.get_row(str(ids["ada"]))[1:])
        history = svc.target_history("North")
        assert [(c.actor, c.action) for c in history] == [("Mia Manager", "create")] * 2


async def test_g_again_or_escape_ends_the_preview_without_writing(db: Database, ids: dict[str, int]) -> None:
    app = make_app(db, MIA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "e", "g")
        editor = app.screen
        grid = editor.query_one(TargetGrid)
        assert grid.get_row(str(ids["ada"]))[1].plain == f"→{SUGGESTION}"
        await press(pilot, "g")
        assert editor.preview is None and grid.get_row(str(ids["ada"]))[1].plain == "4"
        await press(pilot, "g", "escape")
        assert app.screen is editor and editor.preview is None
        await press(pilot, "A")  # nothing previewed: nothing to accept
        assert service(db, actor=MIA, now=NOW).target_history("North") == []
        await press(pilot, "escape")
        assert not isinstance(app.screen, TargetsEditor)
