"""Fixtures: real SQLite databases in tmp_path, filled from explicit rows so every number can be worked out
by hand, and a service with a frozen clock and a fixed time zone."""

from __future__ import annotations

import os
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kpitui.services import Kpitui
from kpitui.store.db import Database
from kpitui.store.models import Activity, Deal, Forecast, Rep, Score, Target, Team, TeamManager
from kpitui.store.schema import ensure_schema

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("KPITUI_DB", "KPITUI_USER", "KPITUI_NOW", "KPITUI_TZ", "KPITUI_SAMPLE", "KPITUI_CONFIG",
                 "KPITUI_WORKDAYS", "KPITUI_HOLIDAYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


# KPITUI_TEST_POSTGRES=postgresql+psycopg://USER:PASS@HOST/postgres runs every test that takes the `db`
# fixture on PostgreSQL too (a fresh database per test); .ci/run sets it.
POSTGRES = os.environ.get("KPITUI_TEST_POSTGRES")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES else [])]


@contextmanager
def _postgres_database() -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")  # type: ignore[arg-type]
    name = f"kpitui_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)  # type: ignore[arg-type]
    finally:
        with admin.connect() as conn:
            # A closed client's server process lingers a moment; FORCE may not end another login's process
            # (the CI role is no superuser), so wait for them to go first (5 s), and on a loaded machine try again
            # for up to 30 s. A database that still cannot be dropped is left behind with a warning: cleaning up
            # is not what the test is about.
            for attempt in range(7):
                for _ in range(100 if attempt == 0 else 50):
                    others = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name "
                                               "AND pid <> pg_backend_pid()"), {"name": name}).scalar()
                    if not others:
                        break
                    time.sleep(0.05)
                try:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    break
                except DBAPIError as exc:
                    if attempt == 6:
                        warnings.warn(f"test database {name} left behind: {str(exc.orig).strip()}", stacklevel=1)
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'test.db'}")
        _open_in_berlin(database)
        yield database
        database.dispose()
        return
    with _postgres_database() as url:
        database = Database(url)
        _open_in_berlin(database)
        yield database
        database.dispose()


def _open_in_berlin(database: Database) -> None:
    """At the newest schema, with the activity rollup built for the zone the tests' services use (as a database
    already opened once in that zone): a test counting one screen's statements counts no one-off rebuild."""
    from kpitui.store import rollups

    ensure_schema(database)
    rollups.ensure(database, BERLIN)


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=zone)


class Builder:
    """Adds rows in one write transaction each; returns ids for linking."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _add(self, row: object) -> int:
        with self.db.write() as s:
            s.add(row)
            s.flush()
            return row.id  # type: ignore[attr-defined]

    def team(self, name: str) -> int:
        return self._add(Team(name=name))

    def rep(self, name: str, team_id: int | None, role: str = "rep", email: str | None = None,
            active: bool = True) -> int:
        rep_id = self._add(Rep(name=name, email=email or f"{name.split()[0].lower()}@example.com", team_id=team_id,
                               role=role, active=active))
        if role == "manager" and team_id is not None:
            with self.db.write() as s:
                s.add(TeamManager(rep_id=rep_id, team_id=team_id))
        return rep_id

    def activity(self, rep_id: int, kind: str, at: datetime, outcome: str | None = None,
                 deal_id: int | None = None, note: str = "") -> int:
        return self._add(Activity(rep_id=rep_id, kind=kind, occurred_at=at, outcome=outcome, deal_id=deal_id,
                                  note=note))

    def deal(self, rep_id: int, account: str, amount: str | None, stage: str, created: date,
             closed: date | None = None, external_id: str | None = None) -> int:
        outcome = stage.lower() if stage.lower() in ("won", "lost") else "open"
        cents = None if amount is None else int(Decimal(amount) * 100)
        return self._add(Deal(rep_id=rep_id, account=account, name=f"{account} deal", amount_cents=cents,
                              stage=stage, outcome=outcome, created_on=created, closed_on=closed,
                              external_id=external_id))

    def target(self, kpi: str, kind: str, start: date, value: str, rep_id: int | None = None,
               team_id: int | None = None) -> int:
        return self._add(Target(rep_id=rep_id, team_id=team_id, kpi=kpi, period_kind=kind, period_start=start,
                                value=Decimal(value)))

    def score(self, rep_id: int, kind: str, on: date, value: int) -> int:
        return self._add(Score(rep_id=rep_id, kind=kind, on=on, value=value))

    def forecast(self, rep_id: int, kind: str, start: date, amount: str) -> int:
        return self._add(Forecast(rep_id=rep_id, period_kind=kind, period_start=start,
                                  amount_cents=int(Decimal(amount) * 100)))


@pytest.fixture
def build(db: Database) -> Builder:
    return Builder(db)


def service(db: Database, actor: str | None = None, now: datetime | None = None,
            zone: ZoneInfo = BERLIN) -> Kpitui:
    moment = (now or datetime(2026, 11, 20, 15, 0, tzinfo=UTC)).astimezone(UTC)
    return Kpitui(db, zone=zone, actor=actor, clock=lambda: moment)


def statements_for_a_team(db: Database, build: Builder, reps: int, run: Callable[[str], object]) -> int:
    """How many statements `run(team name)` sends for a new team of `reps` reps named R{reps}-0, R{reps}-1, ...:
    the tests that a screen costs a fixed handful of queries, whatever the number of reps, compare two sizes."""
    from sqlalchemy import event

    team = build.team(f"Q{reps}")
    for i in range(reps):
        build.rep(f"R{reps}-{i}", team, email=f"r{reps}-{i}@x.io")
    statements: list[str] = []

    def listener(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        run(f"Q{reps}")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)
