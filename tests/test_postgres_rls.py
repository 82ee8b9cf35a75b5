"""On a shared PostgreSQL the database itself enforces who writes what (migration 0004, `kpitui grant`).

Each person's login works in psql too, so these tests connect as them with plain SQLAlchemy (no kpitui service
layer) and try what the rules forbid. Roles are cluster-wide: each run makes uniquely named ones and drops them.
Run with KPITUI_TEST_POSTGRES=postgresql+psycopg://OWNER:PW@HOST/postgres (OWNER with CREATEDB and CREATEROLE).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from conftest import BERLIN, POSTGRES, Builder, _postgres_database, local, service
from kpitui.cli import main
from kpitui.domain.errors import AccessDenied, InvalidInput
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
                b.deal(ids[who], f"{who} account", "1000", "Won", date(2026, 10, 1), date(2026, 11, 12))
            b.target("calls", "month", date(2026, 11, 1), "40", team_id=north)
            b.target("calls", "month", date(2026, 11, 1), "50", rep_id=ids["bo"])
            ids["cy_target"] = b.target("calls", "month", date(2026, 11, 1), "30", rep_id=ids["cy"])
            ids["south_default"] = b.target("calls", "month", date(2026, 11, 1), "35", team_id=south)
            # ada through the command, the others through the service: both are the owner's tools
            result = CliRunner().invoke(main, ["--db", url, "grant", "ada@example.com", "--role-name", roles["ada"],
                                               "--password", "pw-ada"])
            assert result.exit_code == 0, result.output
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
            assert ada.execute(text("DELETE FROM activity WHERE rep_id = :rep"), {"rep": ids[other]}).rowcount == 0
            assert ada.execute(text("UPDATE deal SET amount_cents = 1 WHERE rep_id = :rep"),
                               {"rep": ids[other]}).rowcount == 0
        # her own row cannot be handed to someone else either
        assert "row-level security" in refused(ada, "UPDATE activity SET rep_id = :bo WHERE id = :id",
                                               bo=ids["bo"], id=mine)
        assert ada.execute(text("UPDATE activity SET note = 'edited' WHERE id = :id"), {"id": mine}).rowcount == 1
        # she reads her team's activities (leaderboard, median), not South's
        seen = {r for (r,) in ada.execute(text("SELECT DISTINCT rep_id FROM activity"))}
        assert seen == {ids["ada"], ids["bo"]}
        # no forged history: not in someone else's name, not about someone else
        assert "row-level security" in refused(
            ada, "INSERT INTO change_log (at, actor_rep_id, actor, subject_rep_id, entity, entity_id, action) "
                 "VALUES (now(), :mia, 'Mia Moss', :bo, 'activity', 1, 'delete')", mia=ids["mia"], bo=ids["bo"])
        # nor a promotion, nor a new person
        assert "permission denied" in refused(ada, "UPDATE rep SET role = 'admin' WHERE id = :id", id=ids["ada"])
        assert "permission denied" in refused(ada, "INSERT INTO rep (name, role, active) VALUES ('x', 'admin', true)")
        assert "must be owner" in refused(ada, "ALTER TABLE activity DISABLE ROW LEVEL SECURITY")
    after = shared.snapshot()
    assert changed(before, after) == {"activity": 1}
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
        assert mia.execute(text("DELETE FROM target WHERE id IN (:a, :b)"),
                           {"a": ids["cy_target"], "b": ids["south_default"]}).rowcount == 0
        # her team's target cannot be moved to South
        assert "row-level security" in refused(
            mia, "UPDATE target SET team_id = :south WHERE team_id = :north", south=ids["south"], north=ids["north"])
        assert "permission denied" in refused(mia, "UPDATE rep SET team_id = :north WHERE id = :cy",
                                              north=ids["north"], cy=ids["cy"])
    after = shared.snapshot()
    assert changed(before, after) == {"activity": 2, "target": 2}
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
