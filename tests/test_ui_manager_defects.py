"""Small defects of the manager's screens, through the keyboard: the `g` menu shows its places, clearing a
target says so, the drill-down's deals tab puts open and stalled deals first."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import Builder, local
from kpitui.store.db import Database
from kpitui.ui.screens.go_to import GoTo
from kpitui.ui.screens.rep_detail import DealTable, RepDetail
from kpitui.ui.screens.targets import TargetInput, TargetsEditor
from test_ui_manager_support import MIA, fill_teams
from test_ui_support import fill, make_app, press, screen_text, settle, sqlite_db

SIZE = (120, 36)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def notifications(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def test_the_go_to_menu_shows_its_places(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "g")
        assert isinstance(app.screen, GoTo)
        text = screen_text(app)
        for line in ("Home: my scorecard", "My activities", "My deals"):
            assert line in text


async def test_clearing_a_target_says_cleared(db: Database, build: Builder) -> None:
    ids = fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        assert isinstance(app.screen, TargetsEditor)
        await press(pilot, "down", "right", "enter", *"6", "enter")  # Ada × conversations = 6
        assert notifications(app)[-1] == "Target saved"
        await press(pilot, "x")
        assert notifications(app)[-1] == "Target cleared"
        assert app.screen.query_one("TargetGrid").get_row(str(ids["ada"]))[1].plain == "4"  # the default again
        await press(pilot, "x")  # nothing of Ada's own is left in the cell
        assert notifications(app)[-1] == "No target set in this cell to clear"
        await press(pilot, "enter", *"7", "enter", "enter")  # set 7, then open it again
        assert isinstance(app.screen, TargetInput)
        app.screen.query_one("Input").value = ""
        await press(pilot, "enter")  # empty removes
        assert notifications(app)[-1] == "Target cleared"
        assert "Target saved" not in notifications(app)[-1:]


async def test_the_deals_tab_puts_open_and_stalled_deals_first(db: Database, build: Builder) -> None:
    """Cy's deals (fill_teams): Small (won 20 Oct), Gone (lost 21 Oct), Fresh (open, created 20 Oct); plus an
    open deal untouched since 1 Sep (stalled). Old order: lost, open (newest first), won."""
    ids = fill_teams(build)
    quiet = build.deal(ids["cy"], "Sleepy", "800", "Discovery", date(2026, 9, 1))
    build.activity(ids["cy"], "call", local(2026, 9, 2, 9), deal_id=quiet)
    app = make_app(db, MIA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "down", "enter")  # Cy is second by score
        assert isinstance(app.screen, RepDetail) and app.screen.rep.name == "Cy Young"
        await press(pilot, "d")
        table = app.screen.query_one(DealTable)
        accounts = [table.get_row_at(i)[1].plain for i in range(table.row_count)]
        assert accounts == ["Sleepy", "Fresh", "Gone", "Small"]
        assert table.get_row_at(0)[2].plain == "49d stalled"
        assert "49d stalled" in screen_text(app)
