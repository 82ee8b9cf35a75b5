"""Snapshots (pytest-textual-snapshot) of the manager home and the rep drill-down at 120x36, on the hand-built
teams with the clock frozen. Update after an intended change with
`pytest tests/test_ui_manager_snapshots.py --snapshot-update` and look at the SVGs before committing them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from conftest import Builder
from kpitui.store.db import Database
from test_ui_manager_support import MIA, fill_teams
from test_ui_support import make_app, press, settle, sqlite_db

SIZE = (120, 36)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def test_manager_home(db: Database, build: Builder, snap_compare: Any) -> None:
    fill_teams(build)

    async def ready(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(make_app(db, MIA), terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 35), (200, 50)])
def test_leaderboard_and_chart_fit(db: Database, build: Builder, snap_compare: Any, size: tuple[int, int]) -> None:
    """The leaderboard sorted by conversations (the chart's bars against their targets) at the sizes people
    use: Rep frozen and the footer whole at 80x24, more columns at 200x50, labels on their bars."""
    fill_teams(build)

    async def sorted_by_conversations(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "s")

    assert snap_compare(make_app(db, MIA), terminal_size=size, run_before=sorted_by_conversations)


def test_rep_drill_down(db: Database, build: Builder, snap_compare: Any) -> None:
    fill_teams(build)

    async def drill(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "down", "enter")

    assert snap_compare(make_app(db, MIA), terminal_size=SIZE, run_before=drill)
