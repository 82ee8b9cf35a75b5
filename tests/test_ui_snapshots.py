"""Snapshots (pytest-textual-snapshot) of the rep home and the log form at 100x30, on the hand-built team with
the clock frozen. Update after an intended change with `pytest tests/test_ui_snapshots.py --snapshot-update`
and look at the SVGs before committing them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from conftest import Builder
from kpitui.store.db import Database
from test_ui_support import (
    fill,
    make_app,
    press,
    settle,
    sqlite_db,
)

SIZE = (100, 30)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def test_home(db: Database, build: Builder, snap_compare: Any) -> None:
    fill(build)

    async def ready(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=ready)


def test_log_form(db: Database, build: Builder, snap_compare: Any) -> None:
    fill(build)

    async def open_form(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "a", "c", "1")

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=open_form)


def test_log_form_error(db: Database, build: Builder, snap_compare: Any) -> None:
    fill(build)

    async def bad_date(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "a", "e", "tab", *"yesterday 25:00", "enter")

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=bad_date)
