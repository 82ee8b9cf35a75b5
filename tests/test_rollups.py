"""The activity rollup (store/rollups.py) stays exact: after any sequence of writes through the service (log,
edit, delete, undo, import and re-import), by hand in SQL, and changes of time zone, the maintained
activity_day equals one computed from scratch from the raw rows in Python (zoneinfo, no SQL), on SQLite and
PostgreSQL alike."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from conftest import BERLIN, POSTGRES, Builder, service
from kpitui.domain.errors import InvalidInput
from kpitui.domain.records import ActivityRecord
from kpitui.services import Kpitui
from kpitui.store import rollups
from kpitui.store.db import Database
from test_postgres_rls import NOW, Shared, shared  # noqa: F401,F811 - `shared`: the fixture

ZONES = (BERLIN, ZoneInfo("UTC"), ZoneInfo("America/Santiago"), ZoneInfo("Asia/Kathmandu"),
         ZoneInfo("America/St_Johns"))
FIRST = datetime(2025, 9, 1, tzinfo=UTC)
KINDS = ("call", "email", "meeting", "demo", "proposal", "idea")
OUTCOMES = (None, "connected", "voicemail", "no_answer")
REPS = ("ada@example.com", "bo@example.com", "cy@example.com")


def _edges() -> list[datetime]:
    """Instants at and around every local midnight where some zone's clock changes within the range: where a
    wrong shift would put an activity on the neighbouring date."""
    found: set[datetime] = set()
    for zone in ZONES:
        for start, _ in rollups.shift_pieces(zone):
            moment = start.replace(tzinfo=UTC)
            if FIRST <= moment < NOW - timedelta(days=1):
                for delta in (-1, 0, 1, 3600, -3600, 12 * 3600 - 1, 12 * 3600):
                    found.add(moment + timedelta(seconds=delta))
        day = FIRST.date()
        while day < NOW.date():  # midnights of each zone on days around the changes
            midnight = datetime.combine(day, datetime.min.time(), zone).astimezone(UTC)
            if midnight.utcoffset() != (midnight + timedelta(days=1)).utcoffset() or day.day == 1:
                found |= {midnight - timedelta(microseconds=1), midnight}
            day += timedelta(days=1)
    return sorted(m for m in found if FIRST <= m < NOW)


EDGES = _edges()
moments = st.one_of(
    st.sampled_from(EDGES),
    st.datetimes(min_value=FIRST.replace(tzinfo=None), max_value=NOW.replace(tzinfo=None) - timedelta(hours=1),
                 timezones=st.just(UTC)).map(lambda m: m.replace(microsecond=0)),
)


def from_scratch(db: Database, zone: ZoneInfo) -> dict[tuple[int, date], dict[str, int]]:
    """activity_day as the raw rows say it should be, computed in Python: the local date by zoneinfo."""
    days: dict[tuple[int, date], Counter[str]] = {}
    with db.read() as conn:
        for rep_id, kind, outcome, at in conn.execute(text("SELECT rep_id, kind, outcome, occurred_at FROM activity")):
            at = at if isinstance(at, datetime) else datetime.fromisoformat(at)
            counts = days.setdefault((rep_id, at.replace(tzinfo=UTC).astimezone(zone).date()), Counter())
            counts["activities"] += 1
            column = {"call": "calls", "email": "emails", "meeting": "meetings", "demo": "demos",
                      "proposal": "proposals", "idea": "ideas"}.get(kind)
            if column:
                counts[column] += 1
            if kind == "call" and outcome == "connected":
                counts["conversations"] += 1
    names = ("activities", *rollups.COUNTS)
    return {key: {n: counts[n] for n in names} for key, counts in days.items()}


def maintained(db: Database) -> dict[tuple[int, date], dict[str, int]]:
    names = ("activities", *rollups.COUNTS)
    with db.read() as conn:
        rows = conn.execute(rollups.activity_day.select()).mappings().all()
    return {(r["rep_id"], r["day"]): {n: r[n] for n in names} for r in rows}


def months_of(days: dict[tuple[int, date], dict[str, int]]) -> dict[tuple[int, date], dict[str, int]]:
    """activity_month as the days from scratch say it should be: their sums per rep and local month."""
    months: dict[tuple[int, date], Counter[str]] = {}
    for (rep_id, day), counts in days.items():
        months.setdefault((rep_id, day.replace(day=1)), Counter()).update(counts)
    names = ("activities", *rollups.COUNTS)
    return {key: {n: counts[n] for n in names} for key, counts in months.items()}


def maintained_months(db: Database) -> dict[tuple[int, date], dict[str, int]]:
    names = ("activities", *rollups.COUNTS)
    with db.read() as conn:
        rows = conn.execute(rollups.activity_month.select()).mappings().all()
    return {(r["rep_id"], r["month"]): {n: r[n] for n in names} for r in rows}


class RollupMachine(RuleBasedStateMachine):
    """Random writes through the service; after each, the maintained rollup equals the one from scratch."""

    db: Database
    tmp: Path

    def __init__(self) -> None:
        super().__init__()
        self.zone = BERLIN
        self.svc = service(self.db, now=NOW, zone=self.zone)
        self.deleted: list[ActivityRecord] = []
        self.imports = 0

    @initialize()
    def empty(self) -> None:
        self.db.run_write(lambda conn: conn.execute(text("DELETE FROM activity")))

    def _ids(self) -> list[int]:
        with self.db.read() as conn:
            return list(conn.execute(text("SELECT id FROM activity ORDER BY id")).scalars())

    @rule(rep=st.sampled_from(REPS), kind=st.sampled_from(KINDS), outcome=st.sampled_from(OUTCOMES), when=moments)
    def log(self, rep: str, kind: str, outcome: str | None, when: datetime) -> None:
        self.svc.log_activity(kind, rep=rep, when=when, outcome=outcome if kind == "call" else None)

    @precondition(lambda self: bool(self._ids()))
    @rule(data=st.data(), kind=st.sampled_from(KINDS), outcome=st.sampled_from(OUTCOMES), when=moments)
    def edit(self, data: st.DataObject, kind: str, outcome: str | None, when: datetime) -> None:
        activity_id = data.draw(st.sampled_from(self._ids()))
        self.svc.update_activity(activity_id, kind=kind, when=when, outcome=outcome if kind == "call" else None)

    @precondition(lambda self: bool(self._ids()))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        self.deleted.append(self.svc.delete_activity(data.draw(st.sampled_from(self._ids()))))

    @precondition(lambda self: bool(self.deleted))
    @rule()
    def undo(self) -> None:
        record = self.deleted.pop()
        with self.db.read() as conn:
            taken = conn.execute(text("SELECT count(*) FROM activity WHERE id = :id OR external_id = :ext"),
                                 {"id": record.id, "ext": record.external_id}).scalar()
        if not taken:  # its id went to a later row (SQLite reuses the last id), its external id to an import
            self.svc.restore_activity(record)

    @rule(rows=st.lists(st.tuples(st.sampled_from(("", "X1", "X2", "X3")), st.sampled_from(REPS),
                                  st.sampled_from(KINDS), moments, st.sampled_from(OUTCOMES)),
                        min_size=1, max_size=4, unique_by=lambda r: r[0] or object()))
    def import_file(self, rows: list[tuple[str, str, str, datetime, str | None]]) -> None:
        """An import; a row whose external id is already there updates that activity (re-import)."""
        self.imports += 1
        path = self.tmp / f"import-{self.imports}.csv"
        lines = ["external_id,rep,kind,occurred_at,outcome"]
        lines += [f"{ext},{rep},{kind},{when.isoformat()},{(outcome or '') if kind == 'call' else ''}"
                  for ext, rep, kind, when, outcome in rows]
        path.write_text("\n".join(lines) + "\n")
        try:
            self.svc.import_csv("activities", path)
        except InvalidInput:  # e.g. a row equal to one already there is fine; a refused file writes nothing
            pass

    @precondition(lambda self: bool(self._ids()))
    @rule(data=st.data(), rep=st.sampled_from(REPS), when=moments)
    def by_hand(self, data: st.DataObject, rep: str, when: datetime) -> None:
        """What someone with the database's own tools may do: move an activity to another rep and time."""
        activity_id = data.draw(st.sampled_from(self._ids()))
        self.db.run_write(lambda conn: conn.execute(
            text("UPDATE activity SET rep_id = (SELECT id FROM rep WHERE email = :rep), occurred_at = :at "
                 "WHERE id = :id"), {"rep": rep, "at": when.replace(tzinfo=None), "id": activity_id}))

    @rule(zone=st.sampled_from(ZONES))
    def change_zone(self, zone: ZoneInfo) -> None:
        """A service opened in another zone rebuilds the rollup before it answers."""
        self.zone = zone
        self.svc = service(self.db, now=NOW, zone=zone)

    @invariant()
    def exact(self) -> None:
        with self.db.read() as conn:
            assert rollups.built_for(conn) == (self.zone.key, rollups.VERSION)
        days = from_scratch(self.db, self.zone)
        assert maintained(self.db) == days
        assert maintained_months(self.db) == months_of(days)


