"""Snapshots of the deals screen at 80x24 and 200x50 (the open pipeline) and of the closed deals at 80x24, on
the hand-built team plus two deals with long accounts and names: at 80 columns Amount and Age stay whole (the
text columns give way), at 200 the names are whole. Update with `--snapshot-update` and look at the SVGs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from conftest import Builder
from kpitui.store.db import Database
from test_ui_support import fill, make_app, press, settle, sqlite_db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def long_deals(build: Builder) -> None:
    ids = fill(build)
    build.deal(ids["ada"], "Ironbridge Systems International Holdings Inc", "123456.78", "Proposal",
               date(2026, 9, 14), external_id="CRM-000481")
    build.deal(ids["ada"], "Falcon Pharma GmbH", "15050", "Discovery", date(2026, 10, 19), external_id="D-9")
    build.deal(ids["ada"], "Pinecrest Technologies", "17650", "lost", date(2026, 9, 1), closed=date(2026, 10, 16),
               external_id="D-7")


def deals(*keys: str) -> Any:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "D", *keys)

    return run


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
def test_deals(db: Database, build: Builder, snap_compare: Any, size: tuple[int, int]) -> None:
    long_deals(build)
    assert snap_compare(make_app(db), terminal_size=size, run_before=deals())


def test_closed_deals(db: Database, build: Builder, snap_compare: Any) -> None:
    long_deals(build)
    assert snap_compare(make_app(db), terminal_size=(80, 24), run_before=deals("c"))
