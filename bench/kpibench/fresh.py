"""Workers that need a fresh process: first call, peak memory, logging an activity (on a copy)."""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kpibench.common import ms, open_service, peak_rss_mb, pick_subjects, proc_status_kb, summary, timed_alternating
from kpibench.dataset import copy_database
from kpibench.floor import floor_connect


def worker_cold(args: argparse.Namespace) -> dict[str, Any]:
    """A fresh process: import, open, then the first leaderboard call (what `kpitui leaderboard` pays)."""
    t = time.perf_counter()
    import kpitui.services  # noqa: F401

    imported = time.perf_counter()
    svc = open_service(Path(args.db))
    period = svc.period(args.period)
    opened = time.perf_counter()
    svc.leaderboard(period)
    first = time.perf_counter()
    svc.leaderboard(period)
    second = time.perf_counter()
    return {"import_ms": ms(imported - t), "open_ms": ms(opened - imported), "first_call_ms": ms(first - opened),
            "second_call_ms": ms(second - first), "since_start_ms": ms(first - args.started)}


def worker_memory(args: argparse.Namespace) -> dict[str, Any]:
    """A fresh process that does the leaderboard and one drill-down: its peak RSS."""
    base = peak_rss_mb()
    import kpitui.services  # noqa: F401

    after_import = proc_status_kb("VmRSS")
    svc = open_service(Path(args.db))
    who = pick_subjects(Path(args.db))
    period = svc.period(args.period)
    svc.leaderboard(period)
    svc.leaderboard(period, team=who["team"])
    svc.scorecard(period, who["email"])
    svc.funnel(period, rep=who["email"])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak_rss_mb": peak_rss_mb(), "ru_maxrss_mb": round(usage.ru_maxrss / 1024, 1),
            "rss_at_start_mb": base, "rss_after_import_mb": round((after_import or 0) / 1024, 1)}



def worker_log(args: argparse.Namespace) -> dict[str, Any]:
    """Logging one activity, on a copy of the scale database (the original stays as it was)."""
    source = Path(args.db)
    scratch = Path(tempfile.mkdtemp(prefix="kpitui-bench-", dir=str(source.parent)))
    copy = scratch / "log.db"
    t = time.perf_counter()
    copy_database(source, copy)
    copy_s = time.perf_counter() - t
    try:
        who = pick_subjects(copy)
        svc = open_service(copy)
        conn = floor_connect(copy)
        counter = [0]

        def moment() -> datetime:
            counter[0] += 1
            return datetime(2026, 11, 20, 8, 0, tzinfo=UTC) + timedelta(seconds=counter[0])

        def log_kpitui() -> None:
            svc.log_activity("call", rep=who["email"], when=moment(), outcome="connected")

        def log_floor() -> None:
            """The same write, directly: find the rep, BEGIN IMMEDIATE, the row and its audit entry, COMMIT."""
            at = moment()
            rep_id = conn.execute("SELECT id FROM rep WHERE lower(email) = ?", (who["email"].lower(),)).fetchone()[0]
            conn.execute("BEGIN IMMEDIATE")
            stamp = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            cur = conn.execute("INSERT INTO activity (rep_id, kind, occurred_at, outcome, duration_min, deal_id, note)"
                               " VALUES (?, 'call', ?, 'connected', NULL, NULL, '')", (rep_id, stamp))
            after = json.dumps({"id": cur.lastrowid, "rep_id": rep_id, "kind": "call", "occurred_at": at.isoformat(),
                                "outcome": "connected", "duration_min": None, "deal_id": None, "note": ""})
            conn.execute("INSERT INTO change_log (at, actor_rep_id, actor, subject_rep_id, entity, entity_id, action,"
                         " before, after) VALUES (?, NULL, 'local owner', ?, 'activity', ?, 'create', NULL, ?)",
                         (datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"), rep_id, cur.lastrowid, after))
            conn.execute("COMMIT")

        before = conn.execute("SELECT count(*) FROM activity").fetchone()[0]
        k, f = timed_alternating(log_kpitui, log_floor, args.runs)
        after = conn.execute("SELECT count(*) FROM activity").fetchone()[0]
        assert after - before == counter[0], "each run must log exactly one activity"
        conn.close()
        svc.db.dispose()
        cli = log_command(copy, who["email"], args.runs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"figures": {"log": {**summary(k), "floor": summary(f)}, "log_cli": summary(cli)},
            "copy_seconds": round(copy_s, 2)}


def log_command(db: Path, email: str, runs: int) -> list[float]:
    """`kpitui log call` from a shell: a fresh process each time (interpreter, imports, open, log), wall time.
    The first run warms the OS file cache and is not counted."""
    cmd = [sys.executable, "-m", "kpitui.cli", "--db", str(db), "log", "call", "--rep", email, "--outcome",
           "connected", "--at", "today 09:00"]
    samples = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=os.environ)
        samples.append(time.perf_counter() - t)
    return samples[1:]
