"""1:1 notes in the app, through the keyboard (Pilot): the drill-down's tab (`o`; `a` note, `A` action item,
`x` done) and the open items on the rep's home. User text is shown literally. Clock: Wed 21 Oct 2026."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Builder, service
from kpitui.store.db import Database
from kpitui.ui.screens.home import RepHome
from kpitui.ui.screens.note_form import NoteForm
from kpitui.ui.screens.rep_detail import RepDetail
from kpitui.ui.widgets.notes_panel import NotesPanel, NotesTable
from kpitui.ui.widgets.open_actions import OpenActions
from test_ui_manager_support import MIA, fill_teams
from test_ui_support import NOW, make_app, press, screen_text, settle, sqlite_db

OSC_LINK = "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: see test_ui_support."""
    yield from sqlite_db(tmp_path)


async def _open_drilldown(pilot, app) -> RepDetail:  # noqa: ANN001
    await settle(pilot)
    await press(pilot, "enter")
    assert isinstance(app.screen, RepDetail)
    return app.screen


@pytest.mark.parametrize("size", [(80, 24), (120, 35), (200, 50)])
async def test_a_manager_writes_a_note_and_an_action_item_and_ticks_it_off(db: Database, build: Builder,
                                                                        size: tuple[int, int]) -> None:
    fill_teams(build)
    app = make_app(db, MIA)
    async with app.run_test(size=size) as pilot:
        detail = await _open_drilldown(pilot, app)
        rep = detail.rep
        await press(pilot, "a")  # not in the trend tab: a/A/x belong to the notes tab
        assert isinstance(app.screen, RepDetail)
        await press(pilot, "o")
        assert "No 1:1 notes yet" in screen_text(app)
        await press(pilot, "a")
        assert isinstance(app.screen, NoteForm)
        await press(pilot, *"[bold]Ask[/] for the budget", "enter")
        assert isinstance(app.screen, RepDetail)
        await press(pilot, "A", *"Send the proposal", "tab", *"2026-10-20", "enter")  # yesterday
        assert isinstance(app.screen, NoteForm)
        assert "due: 2026-10-20 is in the past (today is 2026-10-21)" in screen_text(app)
        await press(pilot, "ctrl+u", *"2026-10-23", "enter")
        assert isinstance(app.screen, RepDetail)
        svc = service(db, actor=MIA, now=NOW)
        notes = svc.notes(rep.ref)
        assert [(n.text, n.is_action, str(n.due_on), n.author) for n in notes] == [
            ("Send the proposal", True, "2026-10-23", "Mia Manager"),
            ("[bold]Ask[/] for the budget", False, "None", "Mia Manager")]
        table = detail.query_one(NotesTable)
        assert table.selected is not None and table.selected.id == notes[0].id  # the cursor on the new one
        text = screen_text(app)
        assert "☐ 23 Oct" in text and "[bold]Ask" in text
        await press(pilot, "x")
        assert svc.notes(rep.ref)[0].done_by == "Mia Manager"
        assert "✓ done" in screen_text(app)
        await press(pilot, "x")  # twice: said, not written
        assert [c.action for c in svc.changes(entity="coaching_note")] == ["update", "create", "create"]
        await press(pilot, "down", "x")  # a plain note has nothing to tick
        assert svc.open_actions(rep.ref) == []


async def test_notes_follow_the_rep_and_show_hostile_text_literally(db: Database, build: Builder) -> None:
    fill_teams(build)
    svc = service(db, actor=MIA, now=NOW)
    svc.add_note("ada@example.com", f"[@click=app.quit]Q[/] {OSC_LINK} [/link]\nsecond line \x9b2J", action=True)
    app = make_app(db, MIA)
    async with app.run_test(size=(120, 35)) as pilot:
        detail = await _open_drilldown(pilot, app)
        await press(pilot, "o")
        for _ in range(len(detail.reps)):  # step to Ada, the note's rep
            if detail.rep.ref == "ada@example.com":
                break
            await press(pilot, "right")
        text = screen_text(app)
        assert "[@click=app.quit]Q[/] click [/link]" in text and "second line" in text
        assert "\x1b" not in text and "\x9b" not in text and "evil.example" not in text
        await press(pilot, "right")  # the next rep: no note of Ada's stays on screen
        assert detail.query_one(NotesPanel).selected is None and "[@click" not in screen_text(app)
    assert app.return_value is None  # the [@click=app.quit] text never quit the app


@pytest.mark.parametrize("size", [(80, 24), (120, 35), (200, 50)])
async def test_the_rep_sees_her_open_action_items_on_her_home(db: Database, build: Builder,
                                                              size: tuple[int, int]) -> None:
    fill_teams(build)
    svc = service(db, actor=MIA, now=NOW)
    svc.add_note("ada@example.com", "Just a note")
    svc.add_note("ada@example.com", "Update the CRM [b]now[/b]", action=True)
    svc.add_note("ada@example.com", "Book the QBR", due="2026-10-22")
    svc.mark_done(svc.add_note("ada@example.com", "Already done", action=True).id)
    app = make_app(db, "ada@example.com")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RepHome)
        panel = app.screen.query_one(OpenActions)
        assert [n.text for n in panel.items] == ["Book the QBR", "Update the CRM [b]now[/b]"]
        text = screen_text(app)
        assert "Action items from your 1:1s" in text and "Book the QBR" in text and "due Thu 22 Oct" in text
        assert "Already done" not in text and "Just a note" not in text
        if size[1] >= 34:
            assert "Update the CRM [b]now[/b]" in text
        else:  # a short terminal: the soonest one, the rest counted
            assert "+1 more" in text
        svc.mark_done(panel.items[0].id)  # her manager ticks it off elsewhere; the next write refreshes
        app.data_changed.publish("notes")
        await settle(pilot)
        assert [n.text for n in panel.items] == ["Update the CRM [b]now[/b]"]


async def test_no_open_items_no_panel(db: Database, build: Builder) -> None:
    fill_teams(build)
    app = make_app(db, "bob@example.com")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RepHome)
        assert not app.screen.query_one(OpenActions).display
        assert "Action items from your 1:1s" not in screen_text(app)
