"""The targets editor through the keyboard: set a cell, see it saved and in the history; a bad value shows an
error and saves nothing; team defaults; copy forward."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from conftest import Builder, service
from kpitui.domain.periods import Period
from kpitui.store.db import Database
from kpitui.ui.screens.target_history import TargetHistory
from kpitui.ui.screens.targets import TARGET_KPIS, TargetGrid, TargetInput, TargetsEditor
from test_ui_manager_support import MIA, fill_teams
from test_ui_support import NOW, make_app, press, screen_text, settle, sqlite_db

SIZE = (120, 36)
W43 = Period.week_of(NOW.date())


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def sheet(db: Database, period: Period = W43):  # noqa: ANN201
    return service(db, actor=MIA, now=NOW).target_sheet("North", period)


async def open_editor(pilot) -> None:  # noqa: ANN001
    await settle(pilot)
    await press(pilot, "e")
    assert isinstance(pilot.app.screen, TargetsEditor)


async def test_set_a_reps_target_and_see_it_in_the_history(db: Database, build: Builder) -> None:
    ids = fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(pilot)
        text = screen_text(app)
        assert "North › Targets › 2026-W43" in text and "Team default" in text
        # row 0 is the team default, then Ada, Bob, Cy; column 1 is conversations
        await press(pilot, "down", "right", "enter")
        assert isinstance(app.screen, TargetInput)
        await press(pilot, *"6", "enter")
        assert isinstance(app.screen, TargetsEditor)
        assert sheet(db).own[ids["ada"]]["conversations"] == Decimal(6)
        grid = app.screen.query_one(TargetGrid)
        assert grid.get_row(str(ids["ada"]))[1].plain == "6"
        assert grid.get_row(str(ids["bob"]))[1].plain == "4"  # the team default still applies
        await press(pilot, "h")
        assert isinstance(app.screen, TargetHistory)
        newest = app.screen.changes[0]
        assert (newest.actor, newest.owner, newest.kpi, newest.old, newest.new) == (
            "Mia Manager", "Ada Lovelace", "conversations", "—", "6")
        assert "Ada Lovelace" in screen_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, TargetsEditor)
        # x clears it again: Ada falls back to the team default
        await press(pilot, "x")
        assert "conversations" not in sheet(db).own.get(ids["ada"], {})
        assert app.screen.query_one(TargetGrid).get_row(str(ids["ada"]))[1].plain == "4"


async def test_a_bad_value_shows_an_error_and_saves_nothing(db: Database, build: Builder) -> None:
    ids = fill_teams(build)
    before = sheet(db)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(pilot)
        await press(pilot, "down", "down", "right", "right", "right", "right", "right", "right", "right", "right")
        await press(pilot, "enter")  # Bob × win rate
        assert isinstance(app.screen, TargetInput) and app.screen.key == "win_rate"
        await press(pilot, *"150", "enter")
        assert isinstance(app.screen, TargetInput)
        error = app.screen.query_one("#form-error", Static)
        assert "-shown" in error.classes
        assert "win_rate" in error.render().plain and "between 0 and 1" in error.render().plain
        app.screen.query_one(Input).value = "abc"
        await press(pilot, "enter")
        assert isinstance(app.screen, TargetInput)
        await press(pilot, "escape")
        assert isinstance(app.screen, TargetsEditor)
    after = sheet(db)
    assert (after.defaults, after.own) == (before.defaults, before.own)
    assert ids["bob"] not in after.own


async def test_team_default_and_copy_forward(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(pilot)
        await press(pilot, "right", "right", "enter")  # team default × meetings (2)
        assert app.screen.query_one(Input).value == "2"
        app.screen.query_one(Input).value = "3"
        await press(pilot, "enter")
        assert sheet(db).defaults["meetings"] == Decimal(3)
        await press(pilot, "right_square_bracket")  # W44 has no targets
        assert app.period.label == "2026-W44"
        assert sheet(db, W43.next()).defaults == {}
        await press(pilot, "c")
        assert sheet(db, W43.next()).defaults == sheet(db).defaults
        assert app.screen.query_one(TargetGrid).get_row("team")[2].plain == "3"


async def test_a_derived_target_shows_marked_and_typing_a_value_sets_it(db: Database, build: Builder) -> None:
    """W44 (26–30 Oct) has no targets of its own: the team's Q4 (66 calls, 66 working days) gives October 22
    and the week 5; Ada's own October (44 calls over 22 days) gives her 10. Both show as "≈", dim."""
    ids = fill_teams(build)
    north = service(db).find_team("North")[0]
    build.target("calls", "quarter", date(2026, 10, 1), "66", team_id=north)
    build.target("calls", "month", date(2026, 10, 1), "44", rep_id=ids["ada"])
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await open_editor(pilot)
        await press(pilot, "right_square_bracket")
        assert app.period.label == "2026-W44"
        grid = app.screen.query_one(TargetGrid)
        calls = 1 + TARGET_KPIS.index("calls")
        team_cell, ada_cell = grid.get_row("team")[calls], grid.get_row(str(ids["ada"]))[calls]
        assert (team_cell.plain, ada_cell.plain) == ("≈5", "≈10")
        assert "dim" in str(ada_cell.style)
        await press(pilot, "down", *["right"] * calls)
        note = app.screen.query_one("#target-note", Static).render().plain
        assert "Ada Lovelace × Calls: ≈10" in note and "derived from 2026-10" in note
        await press(pilot, "enter")
        assert isinstance(app.screen, TargetInput)
        assert app.screen.query_one(Input).value == ""  # nothing set: typing overrides
        assert "≈10 applies, derived from 2026-10" in app.screen.query_one("#target-hint", Static).render().plain
        await press(pilot, *"12", "enter")
        assert isinstance(app.screen, TargetsEditor)
        assert sheet(db, W43.next()).own[ids["ada"]]["calls"] == Decimal(12)
        assert sheet(db, W43.next()).source(ids["ada"], "calls") == "rep"
        cell = app.screen.query_one(TargetGrid).get_row(str(ids["ada"]))[calls]
        assert cell.plain == "12" and "bold" in str(cell.style)