def test_the_rollup_stays_exact_through_any_writes(db: Database, tmp_path: Path) -> None:
    build = Builder(db)
    team = build.team("North")
    for email in REPS:
        build.rep(email.split("@")[0].title() + " Example", team, email=email)

    class Machine(RollupMachine):
        pass

    Machine.db, Machine.tmp = db, tmp_path
    run_state_machine_as_test(Machine, settings=settings(
        max_examples=100 if db.is_sqlite else 40, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))


def test_a_quarter_reads_the_rollup_and_agrees_with_the_raw_rows(db: Database, build: Builder) -> None:
    """The leaderboard counts come from whole local months of activity_month and the other whole local days of
    activity_day, and equal those of the activity rows (a rollup emptied by hand gives zeros: it is what was
    read)."""
    team = build.team("North")
    ada = build.rep("Ada Ames", team)
    for at in (datetime(2026, 6, 30, 21, 59, 59, tzinfo=UTC), datetime(2026, 6, 30, 22, 0, tzinfo=UTC),
               datetime(2026, 9, 30, 21, 59, 59, tzinfo=UTC), datetime(2026, 9, 30, 22, 0, tzinfo=UTC)):
        build.activity(ada, "call", at, "connected")  # Berlin: 30 Jun 23:59:59, 1 Jul 00:00, 30 Sep, 1 Oct
    svc = service(db, now=NOW)
    q3 = svc.period("2026-Q3")
    row = next(r for r in svc.leaderboard(q3).rows if r.rep_id == ada)
    assert (row.kpis["calls"], row.kpis["conversations"]) == (2, 2)
    week = svc.period("2026-W27")  # Mon 29 Jun to Sun 5 Jul: days on both sides of a month's edge
    assert next(r for r in svc.leaderboard(week).rows if r.rep_id == ada).kpis["calls"] == 2
    db.run_write(lambda conn: conn.execute(text("DELETE FROM activity_month")))
    row = next(r for r in svc.leaderboard(q3).rows if r.rep_id == ada)
    assert row.kpis["calls"] == 0  # a quarter's whole months are read from activity_month
    assert next(r for r in svc.leaderboard(week).rows if r.rep_id == ada).kpis["calls"] == 2
    db.run_write(lambda conn: conn.execute(text("DELETE FROM activity_day")))
    assert next(r for r in svc.leaderboard(week).rows if r.rep_id == ada).kpis["calls"] == 0  # the days
    other = service(db, now=NOW, zone=ZoneInfo("UTC"))  # another zone: rebuilt from the rows first
    row = next(r for r in other.leaderboard(q3).rows if r.rep_id == ada)
    assert row.kpis["calls"] == 2  # UTC: 1 Jul 22:00 and 30 Sep 21:59:59


