"""The Today panel on the rep home (Pilot), on the hand-built team of test_ui_support.py.

Wednesday 21 October 2026, week 43: 3 of 5 working days begun. Team targets for the week: conversations 10,
meetings 4, new opps 1, revenue 5,000. Ada has 3 conversations, 1 meeting, no new opp and 3,000 won.
  conversations ⌈10 × 3/5 − 3⌉ = 3 · meetings ⌈4 × 3/5 − 1⌉ = ⌈1.4⌉ = 2 · new opps ⌈1 × 3/5 − 0⌉ = 1
Initech (created 8 October, never touched) is 13 days quiet; Acme had calls this week. Ada's score beats Bob's:
rank 1 of 2 (Mia is a manager, not ranked).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from conftest import Builder, local
from kpitui.store.db import Database
from kpitui.ui.widgets.today_panel import TodayPanel
from test_ui_support import fill, make_app, press, screen_text, settle, sqlite_db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def panel_text(app) -> str:  # noqa: ANN001
    panel = app.screen.query_one(TodayPanel)
    return "\n".join(" ".join(strip.text for strip in w.render_lines(w.region.reset_offset))
                     for w in panel.query("Static")).replace("\u00a0", " ")


async def test_the_today_panel_says_what_today_takes(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app).replace("\u00a0", " ")
        assert "3 more conversations today to be on pace" in text
        assert "2 more meetings today to be on pace" in text
        assert "1 more new opp today to be on pace" in text
        assert "13d Initech deal · Initech" in text and "Acme deal" not in panel_text(app)
        assert "rank 1 of 2 in Inside Sales" in text
        assert "Today · Wed 21 Oct · 2026-W43" in text


async def test_the_panel_stays_on_today_when_the_home_browses_another_period(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket")  # last week on the tiles
        assert "Today · Wed 21 Oct · 2026-W43" in screen_text(app)
        await press(pilot, "w")  # a month: the panel speaks of October
        text = screen_text(app).replace("\u00a0", " ")
        assert "Today · Wed 21 Oct · 2026-10" in text
        assert "No leading KPI has a target for this period." in text  # weekly targets only: none for a month


async def test_the_panel_reloads_after_a_write(db: Database, build: Builder) -> None:
    ids = fill(build)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        build.activity(ids["ada"], "call", local(2026, 10, 21, 10), outcome="connected")
        app.data_changed.publish("activity")  # what every write publishes
        await settle(pilot)
        assert "2 more conversations today to be on pace" in screen_text(app).replace("\u00a0", " ")


async def test_deal_names_in_the_panel_stay_literal(db: Database, build: Builder) -> None:
    ids = fill(build)
    build.deal(ids["ada"], "[/]\x1b[2J", "10", "Qualify", date(2026, 9, 1))
    app = make_app(db)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        text = panel_text(app)
        assert " 50d [/] deal · [/]" in text  # created 1 September, never touched
        assert "\x1b" not in text
