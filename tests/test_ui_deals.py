"""My deals, the help screen, the go-to keys and the command palette (Pilot)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable

from conftest import Builder, service
from kpitui.store.db import Database
from kpitui.ui.screens.activities import ActivityList
from kpitui.ui.screens.deal_form import DealForm
from kpitui.ui.screens.deals import MyDeals
from kpitui.ui.screens.help import HelpScreen
from kpitui.ui.screens.home import RepHome
from kpitui.ui.widgets.kpi_tile import KpiTile
from test_ui_support import (
    ADA,
    NOW,
    fill,
    make_app,
    press,
    screen_text,
    settle,
    sqlite_db,
)

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def deal_rows(app) -> list[str]:  # noqa: ANN001
    table = app.screen.query_one("#deal-table", DataTable)
    return [str(table.get_cell(key, "deal")) for key in table.rows]


async def test_close_a_deal_won_and_move_another(db: Database, build: Builder, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fill(build)
    config = tmp_path / "config.toml"
    config.write_text('stages = ["Discovery", "Proposal", "Negotiation"]\n', encoding="utf-8")
    monkeypatch.setenv("KPITUI_CONFIG", str(config))
    svc = service(db, actor=ADA, now=NOW)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "D")
        assert isinstance(app.screen, MyDeals)
        assert sorted(deal_rows(app)) == ["D-1", "D-3"]
        assert "Open pipeline 3.5k in 2 deals" in screen_text(app)
        first = deal_rows(app)[0]
        await press(pilot, "w")
        assert isinstance(app.screen, DealForm)
        assert app.screen.query_one("#closed-on").value == "2026-10-21"
        await press(pilot, "enter")
        assert isinstance(app.screen, MyDeals)
        assert deal_rows(app) == [d for d in ("D-3", "D-1") if d != first]
        won = svc.find_deal(first)
        assert (won.outcome, str(won.closed_on)) == ("won", "2026-10-21")
        # move the other one on
        await press(pilot, "m", "end", "enter")  # the pick-list's last stage
        other = svc.find_deal(deal_rows(app)[0])
        assert other.stage == "Negotiation" and other.outcome == "open"
        await press(pilot, "escape")
        assert isinstance(app.screen, RepHome)
        revenue = app.screen.query_one("#tile-revenue", KpiTile).render().plain
        expected = {"D-1": "4.0k", "D-3": "5.5k"}[first]  # Globex 3,000 + the deal just won
        assert revenue.startswith(f"{expected} / 5.0k")


async def test_a_bad_close_date_is_shown_and_nothing_changes(db: Database, build: Builder) -> None:
    fill(build)
    svc = service(db, actor=ADA, now=NOW)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "D", "x", "tab", "ctrl+u", *"2026-02-30", "enter")
        assert isinstance(app.screen, DealForm)
        assert app.screen.query_one("#form-error").display
        await press(pilot, "escape")
        assert sorted(deal_rows(app)) == ["D-1", "D-3"]
    assert len(svc.deals(open_only=True)) == 2


async def test_help_lists_every_key(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        rows = [" ".join(str(c) for c in table.get_row(key)) for key in table.rows]
        for expected in ("[ Prev", "] Next", "w Wk/Mo/Qtr", "a Log", "k All KPIs", "u Undo", "x, del Delete",
                         "w Won", "^s Save + another", "c Call", "^p Commands"):
            assert any(expected in row for row in rows), expected
        await press(pilot, "escape")
        assert isinstance(app.screen, RepHome)


async def test_go_to_keys(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "g", "d")
        assert isinstance(app.screen, MyDeals)
        await press(pilot, "g", "l")
        assert isinstance(app.screen, ActivityList)
        await press(pilot, "g", "h")
        assert isinstance(app.screen, RepHome)
        assert len(app.screen_stack) == 2


async def test_palette_goes_to_deals_and_exports_the_scorecard(db: Database, build: Builder, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fill(build)
    monkeypatch.chdir(tmp_path)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await press(pilot, *"my deals", "enter")
        assert isinstance(app.screen, MyDeals)
        await press(pilot, "ctrl+p", *"export", "enter")
        await settle(pilot)
        await press(pilot, "ctrl+p", *"last week", "enter")
        assert app.period.label == "2026-W42"
    path = tmp_path / "scorecard-ada-lovelace-2026-W43.csv"
    assert path.exists(), list(tmp_path.iterdir())
    with path.open(newline="") as f:
        rows = {row["key"]: row for row in csv.DictReader(f)}
    assert rows["conversations"]["value"] == "3"
