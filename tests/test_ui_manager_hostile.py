"""Hostile rep names (markup, escape sequences, right-to-left overrides, very long) stored raw in the database
show literally on every manager screen: leaderboard, drill-down, standup, targets editor and history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Builder
from kpitui.store.db import Database
from kpitui.ui.screens.leaderboard import ManagerHome
from kpitui.ui.screens.rep_detail import RepDetail
from kpitui.ui.screens.standup import Standup
from test_ui_manager_support import MIA, fill_teams
from test_ui_support import make_app, press, screen_text, settle, sqlite_db

MARKUP = "[bold red]Eve[/] [@click=app.quit]x[/]"
ESCAPES = "\x1b[2J\x1b]8;;http://evil\x07link\x1b]8;;\x07\x1b]52;c;ZXZpbA==\x07"
RTL = "\u202eevil\u202c"
LONG = "Ann " + "very-long-name-" * 30


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def assert_safe(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "[bold red]Eve[/]" in text  # the markup is shown, not applied


async def test_hostile_names_on_every_manager_screen(db: Database, build: Builder) -> None:
    fill_teams(build)
    north = 1  # fill_teams makes North first; Mia manages it
    build.rep(MARKUP + ESCAPES + RTL, north, email="eve@example.com")
    build.rep(LONG, north, email="ann@example.com")
    app = make_app(db, MIA)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ManagerHome)
        board = screen_text(app)
        assert_safe(board)
        assert "Ann very-long-nam…" in board  # shortened to its column, not wrapped over the others
        assert app.is_running  # [@click=app.quit] did not become an action
        await press(pilot, "enter")  # drill in, then step through every rep
        assert isinstance(app.screen, RepDetail)
        shown = []
        for _ in range(5):
            text = screen_text(app)
            assert "\x1b" not in text and "\u202e" not in text
            shown.append("[bold red]Eve[/]" in text)
            await press(pilot, "right")
        assert any(shown)
        await press(pilot, "escape")
        await press(pilot, "S")
        assert isinstance(app.screen, Standup)
        shown = []
        for _ in range(5):
            text = screen_text(app)
            assert "\x1b" not in text and "\u202e" not in text
            shown.append("[bold red]Eve[/]" in text)
            await press(pilot, "space")
        assert any(shown)
        await press(pilot, "escape")
        await press(pilot, "e")  # the targets editor lists every rep
        assert_safe(screen_text(app))
        assert app.is_running