def test_a_range_reads_its_whole_months_and_its_ragged_days_each_once(db: Database, build: Builder) -> None:
    """29 Jun..2 Aug (Berlin) is two ragged days, all of July from activity_month and two days of August: every
    activity inside is counted once, none outside (by hand: 5 of the 8 below), and the ragged edges come from
    activity_day (emptying the months leaves them)."""
    team = build.team("North")
    ada = build.rep("Ada Ames", team)
    at = [datetime(2026, 6, 28, 21, 59, 59, tzinfo=UTC),  # Berlin 28 Jun 23:59:59: before the range
          datetime(2026, 6, 28, 22, 0, tzinfo=UTC),  # 29 Jun 00:00: first day
          datetime(2026, 6, 30, 12, 0, tzinfo=UTC),  # 30 Jun
          datetime(2026, 7, 15, 9, 0, tzinfo=UTC),  # July
          datetime(2026, 7, 31, 22, 30, tzinfo=UTC),  # 1 Aug 00:30
          datetime(2026, 8, 2, 21, 59, 59, tzinfo=UTC),  # 2 Aug 23:59:59: last day
          datetime(2026, 8, 2, 22, 0, tzinfo=UTC),  # 3 Aug: after
          datetime(2026, 9, 1, 9, 0, tzinfo=UTC)]  # September: after
    for when in at:
        build.activity(ada, "email", when)
    svc = service(db, now=NOW)
    span = svc.period("2026-06-29..2026-08-02")
    assert next(r for r in svc.leaderboard(span).rows if r.rep_id == ada).kpis["emails"] == 5
    db.run_write(lambda conn: conn.execute(text("DELETE FROM activity_month")))
    assert next(r for r in svc.leaderboard(span).rows if r.rep_id == ada).kpis["emails"] == 4  # July's one gone


