"""Deals from the keyboard (Pilot): `n` creates one, the move form's stage pick-list, the closed deals and
reopen, and picking among matching deals in the activity form. The team of test_ui_support: Ada has D-1 (Acme,
Discovery), D-2 (Globex, won 20 Oct) and D-3 (Initech, Proposal); the clock is Wed 2026-10-21 15:00."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import DataTable, OptionList, Select

from conftest import Builder, service
from kpitui.store.db import Database
from kpitui.ui.screens.activity_form import ActivityForm
from kpitui.ui.screens.deal_form import DealForm
from kpitui.ui.screens.deals import MyDeals
from kpitui.ui.screens.home import RepHome
from kpitui.ui.screens.new_deal import NewDealForm
from kpitui.ui.widgets.deal_matches import DealMatches
from kpitui.ui.widgets.kpi_tile import KpiTile
from test_ui_support import ADA, NOW, fill, make_app, press, screen_text, settle, sqlite_db

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def rows(app) -> list[list[str]]:  # noqa: ANN001
    table = app.screen.query_one("#deal-table", DataTable)
    return [[str(cell) for cell in table.get_row(key)] for key in table.rows]


def tile(app, key: str) -> str:  # noqa: ANN001
    return app.screen.query_one(f"#tile-{key}", KpiTile).render().plain


async def test_n_creates_a_deal_that_counts_and_shows_in_the_deals(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert tile(app, "new_opps").startswith("0 / 1")
        await press(pilot, "n")
        assert isinstance(app.screen, NewDealForm)
        stage = app.screen.query_one("#new-stage", Select)
        assert stage.value == "Proposal"  # the data's first stage: Proposal's deal is the younger
        await press(pilot, *"Umbrella [b]", "tab", *"Rollout", "tab", "tab", *"7,500", "enter")
        assert isinstance(app.screen, RepHome), screen_text(app)
        assert tile(app, "new_opps").startswith("1 / 1")
        await press(pilot, "D")
        assert ["Proposal", "#4", "Umbrella [b]", "Rollout", "7,500.00", "2026-10-21", "0 d"] in rows(app)
    added = service(db, actor=ADA, now=NOW).find_deal("4")
    assert (added.account, added.amount, added.created_on, added.rep) == ("Umbrella [b]", 7500, date(2026, 10, 21),
                                                                         "Ada Lovelace")


async def test_a_new_deal_without_a_name_is_refused_in_the_form(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n", *"Umbrella", "enter")
        assert isinstance(app.screen, NewDealForm)
        assert "name: required, but empty" in screen_text(app)
        assert app.screen.query_one("#new-name").has_class("-invalid")
    assert len(service(db, actor=ADA, now=NOW).deals(open_only=True)) == 2


async def test_the_move_form_picks_from_the_pipeline_in_order(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "D")
        assert [r[1] for r in rows(app)] == ["D-3", "D-1"]  # Proposal first: the pipeline's order
        await press(pilot, "m")
        assert isinstance(app.screen, DealForm)
        stages = app.screen.query_one("#stage-list", OptionList)
        assert [str(stages.get_option_at_index(i).prompt) for i in range(stages.option_count)] == [
            "Proposal", "Discovery"]
        assert stages.highlighted == 0  # where D-3 is
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, MyDeals)
    assert service(db, actor=ADA, now=NOW).find_deal("D-3").stage == "Discovery"


async def test_reopen_from_the_closed_deals_takes_the_revenue_back(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert tile(app, "revenue").startswith("3.0k / 5.0k")  # Globex, won Tue 20 Oct
        await press(pilot, "D", "c")
        assert "› Closed" in screen_text(app)
        assert [r[:2] for r in rows(app)] == [["won", "D-2"]]
        await press(pilot, "m")
        assert isinstance(app.screen, MyDeals)  # closed deals do not move: reopen first
        await press(pilot, "o")
        assert rows(app) == []
        await press(pilot, "c")
        assert "D-2" in [r[1] for r in rows(app)]
        await press(pilot, "escape")
        assert tile(app, "revenue").startswith("0 / 5.0k")
    reopened = service(db, actor=ADA, now=NOW).find_deal("D-2")
    assert (reopened.outcome, reopened.closed_on, reopened.stage) == ("open", None, "Discovery")


async def test_the_activity_form_lists_matching_deals_to_pick_one(db: Database, build: Builder) -> None:
    ids = fill(build)
    build.deal(ids["ada"], "Acme", "800", "Proposal", date(2026, 10, 12))  # a second Acme deal, no external id
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a", "e", "tab", "tab", "tab", *"acme")
        assert isinstance(app.screen, ActivityForm)
        matches = app.screen.query_one("#deal-matches", DealMatches)
        assert matches.display and len(matches.matches) == 2
        assert "2 deals match" in screen_text(app)
        picked = matches.matches[1]
        await press(pilot, "tab", "down", "enter")
        assert not matches.display
        assert app.focused is app.screen.query_one("#note")
        await press(pilot, *"sent the quote", "enter")
        assert isinstance(app.screen, RepHome)
    svc = service(db, actor=ADA, now=NOW)
    logged = svc.activities(limit=1)[0]
    assert (logged.kind, logged.deal_id, logged.note) == ("email", picked.id, "sent the quote")


async def test_a_lost_deal_keeps_its_reason_in_the_change_log(db: Database, build: Builder) -> None:
    import json

    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "D", "x")
        assert isinstance(app.screen, DealForm)
        await press(pilot, "tab", "tab", *"went with [red]Globex", "enter")
        assert isinstance(app.screen, MyDeals)
        assert [r[1] for r in rows(app)] == ["D-1"]
    svc = service(db, actor=ADA, now=NOW)
    lost = svc.find_deal("D-3")
    assert (lost.outcome, str(lost.closed_on)) == ("lost", "2026-10-21")
    after = json.loads(svc.changes(entity="deal", entity_id=lost.id)[0].after or "{}")
    assert after["reason"] == "went with [red]Globex"


async def test_hostile_deal_text_in_the_picker_and_the_stage_list_stays_literal(db: Database,
                                                                               build: Builder) -> None:
    ids = fill(build)
    for name in ("[/]", "\x1b[2Jwipe [@click=app.quit]q[/]"):
        build.deal(ids["ada"], "Hostile", "5", "[bold]Stage[/", date(2026, 10, 12))
        with db.write() as s:  # the Builder names deals after the account: give this one a hostile name
            s.execute(text("UPDATE deal SET name = :name WHERE id = (SELECT max(id) FROM deal)"), {"name": name})
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a", "e", "tab", "tab", "tab", *"hostile")
        shown = screen_text(app)
        assert "Hostile · [/]" in shown and "wipe [@click=app.quit]q[/]" in shown and "\x1b" not in shown
        await press(pilot, "escape", "D", "m")
        assert isinstance(app.screen, DealForm)
        assert "[bold]Stage[/" in screen_text(app)
