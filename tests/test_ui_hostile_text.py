"""User text on every rep screen is shown literally: markup stays text, escape sequences never reach the
terminal, and nothing crashes (TRAPS.md, "Terminal output of user text")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input

from conftest import Builder, local, service
from kpitui.store.db import Database
from kpitui.ui.app import build_app
from kpitui.ui.screens.activity_form import ActivityForm, resolve_deal
from kpitui.ui.screens.deals import MyDeals
from kpitui.ui.screens.home import RepHome
from kpitui.ui.screens.picker import RepPicker
from test_ui_support import (
    NOW,
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
EVIL_NAME = "Eve [/] [@click=app.quit]Q[/]"
OSC_LINK = "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07"


def hostile(build: Builder) -> int:
    team = build.team("[bold]Red[/] team\x1b[2J")
    eve = build.rep(EVIL_NAME, team, email="eve@example.com")
    build.target("conversations", "week", date(2026, 10, 19), "5", team_id=team)
    deal = build.deal(eve, "[@click=app.bell]Acme[/]", "100", "[/link]", date(2026, 10, 1), external_id="X-[1]")
    build.activity(eve, "call", local(2026, 10, 20, 9), outcome="connected", deal_id=deal, note=OSC_LINK)
    build.activity(eve, "email", local(2026, 10, 20, 10), note="line one\nline two [i]x[/i]\x9b2J")
    return deal


async def test_hostile_names_notes_and_deals(db: Database, build: Builder) -> None:
    hostile(build)
    app = make_app(db, actor="eve@example.com")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RepHome)
        home = screen_text(app)
        assert EVIL_NAME in home and "[bold]Red[/] team" in home
        assert "click" in home and "evil.example" not in home
        assert "line two [i]x[/i]" in home
        for text in (home,):
            assert "\x1b" not in text and "\x9b" not in text
        await press(pilot, "l")
        listed = screen_text(app)
        assert "X-[1]" in listed and "\x1b" not in listed
        await press(pilot, "escape", "D")
        assert isinstance(app.screen, MyDeals)
        deals = screen_text(app)
        assert "[@click=app.bell]Acme[/]" in deals and "[/link]" in deals
        await press(pilot, "a")  # log on that deal: the form shows the deal literally
        assert isinstance(app.screen, ActivityForm)
        assert "X-[1]" in screen_text(app)
        await press(pilot, "enter")
        assert isinstance(app.screen, MyDeals)
    assert app.return_value is None  # the [@click=app.quit] name never quit the app
    newest = service(db, actor="eve@example.com", now=NOW).activities(limit=1)[0]
    assert newest.deal == "X-[1]"


async def test_picker_lists_hostile_names_literally(db: Database, build: Builder) -> None:
    hostile(build)
    app = build_app(None, None, service=service(db, now=NOW), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RepPicker)
        text = screen_text(app)
        assert "Demo data as of Wed 21 Oct 2026" in text
        assert EVIL_NAME in text and "\x1b" not in text
        await press(pilot, *"eve", "enter")
        assert isinstance(app.screen, RepHome)
        assert EVIL_NAME in screen_text(app)


async def test_deal_field_resolves_by_id_account_or_name(db: Database, build: Builder) -> None:
    hostile(build)
    deals = service(db, actor="eve@example.com", now=NOW).deals(open_only=True)
    assert resolve_deal("x-[1]", deals)[0] == deals[0]
    assert resolve_deal("acme", deals)[0] == deals[0]
    assert resolve_deal("nothing like it", deals) == (None, 0)
    app = make_app(db, actor="eve@example.com")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a", "e", "tab", "tab", "tab", *"[@cl")
        field = app.screen.query_one("#deal", Input)
        assert field.has_focus
        await press(pilot, "right")  # accept the suggestion
        assert field.value == "[@click=app.bell]Acme[/]"
        assert "→ X-[1]" in screen_text(app)
        await press(pilot, "enter")
    assert service(db, actor="eve@example.com", now=NOW).activities(limit=1)[0].deal == "X-[1]"
