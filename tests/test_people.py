"""Who you are (issue 13): signing in, deactivating, moving people, names that only look alike.

Every test here failed on main before this change (the people commands did not exist, an empty --as was the
owner, a deactivated person signed in, zero-width characters survived, a rep's export listed every team's
defaults, a deal error named its owner). Service tests take the `db` fixture, so they run on PostgreSQL too when
KPITUI_TEST_POSTGRES is set; the CLI runs through its real entry point on a SQLite file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from conftest import BERLIN, Builder, local, service
from kpitui.domain.errors import AccessDenied, InvalidInput, NotFound
from kpitui.domain.periods import Period
from kpitui.domain.text import clean_text, name_key
from kpitui.services import Kpitui
from kpitui.store.db import Database
from kpitui.store.exporter import write_csv
from kpitui.store.import_report import ImportFailed
from test_cli import ENV, KPITUI, kpitui, write
from test_postgres_rls import Shared, needs_postgres, shared  # noqa: F401 - the fixture, for PostgreSQL logins

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
NOV = Period.month_of(date(2026, 11, 1))


def team_of_two(build: Builder) -> dict[str, int]:
    """North: Ada (rep), Bo (rep), Mia (manager); South: Cy (rep), Sol (manager); Eve, an admin."""
    north, south = build.team("North"), build.team("South")
    ids = {"north": north, "south": south, "ada": build.rep("Ada Ames", north), "bo": build.rep("Bo Berg", north),
           "mia": build.rep("Mia Moss", north, role="manager"), "cy": build.rep("Cy Cole", south),
           "sol": build.rep("Sol Sun", south, role="manager"), "eve": build.rep("Eve Early", None, role="admin")}
    for who in ("ada", "bo", "cy"):
        build.activity(ids[who], "call", local(2026, 11, 10, 9), "connected")
    return ids


# -- text: invisible characters ----------------------------------------------------------------------------------
def test_every_format_character_is_cleaned_and_newline_tab_rules_hold() -> None:
    format_chars = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert clean_text("a" + "".join(format_chars) + "b") == "ab"
    assert clean_text("\u200bLea Santos") == "Lea Santos"
    assert clean_text("\ufeff\u200b\u2060") == ""
    assert clean_text("one\u200b\ttwo\nthree", multiline=True) == "one\ttwo\nthree"
    assert clean_text("one\ttwo\nthree") == "one two three"
    assert name_key("\u200bＬＥＡ  Santos") == name_key("lea santos") == "lea santos"


def test_the_csv_formula_guard_looks_past_invisible_characters_and_spaces() -> None:
    out = io.StringIO()
    write_csv([["\ufeff=HYPERLINK(\"http://evil\")"], ["\u200b @SUM(A1)"], ["plain"]], ["note"], out)
    cells = [row[0] for row in csv.reader(io.StringIO(out.getvalue()))]
    assert cells[1].startswith("'") and cells[2].startswith("'") and cells[3] == "plain"


# -- signing in ----------------------------------------------------------------------------------------------------
def test_names_compare_nfkc_casefolded_without_invisible_characters(db: Database, build: Builder) -> None:
    ids = team_of_two(build)
    assert service(db, "\u200bＡＤＡ ames").actor.id == ids["ada"]  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        service(db).find_rep("\u200b")  # nobody, not the first person or everyone


def test_a_look_alike_never_takes_the_place_of_the_person_typed(db: Database, build: Builder) -> None:
    north = build.team("North")
    real = build.rep("Lea Santos", north, email="lea@example.com")
    wide = build.rep("Ｌｅａ Santos", north, email="wide@example.com")  # stored before names were compared NFKC
    assert service(db, "lea santos").actor.id == real  # type: ignore[union-attr]
    assert service(db, "\u200bLea Santos").actor.id == real  # type: ignore[union-attr]
    try:
        chosen = service(db, "Ｌｅａ Santos").actor.id  # type: ignore[union-attr]
    except InvalidInput:  # SQLite's lower() folds ASCII only, so no exact match there: both are that name
        chosen = wide
    assert chosen == wide
    with pytest.raises(InvalidInput, match="2 people are named"):
        service(db, "LEA  SANTOS")  # typed like neither: both are that name


@pytest.mark.parametrize("blank", ["", "  ", "\u200b\ufeff"])
def test_an_empty_actor_is_an_error_not_the_owner(db: Database, build: Builder, blank: str) -> None:
    team_of_two(build)
    with pytest.raises(InvalidInput, match="empty"):
        service(db, blank)


def test_empty_as_or_kpitui_user_is_refused_on_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    kpitui(db, "import", "reps", str(write(tmp_path / "r.csv", "name,email,team,role\nAda,ada@x.com,N,rep\n")))
    done = kpitui(db, "--as", "", "people", "deactivate", "ada@x.com", ok=False)
    assert done.returncode == 2 and "--as (or KPITUI_USER) is empty" in done.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")} | ENV | {"KPITUI_USER": ""}
    done = subprocess.run([KPITUI, "--db", str(db), "leaderboard"], capture_output=True, text=True, env=env,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "empty" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_an_ambiguous_as_lists_the_matches(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    kpitui(db, "import", "reps", str(write(tmp_path / "r.csv", "name,email,team\nSam Lee,sam1@x.com,N\n"
                                                                 "Sam Lee,sam2@x.com,S\n")))
    done = kpitui(db, "--as", "sam lee", "scorecard", ok=False)
    assert done.returncode == 2
    assert "2 people are named 'sam lee'" in done.stderr
    assert "Sam Lee <sam1@x.com>" in done.stderr and "Sam Lee <sam2@x.com>" in done.stderr


def test_a_deactivated_person_cannot_sign_in(db: Database, build: Builder) -> None:
    ids = team_of_two(build)
    build.rep("Dee Gone", ids["north"], active=False)  # as in sample.db: inactive, and signed in on main
    with pytest.raises(AccessDenied, match="Dee Gone is deactivated and cannot sign in"):
        service(db, "dee@example.com")
    owner = service(db)
    assert owner.deactivate("ada@example.com").changed
    with pytest.raises(AccessDenied, match="Ada Ames is deactivated and cannot sign in"):
        service(db, "ada@example.com")
    assert owner.activate("Ada Ames").changed
    assert service(db, "ada@example.com").actor.id == ids["ada"]  # type: ignore[union-attr]


async def test_the_picker_neither_offers_nor_signs_in_a_deactivated_person(tmp_path: Path) -> None:
    from kpitui.ui.screens.picker import RepPicker
    from test_ui_support import make_app, press, screen_text, settle, sqlite_db

    for db in sqlite_db(tmp_path):
        team_of_two(Builder(db))
        service(db).deactivate("bo@example.com")
        app = make_app(db, actor=None)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert "Ada Ames" in screen_text(app) and "Bo Berg" not in screen_text(app)
            await press(pilot, *"bo@example.com", "enter")
            assert isinstance(app.screen, RepPicker)
            assert "Bo Berg is deactivated and cannot sign in" in screen_text(app)


# -- people commands -----------------------------------------------------------------------------------------------
def test_people_commands_list_deactivate_activate_move_and_audit(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    reps = ("name,email,team,role\nEve Early,eve@x.com,,admin\nAda Ames,ada@x.com,North,rep\n"
            "Mia Moss,mia@x.com,North,manager\n")
    kpitui(db, "import", "reps", str(write(tmp_path / "r.csv", reps + "Cy Cole,cy@x.com,South,rep\n")))
    assert "Ada Ames is deactivated" in kpitui(db, "--as", "eve@x.com", "people", "deactivate", "ada@x.com").stdout
    assert "already" in kpitui(db, "--as", "eve@x.com", "people", "deactivate", "ada@x.com").stdout
    listed = json.loads(kpitui(db, "--as", "eve@x.com", "people", "--format", "json").stdout)
    assert {"name": "Ada Ames", "email": "ada@x.com", "team": "North", "role": "rep", "active": False} in listed
    assert len(listed) == 4
    refused = kpitui(db, "--as", "ada@x.com", "log", "call", "--outcome", "connected", ok=False)
    assert refused.returncode == 2 and "deactivated" in refused.stderr
    assert "Mia Moss is now in team South" in kpitui(db, "--as", "eve@x.com", "people", "move", "mia@x.com",
                                                     "--team", "south").stdout
    assert "active again" in kpitui(db, "--as", "eve@x.com", "people", "activate", "ada@x.com").stdout
    for args in (["deactivate", "cy@x.com"], ["move", "cy@x.com", "--team", "North"]):
        done = kpitui(db, "--as", "mia@x.com", "people", *args, ok=False)
        assert done.returncode == 2 and "admins only" in done.stderr
    done = kpitui(db, "--as", "eve@x.com", "people", "move", "cy@x.com", "--team", "Nowhere", ok=False)
    assert "no team named 'Nowhere'" in done.stderr
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        log = conn.execute(text("SELECT actor, action, subject_rep_id, after FROM change_log WHERE entity = 'rep' "
                                "ORDER BY id")).all()
        links = conn.execute(text("SELECT t.name FROM team_manager m JOIN team t ON t.id = m.team_id "
                                  "JOIN rep r ON r.id = m.rep_id WHERE r.email = 'mia@x.com'")).scalars().all()
    engine.dispose()
    assert [(a, b) for a, b, _, _ in log] == [("Eve Early", "deactivate"), ("Eve Early", "move"),
                                              ("Eve Early", "activate")]
    assert all(subject is not None for _, _, subject, _ in log)
    assert json.loads(log[1][3])["team"] == "South"
    assert links == ["South"]
    # a rep sees their team on `people`, not everyone
    names = [p["name"] for p in json.loads(kpitui(db, "--as", "cy@x.com", "people", "--format", "json").stdout)]
    assert names == ["Cy Cole", "Mia Moss"]


def test_a_deactivated_rep_leaves_the_leaderboard_but_keeps_their_history(db: Database, build: Builder) -> None:
    team_of_two(build)
    owner = service(db)
    owner.deactivate("bo@example.com")
    board = service(db, "mia@example.com").leaderboard(NOV)
    assert [row.rep for row in board.rows] == ["Ada Ames"]
    card = owner.scorecard(NOV, "bo@example.com")
    assert card.line("calls").value == 1
    assert [p.name for p in owner.people()] == ["Ada Ames", "Cy Cole", "Eve Early", "Mia Moss", "Sol Sun"]


def test_a_moved_manager_loses_the_old_teams_rights_at_once(db: Database, build: Builder) -> None:
    team_of_two(build)
    mia = service(db, "mia@example.com")
    assert mia.scorecard(NOV, "ada@example.com").rep == "Ada Ames"
    service(db).move("mia@example.com", "South")
    mia = service(db, "mia@example.com")
    with pytest.raises(AccessDenied):
        mia.scorecard(NOV, "ada@example.com")
    with pytest.raises(AccessDenied):
        mia.set_target("calls", NOV, "40", team="North")
    assert mia.scorecard(NOV, "cy@example.com").rep == "Cy Cole"


def test_only_admins_change_people_and_nobody_deactivates_themselves(db: Database, build: Builder) -> None:
    team_of_two(build)
    with pytest.raises(AccessDenied, match="admins only"):
        service(db, "mia@example.com").deactivate("ada@example.com")
    with pytest.raises(InvalidInput, match="yourself"):
        service(db, "eve@example.com").deactivate("eve@example.com")


# -- import --------------------------------------------------------------------------------------------------------
def test_import_honours_the_active_column(db: Database, build: Builder, tmp_path: Path) -> None:
    team_of_two(build)
    owner = service(db)
    path = write(tmp_path / "r.csv", "name,email,team,active\nAda Ames,ada@example.com,North,no\n"
                                     "New Person,new@example.com,North,FALSE\nBo Berg,bo@example.com,North,\n")
    assert owner.import_csv("reps", path).updated == 2
    active = {p.name: p.active for p in owner.list_people()}
    assert active["Ada Ames"] is False and active["New Person"] is False and active["Bo Berg"] is True
    with pytest.raises(AccessDenied):
        service(db, "new@example.com")
    write(path, "name,email,active\nAda Ames,ada@example.com,1\nBo Berg,bo@example.com,maybe\n")
    with pytest.raises(ImportFailed) as caught:
        owner.import_csv("reps", path)
    assert [str(e) for e in caught.value.errors] == [
        "line 3, active: 'maybe' is not true or false: use true, false, yes, no, 1 or 0"]
    assert {p.name: p.active for p in owner.list_people()}["Ada Ames"] is False  # nothing written


def test_two_rows_with_one_email_are_an_error_naming_both_lines(db: Database, build: Builder,
                                                                 tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "name,email,team\nAnn One,ann@x.com,North\nBob,bob@x.com,North\n"
                                     "Ann Two,ANN@X.com,South\n")
    with pytest.raises(ImportFailed) as caught:
        service(db).import_csv("reps", path)
    assert [str(e) for e in caught.value.errors] == [
        "line 4, email: 'ann@x.com' is also on line 2: one row per person (emails are compared ignoring case)"]
    assert service(db).people() == []


def test_a_name_may_not_be_another_persons_email(db: Database, build: Builder, tmp_path: Path) -> None:
    team_of_two(build)
    owner = service(db)
    for body, line in (("Sneaky,,North\neve@example.com,x@example.com,North\n", 3),  # a stored person's email
                       ("Own,own@x.com,North\nOWN@x.com,y@x.com,North\n", 3)):  # one earlier in the file
        path = write(tmp_path / "r.csv", "name,email,team\n" + body)
        with pytest.raises(ImportFailed) as caught:
            owner.import_csv("reps", path)
        assert [(e.line, e.field) for e in caught.value.errors] == [(line, "name")]
        assert "another person's email" in caught.value.errors[0].message
    path = write(tmp_path / "r.csv", "name,email\nada@example.com,ada@example.com\n")  # their own: fine
    assert owner.import_csv("reps", path).updated == 1
    path = write(tmp_path / "r.csv", "name,email\n\ufeff\u200b,z@x.com\n\u200bBo Berg,\n")
    with pytest.raises(ImportFailed) as caught:
        owner.import_csv("reps", path)
    assert [str(e) for e in caught.value.errors] == ["line 2, name: required, but empty"]


# -- what a rep sees of others -------------------------------------------------------------------------------------
def test_a_reps_target_export_holds_only_their_teams_defaults_and_own_targets(db: Database,
                                                                              build: Builder) -> None:
    ids = team_of_two(build)
    build.target("calls", "month", date(2026, 11, 1), "40", team_id=ids["north"])
    build.target("calls", "month", date(2026, 11, 1), "35", team_id=ids["south"])
    build.target("calls", "month", date(2026, 11, 1), "50", rep_id=ids["ada"])
    build.target("calls", "month", date(2026, 11, 1), "30", rep_id=ids["cy"])
    _, rows = service(db, "ada@example.com").export_rows("targets", NOV)
    assert [(r[0], r[1], r[4]) for r in rows] == [("", "North", 40), ("Ada Ames", "", 50)]
    _, rows = service(db).export_rows("targets", NOV)
    assert len(rows) == 4


def test_a_deal_error_does_not_name_another_reps_deal(db: Database, build: Builder) -> None:
    ids = team_of_two(build)
    build.deal(ids["cy"], "Pedro's account", "1000", "Open", date(2026, 11, 1), external_id="CY-1")
    with pytest.raises(InvalidInput) as caught:
        service(db, "ada@example.com").log_activity("call", deal="CY-1", outcome="connected")
    assert "no deal CY-1 you can log against" in str(caught.value) and "Cy" not in str(caught.value)
    with pytest.raises(InvalidInput) as missing:
        service(db, "ada@example.com").log_activity("call", deal="NOPE-9", outcome="connected")
    assert str(missing.value).replace("NOPE-9", "CY-1") == str(caught.value)  # existing or not: one answer
    with pytest.raises(InvalidInput, match="belongs to Cy Cole"):  # Cy's manager may know
        service(db, "sol@example.com").log_activity("call", rep="Sol Sun", deal="CY-1", outcome="connected")


# -- PostgreSQL logins ---------------------------------------------------------------------------------------------
def _connect(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    finally:
        engine.dispose()


@needs_postgres
def test_deactivating_locks_the_login_role_and_activating_unlocks_it(shared: Shared) -> None:  # noqa: F811
    owner = service(shared.db)
    owner.deactivate("ada@example.com")
    with pytest.raises(OperationalError, match="not permitted to log in"):
        _connect(shared.url_as("ada"))
    done = kpitui(shared.url_as("ada"), "scorecard", ok=False)
    assert done.returncode == 2 and "is locked: its person is deactivated" in done.stderr, done.stderr
    with pytest.raises(InvalidInput, match="deactivated"):  # no new login for them either
        owner.provision_login("ada@example.com", shared.roles["ada"], "pw-ada")
    owner.activate("ada@example.com")
    _connect(shared.url_as("ada"))


@needs_postgres
def test_an_import_that_deactivates_someone_locks_their_login(shared: Shared, tmp_path: Path) -> None:  # noqa: F811
    owner = service(shared.db)
    path = write(tmp_path / "r.csv", "name,email,active\nCy Cole,cy@example.com,no\n")
    assert owner.import_csv("reps", path, dry_run=True).updated == 1
    _connect(shared.url_as("cy"))  # a dry run changes nothing, the login included
    owner.import_csv("reps", path)
    with pytest.raises(OperationalError, match="not permitted to log in"):
        _connect(shared.url_as("cy"))
    owner.import_csv("reps", write(path, "name,email,active\nCy Cole,cy@example.com,yes\n"))
    _connect(shared.url_as("cy"))


@needs_postgres
def test_an_admin_login_without_createrole_cannot_half_deactivate(shared: Shared) -> None:  # noqa: F811
    with shared.db.engine.begin() as conn:
        conn.execute(text("UPDATE rep SET role = 'admin' WHERE email = 'mia@example.com'"))
    owner = service(shared.db)
    owner.provision_login("mia@example.com", shared.roles["mia"], "pw-mia")  # now in kpitui_admin
    as_mia = Kpitui.open(shared.url_as("mia"), zone=BERLIN, clock=lambda: NOW)
    try:
        with pytest.raises(AccessDenied, match="run this connected as the owner"):
            as_mia.deactivate("ada@example.com")
    finally:
        as_mia.db.dispose()
    assert {p.name: p.active for p in owner.list_people()}["Ada Ames"] is True  # nothing changed


@needs_postgres
def test_an_inactive_login_gets_a_clear_refusal_not_an_rls_error(shared: Shared) -> None:  # noqa: F811
    with shared.db.engine.begin() as conn:  # as the sample has it: inactive, login role never locked
        conn.execute(text("UPDATE rep SET active = false WHERE email = 'cy@example.com'"))
    done = kpitui(shared.url_as("cy"), "log", "call", "--outcome", "connected", ok=False)
    assert done.returncode == 2 and "Cy Cole is deactivated and cannot sign in" in done.stderr
    assert "Traceback" not in done.stderr


@needs_postgres
def test_a_moved_managers_database_login_loses_the_old_team(shared: Shared) -> None:  # noqa: F811
    service(shared.db).move("mia@example.com", "South")
    with shared.engine_as("mia").connect() as mia:
        managed = mia.execute(text("SELECT kpitui_managed_team_ids()")).scalar()
        assert managed == [shared.ids["south"]]
        with pytest.raises(Exception, match="row-level security"):
            mia.execute(text("INSERT INTO target (team_id, kpi, period_kind, period_start, value) "
                             "VALUES (:team, 'calls', 'month', '2026-12-01', '1')"), {"team": shared.ids["north"]})
