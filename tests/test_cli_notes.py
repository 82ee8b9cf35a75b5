"""`kpitui notes [REP] [--open] [--format F] | notes add REP TEXT [--action] [--due DATE] | notes done ID` and
`export notes`, through the real entry point (North: Ada, Bo, manager Mia; South: Cy). Today is 20 Oct 2026."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from test_cli import database, kpitui, team_db  # noqa: F401  (fixtures)


def test_a_manager_writes_the_rep_reads_and_ticks_off(team_db: Path | str) -> None:  # noqa: F811
    db = team_db
    assert kpitui(db, "--as", "mia@example.com", "notes", "add", "Ada Ames", "Great demo =)").stdout == \
        "Note #1 for Ada Ames\n"
    assert kpitui(db, "--as", "mia@example.com", "notes", "add", "ada@example.com", "Send the Acme proposal",
                  "--due", "2026-10-23").stdout == "Action item #2 for Ada Ames, due 2026-10-23\n"
    assert kpitui(db, "--as", "mia@example.com", "notes", "add", "ada@example.com", "=1+1 update the CRM",
                  "--action").stdout == "Action item #3 for Ada Ames\n"

    listed = json.loads(kpitui(db, "--as", "ada@example.com", "notes", "--format", "json").stdout)
    assert [(n["id"], n["kind"], n["due_on"], n["done_at"], n["author"]) for n in listed] == [
        (3, "action", None, None, "Mia Moss"), (2, "action", "2026-10-23", None, "Mia Moss"),
        (1, "note", None, None, "Mia Moss")]
    assert set(listed[0]) == {"id", "rep", "author", "written_at", "kind", "due_on", "done_at", "done_by", "text"}
    assert listed[0]["written_at"] == "2026-10-20T15:00:00+02:00"

    # REP before or after the options; --open: soonest due first
    for args in (["notes", "Ada Ames", "--open", "--format", "json"], ["notes", "--open", "--format", "json",
                                                                      "ada@example.com"]):
        assert [n["id"] for n in json.loads(kpitui(db, "--as", "mia@example.com", *args).stdout)] == [2, 3]

    assert kpitui(db, "--as", "ada@example.com", "notes", "done", "2").stdout == \
        "Action item #2 done: Send the Acme proposal\n"
    again = kpitui(db, "--as", "mia@example.com", "notes", "done", "2", ok=False)
    assert (again.returncode, again.stderr.strip()) == (2, "error: action item #2 is already done (2026-10-20, by "
                                                           "Ada Ames)")
    table = kpitui(db, "--as", "mia@example.com", "notes", "Ada Ames").stdout
    assert "Open action items" not in table and "1:1 notes · Ada Ames" in table
    assert "2026-10-20 Ada Ames" in table and "open" in table
    md = kpitui(db, "--as", "ada@example.com", "notes", "--open", "--format", "md").stdout
    assert md.splitlines()[0] == "### Open action items · Ada Ames"
    assert md.count("\n| 3 |") == 1 and "| 2 |" not in md

    exported = kpitui(db, "--as", "mia@example.com", "export", "notes", "--period", "2026-10", "--format",
                      "csv").stdout
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == ["id", "rep", "author", "written_at", "kind", "due_on", "done_at", "done_by", "text"]
    assert [(r[0], r[8]) for r in rows[1:]] == [("1", "Great demo =)"), ("2", "Send the Acme proposal"),
                                                ("3", "'=1+1 update the CRM")]  # formula-safe
    assert rows[2][6:8] == ["2026-10-20T15:00:00+02:00", "Ada Ames"]

    # without REP: a manager gets her teams' notes, a rep only her own
    kpitui(db, "--as", "mia@example.com", "notes", "add", "Bo Brandt", "Follow up Gamma", "--due", "2026-10-21")
    team = json.loads(kpitui(db, "--as", "mia@example.com", "notes", "--open", "--format", "json").stdout)
    assert [(n["id"], n["rep"]) for n in team] == [(4, "Bo Brandt"), (3, "Ada Ames")]
    assert [n["id"] for n in json.loads(kpitui(db, "--as", "bo@example.com", "notes", "--format", "json").stdout)] \
        == [4]
    assert json.loads(kpitui(db, "--as", "cy@example.com", "notes", "--format", "json").stdout) == []


def test_refusals_are_one_clear_line_and_write_nothing(team_db: Path | str) -> None:  # noqa: F811
    db = team_db
    kpitui(db, "--as", "mia@example.com", "notes", "add", "Ada Ames", "coaching", "--action")
    cases = [
        (["--as", "cy@example.com", "notes", "Ada Ames"],
         "error: Cy Cole may not see Ada Ames's 1:1 notes: they are for Ada Ames and the managers of North only"),
        (["--as", "bo@example.com", "notes", "ada@example.com"], "error: Bo Brandt may not see Ada Ames's 1:1 notes"),
        (["--as", "ada@example.com", "notes", "add", "Ada Ames", "x"], "error: Ada Ames may not write 1:1 notes"),
        (["--as", "mia@example.com", "notes", "add", "Cy Cole", "x"],
         "error: Mia Moss may not write notes about Cy Cole: only the managers of South and admins do"),
        (["--as", "bo@example.com", "notes", "done", "1"], "error: no note #1"),
        (["--as", "mia@example.com", "notes", "add", "Ada Ames", "x", "--due", "2026-10-19"],
         "error: due: 2026-10-19 is in the past (today is 2026-10-20): an action item is due today or later"),
        (["--as", "mia@example.com", "notes", "add", "Ada Ames", "\x1b[2J"], "error: text: required, but empty"),
        (["--as", "mia@example.com", "notes", "Nobody"], "error: no rep named 'Nobody'"),
    ]
    for args, message in cases:
        done = kpitui(db, *args, ok=False)
        assert done.returncode == 2, args
        assert done.stderr.strip().startswith(message), (args, done.stderr)
        assert "Traceback" not in done.stderr
    listed = json.loads(kpitui(db, "--as", "ada@example.com", "notes", "--format", "json").stdout)
    assert [(n["text"], n["done_at"]) for n in listed] == [("coaching", None)]
    bad_id = kpitui(db, "--as", "ada@example.com", "notes", "done", "one", ok=False)
    assert bad_id.returncode == 2 and "'one' is not a valid integer" in bad_id.stderr
