"""Several processes logging into one SQLite file at once lose nothing and never see 'database is locked'."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from kpitui.services import Kpitui
from kpitui.store.db import Database
from kpitui.store.models import Rep, Team
from kpitui.store.schema import ensure_schema

PROCESSES = 8
EACH = 250


def _log_many(db_path: str, email: str, errors: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    try:
        svc = Kpitui(Database(f"sqlite:///{db_path}"), actor=email)
        for i in range(EACH):
            svc.log_activity("call", when=f"2026-10-05T{8 + i % 10:02d}:{i % 60:02d}:00+02:00",
                             outcome="connected", note=f"call {i}")
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        errors.put(f"{email}: {exc!r}")


def test_eight_processes_log_250_activities_each(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    db = Database(f"sqlite:///{path}")
    ensure_schema(db)
    with db.write() as s:
        team = Team(name="North")
        s.add(team)
        s.flush()
        for n in range(PROCESSES):
            s.add(Rep(name=f"Rep {n}", email=f"rep{n}@example.com", team_id=team.id))
    db.dispose()
    ctx = multiprocessing.get_context("spawn")
    errors = ctx.Queue()
    workers = [ctx.Process(target=_log_many, args=(str(path), f"rep{n}@example.com", errors))
               for n in range(PROCESSES)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=240)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert all(w.exitcode == 0 for w in workers)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM activity").fetchone()[0] == PROCESSES * EACH
        per_rep = conn.execute("SELECT rep_id, COUNT(*) FROM activity GROUP BY rep_id").fetchall()
        assert sorted(n for _, n in per_rep) == [EACH] * PROCESSES
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
