"""1:1 notes and action items (issue 14 item 3): written by a manager of the rep's team, read by that rep and
those managers only, ticked off by either, audited; text and due dates validated; exported formula-safe.
Runs on SQLite and, with KPITUI_TEST_POSTGRES, on PostgreSQL as the owner (the service's rules; the
database's own rules for people's logins are in test_postgres_rls_notes.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from conftest import Builder, service
from kpitui.domain.errors import AccessDenied, InvalidInput, NotFound
from kpitui.store.db import Database

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # Fri 20 Nov 2026, 16:00 in Berlin


@pytest.fixture
def people(build: Builder) -> dict[str, int]:
    north, south = build.team("North"), build.team("South")
    return {"north": north, "south": south,
            "ada": build.rep("Ada Ames", north), "bo": build.rep("Bo Berg", north),
            "mia": build.rep("Mia Moss", north, role="manager"), "cy": build.rep("Cy Cole", south),
            "sam": build.rep("Sam Stone", south, role="manager"), "eli": build.rep("Eli Ek", None, role="admin")}


def as_(db: Database, who: str | None):  # noqa: ANN202 - the service
    return service(db, actor=f"{who}@example.com" if who else None, now=NOW)


def test_the_rep_and_her_manager_read_her_notes_nobody_else(db: Database, people: dict[str, int]) -> None:
    mia = as_(db, "mia")
    note = mia.add_note("ada@example.com", "Good discovery calls this week.\nNext: ask for the budget.")
    item = mia.add_note("Ada Ames", "Send the Acme proposal", due="2026-11-27")
    assert (note.is_action, note.author, note.text) == (False, "Mia Moss",
                                                         "Good discovery calls this week.\nNext: ask for the budget.")
    assert (item.is_action, item.due_on, item.rep) == (True, date(2026, 11, 27), "Ada Ames")
    for reader in ("ada", "mia", "eli", None):  # herself, her manager, an admin, the local owner
        assert [n.id for n in as_(db, reader).notes("ada@example.com")] == [item.id, note.id], reader
    assert [n.id for n in as_(db, "ada").notes()] == [item.id, note.id]  # her own, without naming herself
    for outsider, why in (("bo", "may not see Ada Ames's 1:1 notes"), ("cy", "may not see"),
                          ("sam", "managers of North only")):
        with pytest.raises(AccessDenied, match=why):
            as_(db, outsider).notes("ada@example.com")
        with pytest.raises(NotFound, match=f"no note #{item.id}"):  # not even told it exists
            as_(db, outsider).mark_done(item.id)
        assert as_(db, outsider).open_actions() == []  # their own: none
    # a team's open items: the manager sees North's, a rep only her own, another team's manager none of North's
    assert [n.id for n in mia.team_open_actions()] == [item.id]
    assert [n.id for n in as_(db, "bo").team_open_actions()] == []
    assert [n.id for n in as_(db, "ada").team_open_actions()] == [item.id]
    with pytest.raises(AccessDenied):
        as_(db, "sam").team_open_actions("North")
    theirs = as_(db, "sam").add_note("cy@example.com", "South's own")
    assert [n.id for n in mia.team_notes()] == [item.id, note.id]  # North only
    assert [n.id for n in as_(db, "eli").team_notes()] == [theirs.id, item.id, note.id]  # an admin: everyone
    assert [n.id for n in as_(db, "sam").team_notes()] == [theirs.id]


def test_only_a_manager_of_the_reps_team_writes(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(AccessDenied, match="Sam Stone may not write notes about Ada Ames: only the managers of "
                                           "North and admins"):
        as_(db, "sam").add_note("ada@example.com", "x")
    with pytest.raises(AccessDenied, match="Ada Ames may not write 1:1 notes"):
        as_(db, "ada").add_note("ada@example.com", "a note to self")
    with pytest.raises(AccessDenied):
        as_(db, "bo").add_note("ada@example.com", "x")
    assert as_(db, "eli").add_note("cy@example.com", "from the admin").author == "Eli Ek"
    assert as_(db, None).add_note("cy@example.com", "from the owner").author == "local owner"
    assert [n.text for n in as_(db, "ada").notes()] == []
    assert [n.text for n in as_(db, "cy").notes()] == ["from the owner", "from the admin"]


def test_action_items_are_ticked_off_by_the_rep_or_her_manager_and_audited(db: Database,
                                                                          people: dict[str, int]) -> None:
    mia = as_(db, "mia")
    late = mia.add_note("ada@example.com", "Update the CRM", action=True)
    soon = mia.add_note("ada@example.com", "Book the QBR", due=date(2026, 11, 23))
    today = mia.add_note("ada@example.com", "Call Beta", due="2026-11-20")
    plain = mia.add_note("ada@example.com", "Nice week")
    # soonest due first, undated last; notes are never open
    assert [n.id for n in as_(db, "ada").open_actions()] == [today.id, soon.id, late.id]
    done = as_(db, "ada").mark_done(soon.id)
    assert (done.done_by, done.done_at, done.is_open) == ("Ada Ames", NOW, False)
    assert as_(db, "mia").mark_done(today.id).done_by == "Mia Moss"
    assert [n.id for n in mia.open_actions("ada@example.com")] == [late.id]
    with pytest.raises(InvalidInput, match=f"#{soon.id} is already done \\(2026-11-20, by Ada Ames\\)"):
        mia.mark_done(soon.id)
    with pytest.raises(InvalidInput, match="not an action item"):
        as_(db, "ada").mark_done(plain.id)
    with pytest.raises(NotFound):
        mia.mark_done(99_999)

    history = as_(db, "ada").changes(entity="coaching_note")
    assert [(c.actor, c.action, c.entity_id) for c in history] == [
        ("Mia Moss", "update", today.id), ("Ada Ames", "update", soon.id), ("Mia Moss", "create", plain.id),
        ("Mia Moss", "create", today.id), ("Mia Moss", "create", soon.id), ("Mia Moss", "create", late.id)]
    ticked = history[1]
    assert json.loads(ticked.before or "")["done_at"] is None
    assert json.loads(ticked.after or "")["done_by"] == "Ada Ames"
    assert as_(db, "bo").changes(entity="coaching_note") == []  # a team mate reads no note through the log
    assert as_(db, "sam").changes(entity="coaching_note") == []


@pytest.mark.parametrize(("text", "due", "message"), [
    ("", None, "text: required, but empty"),
    ("\x1b[2J\x07", None, "text: required, but empty"),
    ("x" * 4001, None, "text: too long: 4001 characters, at most 4000"),
    ("ok", "2026-11-19", "due: 2026-11-19 is in the past \\(today is 2026-11-20\\)"),
    ("ok", "2027-11-22", "due: 2027-11-22 is more than a year ahead"),
    ("ok", "0001-01-01", "due: 0001-01-01 is in the past"),
    ("ok", "9999-12-31", "due: 9999-12-31 is more than a year ahead"),
    ("ok", "next friday", "due: 'next friday' is not a date"),
])
def test_bad_text_or_due_date_is_refused_and_nothing_written(db: Database, people: dict[str, int], text: str,
                                                             due: str | None, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        as_(db, "mia").add_note("ada@example.com", text, due=due)
    assert as_(db, "mia").notes("ada@example.com") == []
    assert as_(db, "mia").changes(entity="coaching_note") == []


def test_text_is_stored_clean_with_its_line_breaks(db: Database, people: dict[str, int]) -> None:
    written = as_(db, "mia").add_note("ada@example.com", "  [bold]one[/]\r\ntwo\x1b]8;;https://x.example/\x07"
                                      "link\x1b]8;;\x07\x9b2J  ", due="2027-11-20")  # a year ahead: the limit
    assert written.text == "[bold]one[/]\ntwo" + "link"
    assert written.due_on == date(2027, 11, 20)


def test_export_notes_is_formula_safe_and_scoped(db: Database, people: dict[str, int]) -> None:
    mia = as_(db, "mia")
    mia.add_note("ada@example.com", "=HYPERLINK(\"http://evil.example\")", due="2026-11-24")
    mia.add_note("bo@example.com", "@SUM(A1)")
    as_(db, "sam").add_note("cy@example.com", "South only")
    header, rows = mia.export_rows("notes", mia.period("2026-11"))
    assert header == ["id", "rep", "author", "written_at", "kind", "due_on", "done_at", "done_by", "text"]
    assert [(r[1], r[4], r[5], r[8]) for r in rows] == [
        ("Ada Ames", "action", date(2026, 11, 24), "=HYPERLINK(\"http://evil.example\")"),
        ("Bo Berg", "note", None, "@SUM(A1)")]
    assert rows[0][3] == "2026-11-20T16:00:00+01:00"  # local time with its offset
    assert [r[1] for r in as_(db, "bo").export_rows("notes", mia.period("2026-11"))[1]] == ["Bo Berg"]
    assert as_(db, "mia").export_rows("notes", mia.period("2026-10"))[1] == []  # written in November
    from io import StringIO

    from kpitui.store.exporter import write_csv

    out = StringIO()
    write_csv(rows, header, out)
    assert "'=HYPERLINK" in out.getvalue() and ",'@SUM(A1)" in out.getvalue()