@pytest.mark.parametrize("zone", ZONES, ids=lambda z: z.key)
def test_each_piece_shifts_every_instant_onto_its_local_date(zone: ZoneInfo) -> None:
    pieces = rollups.shift_pieces(zone)
    for (start, shift), (end, _) in zip(pieces, pieces[1:], strict=False):
        assert shift is not None
        for moment in (start, end - timedelta(microseconds=1), start + (end - start) / 2):
            assert (moment + timedelta(seconds=shift)).date() == moment.replace(tzinfo=UTC).astimezone(zone).date()
    assert pieces[-1][1] is None


def test_the_migration_builds_the_rollup_and_its_downgrade_keeps_every_row(tmp_path: Path) -> None:
    """0008 -> 0009 builds activity_day for the rows already there; back to 0008 drops it, its triggers and
    its tables, and no row of any table is lost; up again builds it again."""
    import sqlite3

    from alembic import command

    from kpitui.store.schema import _alembic_config, current_revision
    from test_migrations import FIRST_SCHEMA_ROWS, _counts

    path = tmp_path / "seven.db"
    db = Database(f"sqlite:///{path}")
    cfg = _alembic_config()

    def migrate(step: object, revision: str) -> None:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            cfg.attributes["connection"] = conn
            step(cfg, revision)  # type: ignore[operator]
            conn.commit()

    migrate(command.upgrade, "0008")
    with sqlite3.connect(path) as conn:
        conn.executescript(FIRST_SCHEMA_ROWS)
    before = _counts(path)

    migrate(command.upgrade, "0009")
    with db.read() as conn:
        zone = ZoneInfo(rollups.built_for(conn)[0])  # type: ignore[index]
    assert maintained(db) == from_scratch(db, zone) and len(maintained(db)) == 3
    assert _counts(path) == before

    migrate(command.downgrade, "0008")
    assert current_revision(db) == "0008"
    assert _counts(path) == before
    with sqlite3.connect(path) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert not names & {"activity_day", "rollup_state", "rollup_shift", *rollups.TRIGGERS}
        conn.execute("INSERT INTO activity (rep_id, kind, occurred_at, note) VALUES (1, 'call', "
                     "'2026-10-08 08:00:00.000000', '')")  # no trigger left behind that needs the tables
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

    migrate(command.upgrade, "0009")
    assert maintained(db) == from_scratch(db, zone) and len(maintained(db)) == 4
    db.dispose()


