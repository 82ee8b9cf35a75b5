"""The rep's screens at the smallest terminal we support (80x24) and a large one (200x50): every footer key in
view, nothing cut that matters, and wide text columns where there is room. Pilot on the hand-built team of
test_ui_support.py; snapshots of the home at both sizes (update with --snapshot-update, then look at them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from conftest import Builder, local
from kpitui.store.db import Database
from test_ui_support import fill, make_app, press, screen_text, settle, sqlite_db

SMALL, LARGE = (80, 24), (200, 50)
LONG_NOTE = ("Spoke with the CFO about the renewal; she wants a three-year price lock and a pilot for the "
             "analytics add-on before signing")  # 118 characters


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


def team(build: Builder) -> dict[str, int]:
    ids = fill(build)
    build.activity(ids["ada"], "call", local(2026, 10, 21, 12), outcome="connected", note=LONG_NOTE)
    return ids


def text_of(app: Any) -> str:
    return screen_text(app).replace("\u00a0", " ")


async def test_every_footer_key_of_the_home_is_in_view_at_80x24(db: Database, build: Builder) -> None:
    team(build)
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        footer = text_of(app).splitlines()[-1]
        for key in ("a Log", "[ ] w Period", "k All KPIs", "l Activities", "D Deals", "n New deal", "q Quit",
                    "? Help"):
            assert key in footer, (key, footer)
        await press(pilot, "l")
        footer = text_of(app).splitlines()[-1]
        for key in ("esc Back", "a Log", "e Edit", "x Delete", "u Undo", "h History", "f Kind", "g Go to",
                    "? Help"):
            assert key in footer, (key, footer)


async def test_notes_grow_with_the_width(db: Database, build: Builder) -> None:
    team(build)
    app = make_app(db)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        assert LONG_NOTE[:70] in text_of(app)  # the home's recent list: 70 characters and more, not 32
        await press(pilot, "l")
        assert LONG_NOTE in text_of(app)  # the activity list: the whole note
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert LONG_NOTE not in text_of(app)  # no room: cut


async def test_all_kpis_explains_each_kpi_when_wide(db: Database, build: Builder) -> None:
    team(build)
    app = make_app(db)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        await press(pilot, "k")
        text = text_of(app)
        assert "calls with outcome connected" in text and "accounts whose first won deal closed in the period" in text
        row = next(line for line in text.splitlines() if "★ Conversations" in line).strip("│ ")
        assert row.split()[-4:] == ["calls", "with", "outcome", "connected"]
        assert row.split()[-5] == "2"  # due today: ⌈10 × 3/5 − 4⌉ (3 conversations, and the long note's call)


async def test_the_funnel_legend_only_with_its_chart(db: Database, build: Builder) -> None:
    team(build)
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "team median" not in text_of(app).splitlines()[-2]  # the chart is hidden at 24 rows
    app = make_app(db)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        assert "██ you  ██ team median" in text_of(app)


async def test_help_shows_every_word_at_80x24(db: Database, build: Builder) -> None:
    team(build)
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        text = " ".join(text_of(app).split())
        assert "This period: back to the week / month / quarter with today in it" in text.replace("█ ", "")


async def test_deal_amounts_show_at_80x24(db: Database, build: Builder) -> None:
    team(build)
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "D")
        text = text_of(app)
        assert "1,000.00" in text and "2,500.00" in text


async def test_one_toast_at_a_time(db: Database, build: Builder) -> None:
    team(build)
    app = make_app(db)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        for word in ("first", "second", "third"):
            app.notify(f"Logged the {word} call", markup=False)
        await settle(pilot)
        from textual.widgets._toast import Toast

        shown = [str(toast.render()) for toast in app.screen.query(Toast)]
        assert shown == ["Logged the third call"]


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "200x50"])
def test_home_snapshot(db: Database, build: Builder, snap_compare: Any, size: tuple[int, int]) -> None:
    team(build)

    async def ready(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=size, run_before=ready)
