"""The rep's app through the keyboard (Pilot), on a hand-built team (see test_ui_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from conftest import Builder, service
from kpitui.domain.kpis import KPIS
from kpitui.domain.periods import Period
from kpitui.store.db import Database
from kpitui.ui.screens.activities import ActivityList
from kpitui.ui.screens.activity_form import ActivityForm
from kpitui.ui.screens.home import RepHome
from kpitui.ui.screens.picker import RepPicker
from kpitui.ui.widgets.activity_table import ActivityTable
from kpitui.ui.widgets.kpi_table import KpiTable
from kpitui.ui.widgets.kpi_tile import KpiTile
from test_ui_support import (
    ADA,
    ESCAPE_NOTE,
    MARKUP_NOTE,
    NOW,
    fill,
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


def tile(app, key: str) -> str:  # noqa: ANN001
    return app.screen.query_one(f"#tile-{key}", KpiTile).render().plain


def tile_value(app, key: str) -> str:  # noqa: ANN001
    return tile(app, key).split()[0]


def count_activities(db: Database) -> int:
    svc = service(db, actor=ADA, now=NOW)
    return len(svc.activities(limit=10_000))


async def test_home_shows_who_the_period_and_the_scorecard(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RepHome)
        text = screen_text(app)
        assert "Ada Lovelace" in text and "Inside Sales" in text and "2026-W43" in text
        assert tile(app, "conversations").startswith("3 / 10")
        assert "pace" in tile(app, "conversations")
        assert tile(app, "meetings").startswith("1 / 4")
        assert tile(app, "revenue").startswith("3.0k / 5.0k")
        # like for like: Monday–Wednesday against last Monday–Wednesday (3 vs 1), not the whole of last week (2)
        assert "▲ 200% vs 12–14 Oct (1)" in tile(app, "conversations")


async def test_period_keys_step_and_change_kind(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket")
        assert app.period == Period.week_of(NOW.date()).previous()
        assert tile_value(app, "conversations") == "2"
        assert "▼ 60% vs 2026-W41 (5)" in tile(app, "conversations")
        assert "2026-W42" in screen_text(app)
        await press(pilot, "left_square_bracket")
        assert tile_value(app, "conversations") == "5"
        await press(pilot, "right_square_bracket", "right_square_bracket")
        assert tile(app, "conversations").startswith("3 / 10")
        await press(pilot, "w")
        assert app.period.label == "2026-10"
        assert tile_value(app, "conversations") == "10"  # 5 + 2 + 3, no monthly target
        await press(pilot, "w")
        assert app.period.label == "2026-Q4"
        await press(pilot, "w", "t")
        assert app.period.label == "2026-W43"


async def test_log_a_call_with_the_keyboard_only(db: Database, build: Builder) -> None:
    fill(build)
    before = count_activities(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        assert isinstance(app.screen, ActivityForm)
        await press(pilot, "c", "1", "enter")
        assert isinstance(app.screen, RepHome)
        assert tile(app, "conversations").startswith("4 / 10")
    assert count_activities(db) == before + 1
    newest = service(db, actor=ADA, now=NOW).activities(limit=1)[0]
    assert (newest.kind, newest.outcome, newest.occurred_at) == ("call", "connected", NOW)


async def test_save_and_log_another_keeps_the_form_open(db: Database, build: Builder) -> None:
    fill(build)
    before = count_activities(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a", "e", "ctrl+s")
        assert isinstance(app.screen, ActivityForm)
        await press(pilot, "m", "tab", "tab", *"30", "ctrl+s", "escape")
        assert isinstance(app.screen, RepHome)
        assert tile(app, "meetings").startswith("2 / 4")
    kinds = [(a.kind, a.duration_min) for a in service(db, actor=ADA, now=NOW).activities(limit=2)]
    assert sorted(kinds, key=str) == [("email", None), ("meeting", 30)]
    assert count_activities(db) == before + 2


async def test_a_bad_date_is_shown_in_the_form_and_nothing_is_saved(db: Database, build: Builder) -> None:
    fill(build)
    before = count_activities(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a", "c", "tab", "tab")
        assert app.screen.focused is not None and app.screen.focused.id == "when"
        await press(pilot, *"yesterday 25:99", "enter")
        assert isinstance(app.screen, ActivityForm)
        error = app.screen.query_one("#form-error")
        assert error.display and "When" in str(error.render())
        assert "25:99" in screen_text(app)
        assert app.screen.query_one("#when").has_class("-invalid")
        await press(pilot, "escape")
        assert isinstance(app.screen, RepHome)
        assert tile(app, "conversations").startswith("3 / 10")
    assert count_activities(db) == before


async def test_notes_show_literally_without_markup_or_escapes(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = screen_text(app)
        assert MARKUP_NOTE in home
        assert "red" in home and "\x1b" not in home
        await press(pilot, "l")
        assert isinstance(app.screen, ActivityList)
        listed = screen_text(app)
        assert MARKUP_NOTE in listed
        assert "\x1b" not in listed
        table = app.screen.query_one(ActivityTable)
        notes = [str(table.get_cell(key, "note")) for key in table.rows]
        assert MARKUP_NOTE in notes and "red" in notes
        assert not any("\x1b" in n for n in notes)
        assert ESCAPE_NOTE not in notes


async def test_edit_delete_and_undo(db: Database, build: Builder) -> None:
    fill(build)
    svc = service(db, actor=ADA, now=NOW)
    before = count_activities(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "l")
        table = app.screen.query_one(ActivityTable)
        newest = table.selected
        assert newest is not None and newest.kind == "email"  # newest first
        # edit: make it a meeting with a new note
        await press(pilot, "e")
        assert isinstance(app.screen, ActivityForm)
        await press(pilot, "m", "tab", "tab", "tab")  # kind row -> when -> minutes -> deal
        assert app.screen.focused.id == "deal"
        await press(pilot, "tab", "ctrl+u", *"met", "enter")
        assert isinstance(app.screen, ActivityList)
        edited = svc.activity(newest.id)
        assert (edited.kind, edited.note, edited.occurred_at) == ("meeting", "met", newest.occurred_at)
        # delete, then undo
        await press(pilot, "x")
        assert count_activities(db) == before - 1
        assert str(newest.id) not in table.records
        assert any("press u to undo" in n.message for n in app._notifications)
        await press(pilot, "u")
        assert count_activities(db) == before
        assert svc.activity(newest.id).note == "met"
        assert str(newest.id) in table.records


async def test_activity_list_filters_by_kind_and_period(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "l")
        table = app.screen.query_one(ActivityTable)
        assert table.row_count == 6
        await press(pilot, "f")  # calls
        assert table.row_count == 4
        await press(pilot, "left_square_bracket")
        assert table.row_count == 2
        await press(pilot, "escape")
        assert isinstance(app.screen, RepHome)
        assert tile_value(app, "conversations") == "2"  # the period is shared


async def test_picker_signs_in(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db, actor=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Who are you?" in text and "Ada Lovelace" in text and "Bob Builder" in text
        await press(pilot, "enter")  # nobody is preselected
        assert isinstance(app.screen, RepPicker)
        await press(pilot, *"bob", "enter")
        assert isinstance(app.screen, RepHome)
        assert "Bob Builder" in screen_text(app)
        assert tile(app, "conversations").startswith("1 / 10")


async def test_picker_takes_an_email_and_shows_problems(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db, actor=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, *"zed", "enter")
        assert "no rep named 'zed'" in screen_text(app)
        await press(pilot, "escape")
        app.screen.query_one("#picker-filter", Input).value = "BOB@example.com"  # any case
        await press(pilot, "enter")
        assert isinstance(app.screen, RepHome)
        assert "Bob Builder" in screen_text(app)


async def test_unknown_actor_opens_the_picker_with_the_reason(db: Database, build: Builder) -> None:
    fill(build)
    from kpitui.ui.app import build_app

    app = build_app(None, "ghost@example.com", service=service(db, now=NOW))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "no rep named 'ghost@example.com'" in screen_text(app)


async def test_k_shows_every_kpi(db: Database, build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "k")
        table = app.screen.query_one(KpiTable)
        assert table.display and table.has_focus
        values = {key.value: str(table.get_cell(key, "value")) for key in table.rows}
        assert len(values) == len(KPIS)
        assert (values["calls"], values["emails"], values["won_deals"], values["revenue"]) == \
            ("4", "1", "1", "3.0k")
        assert "Open pipeline" in screen_text(app)
        await press(pilot, "k")
        assert not app.screen.query_one("#all-kpis-panel").display
        assert "Recent activities" in screen_text(app)


async def test_an_empty_database_says_how_to_get_started(tmp_path: Path) -> None:
    from kpitui.store.db import Database
    from kpitui.store.schema import ensure_schema
    from kpitui.ui.app import build_app

    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    ensure_schema(empty)
    app = build_app(None, None, service=service(empty))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "kpitui import reps" in screen_text(app)


async def test_tiles_show_a_sparkline_of_the_last_periods(db: Database, build: Builder) -> None:
    from kpitui.ui.widgets.kpi_tile import sparkline

    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = app.screen.query_one("#tile-conversations", KpiTile)
        svc = app.svc  # type: ignore[attr-defined]
        expected = svc.history(app.period, ["conversations"])["conversations"]  # type: ignore[attr-defined]
        assert shown.history == expected and len(expected) == 8
        assert sparkline(expected) in tile(app, "conversations")


async def test_activity_history_shows_who_changed_what(db: Database, build: Builder) -> None:
    from kpitui.ui.screens.activity_history import ActivityHistory

    fill(build)
    app = make_app(db)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        svc = app.svc  # type: ignore[attr-defined]
        logged = svc.log_activity("call", when="2026-10-20T09:00", outcome="voicemail", note="[bold]first[/]")
        svc.update_activity(logged.id, kind="call", when=logged.occurred_at, outcome="connected",
                            note="\x1b[31msecond")
        svc.restore_activity(svc.delete_activity(logged.id))
        await press(pilot, "l")
        await press(pilot, "h")
        assert isinstance(app.screen, ActivityHistory)
        text = screen_text(app)
        assert "restored" in text and "deleted" in text and "edited" in text and "logged" in text
        assert "outcome: voicemail → connected" in text
        assert "note: [bold]first[/] → second" in text  # literal markup; the escape sequence was removed
        assert "\x1b" not in text
        await press(pilot, "escape")
        assert not isinstance(app.screen, ActivityHistory)
