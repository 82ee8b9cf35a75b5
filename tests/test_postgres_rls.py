"""On a shared PostgreSQL the database itself enforces who writes what (migration 0004, `kpitui grant`).

Each person's login works in psql too, so these tests connect as them with plain SQLAlchemy (no kpitui service
layer) and try what the rules forbid. Roles are cluster-wide: each run makes uniquely named ones and drops them.
Run with KPITUI_TEST_POSTGRES=postgresql+psycopg://OWNER:PW@HOST/postgres (OWNER with CREATEDB and CREATEROLE).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from conftest import BERLIN, POSTGRES, Builder, _postgres_database, local, service
from kpitui.cli import main
from kpitui.domain.errors import AccessDenied, InvalidInput, NotFound
from kpitui.services import Kpitui
from kpitui.store.db import Database
from kpitui.store.schema import ensure_schema

needs_postgres = pytest.mark.skipif(not POSTGRES, reason="set KPITUI_TEST_POSTGRES to run on PostgreSQL")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TABLES = ("activity", "deal", "target", "score", "change_log", "scorecard_weight", "rep", "team", "team_manager")


@dataclass
class Shared:
    db: Database
    url: str
    ids: dict[str, int]
    roles: dict[str, str]
    engines: list[Engine] = field(default_factory=list)

    def url_as(self, who: str) -> str:
        return make_url(self.url).set(username=self.roles[who], password=f"pw-{who}").render_as_string(
            hide_password=False)

    def engine_as(self, who: str) -> Engine:
        engine = create_engine(self.url_as(who), isolation_level="AUTOCOMMIT")
        self.engines.append(engine)
        return engine

    def snapshot(self) -> dict[str, set[tuple[object, ...]]]:
        """Every row of every table, read as the owner."""
        with self.db.engine.connect() as conn:
            return {t: {tuple(r) for r in conn.execute(text(f"SELECT * FROM {t}"))} for t in TABLES}


@pytest.fixture
def shared() -> Iterator[Shared]:
    with _shared_database() as state:
        yield state


@contextmanager
def _shared_database() -> Iterator[Shared]:
    suffix = uuid.uuid4().hex[:10]
    roles = {who: f"t{suffix}_{who}" for who in ("ada", "mia", "cy")}
    try:
        with _postgres_database() as url:
            db = Database(url)
            ensure_schema(db)
            b = Builder(db)
            north, south = b.team("North"), b.team("South")
            ids = {"north": north, "south": south, "ada": b.rep("Ada Ames", north), "bo": b.rep("Bo Berg", north),
                   "mia": b.rep("Mia Moss", north, role="manager"), "cy": b.rep("Cy Cole", south)}
            for who in ("ada", "bo", "cy"):
                ids[f"{who}_call"] = b.activity(ids[who], "call", local(2026, 11, 10, 9), "connected")
                b.activity(ids[who], "meeting", local(2026, 11, 11, 10))
                ids[f"{who}_deal"] = b.deal(ids[who], f"{who} account", "1000", "Won", date(2026, 10, 1),
                                            date(2026, 11, 12))
            b.target("calls", "month", date(2026, 11, 1), "40", team_id=north)
            ids["bo_target"] = b.target("calls", "month", date(2026, 11, 1), "50", rep_id=ids["bo"])
            ids["cy_target"] = b.target("calls", "month", date(2026, 11, 1), "30", rep_id=ids["cy"])
            ids["south_default"] = b.target("calls", "month", date(2026, 11, 1), "35", team_id=south)
            # ada through the command, the others through the service: both are the owner's tools
            # the password from the environment: not on a command line, where `ps` shows it
            result = CliRunner().invoke(main, ["--db", url, "grant", "ada@example.com", "--role-name", roles["ada"]],
                                        env={"KPITUI_PASSWORD": "pw-ada"})
            assert result.exit_code == 0, result.output
            assert "pw-ada" not in result.output
            owner = Kpitui(db)
            assert owner.provision_login("mia@example.com", roles["mia"], "pw-mia") == "kpitui_manager"
            assert owner.provision_login("cy@example.com", roles["cy"], "pw-cy") == "kpitui_rep"
            state = Shared(db, url, ids, roles)
            try:
                yield state
            finally:
                for engine in state.engines:
                    engine.dispose()
                db.dispose()
    finally:
        admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")  # type: ignore[arg-type]
        with admin.connect() as conn:
            for role in roles.values():
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def refused(conn: object, sql: str, **params: object) -> str:
    """Runs `sql`, expects the database to refuse it; returns the message."""
    with pytest.raises(DBAPIError) as caught:
        conn.execute(text(sql), params)  # type: ignore[attr-defined]
    return str(caught.value.orig)


def changed(before: dict[str, set[tuple[object, ...]]], after: dict[str, set[tuple[object, ...]]]) -> dict[str, int]:
    return {t: len(before[t] ^ after[t]) for t in TABLES if before[t] != after[t]}


@needs_postgres
def test_a_rep_writes_her_own_activities_and_nobody_elses(shared: Shared) -> None:
    ids = shared.ids
    before = shared.snapshot()
    with shared.engine_as("ada").connect() as ada:
        assert ada.execute(text("SELECT kpitui_current_rep()")).scalar() == ids["ada"]
        mine = ada.execute(text("INSERT INTO activity (rep_id, kind, occurred_at, note) "
                                "VALUES (:rep, 'call', '2026-11-19 08:00', 'mine') RETURNING id"),
                           {"rep": ids["ada"]}).scalar()
        for other in ("bo", "cy"):  # bo is in her team, cy is not
            assert "row-level security" in refused(
                ada, "INSERT INTO activity (rep_id, kind, occurred_at, note) VALUES (:rep, 'call', now(), 'x')",
                rep=ids[other])
            assert ada.execute(text("UPDATE activity SET note = 'hacked' WHERE rep_id = :rep"),
                               {"rep": ids[other]}).rowcount == 0
            assert "permission denied" in refused(ada, "DELETE FROM activity WHERE rep_id = :rep", rep=ids[other])
            assert ada.execute(text("SELECT kpitui_delete_activity(:id)"), {"id": ids[f"{other}_call"]}).scalar() == 0
            assert ada.execute(text("UPDATE deal SET amount_cents = 1 WHERE rep_id = :rep"),
                               {"rep": ids[other]}).rowcount == 0
        # her own row cannot be handed to someone else either
        assert "row-level security" in refused(ada, "UPDATE activity SET rep_id = :bo WHERE id = :id",
                                               bo=ids["bo"], id=mine)
        assert ada.execute(text("UPDATE activity SET note = 'edited' WHERE id = :id"), {"id": mine}).rowcount == 1
        # she reads her team's activities (leaderboard, median), not South's
        seen = {r for (r,) in ada.execute(text("SELECT DISTINCT rep_id FROM activity"))}
        assert seen == {ids["ada"], ids["bo"]}
        # no forged history: the database writes the change log, a client writes none (migration 0007)
        assert "permission denied" in refused(
            ada, "INSERT INTO change_log (at, actor_rep_id, actor, subject_rep_id, entity, entity_id, action) "
                 "VALUES (now(), :mia, 'Mia Moss', :bo, 'activity', 1, 'delete')", mia=ids["mia"], bo=ids["bo"])
        # nor a promotion, nor a new person
        assert "permission denied" in refused(ada, "UPDATE rep SET role = 'admin' WHERE id = :id", id=ids["ada"])
        assert "permission denied" in refused(ada, "INSERT INTO rep (name, role, active) VALUES ('x', 'admin', true)")
        assert "must be owner" in refused(ada, "ALTER TABLE activity DISABLE ROW LEVEL SECURITY")
    after = shared.snapshot()
    assert changed(before, after) == {"activity": 1, "change_log": 2}  # her raw SQL is in the log too
    assert {row[7] for row in after["activity"] - before["activity"]} == {"edited"}


@needs_postgres
def test_a_rep_cannot_write_targets(shared: Shared) -> None:
    ids = shared.ids
    before = shared.snapshot()
    with shared.engine_as("ada").connect() as ada:
        assert "permission denied" in refused(
            ada, "INSERT INTO target (rep_id, kpi, period_kind, period_start, value) "
                 "VALUES (:rep, 'calls', 'month', '2026-11-01', '1')", rep=ids["ada"])
        assert "permission denied" in refused(ada, "UPDATE target SET value = '1'")
        assert "permission denied" in refused(ada, "DELETE FROM target")
        assert "permission denied" in refused(ada, "INSERT INTO scorecard_weight (team_id, kpi, weight) "
                                                   "VALUES (:t, 'calls', '1')", t=ids["north"])
        # she reads her team's targets and defaults (the leaderboard shows them), not South's
        rows = ada.execute(text("SELECT rep_id, team_id FROM target")).all()
        assert sorted(rows, key=str) == sorted([(None, ids["north"]), (ids["bo"], None)], key=str)
    assert changed(before, shared.snapshot()) == {}


@needs_postgres
def test_a_session_variable_or_a_role_switch_does_not_make_her_someone_else(shared: Shared) -> None:
    ids = shared.ids
    before = shared.snapshot()
    with shared.engine_as("ada").connect() as ada:
        for variable in ("app.user_id", "app.rep_id", "kpitui.rep_id", "kpitui.actor"):
            ada.execute(text(f"SET {variable} = '{ids['cy']}'"))
        assert ada.execute(text("SELECT kpitui_current_rep()")).scalar() == ids["ada"]
        assert "row-level security" in refused(
            ada, "INSERT INTO activity (rep_id, kind, occurred_at, note) VALUES (:rep, 'call', now(), 'x')",
            rep=ids["cy"])
        for role in (shared.roles["mia"], shared.roles["cy"], "kpitui_manager", "kpitui_admin"):
            assert "permission denied" in refused(ada, f'SET ROLE "{role}"')
        assert "permission denied" in refused(ada, f'SET SESSION AUTHORIZATION "{shared.roles["mia"]}"')
        # her own group: still her, still her rows only
        ada.execute(text("SET ROLE kpitui_rep"))
        assert ada.execute(text("SELECT kpitui_current_rep()")).scalar() == ids["ada"]
        assert ada.execute(text("UPDATE activity SET note = 'x' WHERE rep_id = :rep"),
                           {"rep": ids["bo"]}).rowcount == 0
    assert changed(before, shared.snapshot()) == {}


@needs_postgres
def test_a_manager_writes_for_her_team_only(shared: Shared) -> None:
    ids = shared.ids
    before = shared.snapshot()
    insert_target = ("INSERT INTO target (rep_id, team_id, kpi, period_kind, period_start, value) "
                     "VALUES (:rep, :team, 'calls', 'month', '2026-12-01', '45')")
    with shared.engine_as("mia").connect() as mia:
        assert mia.execute(text("UPDATE activity SET note = 'coached' WHERE id = :id"),
                           {"id": ids["bo_call"]}).rowcount == 1
        assert mia.execute(text("UPDATE activity SET note = 'coached' WHERE id = :id"),
                           {"id": ids["cy_call"]}).rowcount == 0
        mia.execute(text(insert_target), {"rep": None, "team": ids["north"]})
        mia.execute(text(insert_target), {"rep": ids["ada"], "team": None})
        assert "row-level security" in refused(mia, insert_target, rep=None, team=ids["south"])
        assert "row-level security" in refused(mia, insert_target, rep=ids["cy"], team=None)
        assert mia.execute(text("UPDATE target SET value = '1' WHERE id IN (:a, :b)"),
                           {"a": ids["cy_target"], "b": ids["south_default"]}).rowcount == 0
        assert "permission denied" in refused(mia, "DELETE FROM target WHERE id IN (:a, :b)",
                                              a=ids["cy_target"], b=ids["south_default"])
        assert mia.execute(text("SELECT kpitui_delete_target(:a) + kpitui_delete_target(:b)"),
                           {"a": ids["cy_target"], "b": ids["south_default"]}).scalar() == 0
        # her team's target cannot be moved to South
        assert "row-level security" in refused(
            mia, "UPDATE target SET team_id = :south WHERE team_id = :north", south=ids["south"], north=ids["north"])
        assert "permission denied" in refused(mia, "UPDATE rep SET team_id = :north WHERE id = :cy",
                                              north=ids["north"], cy=ids["cy"])
    after = shared.snapshot()
    assert changed(before, after) == {"activity": 2, "target": 2, "change_log": 3}
    new_targets = {(r[1], r[2], r[6]) for r in after["target"] - before["target"]}
    assert new_targets == {(None, ids["north"], "45"), (ids["ada"], None, "45")}


@needs_postgres
def test_the_app_signed_in_through_her_login_works_within_the_rules(shared: Shared) -> None:
    as_ada = Kpitui.open(shared.url_as("ada"), zone=BERLIN, clock=lambda: NOW)
    try:
        assert as_ada.actor is not None and as_ada.actor.id == shared.ids["ada"]  # no --as needed
        period = as_ada.period("2026-11")
        board = as_ada.leaderboard(period)
        reference = service(shared.db, actor="ada@example.com", now=NOW).leaderboard(period)  # as the owner
        assert board.team == "North"
        assert [(r.rep, r.rank, r.score, r.kpis, r.targets) for r in board.rows] == \
               [(r.rep, r.rank, r.score, r.kpis, r.targets) for r in reference.rows]
        assert as_ada.funnel(period) == service(shared.db, actor="ada@example.com", now=NOW).funnel(period)
        logged = as_ada.log_activity("email", note="from the app")  # the audit entry passes the policy too
        assert logged.rep_id == shared.ids["ada"]
        with pytest.raises(AccessDenied):
            as_ada.log_activity("email", rep="bo@example.com")
        with pytest.raises(AccessDenied):
            as_ada.provision_login("bo@example.com", "whoever", "pw")
    finally:
        as_ada.db.dispose()
    with pytest.raises(AccessDenied, match="signed in to the database as Ada Ames"):
        Kpitui.open(shared.url_as("ada"), actor="mia@example.com")

    as_mia = Kpitui.open(shared.url_as("mia"), zone=BERLIN, clock=lambda: NOW)
    try:
        as_mia.set_target("calls", as_mia.period("2026-12"), "44", team="North")
        assert as_mia.target_sheet("North", as_mia.period("2026-12")).defaults == {"calls": 44}
    finally:
        as_mia.db.dispose()
    with shared.db.engine.connect() as conn:
        log = conn.execute(text("SELECT actor, entity FROM change_log ORDER BY id")).all()
    assert log == [("Ada Ames", "activity"), ("Mia Moss", "target")]


@needs_postgres
def test_the_rules_cover_the_owner_and_the_groups_hold_no_power(shared: Shared) -> None:
    with shared.db.engine.connect() as conn:
        unforced = conn.execute(text(
            "SELECT relname FROM pg_class WHERE relname = ANY (:t) AND NOT (relrowsecurity AND relforcerowsecurity)"),
            {"t": ["activity", "deal", "score", "forecast", "target", "change_log", "scorecard_weight"]}).all()
        assert unforced == []
        groups = conn.execute(text(
            "SELECT rolname, rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb OR rolcanlogin FROM pg_roles "
            "WHERE rolname IN ('kpitui_rep', 'kpitui_manager', 'kpitui_admin') OR rolname = ANY (:people)"),
            {"people": list(shared.roles.values())}).all()
        assert len(groups) == 6
        assert [name for name, power in groups if power and name.startswith("kpitui_")] == []
        owners = conn.execute(text("SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class "
                                   "WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'")).scalars().all()
        assert owners == [make_url(POSTGRES).username]  # type: ignore[arg-type]


@needs_postgres
def test_grant_refuses_powerful_or_reserved_role_names(shared: Shared) -> None:
    owner = Kpitui(shared.db)
    with pytest.raises(InvalidInput, match="reserved"):
        owner.provision_login("bo@example.com", "kpitui_admin", "pw")
    with pytest.raises(InvalidInput, match="lower-case"):
        owner.provision_login("bo@example.com", 'bo"; DROP TABLE rep; --', "pw")
    with pytest.raises(InvalidInput, match="already belongs to Ada Ames"):
        owner.provision_login("bo@example.com", shared.roles["ada"], "pw")
    owner_role = make_url(POSTGRES).username  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="cannot restrict"):
        owner.provision_login("bo@example.com", owner_role, "pw")  # type: ignore[arg-type]


def test_grant_is_for_postgres_and_for_admins(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(path), "init"]).exit_code == 0
    result = runner.invoke(main, ["--db", str(path), "grant", "ada", "--role-name", "ada", "--password", "pw"])
    assert result.exit_code == 2
    assert "shared PostgreSQL" in result.output
    db = Database(f"sqlite:///{path}")
    Builder(db).rep("Ada Ames", None)
    with pytest.raises(AccessDenied, match="admins only"):
        Kpitui(db, actor="ada@example.com").provision_login("ada@example.com", "ada", "pw")
    db.dispose()


# -- issue 13: the holes an adversarial review found in 0004 (closed by migration 0007) -------------------------

@needs_postgres
def test_a_manager_cannot_aim_a_target_at_another_teams_rep(shared: Shared) -> None:
    ids = shared.ids
    before = shared.snapshot()
    insert = ("INSERT INTO target (rep_id, team_id, kpi, period_kind, period_start, value) "
              "VALUES (:rep, :team, 'calls', 'month', '2026-11-01', '2')")
    with shared.engine_as("mia").connect() as mia:
        # Cy is in South; naming her own team North passed 0004's policy and replaced Cy's target (56 -> 2)
        assert "row-level security" in refused(mia, insert, rep=ids["cy"], team=ids["north"])
        # a row naming both a rep and a team, even her own, is neither a rep's target nor a default
        assert "row-level security" in refused(mia, insert, rep=ids["ada"], team=ids["north"])
        assert "row-level security" in refused(mia, insert, rep=ids["ada"], team=ids["south"])
        # nor can her own team's default be turned into one of Cy's
        assert "row-level security" in refused(
            mia, "UPDATE target SET rep_id = :cy WHERE team_id = :north", cy=ids["cy"], north=ids["north"])
    assert changed(before, shared.snapshot()) == {}
    cy = service(shared.db, actor="cy@example.com", now=NOW).scorecard(Kpitui(shared.db).period("2026-11"))
    assert cy.line("calls").target == 30


@needs_postgres
def test_an_activity_links_only_a_deal_of_the_same_rep(shared: Shared) -> None:
    ids = shared.ids
    before = shared.snapshot()
    insert = ("INSERT INTO activity (rep_id, kind, occurred_at, deal_id, note) "
              "VALUES (:rep, 'call', :at, :deal, 'x')")
    with shared.engine_as("ada").connect() as ada:
        for deal in (ids["bo_deal"], ids["cy_deal"], 999_999):  # a team mate's, one she cannot read, none
            message = refused(ada, insert, rep=ids["ada"], at="2026-11-19 08:00", deal=deal)
            assert "row-level security" in message
            assert "is not present" not in message and str(deal) not in message  # no deal ids leak
        for at in ("-infinity", "infinity"):  # response hours of -inf, JSON -Infinity
            assert "ck_activity_occurred_at_finite" in refused(ada, insert, rep=ids["ada"], at=at, deal=None)
        assert "row-level security" in refused(ada, "UPDATE activity SET deal_id = :deal WHERE id = :id",
                                               deal=ids["bo_deal"], id=ids["ada_call"])
        ada.execute(text(insert), {"rep": ids["ada"], "at": "2026-11-19 08:00", "deal": ids["ada_deal"]})
    with shared.engine_as("mia").connect() as mia:  # a manager neither, for her own team's reps
        assert "row-level security" in refused(mia, insert, rep=ids["ada"], at="2026-11-19 08:00",
                                               deal=ids["bo_deal"])
    assert changed(before, shared.snapshot()) == {"activity": 1, "change_log": 1}


@needs_postgres
def test_the_change_log_is_written_by_the_database_only(shared: Shared) -> None:
    ids = shared.ids
    with shared.engine_as("ada").connect() as ada:
        # 0004 let her append entries about herself, a target among them, at `infinity`
        assert "permission denied" in refused(
            ada, "INSERT INTO change_log (at, actor_rep_id, actor, subject_rep_id, entity, entity_id, action) "
                 "VALUES ('infinity', :ada, 'Ada Ames', :ada, 'target', 1, 'update')", ada=ids["ada"])
        assert "permission denied" in refused(ada, "UPDATE change_log SET actor = 'x'")
        assert "permission denied" in refused(ada, "SELECT kpitui_log_change()")
    with shared.engine_as("mia").connect() as mia:  # her raw SQL, not through the app: logged all the same
        mia.execute(text("INSERT INTO target (rep_id, kpi, period_kind, period_start, value) "
                         "VALUES (:ada, 'calls', 'month', '2026-12-01', '61')"), {"ada": ids["ada"]})
        assert "permission denied" in refused(mia, "DELETE FROM change_log")
    with shared.db.engine.connect() as conn:
        row = conn.execute(text("SELECT actor, actor_rep_id, subject_rep_id, subject_team_id, entity, action, at "
                                "FROM change_log")).one()
    assert row[:6] == ("Mia Moss", ids["mia"], ids["ada"], ids["north"], "target", "create")
    assert abs((row[6].replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds()) < 120  # UTC, like the app's
    history = Kpitui(shared.db).target_history("North")
    assert [(c.actor, c.entity, c.action) for c in history] == [("Mia Moss", "target", "create")]
    from kpitui.ui.screens.target_history import parse_change

    shown = parse_change(history[0], {ids["ada"]: "Ada Ames"}, BERLIN)
    assert (shown.actor, shown.owner, shown.kpi, shown.period, shown.new) == \
           ("Mia Moss", "Ada Ames", "calls", "month 2026-12-01", "61")


@needs_postgres
def test_a_held_lock_costs_the_others_a_clear_busy_not_a_frozen_app(shared: Shared) -> None:
    import threading
    import time

    from kpitui.domain.errors import Busy

    with shared.engine_as("ada").connect() as ada:
        settings = {name: ada.execute(text(f"SHOW {name}")).scalar()
                    for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")}
        assert settings == {"statement_timeout": "30s", "lock_timeout": "5s",
                            "idle_in_transaction_session_timeout": "1min"}
    with shared.db.engine.connect() as conn:
        configured = conn.execute(text(
            "SELECT r.rolname, s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
            "WHERE r.rolname IN ('kpitui_rep', 'kpitui_manager', 'kpitui_admin')")).all()
    assert {name for name, _ in configured} == {"kpitui_rep", "kpitui_manager", "kpitui_admin"}
    assert all("lock_timeout=5s" in config for _, config in configured)

    holder = create_engine(shared.url_as("ada")).connect()  # her psql: the lock held, the transaction open
    outcome: list[object] = []
    try:
        # no table-level UPDATE or DELETE any more (column privileges, delete functions): no table lock
        for table in ("activity", "deal", "target", "scorecard_weight", "rep", "change_log"):
            assert "permission denied" in refused(holder, f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            holder.rollback()
        # what she can still hold: her own rows, here the call her manager is about to delete
        holder.execute(text("UPDATE activity SET note = 'mine, held' WHERE id = :id"), {"id": shared.ids["ada_call"]})
        as_mia = Kpitui.open(shared.url_as("mia"), zone=BERLIN, clock=lambda: NOW)

        def log() -> None:
            try:
                outcome.append(as_mia.delete_activity(shared.ids["ada_call"]))
            except Exception as exc:  # noqa: BLE001 - the test looks at what it was
                outcome.append(exc)

        started = time.monotonic()
        worker = threading.Thread(target=log, daemon=True)
        worker.start()
        worker.join(timeout=25)  # on 0004 it waited as long as Ada held the lock
        assert not worker.is_alive(), "logging froze behind another login's lock"
        assert time.monotonic() - started < 20
        assert isinstance(outcome[0], Busy), outcome
        assert "busy" in str(outcome[0]) and "try again" in str(outcome[0])
        as_mia.db.dispose()
    finally:
        holder.rollback()
        holder.close()
        holder.engine.dispose()


@needs_postgres
def test_grant_refuses_logins_with_powers_beyond_the_rules(shared: Shared) -> None:
    owner_role = make_url(POSTGRES).username  # type: ignore[arg-type]
    suffix = uuid.uuid4().hex[:8]
    writer, owner_member = f"t{suffix}_writer", f"t{suffix}_owned"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")  # type: ignore[arg-type]
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{writer}" LOGIN'))
            conn.execute(text(f'GRANT pg_write_all_data TO "{writer}"'))
            conn.execute(text(f'CREATE ROLE "{owner_member}" LOGIN NOINHERIT'))  # 0004 checked USAGE only
            conn.execute(text(f'GRANT "{owner_role}" TO "{owner_member}"'))
        owner = Kpitui(shared.db)
        with pytest.raises(InvalidInput, match="pg_write_all_data"):
            owner.provision_login("bo@example.com", writer, "pw")
        with pytest.raises(InvalidInput, match=f"member of {owner_role}"):
            owner.provision_login("bo@example.com", owner_member, "pw")
        result = CliRunner().invoke(main, ["--db", shared.url, "grant", "bo@example.com", "--role-name", writer,
                                           "--password", "pw-very-secret"])
        assert result.exit_code == 2 and "pg_write_all_data" in result.output
        assert "pw-very-secret" not in result.output
        with shared.db.engine.connect() as conn:
            assert conn.execute(text("SELECT db_role FROM rep WHERE id = :id"), {"id": shared.ids["bo"]}).scalar() \
                is None
            assert not conn.execute(text("SELECT pg_has_role(:w, 'kpitui_rep', 'MEMBER')"), {"w": writer}).scalar()
    finally:
        with admin.connect() as conn:
            for role in (writer, owner_member):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


@needs_postgres
def test_the_app_deletes_through_the_database_functions(shared: Shared) -> None:
    """Reps and managers have no DELETE (it would let them LOCK the table): the app's deletes, edits and undo
    go through the functions and column privileges, and the trigger logs each of them."""
    as_ada = Kpitui.open(shared.url_as("ada"), zone=BERLIN, clock=lambda: NOW)
    as_mia = Kpitui.open(shared.url_as("mia"), zone=BERLIN, clock=lambda: NOW)
    try:
        gone = as_ada.delete_activity(shared.ids["ada_call"])
        as_ada.restore_activity(gone)
        as_ada.update_activity(shared.ids["ada_call"], kind="call", when=gone.occurred_at, outcome="voicemail")
        with pytest.raises(NotFound):
            as_ada.delete_activity(shared.ids["cy_call"])  # not hers, not even visible
        december = as_mia.period("2026-12")
        as_mia.set_target("calls", december, "44", rep="bo@example.com")
        as_mia.set_target("calls", december, "", rep="bo@example.com")  # removed
        as_mia.set_scorecard("North", {"calls": "2"})
        as_mia.set_scorecard("North", {"calls": "3"})
        assert as_mia.leaderboard(december, team="North").rows  # the scorecard reads back
    finally:
        as_ada.db.dispose()
        as_mia.db.dispose()
    with shared.db.engine.connect() as conn:
        log = conn.execute(text("SELECT actor, entity, action FROM change_log ORDER BY id")).all()
        weights = conn.execute(text("SELECT team_id, kpi, weight FROM scorecard_weight")).all()
        target = conn.execute(text("SELECT count(*) FROM target WHERE period_start = '2026-12-01'")).scalar()
    assert log == [("Ada Ames", "activity", "delete"), ("Ada Ames", "activity", "create"),
                   ("Ada Ames", "activity", "update"), ("Mia Moss", "target", "create"),
                   ("Mia Moss", "target", "delete")]
    assert weights == [(shared.ids["north"], "calls", "3")] and target == 0
    from kpitui.store import records
    from kpitui.ui.screens.activity_history import describe  # the history screen reads the trigger's entries

    with shared.db.read() as conn:
        entries = records.changes(conn, entity="activity", entity_id=shared.ids["ada_call"])
    shown = [describe(change, BERLIN) for change in entries]
    assert [(line.actor, line.action) for line in shown] == [("Ada Ames", "edited"), ("Ada Ames", "logged"),
                                                              ("Ada Ames", "deleted")]
    assert shown[0].detail == "outcome: connected → voicemail"
    assert shown[1].detail.startswith("Tue 10 Nov 09:00")  # UTC in the log, Berlin on screen


# -- the role x table x operation matrix: every forbidden cell is refused by the database itself ---------------

def _everyone_forbidden(table: str, row: str) -> list[tuple[str, str]]:
    return [(f"{table}: insert", f"INSERT INTO {table} {row}"), (f"{table}: update", f"UPDATE {table} SET id = id"),
            (f"{table}: delete", f"DELETE FROM {table}"), (f"{table}: truncate", f"TRUNCATE {table} CASCADE"),
            (f"{table}: lock", f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")]


NOT_WRITABLE = {
    "score": "(rep_id, kind, \"on\", value) VALUES (:ada, 'csat', '2026-11-02', 5)",
    "forecast": "(rep_id, period_kind, period_start, amount_cents) VALUES (:ada, 'month', '2026-12-01', 1)",
    "change_log": "(at, actor_rep_id, actor, subject_rep_id, entity, entity_id, action) "
                  "VALUES (now(), :ada, 'Ada Ames', :ada, 'target', 1, 'update')",
    "rep": "(name, role, active) VALUES ('x', 'admin', true)",
    "team": "(name) VALUES ('x')",
    "team_manager": "(rep_id, team_id) VALUES (:ada, :south)",
}
ACTIVITY = ("INSERT INTO activity (rep_id, kind, occurred_at, deal_id, note) "
            "VALUES ({rep}, 'call', '2026-11-19', {deal}, '')")
TARGET = ("INSERT INTO target (rep_id, team_id, kpi, period_kind, period_start, value) "
          "VALUES ({rep}, {team}, 'calls', 'month', '2026-11-01', '2')")
DEAL = ("INSERT INTO deal (rep_id, account, name, stage, outcome, created_on) "
        "VALUES ({rep}, 'a', 'n', 'Won', 'won', '2026-11-01')")
BOTH = [cell for table, row in NOT_WRITABLE.items() for cell in _everyone_forbidden(table, row)] + [
    ("activity: truncate", "TRUNCATE activity"),
    *[(f"{table}: lock", f"LOCK TABLE {table} IN {mode} MODE") for table in ("activity", "target", "scorecard_weight")
      for mode in ("ACCESS EXCLUSIVE", "SHARE")],
    ("activity: delete another team's through the function", "SELECT kpitui_delete_activity(:cy_call)"),
    ("target: delete another team's through the function", "SELECT kpitui_delete_target(:cy_target)"),
    ("scorecard_weight: delete another team's through the function", "SELECT kpitui_delete_scorecard(:south)"),
    ("deal: insert for another team's rep", DEAL.format(rep=":cy")),  # 0010: one's own, or one's teams' reps'
    ("deal: delete", "DELETE FROM deal"), ("deal: truncate", "TRUNCATE deal CASCADE"),
    ("deal: lock", "LOCK TABLE deal IN ACCESS EXCLUSIVE MODE"),
    ("activity: update another team's", "UPDATE activity SET note = 'x' WHERE rep_id = :cy"),
    ("activity: delete another team's", "DELETE FROM activity WHERE rep_id = :cy"),
    ("activity: insert for another team", ACTIVITY.format(rep=":cy", deal="NULL")),
    ("activity: link a team mate's deal", ACTIVITY.format(rep=":ada", deal=":bo_deal")),
    ("activity: link another team's deal", ACTIVITY.format(rep=":ada", deal=":cy_deal")),
    ("activity: move a deal link to a team mate's deal", "UPDATE activity SET deal_id = :bo_deal "
                                                        "WHERE id = :ada_call"),
    ("deal: update another team's", "UPDATE deal SET amount_cents = 1 WHERE rep_id = :cy"),
    ("target: update another team's", "UPDATE target SET value = '1' WHERE id IN (:cy_target, :south_default)"),
    ("target: delete another team's", "DELETE FROM target WHERE id IN (:cy_target, :south_default)"),
    ("target: insert another team's rep under one's own team", TARGET.format(rep=":cy", team=":north")),
    ("target: insert another team's default", TARGET.format(rep="NULL", team=":south")),
    ("scorecard_weight: insert another team's", "INSERT INTO scorecard_weight VALUES (:south, 'calls', '1')"),
    ("scorecard_weight: update another team's", "UPDATE scorecard_weight SET weight = '9' WHERE team_id = :south"),
]
FORBIDDEN = {
    "ada": BOTH + [
        ("activity: insert for a team mate", ACTIVITY.format(rep=":bo", deal="NULL")),
        ("activity: update a team mate's", "UPDATE activity SET note = 'x' WHERE rep_id = :bo"),
        ("activity: delete a team mate's", "DELETE FROM activity WHERE rep_id = :bo"),
        ("activity: hand one's own to a team mate", "UPDATE activity SET rep_id = :bo WHERE id = :ada_call"),
        ("deal: update a team mate's", "UPDATE deal SET amount_cents = 1 WHERE rep_id = :bo"),
        ("deal: insert for a team mate", DEAL.format(rep=":bo")),
        ("deal: hand one's own to a team mate", "UPDATE deal SET rep_id = :bo WHERE id = :ada_deal"),
        ("target: insert one's own", TARGET.format(rep=":ada", team="NULL")),
        ("target: update one's team's", "UPDATE target SET value = '1'"),
        ("target: delete one's team's", "DELETE FROM target"),
        ("scorecard_weight: insert one's team's", "INSERT INTO scorecard_weight VALUES (:north, 'calls', '1')"),
        ("activity: delete a team mate's through the function", "SELECT kpitui_delete_activity(:bo_call)"),
        ("scorecard_weight: delete one's team's through the function", "SELECT kpitui_delete_scorecard(:north)"),
    ],
    "mia": BOTH + [
        ("activity: insert for a rep with a team mate's deal", ACTIVITY.format(rep=":ada", deal=":bo_deal")),
        ("target: a rep and a team at once", TARGET.format(rep=":ada", team=":north")),
        ("target: turn one's default into another team's rep's", "UPDATE target SET rep_id = :cy, team_id = NULL "
                                                                 "WHERE team_id = :north"),
        ("target: move one's rep's target to another team", "UPDATE target SET rep_id = NULL, team_id = :south "
                                                            "WHERE rep_id = :bo"),
    ],
}
ALLOWED = {
    "ada": [("activity: insert her own", ACTIVITY.format(rep=":ada", deal=":ada_deal")),
            ("activity: update her own", "UPDATE activity SET note = 'x' WHERE id = :ada_call"),
            ("deal: update her own", "UPDATE deal SET stage = 'Won' WHERE id = :ada_deal"),
            ("deal: insert her own", DEAL.format(rep=":ada")),
            ("activity: delete her own through the function", "SELECT kpitui_delete_activity(:ada_call)")],
    "mia": [("activity: insert for her rep", ACTIVITY.format(rep=":ada", deal=":ada_deal")),
            ("activity: update her rep's", "UPDATE activity SET note = 'x' WHERE rep_id = :bo"),
            ("deal: insert for her rep", DEAL.format(rep=":ada")),
            ("target: insert her team's default", TARGET.format(rep="NULL", team=":north").replace("11-01", "12-01")),
            ("target: insert her rep's", TARGET.format(rep=":ada", team="NULL")),
            ("scorecard_weight: update her team's", "UPDATE scorecard_weight SET weight = '2' WHERE team_id = :north"),
            ("activity: delete her rep's through the function", "SELECT kpitui_delete_activity(:bo_call)"),
            ("target: delete her rep's through the function", "SELECT kpitui_delete_target(:bo_target)"),
            ("scorecard_weight: delete her team's through the function", "SELECT kpitui_delete_scorecard(:north)")],
}
CELLS = [(who, label, sql, False) for who, cells in FORBIDDEN.items() for label, sql in cells] + \
        [(who, label, sql, True) for who, cells in ALLOWED.items() for label, sql in cells]


@pytest.fixture(scope="module")
def matrix() -> Iterator[tuple[Shared, dict[str, object]]]:
    if not POSTGRES:
        pytest.skip("set KPITUI_TEST_POSTGRES to run on PostgreSQL")
    with _shared_database() as state:
        with state.db.engine.begin() as conn:
            for team in ("north", "south"):
                conn.execute(text("INSERT INTO scorecard_weight VALUES (:t, 'calls', '1')"), {"t": state.ids[team]})
        connections = {who: create_engine(state.url_as(who)).connect() for who in ("ada", "mia")}
        try:
            yield state, connections
        finally:
            for conn in connections.values():
                conn.close()
                conn.engine.dispose()


@needs_postgres
@pytest.mark.parametrize(("who", "label", "sql", "allowed"), CELLS,
                         ids=[f"{'ok' if ok else 'no'}-{who}-{label}" for who, label, _, ok in CELLS])
def test_matrix(matrix: tuple[Shared, dict[str, Any]], who: str, label: str, sql: str, allowed: bool) -> None:
    state, connections = matrix
    conn = connections[who]
    params = {name: state.ids[name] for name in re.findall(r"(?<!:):(\w+)", sql)}
    try:
        result = conn.execute(text(sql), params)
        if sql.startswith("SELECT"):  # a delete function: how many rows it deleted
            done = bool(result.scalar())
        else:
            done = not (sql.startswith(("UPDATE", "DELETE")) and result.rowcount == 0)
    except DBAPIError:
        done = False
    finally:
        conn.rollback()  # every cell leaves the shared database as it was
    assert done == allowed, f"{who}: {label} was {'refused' if done is False else 'allowed'}"


@needs_postgres
def test_the_upgrade_gives_existing_logins_their_timeouts_and_logs_what_they_change() -> None:
    """Role settings are not inherited from a group: 0007 sets them on every login already in one, and an
    activity row of before the upgrade is logged when a login changes it afterwards."""
    from alembic import command

    from kpitui.store.schema import _alembic_config

    login = f"t{uuid.uuid4().hex[:10]}_old"
    try:
        with _postgres_database() as url:
            db = Database(url)
            cfg = _alembic_config()
            with db.engine.connect() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "0006")  # the revision before 0007
                conn.commit()
            b = Builder(db)
            ada = b.rep("Ada Ames", b.team("North"))
            call = b.activity(ada, "call", local(2026, 11, 10, 9), "connected")
            with db.engine.begin() as conn:
                conn.execute(text(f'CREATE ROLE "{login}" LOGIN PASSWORD \'pw-old\' IN ROLE kpitui_rep'))
                conn.execute(text("UPDATE rep SET db_role = :login WHERE id = :ada"), {"login": login, "ada": ada})
            ensure_schema(db)
            with db.engine.connect() as conn:
                config = conn.execute(text("SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r "
                                           "ON r.oid = s.setrole WHERE r.rolname = :login"), {"login": login}).scalar()
            assert sorted(config) == ["idle_in_transaction_session_timeout=60s", "lock_timeout=5s",
                                      "statement_timeout=30s"]
            as_ada = create_engine(make_url(url).set(username=login, password="pw-old"), isolation_level="AUTOCOMMIT")
            with as_ada.connect() as conn:
                assert conn.execute(text("SHOW lock_timeout")).scalar() == "5s"
                conn.execute(text("UPDATE activity SET note = 'later' WHERE id = :id"), {"id": call})
            as_ada.dispose()
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT actor, action FROM change_log")).all() == [("Ada Ames", "update")]
            db.dispose()
    finally:
        admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")  # type: ignore[arg-type]
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
        admin.dispose()
