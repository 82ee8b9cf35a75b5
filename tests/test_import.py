"""CSV import against a real SQLite file: every kind, --map, all-or-nothing, dry runs, exact money, line
numbers as the file shows them, hostile text, local times; and the spreadsheet-safe CSV writer."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from kpitui.domain.errors import InvalidInput
from kpitui.store import tables
from kpitui.store.db import Database
from kpitui.store.exporter import write_csv
from kpitui.store.import_report import ImportFailed, ImportReport, RowError
from kpitui.store.importer import import_csv
from kpitui.store.models import Activity, Deal, Forecast, Rep, Score, Target, Team, TeamManager

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 20)
REPS = ("name,email,team,role\n"
        "Ada Ames,ada@example.com,North,rep\n"
        "Bo Brandt,bo@example.com,North,rep\n"
        "Cy Cole,,South,\n"
        "Mia Moss,mia@example.com,North,manager\n")


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def _write(content: str, name: str = "in.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode(encoding))
        return path

    return _write


def run(db: Database, kind: str, path: Path, **options: object) -> ImportReport:
    options.setdefault("zone", BERLIN)
    options.setdefault("today", TODAY)
    return import_csv(db, kind, path, **options)  # type: ignore[arg-type]


def counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {name: s.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in tables.metadata.tables.items()}


def all_rows(db: Database, model: type) -> list:
    with Session(db.engine) as s:  # ORM objects: the app's reads are Core
        return list(s.scalars(select(model).order_by(*model.__table__.primary_key.columns)))


@pytest.fixture
def reps(db: Database, write: Callable[..., Path]) -> Database:
    run(db, "reps", write(REPS, "reps.csv"))
    return db


def failure(db: Database, kind: str, path: Path, **options: object) -> ImportFailed:
    before = counts(db)
    with pytest.raises(ImportFailed) as info:
        run(db, kind, path, **options)
    assert counts(db) == before, "a refused import changed the database"
    assert isinstance(info.value, InvalidInput)
    return info.value


# -- reps -------------------------------------------------------------------------------------------------------
def test_import_reps_creates_teams_and_manager_links(db: Database, write: Callable[..., Path]) -> None:
    report = run(db, "reps", write(REPS))
    assert (report.kind, report.rows, report.created, report.updated, report.teams_created) == ("reps", 4, 4, 0, 2)
    assert report.summary() == "imported 4 rows: 4 reps added, 0 updated; 2 new teams"
    teams = {t.id: t.name for t in all_rows(db, Team)}
    people = {r.name: (r.email, teams[r.team_id], r.role, r.active) for r in all_rows(db, Rep)}
    assert people == {
        "Ada Ames": ("ada@example.com", "North", "rep", True),
        "Bo Brandt": ("bo@example.com", "North", "rep", True),
        "Cy Cole": (None, "South", "rep", True),
        "Mia Moss": ("mia@example.com", "North", "manager", True),
    }
    mia = next(r for r in all_rows(db, Rep) if r.name == "Mia Moss")
    assert [(m.rep_id, teams[m.team_id]) for m in all_rows(db, TeamManager)] == [(mia.id, "North")]


def test_reimporting_reps_updates_instead_of_duplicating(reps: Database, write: Callable[..., Path]) -> None:
    report = run(reps, "reps", write("Email,Name,Team\n"  # other order, other case, no role column
                                     "ADA@example.com,Ada Ames-Berg,South\n"
                                     "mia@example.com,Mia Moss,\n"
                                     "cy@example.com,cy cole,\n"
                                     "dee@example.com,Dee Dunn,East\n"))
    assert (report.created, report.updated, report.teams_created) == (1, 3, 1)
    teams = {t.id: t.name for t in all_rows(reps, Team)}
    people = {r.name: (r.email, teams.get(r.team_id), r.role) for r in all_rows(reps, Rep)}
    assert people == {
        "Ada Ames-Berg": ("ada@example.com", "South", "rep"),  # matched by email, renamed, moved
        "Bo Brandt": ("bo@example.com", "North", "rep"),
        "cy cole": ("cy@example.com", "South", "rep"),  # matched by name (had no email), email added
        "Mia Moss": ("mia@example.com", "North", "manager"),  # empty team and no role column: both kept
        "Dee Dunn": ("dee@example.com", "East", "rep"),  # no role column: a rep
    }
    assert len(all_rows(reps, TeamManager)) == 1


def test_reps_file_with_only_names(db: Database, write: Callable[..., Path]) -> None:
    report = run(db, "reps", write("\ufeffname\nAda Ames\n\n  \nBo Brandt\n"))  # BOM, blank lines skipped
    assert (report.rows, report.created) == (2, 2)
    assert [(r.name, r.email, r.team_id, r.role) for r in all_rows(db, Rep)] == [
        ("Ada Ames", None, None, "rep"), ("Bo Brandt", None, None, "rep")]


def test_hostile_text_in_names_is_cleaned(db: Database, write: Callable[..., Path]) -> None:
    run(db, "reps", write('name,email,team\n"Eve\x1b]8;;http://evil\x07 \x1b[2JEvans\x9b31m\x7f",'
                          'eve@example.com,"[bold]Red\x00\tTeam"\n'))
    (eve,) = all_rows(db, Rep)
    assert eve.name == "Eve Evans"
    assert [t.name for t in all_rows(db, Team)] == ["[bold]Red Team"]


# -- deals ------------------------------------------------------------------------------------------------------
DEALS = ("external_id,rep,account,name,amount,stage,created_on,closed_on\n"
         "D1,ada@example.com,Acme,Acme renewal,\"1,234.50\",Won,2026-09-01,2026-10-02\n"
         "D2,Bo Brandt,Globex,Globex pilot,$999.99,Negotiation,2026-10-01,\n"
         "D3,bo brandt,Initech,,0,lost,2026-10-03,2026-10-20\n"
         ",Ada Ames,Umbrella,,,Prospecting,,\n")


def test_import_deals(reps: Database, write: Callable[..., Path]) -> None:
    report = run(reps, "deals", write(DEALS))
    assert (report.rows, report.created, report.updated) == (4, 4, 0)
    ids = {r.name: r.id for r in all_rows(reps, Rep)}
    deals = [(d.external_id, d.rep_id, d.account, d.amount_cents, d.stage, d.outcome, d.created_on, d.closed_on)
             for d in all_rows(reps, Deal)]
    assert deals == [
        ("D1", ids["Ada Ames"], "Acme", 123450, "Won", "won", date(2026, 9, 1), date(2026, 10, 2)),
        ("D2", ids["Bo Brandt"], "Globex", 99999, "Negotiation", "open", date(2026, 10, 1), None),
        ("D3", ids["Bo Brandt"], "Initech", 0, "lost", "lost", date(2026, 10, 3), date(2026, 10, 20)),
        (None, ids["Ada Ames"], "Umbrella", None, "Prospecting", "open", TODAY, None),  # import date
    ]


def test_deals_upsert_by_external_id(reps: Database, write: Callable[..., Path]) -> None:
    run(reps, "deals", write(DEALS))
    report = run(reps, "deals", write("external_id,rep,amount,stage,closed_on\n"
                                      "D2,bo@example.com,1500,Won,2026-11-02\n"
                                      "D9,bo@example.com,20,Proposal,\n"))
    assert (report.created, report.updated) == (1, 1)
    by_ext = {d.external_id: d for d in all_rows(reps, Deal)}
    d2 = by_ext["D2"]
    assert (d2.amount_cents, d2.outcome, d2.closed_on, d2.created_on) == (150000, "won", date(2026, 11, 2),
                                                                         date(2026, 10, 1))  # created_on kept
    assert (by_ext["D9"].amount_cents, by_ext["D9"].stage, by_ext["D9"].created_on) == (2000, "Proposal", TODAY)
    assert len(by_ext) == 5


def test_a_won_deal_without_created_on_is_not_created_after_it_closed(reps: Database,
                                                                      write: Callable[..., Path]) -> None:
    run(reps, "deals", write("rep,stage,closed_on\nada@example.com,won,2026-03-04\n"))
    (deal,) = all_rows(reps, Deal)
    assert (deal.created_on, deal.closed_on) == (date(2026, 3, 4), date(2026, 3, 4))


def test_crm_export_with_a_column_map(reps: Database, write: Callable[..., Path]) -> None:
    crm = write("opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
                "OPP1,Ada Ames,GTX Pro,Acme,Won,2026-08-01,2026-09-15,4821.00\n"
                "OPP2,Bo Brandt,MG Special,Globex,Lost,2026-08-03,2026-09-01,0\n"
                "OPP3,Ada Ames,GTX Basic,Initech,Engaging,2026-09-20,,\n"
                "OPP4,Bo Brandt,GTK 500,,Prospecting,,,\n")
    mapping = {"external_id": "opportunity_id", "rep": "sales_agent", "name": "product", "stage": "deal_stage",
               "created_on": "engage_date", "closed_on": "close_date", "amount": "close_value"}
    report = run(reps, "deals", crm, mapping=mapping)
    assert (report.rows, report.created, report.ignored_columns) == (4, 4, ())
    deals = [(d.external_id, d.name, d.account, d.amount_cents, d.outcome, d.created_on, d.closed_on)
             for d in all_rows(reps, Deal)]
    assert deals == [
        ("OPP1", "GTX Pro", "Acme", 482100, "won", date(2026, 8, 1), date(2026, 9, 15)),
        ("OPP2", "MG Special", "Globex", 0, "lost", date(2026, 8, 3), date(2026, 9, 1)),
        ("OPP3", "GTX Basic", "Initech", None, "open", date(2026, 9, 20), None),
        ("OPP4", "GTK 500", "", None, "open", TODAY, None),
    ]


def test_mapped_errors_name_the_field_and_the_source_column(reps: Database, write: Callable[..., Path]) -> None:
    crm = write("opportunity_id,sales_agent,deal_stage,close_date\nOPP1,Nobody,Won,\n")
    error = failure(reps, "deals", crm, mapping={"rep": "sales_agent", "stage": "deal_stage",
                                                 "closed_on": "close_date"})
    assert [str(e) for e in error.errors] == [
        "line 2, rep (column 'sales_agent'): no rep named 'Nobody'",
        "line 2, closed_on (column 'close_date'): a won deal needs the date it closed",
    ]


def test_mapping_problems_are_found_before_any_row(reps: Database, write: Callable[..., Path]) -> None:
    path = write("sales_agent,stage\nNobody,won\n")
    error = failure(reps, "deals", path, mapping={"rep": "agent"})
    assert [(e.line, e.field) for e in error.errors] == [(1, "rep")]
    assert "no column 'agent'" in str(error) and "sales_agent" in str(error)
    with pytest.raises(InvalidInput, match="deals have no field 'colour'"):
        run(reps, "deals", path, mapping={"colour": "sales_agent"})


# -- activities -------------------------------------------------------------------------------------------------
def test_import_activities_with_deals_and_local_times(reps: Database, write: Callable[..., Path]) -> None:
    run(reps, "deals", write(DEALS, "deals.csv"))
    report = run(reps, "activities", write(
        "rep,kind,occurred_at,outcome,duration_min,deal,note\n"
        "ada@example.com,call,2026-10-25T01:30:00,connected,5,D1,before the clocks went back\n"
        "ada@example.com,Call,2026-10-25T02:30:00,No answer,,,the first 02:30 (summer time)\n"
        "Bo Brandt,meeting,2026-10-25T12:00:00,,30,D2,\n"
        "Bo Brandt,email,2026-10-25T12:00:00Z,,,,\n"))
    assert (report.rows, report.created, report.updated) == (4, 4, 0)
    deal_ids = {d.external_id: d.id for d in all_rows(reps, Deal)}
    got = [(a.kind, a.occurred_at, a.outcome, a.duration_min, a.deal_id) for a in all_rows(reps, Activity)]
    assert got == [
        ("call", datetime(2026, 10, 24, 23, 30, tzinfo=UTC), "connected", 5, deal_ids["D1"]),
        ("call", datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "no_answer", None, None),
        ("meeting", datetime(2026, 10, 25, 11, 0, tzinfo=UTC), None, 30, deal_ids["D2"]),
        ("email", datetime(2026, 10, 25, 12, 0, tzinfo=UTC), None, None, None),
    ]
    with reps.read() as s:  # stored as UTC, whatever the zone (SQLite gives text, PostgreSQL a naive timestamp)
        stored = s.execute(text("SELECT occurred_at FROM activity ORDER BY id LIMIT 1")).scalar_one()
        assert str(stored).startswith("2026-10-24 23:30:00")


def test_the_zone_decides_local_times(reps: Database, write: Callable[..., Path]) -> None:
    path = write("rep,kind,occurred_at\nada@example.com,call,2026-10-25T09:00\n")
    run(reps, "activities", path, zone=ZoneInfo("America/New_York"))
    (call,) = all_rows(reps, Activity)
    assert call.occurred_at == datetime(2026, 10, 25, 13, 0, tzinfo=UTC)


def test_line_numbers_count_physical_lines(reps: Database, write: Callable[..., Path]) -> None:
    path = write('rep,kind,occurred_at,note\n'                                       # line 1
                 'ada@example.com,call,2026-10-05T10:00,"a note\n'                     # line 2
                 'over three\n'                                                        # line 3
                 'lines"\n'                                                            # line 4
                 '\n'                                                                  # line 5
                 'nobody@example.com,call,2026-10-05T11:00,"x"\n'                     # line 6
                 'ada@example.com,"call",2026-10-05T12:00,"two\r\nlines"\n'            # lines 7-8
                 'ada@example.com,nap,2026-10-05T13:00,\n')                            # line 9
    error = failure(reps, "activities", path)
    assert [(e.line, e.field) for e in error.errors] == [(6, "rep"), (9, "kind")]
    assert str(error).splitlines() == [
        "nothing was imported (2 problems):",
        "line 6, rep: no rep named 'nobody@example.com'",
        "line 9, kind: 'nap' is not an activity kind: use call, email, meeting, demo, proposal or idea",
    ]


def test_multiline_notes_are_kept(reps: Database, write: Callable[..., Path]) -> None:
    run(reps, "activities", write('rep,kind,occurred_at,note\r\n'
                                  'ada@example.com,call,2026-10-05T10:00,"first\r\nsecond\x1b[2J\x07\tend"\r\n'))
    (call,) = all_rows(reps, Activity)
    assert call.note == "first\nsecond\tend"


BAD_ACTIVITIES = ("rep,kind,occurred_at,outcome,duration_min,deal,note\n"
                  "ada@example.com,call,2026-10-08T10:00:00,connected,5,,fine\n"
                  "nobody@example.com,call,2026-10-09T10:00:00,connected,5,,\n"
                  "ada@example.com,teleport,2026-10-32T10:00:00,,-3,,\n"
                  "bo@example.com,meeting,2026-10-09T10:00:00,connected,20,NOPE,\n"
                  "ada@example.com,call,2026-10-09T10:00:00,,,,\n")


def test_a_bad_activities_file_changes_nothing_and_names_every_problem(reps: Database,
                                                                        write: Callable[..., Path]) -> None:
    run(reps, "activities", write("rep,kind,occurred_at\nada@example.com,email,2026-10-01T09:00\n", "ok.csv"))
    error = failure(reps, "activities", write(BAD_ACTIVITIES))
    assert error.errors == [
        RowError(3, "rep", "no rep named 'nobody@example.com'"),
        RowError(4, "kind", "'teleport' is not an activity kind: use call, email, meeting, demo, proposal or idea"),
        RowError(4, "occurred_at", "'2026-10-32' is not a real date"),
        RowError(4, "duration_min", "can't be negative (-3)"),
        RowError(5, "outcome", "only calls have an outcome (this is a meeting)"),
        RowError(5, "deal", "no deal with the id 'NOPE'"),  # references are checked on bad rows too
    ]
    assert error.total == 6
    assert "line 3, rep: no rep named 'nobody@example.com'" in str(error)
    error = failure(reps, "activities", write(BAD_ACTIVITIES.replace(",connected,20,NOPE", ",,20,NOPE")))
    assert RowError(5, "deal", "no deal with the id 'NOPE'") in error.errors


def test_a_missing_required_column_is_refused_before_reading_rows(reps: Database,
                                                                  write: Callable[..., Path]) -> None:
    error = failure(reps, "activities", write("rep,occurred_at\nnobody,not a time\n"))
    assert [(e.line, e.field) for e in error.errors] == [(1, "kind")]
    assert "no 'kind' column" in str(error) and "--map kind=COLUMN" in str(error)


def test_a_row_with_too_many_values_is_refused(reps: Database, write: Callable[..., Path]) -> None:
    error = failure(reps, "deals", write("rep,amount,stage\nada@example.com,1,234.50,open\n"))
    assert error.errors[0].line == 2 and "3 columns" in error.errors[0].message


def test_dry_run_writes_nothing_but_reports(reps: Database, write: Callable[..., Path]) -> None:
    before = counts(reps)
    report = run(reps, "reps", write(REPS.replace("Bo Brandt", "Bo Brandt-Neu") + "Dee,dee@example.com,East,\n"),
                 dry_run=True)
    assert (report.dry_run, report.rows, report.created, report.updated, report.teams_created) == (True, 5, 1, 4, 1)
    assert report.summary().startswith("dry run, nothing written: 5 rows checked, all good; would add 1 rep and "
                                       "update 4")
    assert counts(reps) == before
    assert "Bo Brandt" in {r.name for r in all_rows(reps, Rep)}
    report = run(reps, "activities", write(BAD_ACTIVITIES.splitlines()[0] + "\n" + "ada@example.com,call,"
                                           "2026-10-01T10:00,,,,\n" * 3, "a.csv"), dry_run=True)
    assert (report.created, counts(reps)) == (3, before)
    with pytest.raises(ImportFailed):  # a dry run finds the same problems
        run(reps, "activities", write(BAD_ACTIVITIES), dry_run=True)


def test_money_is_exact(reps: Database, write: Callable[..., Path]) -> None:
    rows = "".join(f"T{i},ada@example.com,0.10,won,2026-10-01,2026-10-02\n" for i in range(1000))
    run(reps, "deals", write("external_id,rep,amount,stage,created_on,closed_on\n" + rows))
    with reps.read() as s:
        total = s.execute(select(func.sum(Deal.amount_cents))).scalar_one()
    assert total == 10000 and int(total) == total  # exact: an integer (SQLite) or an integral numeric (PostgreSQL)
    assert Decimal(total) / 100 == Decimal("100.00")


def test_activities_are_inserted_in_bulk(reps: Database, write: Callable[..., Path]) -> None:
    lines = "".join(f"ada@example.com,call,2026-10-01T{i // 60 % 24:02d}:{i % 60:02d},,,,n{i}\n"
                    for i in range(12000))
    seen: list[tuple[int, int]] = []
    report = run(reps, "activities", write("rep,kind,occurred_at,outcome,duration_min,deal,note\n" + lines),
                 progress=lambda done, total: seen.append((done, total)))
    assert report.created == 12000 == counts(reps)["activity"]
    assert seen[-1] == (12001, 12001) and len(seen) > 10


def test_problems_are_capped_but_counted(reps: Database, write: Callable[..., Path]) -> None:
    error = failure(reps, "activities", write("rep,kind,occurred_at\n" + "x,nap,soon\n" * 300))
    assert len(error.errors) == 200 and error.total == 900
    assert str(error).splitlines()[-1] == "... and 700 more"


def test_semicolons_bom_and_loose_headers(reps: Database, write: Callable[..., Path]) -> None:
    path = write("\ufeff Rep ;KIND;Occurred_At ;Note\r\nada@example.com;call;2026-10-05 10:00;a, b\r\n")
    report = run(reps, "activities", path)
    assert report.created == 1
    assert all_rows(reps, Activity)[0].note == "a, b"


def test_a_file_that_is_not_utf8_is_refused_with_its_line(reps: Database, write: Callable[..., Path]) -> None:
    path = write("rep,kind,occurred_at,note\nada@example.com,call,2026-10-05T10:00,ok\n"
                 "ada@example.com,call,2026-10-05T10:00,Café\n", encoding="cp1252")
    error = failure(reps, "activities", path)
    assert error.errors[0].line == 3 and "UTF-8" in error.errors[0].message


def test_an_unclosed_quote_is_reported(reps: Database, write: Callable[..., Path]) -> None:
    error = failure(reps, "activities", write('rep,kind,occurred_at,note\nada@example.com,call,2026-10-05T10:00,'
                                              '"never closed\nada@example.com,call,2026-10-05T10:00,x\n'))
    assert error.errors[0].line == 2 and "quote" in error.errors[0].message


def test_an_ambiguous_rep_name_asks_for_the_email(reps: Database, write: Callable[..., Path]) -> None:
    with reps.write() as s:
        s.add(Rep(name="Ada Ames", email="ada2@example.com"))
    error = failure(reps, "activities", write("rep,kind,occurred_at\nada ames,call,2026-10-05T10:00\n"))
    assert str(error.errors[0]) == "line 2, rep: 2 reps are named 'ada ames': use the rep's email instead"


def test_unknown_kind_and_empty_file(reps: Database, write: Callable[..., Path]) -> None:
    with pytest.raises(InvalidInput, match="can't import 'widgets'"):
        run(reps, "widgets", write("a\n"))
    with pytest.raises(ImportFailed, match="first line should name the columns"):
        run(reps, "reps", write(""))


# -- targets, scores, forecasts ---------------------------------------------------------------------------------
def test_import_targets_and_upsert(reps: Database, write: Callable[..., Path]) -> None:
    report = run(reps, "targets", write("rep,team,kpi,period,value\n"
                                        "ada@example.com,,calls,2026-Q4,120\n"
                                        ",North,calls,2026-Q4,100\n"
                                        ",north,win_rate,2026-10,25%\n"
                                        "Bo Brandt,,revenue,2026-W43,\"$50,000\"\n"))
    assert (report.created, report.updated) == (4, 0)
    report = run(reps, "targets", write("team,kpi,period,value\nNorth,calls,2026-q4,90\nSouth,calls,2026,400\n"))
    assert (report.created, report.updated) == (1, 1)
    got = sorted((t.rep_id is not None, t.kpi, t.period_kind, t.period_start, t.value)
                 for t in all_rows(reps, Target))
    assert got == [
        (False, "calls", "quarter", date(2026, 10, 1), Decimal("90.00")),
        (False, "calls", "year", date(2026, 1, 1), Decimal("400.00")),
        (False, "win_rate", "month", date(2026, 10, 1), Decimal("0.2500")),
        (True, "calls", "quarter", date(2026, 10, 1), Decimal("120.00")),
        (True, "revenue", "week", date(2026, 10, 19), Decimal("50000.00")),
    ]


def test_bad_targets(reps: Database, write: Callable[..., Path]) -> None:
    error = failure(reps, "targets", write("rep,team,kpi,period,value\n"
                                           "ada@example.com,North,calls,2026-Q4,1\n"
                                           ",Westeros,calls,2026-Q4,1\n"
                                           ",North,calls,2026-10-01..2026-10-15,1\n"
                                           ",North,karma,2026-Q4,1\n"))
    assert [(e.line, e.field) for e in error.errors] == [(2, "team"), (3, "team"), (4, "period"), (5, "kpi")]
    assert str(error.errors[1]) == "line 3, team: no team named 'Westeros'"
    error = failure(reps, "targets", write("kpi,period,value\ncalls,2026-Q4,1\n"))
    assert [(e.line, e.field) for e in error.errors] == [(1, "rep")]


def test_import_scores(reps: Database, write: Callable[..., Path]) -> None:
    report = run(reps, "scores", write("rep,kind,date,value,note\n"
                                       "ada@example.com,csat,2026-10-01,5,\"Great\x1b[31m call\"\n"
                                       "Bo Brandt,call_review,2026-10-02,3,\n"))
    assert report.created == 2
    assert [(s.kind, s.on, s.value, s.note) for s in all_rows(reps, Score)] == [
        ("csat", date(2026, 10, 1), 5, "Great call"), ("call_review", date(2026, 10, 2), 3, "")]
    error = failure(reps, "scores", write("rep,kind,date,value\nada@example.com,csat,2026-02-30,6\n"))
    assert [(e.field, e.message) for e in error.errors] == [
        ("date", "'2026-02-30' is not a real date"), ("value", "must be from 1 to 5 (6 was given)")]


def test_import_forecasts_and_upsert(reps: Database, write: Callable[..., Path]) -> None:
    run(reps, "forecasts", write("rep,period,amount\nada@example.com,2026-Q4,\"120,000.00\"\nBo Brandt,2026-10,0\n"))
    report = run(reps, "forecasts", write("rep,period,amount\nAda Ames,2026-Q4,130000.10\n"))
    assert (report.created, report.updated) == (0, 1)
    got = sorted((f.period_kind, f.period_start, f.amount_cents) for f in all_rows(reps, Forecast))
    assert got == [("month", date(2026, 10, 1), 0), ("quarter", date(2026, 10, 1), 13000010)]


def test_imports_do_not_use_float(reps: Database, write: Callable[..., Path]) -> None:
    run(reps, "deals", write("rep,amount,stage\nada@example.com,999999999999.99,open\n"))
    (deal,) = all_rows(reps, Deal)
    assert deal.amount_cents == 99999999999999


# -- the spreadsheet-safe writer --------------------------------------------------------------------------------
def test_write_csv_neutralises_formulas_and_keeps_numbers() -> None:
    out = io.StringIO(newline="")
    count = write_csv([["=1+1", Decimal("-5.00"), -3, "@me", "plain", None],
                       ["+49 30 1234", 1.5, 0, "-dash", "multi\nline", date(2026, 10, 25)]],
                      ["note", "amount", "n", "who", "text", "on"], out)
    assert count == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["note", "amount", "n", "who", "text", "on"],
        ["'=1+1", "-5.00", "-3", "'@me", "plain", ""],
        ["'+49 30 1234", "1.5", "0", "'-dash", "multi\nline", "2026-10-25"],
    ]


# -- re-import: external ids, updates, duplicates (DESIGN.md section 7) -------------------------------------------
def export_file(db: Database, path: Path, period: str = "2026-10") -> Path:
    from conftest import service
    from kpitui.domain.periods import parse_period

    header, rows = service(db).export_rows("activities", parse_period(period, TODAY))
    with path.open("w", newline="", encoding="utf-8") as out:
        write_csv(rows, header, out)
    return path


def activity_rows(db: Database) -> list[tuple]:
    return [(a.id, a.rep_id, a.kind, a.occurred_at, a.outcome, a.duration_min, a.deal_id, a.note, a.external_id)
            for a in all_rows(db, Activity)]


CRM_ACTIVITIES = ("external_id,rep,kind,occurred_at,outcome,duration_min,deal,note\n"
                  "CRM-1,ada@example.com,call,2026-10-05T09:00,connected,5,D-1,first\n"
                  "CRM-2,bo@example.com,meeting,2026-10-06T10:00,,30,,\n"
                  ",ada@example.com,email,2026-10-07T11:00,,,,-left a note\n")


@pytest.fixture
def crm(reps: Database, write: Callable[..., Path]) -> Database:
    run(reps, "deals", write("external_id,rep,stage,created_on\nD-1,ada@example.com,Qualified,2026-10-01\n",
                             "deals.csv"))
    report = run(reps, "activities", write(CRM_ACTIVITIES, "crm.csv"))
    assert (report.created, report.updated, report.skipped) == (3, 0, 0)
    with reps.write() as s:  # logged in the app: no external id, a deal named by its own id
        s.add(Activity(rep_id=1, kind="call", occurred_at=datetime(2026, 10, 8, 7, 0, tzinfo=UTC), outcome="voicemail",
                       deal_id=1, note='=HYPERLINK("x")\nsecond line, with "quotes"'))
    return reps


def test_reimporting_an_export_adds_nothing_and_changes_nothing(crm: Database, tmp_path: Path) -> None:
    before, stored = counts(crm), activity_rows(crm)
    path = export_file(crm, tmp_path / "export.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "external_id,rep,kind,occurred_at,outcome,duration_min,deal,note"
    assert [line.split(",")[0] for line in lines[1:4]] == ["CRM-1", "CRM-2", "kpitui-3"]  # own id where none came
    dry = run(crm, "activities", path, dry_run=True)
    assert (dry.created, dry.updated, dry.skipped) == (0, 0, 4)
    assert dry.summary() == ("dry run, nothing written: 4 rows checked, all good; would add 0 activities, "
                             "update 0 and skip 4 duplicates")
    report = run(crm, "activities", path)
    assert report.summary() == "imported 4 rows: 0 activities added, 0 updated, 4 duplicates skipped"
    assert (counts(crm), activity_rows(crm)) == (before, stored)


def test_a_row_with_a_known_external_id_updates_that_row(crm: Database, write: Callable[..., Path]) -> None:
    stored = {row[8]: row for row in activity_rows(crm)}
    report = run(crm, "activities", write(
        "external_id,rep,kind,occurred_at,outcome,duration_min,deal,note\n"
        "CRM-1,ada@example.com,call,2026-10-05T09:30,no_answer,,,moved\n"      # changed: updated
        "CRM-2,bo@example.com,meeting,2026-10-06T10:00,,30,,\n"                # the same: a duplicate
        "CRM-9,bo@example.com,demo,2026-10-09T10:00,,,,\n"                     # new: added
        ",ada@example.com,email,2026-10-07T11:00,,,,-left a note\n"))          # equal to a stored one
    assert report.summary() == "imported 4 rows: 1 activity added, 1 updated, 2 duplicates skipped"
    after = {row[8]: row for row in activity_rows(crm)}
    assert after["CRM-1"][0] == stored["CRM-1"][0]  # the same row
    assert after["CRM-1"][3:8] == (datetime(2026, 10, 5, 7, 30, tzinfo=UTC), "no_answer", None, None, "moved")
    assert after["CRM-2"] == stored["CRM-2"] and "CRM-9" in after
    assert len(after) == len(stored) + 1


def test_an_edited_export_updates_the_rows_by_their_own_id(crm: Database, tmp_path: Path) -> None:
    path = export_file(crm, tmp_path / "export.csv")
    path.write_text(path.read_text(encoding="utf-8").replace("'-left a note", "called back"), encoding="utf-8")
    report = run(crm, "activities", path)
    assert (report.created, report.updated, report.skipped) == (0, 1, 3)
    email = next(row for row in activity_rows(crm) if row[0] == 3)
    assert (email[7], email[8]) == ("called back", None)  # its own id stays its id: no external id stored


def test_another_databases_own_ids_never_overwrite_a_row_here(crm: Database, write: Callable[..., Path]) -> None:
    stored = activity_rows(crm)
    report = run(crm, "activities", write(
        "external_id,rep,kind,occurred_at,outcome,duration_min,deal,note\n"
        "kpitui-3,bo@example.com,call,2026-10-12T09:00,,,,from elsewhere\n"    # id 3 here is Ada's email
        "kpitui-999,bo@example.com,call,2026-10-12T10:00,,,,\n"                  # no row 999 here
        "3,ada@example.com,call,2026-10-12T11:00,,,,a CRM's own numbering\n"))   # a CRM id, not a row id
    assert (report.created, report.updated, report.skipped) == (3, 0, 0)
    after = activity_rows(crm)
    assert after[: len(stored)] == stored
    assert [row[8] for row in after[len(stored):]] == [None, None, "3"]


def test_a_deal_external_id_twice_in_one_file_names_both_lines(reps: Database, write: Callable[..., Path]) -> None:
    """It used to merge silently, the last line winning."""
    error = failure(reps, "deals", write("external_id,rep,amount,stage\n"
                                         "D9,bo@example.com,10,Qualify\n"
                                         "D8,bo@example.com,10,Qualify\n"
                                         "D9,bo@example.com,20,Proposal\n"))
    assert [str(e) for e in error.errors] == [
        "line 4, external_id: 'D9' is on line 2 as well: an external id names one row, so it may appear once in "
        "a file"]


def test_an_external_id_twice_in_one_file_names_both_lines(crm: Database, write: Callable[..., Path]) -> None:
    error = failure(crm, "activities", write(
        "external_id,rep,kind,occurred_at\n"
        "N-1,ada@example.com,call,2026-10-12T09:00\n"
        "N-2,ada@example.com,call,2026-10-12T09:00\n"
        "N-1,bo@example.com,email,2026-10-12T10:00\n"
        "CRM-1,ada@example.com,call,2026-10-05T09:00\n"
        "CRM-1,ada@example.com,call,2026-10-05T09:00\n"))
    assert [str(e) for e in error.errors] == [
        "line 4, external_id: 'N-1' is on line 2 as well: an external id names one row, so it may appear once in "
        "a file",
        "line 6, external_id: 'CRM-1' is on line 5 as well: an external id names one row, so it may appear once "
        "in a file"]


def test_equal_rows_count_once_each(reps: Database, write: Callable[..., Path]) -> None:
    """Two dials in the same minute are two calls: each stored row answers for one equal line of a file."""
    row = "ada@example.com,call,2026-10-12T09:00,no_answer\n"
    run(reps, "activities", write("rep,kind,occurred_at,outcome\n" + row))
    report = run(reps, "activities", write("rep,kind,occurred_at,outcome\n" + row * 3))
    assert (report.created, report.skipped) == (2, 1)
    again = run(reps, "activities", write("rep,kind,occurred_at,outcome\n" + row * 3))
    assert (again.created, again.skipped) == (0, 3)


def test_scores_are_updated_by_external_id_and_duplicates_skipped(reps: Database, write: Callable[..., Path]) -> None:
    first = run(reps, "scores", write("external_id,rep,kind,date,value,note\n"
                                      "S-1,ada@example.com,csat,2026-10-01,4,\n"
                                      ",bo@example.com,call_review,2026-10-02,3,ok\n"))
    assert first.summary() == "imported 2 rows: 2 scores added, 0 updated, 0 duplicates skipped"
    again = run(reps, "scores", write("external_id,rep,kind,date,value,note\n"
                                      "S-1,ada@example.com,csat,2026-10-01,5,re-rated\n"
                                      ",bo@example.com,call_review,2026-10-02,3,ok\n"))
    assert (again.created, again.updated, again.skipped) == (0, 1, 1)
    scores = {s.external_id: (s.value, s.note) for s in all_rows(reps, Score)}
    assert scores == {"S-1": (5, "re-rated"), None: (3, "ok")}
