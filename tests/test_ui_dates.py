"""Dates that cannot be, typed into the app's forms (Pilot): the activity form and the close-a-deal form show
the same words as `kpitui log --at` and imports, mark the field, and save nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from conftest import Builder, service
from kpitui.store.db import Database
from kpitui.ui.screens.activity_form import ActivityForm
from kpitui.ui.screens.deal_form import DealForm
from kpitui.ui.screens.home import RepHome
from test_ui_support import ADA, NOW, fill, make_app, press, screen_text, settle, sqlite_db

SIZE = (120, 40)  # the clock of test_ui_support: 21 October 2026, 15:00 in Berlin


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


@pytest.mark.parametrize(("typed", "words"), [
    ("2026-10-22 09:00", "When: 2026-10-22 09:00 is in the future (it is now 2026-10-21 15:00 in Europe/Berlin)"),
    ("0001-01-01 09:00", "When: 0001-01-01 09:00 is before 1970: check the year"),
    ("2026-03-29 02:30", "When: 2026-03-29 02:30 did not happen in Europe/Berlin"),
])
async def test_the_activity_form_refuses_a_time_that_cannot_be(db: Database, build: Builder, typed: str,
                                                               words: str) -> None:
    fill(build)
    before = len(service(db, actor=ADA, now=NOW).activities(limit=10_000))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a", "c", "tab", "tab", "ctrl+u", *typed, "enter")
        assert isinstance(app.screen, ActivityForm)
        error = str(app.screen.query_one("#form-error", Static).render())
        assert words in " ".join(error.split())
        assert app.screen.query_one("#when").has_class("-invalid")
        await press(pilot, "escape")
        assert isinstance(app.screen, RepHome)
    assert len(service(db, actor=ADA, now=NOW).activities(limit=10_000)) == before


async def test_the_deal_form_refuses_a_close_date_in_the_future(db: Database, build: Builder) -> None:
    fill(build)
    svc = service(db, actor=ADA, now=NOW)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "D", "w", "tab", "ctrl+u", *"2026-10-22", "enter")
        assert isinstance(app.screen, DealForm)
        assert "closed_on: 2026-10-22 is in the future (today is 2026-10-21)" in " ".join(screen_text(app).split())
        await press(pilot, "escape")
    assert len(svc.deals(open_only=True)) == 2
