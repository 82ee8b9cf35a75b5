"""Dates that cannot be (DESIGN.md section 7): before 1970 or in the future, refused with the field named at
every entry point — `kpitui log --at`, the form's service call, deal moves, imports of activities, deals and
scores — and nothing written. A local time skipped by the clock change gets one message everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conftest import Builder, service
from kpitui.domain.errors import InvalidInput
from kpitui.domain.inputs import InvalidFields
from kpitui.store.db import Database
from test_cli import counts, kpitui, write

# the CLI's clock (test_cli.ENV): 2026-10-20 15:00 in Berlin
GAP = "2026-03-29 02:30"  # Europe/Berlin: the clocks went from 02:00 to 03:00


@pytest.fixture
def cli_db(tmp_path: Path) -> Path:
    db = tmp_path / "dates.db"
    kpitui(db, "init")
    kpitui(db, "import", "reps", str(write(tmp_path / "reps.csv", "name,email,team,role\n"
                                                                  "Ada Ames,ada@example.com,North,rep\n")))
    return db


@pytest.mark.parametrize(("at", "words"), [
    ("0001-01-01", "occurred_at: 0001-01-01 00:00 is before 1970: check the year"),  # was an OverflowError
    ("0001-01-01T00:00+05:00", "occurred_at: 0001-01-01 00:00 is before 1970"),
    ("1900-01-01T09:00", "occurred_at: 1900-01-01 09:00 is before 1970"),
    ("1999-05-05T09:00", None),  # fine: in the past, after 1970
    ("9999-12-31T23:59-01:00", "occurred_at: 9999-12-31 23:59 is in the future"),
    ("2026-11-20T10:00", "occurred_at: 2026-11-20 10:00 is in the future (it is now 2026-10-20 15:00 in "
                         "Europe/Berlin)"),
    ("today 15:04", None),  # within the 5 minutes' grace
    ("today 15:06", "occurred_at: 2026-10-20 15:06 is in the future"),
])
def test_log_at_refuses_impossible_times(cli_db: Path, at: str, words: str | None) -> None:
    done = kpitui(cli_db, "--as", "ada@example.com", "log", "call", "--at", at, ok=words is None)
    if words is None:
        assert counts(cli_db)["activity"] == 1
        return
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert words in done.stderr
    assert counts(cli_db)["activity"] == 0


def test_a_dst_gap_gets_the_same_message_from_log_and_from_import(cli_db: Path, tmp_path: Path) -> None:
    logged = kpitui(cli_db, "--as", "ada@example.com", "log", "call", "--at", GAP, ok=False)
    imported = kpitui(cli_db, "import", "activities", str(write(tmp_path / "gap.csv", (
        f"rep,kind,occurred_at\nada@example.com,call,{GAP}\n"))), ok=False)
    message = ("2026-03-29 02:30 did not happen in Europe/Berlin (the clocks went forward); write the time with "
               "its UTC offset, like +01:00")
    assert f"error: occurred_at: {message}" in logged.stderr
    assert f"line 2, occurred_at: {message}" in imported.stderr
    assert counts(cli_db)["activity"] == 0


def test_imports_refuse_impossible_dates_and_write_nothing(cli_db: Path, tmp_path: Path) -> None:
    activities = kpitui(cli_db, "import", "activities", str(write(tmp_path / "a.csv", (
        "rep,kind,occurred_at\n"
        "ada@example.com,call,2026-10-20T10:00\n"
        "ada@example.com,call,2026-12-01T10:00\n"
        "ada@example.com,call,1899-12-31T10:00\n"))), ok=False)
    assert "line 3, occurred_at: 2026-12-01 10:00 is in the future" in activities.stderr
    assert "line 4, occurred_at: 1899-12-31 10:00 is before 1970" in activities.stderr
    deals = kpitui(cli_db, "import", "deals", str(write(tmp_path / "d.csv", (
        "external_id,rep,stage,created_on,closed_on\n"
        "D-1,ada@example.com,Won,2026-10-01,2026-10-21\n"
        "D-2,ada@example.com,Proposal,2026-10-21,2027-01-31\n"
        "D-3,ada@example.com,Lost,0001-01-01,2026-10-01\n"
        "D-4,ada@example.com,Proposal,2026-10-20,2027-01-31\n"))), ok=False)
    assert "line 2, closed_on: 2026-10-21 is in the future (today is 2026-10-20)" in deals.stderr
    assert "line 3, created_on: 2026-10-21 is in the future" in deals.stderr
    assert "line 4, created_on: 0001-01-01 is before 1970: check the year" in deals.stderr
    assert "line 5" not in deals.stderr  # an open deal may expect to close next year
    scores = kpitui(cli_db, "import", "scores", str(write(tmp_path / "s.csv", (
        "rep,kind,date,value\n"
        "ada@example.com,csat,1900-01-01,4\n"
        "ada@example.com,csat,9999-12-31,4\n"))), ok=False)
    assert "line 2, date: 1900-01-01 is before 1970" in scores.stderr
    assert "line 3, date: 9999-12-31 is in the future" in scores.stderr
    for done in (activities, deals, scores):
        assert done.returncode == 2 and "Traceback" not in done.stderr
    assert {k: v for k, v in counts(cli_db).items() if k in ("activity", "deal", "score")} == {
        "activity": 0, "deal": 0, "score": 0}


def test_the_form_and_deal_moves_refuse_impossible_dates(db: Database, build: Builder) -> None:
    team = build.team("North")
    ada = build.rep("Ada Ames", team)
    deal = build.deal(ada, "Acme", "100", "Proposal", date(2026, 10, 1))
    svc = service(db, "ada@example.com", now=datetime(2026, 11, 20, 15, 0, tzinfo=UTC))
    with pytest.raises(InvalidFields) as info:  # what the activity form sends
        svc.log_activity("call", when="2026-11-21 09:00")
    assert info.value.problems == [("occurred_at", "2026-11-21 09:00 is in the future (it is now 2026-11-20 "
                                                   "16:00 in Europe/Berlin)")]
    with pytest.raises(InvalidFields, match="occurred_at: 0001-01-01 09:00 is before 1970"):
        svc.log_activity("call", when=datetime(1, 1, 1, 9, 0, tzinfo=UTC))
    with pytest.raises(InvalidInput, match="closed_on: 2026-11-21 is in the future"):
        svc.move_deal(deal, "Won", closed_on="2026-11-21")
    with pytest.raises(InvalidInput, match="closed_on: 1969-07-20 is before 1970"):
        svc.move_deal(deal, "Lost", closed_on="1969-07-20")
    assert svc.deals(open_only=True)[0].stage == "Proposal"
    assert svc.activities() == []
    assert svc.move_deal(deal, "Won", closed_on="2026-11-20").closed_on == date(2026, 11, 20)
