"""Constants, the fixed clock, and the helpers every measurement shares (timing, memory, opening kpitui)."""

import resource
import sqlite3
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BENCH = Path(__file__).resolve().parent.parent  # bench/
REPO = BENCH.parent
ZONE_NAME = "Europe/Berlin"
ZONE = ZoneInfo(ZONE_NAME)
SEED = 7
SEED_END = "2026-11-20"
CLOCK_AT = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # 16:30 in Berlin on the seed's last day
DEFAULT_PERIOD = "2026-Q3"

BUDGET_MS = {"leaderboard": 300.0, "drilldown": 100.0, "log": 20.0, "frame": 1500.0}
BUDGET_MEMORY_MB = 300.0
FLOOR_RATIO = 3.0
# DESIGN.md section 8: a quarter's leaderboard of every KPI at most a quarter of the raw GROUP BY floor (rollups)
LEADERBOARD_FLOOR_RATIO = 0.25
BIG_TABLES = ("activity", "deal")
KPI_TABLES = ("activity", "deal", "rep", "team", "target", "score", "forecast", "change_log")


def clock() -> datetime:
    return CLOCK_AT


# =============================================================================================================
# Small helpers
# =============================================================================================================

def ms(seconds: float) -> float:
    return round(seconds * 1000.0, 3)


def summary(samples_s: list[float]) -> dict[str, Any]:
    return {"median_ms": ms(statistics.median(samples_s)), "min_ms": ms(min(samples_s)),
            "max_ms": ms(max(samples_s)), "runs": len(samples_s), "samples_ms": [ms(s) for s in samples_s]}


def proc_status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    hwm = proc_status_kb("VmHWM")
    if hwm is not None:
        return round(hwm / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


QUICK_S = 0.005  # a call faster than this ...
QUICK_RUNS = 50  # ... is timed at least this many times,
QUICK_WARMUPS = 10  # after this many warm-ups


def timed_alternating(a: Any, b: Any | None, runs: int) -> tuple[list[float], list[float]]:
    """Warm-ups, then `runs` timed calls of each, alternating (fair under a noisy machine).

    One warm-up, except for quick calls (the second warm-up under QUICK_S): they get QUICK_WARMUPS and at
    least QUICK_RUNS timed runs, as timeit repeats a short statement. Seven samples of a sub-millisecond call
    after one warm-up measured the interpreter warming up (Python specialises code that has run a few times)
    as much as the call, and one scheduler hiccup moved the median."""
    a()
    if b is not None:
        b()
    t = time.perf_counter()
    a()
    quick = time.perf_counter() - t < QUICK_S
    for _ in range(QUICK_WARMUPS - 2 if quick else 0):
        a()
    for _ in range(QUICK_WARMUPS - 1 if quick and b is not None else 0):
        b()
    ta: list[float] = []
    tb: list[float] = []
    for i in range(max(runs, QUICK_RUNS) if quick else runs):
        order = [(a, ta), (b, tb)] if i % 2 == 0 else [(b, tb), (a, ta)]
        for fn, sink in order:
            if fn is None:
                continue
            t = time.perf_counter()
            fn()
            sink.append(time.perf_counter() - t)
    return ta, tb



def open_service(db_path: Path, actor: str | None = None) -> Any:
    from kpitui import settings
    from kpitui.services import Kpitui
    from kpitui.store.db import Database

    db = Database(settings.database_url(str(db_path)))
    return Kpitui(db, zone=ZONE, actor=actor, clock=clock)


def pick_subjects(db_path: Path) -> dict[str, Any]:
    """The first team (by name, as kpitui lists them) and the first active rep of it (by name)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        team_id, team = conn.execute("SELECT id, name FROM team ORDER BY lower(name), id LIMIT 1").fetchone()
        rep_id, rep, email = conn.execute(
            "SELECT id, name, email FROM rep WHERE role = 'rep' AND active = 1 AND team_id = ? AND email IS NOT NULL"
            " ORDER BY lower(name), id LIMIT 1", (team_id,)).fetchone()
    finally:
        conn.close()
    return {"team_id": team_id, "team": team, "rep_id": rep_id, "rep": rep, "email": email}
