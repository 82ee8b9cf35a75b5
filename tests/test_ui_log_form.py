"""The log form as a fast typist meets it (Pilot): keys typed right after `a` reach the form, in order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.widgets import Input, Static

from conftest import Builder, local, service
from kpitui.store.db import Database
from kpitui.ui.screens.home import RepHome
from test_ui_support import ADA, NOW, fill, make_app, press, screen_text, settle, sqlite_db

SIZE = (120, 40)
KEY_NAMES = {" ": "space", ":": "colon", "-": "minus", ".": "full_stop"}


def burst(app: App[None], *keys: str) -> None:
    """Queue every key at once, without letting the app run in between (`Pilot.press` waits for the app to be
    idle after each key, which no typist does)."""
    for key in keys:
        name = KEY_NAMES.get(key, key)
        app.post_message(events.Key(name, key if len(key) == 1 else ("\r" if key == "enter" else
                                                                    "\t" if key == "tab" else None)))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    yield from sqlite_db(tmp_path)


@pytest.mark.parametrize("form_open_first", [False, True], ids=["burst-from-a", "burst-in-open-form"])
async def test_keys_typed_right_after_a_log_exactly_what_was_typed(db: Database, build: Builder,
                                                                   form_open_first: bool) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = {a.id for a in service(db, actor=ADA, now=NOW).activities(limit=1000)}
        if form_open_first:  # the form already in front, then a burst into it (a Tab among the letters)
            await press(pilot, "a")
            burst(app, "e", "tab", *"yesterday 9:30", "tab", *"15", "tab", "tab", *"typed fast", "enter")
        else:  # one burst, as a terminal delivers fast typing: every key queued before the app handled the `a`
            burst(app, "a", "e", "tab", *"yesterday 9:30", "tab", *"15", "tab", "tab", *"typed fast", "enter")
        for _ in range(50):  # the form saves and closes once the last key, Enter, has been handled
            await settle(pilot)
            if isinstance(app.screen, RepHome):
                break
            await pilot.pause(0.1)
        assert isinstance(app.screen, RepHome), screen_text(app)
    logged = [a for a in service(db, actor=ADA, now=NOW).activities(limit=1000) if a.id not in before]
    assert len(logged) == 1
    (activity,) = logged
    assert (activity.kind, activity.outcome, activity.duration_min, activity.deal_id, activity.note) == (
        "email", None, 15, None, "typed fast")
    assert activity.occurred_at == local(2026, 10, 20, 9, 30)


async def test_the_note_counts_as_you_type_and_a_note_too_long_is_refused_not_cut(db: Database,
                                                                                   build: Builder) -> None:
    fill(build)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(service(db, actor=ADA, now=NOW).activities(limit=1000))
        await press(pilot, "a", "e", "tab", "tab", "tab", "tab")
        note = app.screen.query_one("#note", Input)
        assert app.focused is note
        await press(pilot, *"hello ünï")
        assert str(app.screen.query_one("#note-count", Static).render()) == "9/4,000"

        app.post_message(events.Paste("x" * 4991))  # pasted: 9 + 4991 = 5,000 characters
        await settle(pilot)
        assert len(note.value) == 5000  # kept whole: the rep decides what to cut
        assert str(app.screen.query_one("#note-count", Static).render()) == "5,000/4,000: 1,000 too many"
        assert note.has_class("-invalid")

        await press(pilot, "enter")
        assert app.screen.query_one("#note", Input) is note  # the form stays open
        error = str(app.screen.query_one("#form-error", Static).render())
        assert error == "Note: too long: 5000 characters, at most 4000"
        assert len(service(db, actor=ADA, now=NOW).activities(limit=1000)) == before  # nothing saved
