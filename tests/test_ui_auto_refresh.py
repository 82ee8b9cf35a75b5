"""The open app shows what another process wrote, by itself (DESIGN.md section 5, auto refresh): a real
`kpitui log` in a subprocess, the app polling the database's change token, the screen reloading in place."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from conftest import Builder, local
from kpitui.store.db import Database
from kpitui.ui.screens.activities import ActivityList
from kpitui.ui.screens.activity_form import ActivityForm
from kpitui.ui.screens.home import RepHome
from kpitui.ui.widgets.activity_table import ActivityTable
from test_cli import KPITUI
from test_ui_support import ADA, NOW, fill, make_app, press, settle, sqlite_db

SIZE = (120, 40)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    yield from sqlite_db(tmp_path)


def log_from_the_shell(db: Database, *args: str) -> None:
    """`kpitui log` as another shell would run it: its own process, on the same file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")} | {
        "TZ": "Europe/Berlin", "KPITUI_NOW": NOW.isoformat(), "NO_COLOR": "1"}
    done = subprocess.run([KPITUI, "--db", str(db.sqlite_path), "--as", ADA, "log", *args], capture_output=True,
                          text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr


async def wait_until(pilot: Any, condition: Any, seconds: float = 5.0) -> bool:  # noqa: ANN401
    """Poll `condition` for up to `seconds` of wall time (the app refreshes on its own timer, not on a key)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if condition():
            return True
        await pilot.pause(0.1)
    return bool(condition())


async def test_the_open_list_shows_a_call_logged_by_another_process_and_keeps_the_cursor(
        db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "l")
        assert isinstance(app.screen, ActivityList)
        table = app.screen.query_one(ActivityTable)
        await press(pilot, "down", "down")
        chosen = table.selected_id
        assert chosen is not None and table.cursor_row == 2
        before = set(table.records)

        log_from_the_shell(db, "call", "--outcome", "connected", "--note", "logged from another shell")

        assert await wait_until(pilot, lambda: len(table.records) == len(before) + 1), \
            "the list did not show the other process's call within 5 s"
        (new_id,) = set(table.records) - before
        assert table.records[new_id].note == "logged from another shell"
        assert table.selected_id == chosen  # the same activity, now one row further down (newest first)
        assert table.cursor_row == 3


async def test_an_open_form_stays_as_typed_while_the_home_beneath_refreshes(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, RepHome)
        recent = home.query_one("#recent", ActivityTable)
        before = set(recent.records)
        await press(pilot, "a", "tab", "tab")
        form = app.screen
        assert isinstance(form, ActivityForm)
        await pilot.press(*"half-typed")
        typed_into = app.focused
        assert isinstance(typed_into, Input) and typed_into.value.endswith("half-typed")

        log_from_the_shell(db, "email", "--note", "from the other shell")

        assert await wait_until(pilot, lambda: len(recent.records) == len(before) + 1)
        assert app.screen is form and app.focused is typed_into
        assert typed_into.value.endswith("half-typed")


async def test_the_rows_in_view_stay_where_they_were_when_a_row_comes_in_above(db: Database,
                                                                                build: Builder) -> None:
    people = fill(build)
    for minute in range(20):  # Tuesday of this week: enough rows to scroll
        build.activity(people["ada"], "email", local(2026, 10, 20, 16, minute), note=f"mail {minute}")
    app = make_app(db)
    async with app.run_test(size=(100, 16)) as pilot:
        await settle(pilot)
        await press(pilot, "l")
        table = app.screen.query_one(ActivityTable)
        await press(pilot, *["down"] * 14, *["up"] * 4)
        assert table.scroll_y > 0  # scrolled, with the cursor in the middle of the view
        chosen, line = table.selected_id, table.cursor_row - table.scroll_y
        assert 0 < line < table.scrollable_content_region.height - 2
        before = set(table.records)

        log_from_the_shell(db, "call", "--outcome", "connected", "--note", "newest of all")

        assert await wait_until(pilot, lambda: len(table.records) == len(before) + 1)
        assert await wait_until(pilot, lambda: table.cursor_row - table.scroll_y == line, seconds=2), \
            (table.cursor_row, table.scroll_y, line)
        assert table.selected_id == chosen