@pytest.mark.skipif(not POSTGRES, reason="set KPITUI_TEST_POSTGRES to run on PostgreSQL")
def test_a_reps_own_writes_keep_the_rollup_exact_under_row_level_security(shared: Shared) -> None:  # noqa: F811
    """Her login may not write activity_day nor delete from activity (migration 0007: she deletes through a
    function): the database's SECURITY DEFINER trigger maintains it all the same. She reads her team's days
    only, and cannot rebuild the rollup in her zone: she gets the raw rows' answer instead."""
    rollups.ensure(shared.db, BERLIN)
    as_ada = Kpitui.open(shared.url_as("ada"), zone=BERLIN, clock=lambda: NOW)
    as_cy = Kpitui.open(shared.url_as("cy"), zone=ZoneInfo("UTC"), clock=lambda: NOW)
    try:
        logged = as_ada.log_activity("call", when=datetime(2026, 11, 15, 22, 59, tzinfo=UTC), outcome="connected")
        as_ada.update_activity(logged.id, kind="call", when=datetime(2026, 11, 15, 23, 0, tzinfo=UTC))
        gone = as_ada.delete_activity(shared.ids["ada_call"])
        as_ada.restore_activity(gone)
        as_ada.delete_activity(logged.id)
        as_ada.log_activity("meeting", when=datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
        assert maintained(shared.db) == from_scratch(shared.db, BERLIN)
        with as_cy.db.read() as conn:  # South: her own days only
            assert {r.rep_id for r in conn.execute(rollups.activity_day.select())} == {shared.ids["cy"]}
            assert rollups.built_for(conn) == ("Europe/Berlin", rollups.VERSION)  # not rebuilt in UTC
        november = as_cy.period("2026-11")
        row = next(r for r in as_cy.leaderboard(november).rows if r.rep_id == shared.ids["cy"])
        assert (row.kpis["calls"], row.kpis["meetings"]) == (1, 1)
    finally:
        as_ada.db.dispose()
        as_cy.db.dispose()


def test_the_seed_builds_the_rollup_and_leaves_its_triggers_in_place(db: Database) -> None:
    """On SQLite the seed writes without the triggers and builds the rollup once at the end, in the same
    transaction: the result is exact, and the next write is maintained again."""
    svc = service(db, now=NOW)
    svc.seed(reps=3, days=30, end=date(2026, 11, 20))
    assert maintained(db) == from_scratch(db, BERLIN) != {}
    with db.read() as conn:
        rep = conn.execute(text("SELECT email FROM rep WHERE role = 'rep' AND active ORDER BY id LIMIT 1")).scalar()
    svc.log_activity("call", rep=rep, when=datetime(2026, 11, 20, 9, 0, tzinfo=UTC), outcome="connected")
    assert maintained(db) == from_scratch(db, BERLIN)


def test_down_to_0008_and_up_again_on_either_database(db: Database, build: Builder) -> None:
    """PostgreSQL too: the downgrade drops the trigger, its SECURITY DEFINER function and the tables (their
    policies and grants with them), keeps every activity, and the upgrade builds the rollup again."""
    from alembic import command

    from kpitui.store.schema import HEAD, _alembic_config, current_revision

    team = build.team("North")
    ada = build.rep("Ada Ames", team)
    for hour in (8, 9, 23):
        build.activity(ada, "call", datetime(2026, 10, 5, hour, tzinfo=UTC), "connected")
    cfg = _alembic_config()

    def migrate(step: object, revision: str) -> None:
        with db.engine.connect() as conn:
            if db.is_sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            cfg.attributes["connection"] = conn
            step(cfg, revision)  # type: ignore[operator]
            conn.commit()

    migrate(command.downgrade, "0008")
    assert current_revision(db) == "0008"
    with db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM activity")).scalar() == 3
    build.activity(ada, "email", datetime(2026, 10, 6, 9, tzinfo=UTC))  # nothing left that needs the tables
    migrate(command.upgrade, "head")
    assert current_revision(db) == HEAD
    with db.read() as conn:
        zone = ZoneInfo(rollups.built_for(conn)[0])  # type: ignore[index]
    assert maintained(db) == from_scratch(db, zone) and sum(v["activities"] for v in maintained(db).values()) == 4
