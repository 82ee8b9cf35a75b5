"""kpitui speed benchmark (DESIGN.md section 8): timings against budgets and against a hand-written-SQL floor.

    python bench/run.py [--reps 500] [--days 730] [--runs 7] [--db bench/scale-500x730.db]
                        [--json bench/results/latest.json] [--scaling [--scaling-days 365]] [--profile]

The parent process only orchestrates: it builds the scale database with the real seed (unless the file is
there already), then starts a fresh worker process per kind of measurement (warm query timings, first call
in a fresh process, peak memory, logging an activity on a copy of the database, the app's first frame) and
prints a Rich table plus a JSON file. See bench/README.md for what the "floor" is.
"""

# The first frame is timed from the very top of its own subprocess (FRAME_SCRIPT below); this timestamp
# only serves the worker modes of this file.
import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from datetime import time as dtime  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

BENCH = Path(__file__).resolve().parent
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


# =============================================================================================================
# Periods for the floor (independent of kpitui's own Period code on purpose)
# =============================================================================================================

@dataclass(frozen=True)
class FloorPeriod:
    kind: str  # "quarter" | "month"
    start: date
    end: date

    @classmethod
    def parse(cls, text: str) -> "FloorPeriod":
        text = text.strip().upper()
        if "-Q" in text:
            year, q = text.split("-Q")
            start = date(int(year), 3 * (int(q) - 1) + 1, 1)
            return cls("quarter", start, _add_months(start, 3))
        year, month = text.split("-")
        start = date(int(year), int(month), 1)
        return cls("month", start, _add_months(start, 1))

    def previous(self) -> "FloorPeriod":
        months = 3 if self.kind == "quarter" else 1
        return FloorPeriod(self.kind, _add_months(self.start, -months), self.start)

    def utc_bounds(self) -> tuple[str, str]:
        """Local midnights in the zone, as the naive-UTC text SQLAlchemy stores (occurred_at)."""
        def at(d: date) -> str:
            return datetime.combine(d, dtime(0), ZONE).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return at(self.start), at(self.end)

    def midnight_offset_sql(self, column: str) -> str:
        """Seconds the zone is ahead of UTC at local midnight of `column` (a date in the period)."""
        runs: list[tuple[date, float]] = []
        day = self.start
        while day < self.end:
            off = datetime.combine(day, dtime(0), ZONE).utcoffset()
            secs = off.total_seconds() if off else 0.0
            if not runs or runs[-1][1] != secs:
                runs.append((day, secs))
            day += timedelta(days=1)
        if len(runs) == 1:
            return repr(runs[0][1])
        whens = " ".join(f"WHEN {column} < '{runs[i + 1][0].isoformat()}' THEN {runs[i][1]!r}"
                         for i in range(len(runs) - 1))
        return f"(CASE {whens} ELSE {runs[-1][1]!r} END)"


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


# =============================================================================================================
# The floor: the same facts kpitui computes, as hand-written SQL through the stdlib sqlite3 module
# =============================================================================================================

def floor_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)  # same pragmas as kpitui's engine
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def floor_reps(conn: sqlite3.Connection, team_id: int | None) -> list[tuple[int, str, int | None]]:
    sql = "SELECT id, name, team_id FROM rep WHERE role = 'rep' AND active = 1"
    args: tuple[Any, ...] = ()
    if team_id is not None:
        sql += " AND team_id = ?"
        args = (team_id,)
    return conn.execute(sql + " ORDER BY lower(name), id", args).fetchall()


def floor_facts(conn: sqlite3.Connection, p: FloorPeriod, rep_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Every additive fact per rep for one period: a fixed handful of GROUP BY statements."""
    ids = ",".join(str(int(r)) for r in rep_ids) or "NULL"
    lo, hi = p.utc_bounds()
    prev = p.previous()
    s, e = p.start.isoformat(), p.end.isoformat()
    facts: dict[int, dict[str, Any]] = {r: {} for r in rep_ids}

    def put(rows: list[tuple[Any, ...]], names: tuple[str, ...]) -> None:
        for row in rows:
            facts[row[0]].update(zip(names, row[1:], strict=True))

    put(conn.execute(
        "SELECT rep_id, sum(kind = 'call'), sum(kind = 'call' AND outcome = 'connected'), sum(kind = 'email'),"
        " sum(kind = 'meeting'), sum(kind = 'demo'), sum(kind = 'proposal'), sum(kind = 'idea')"
        f" FROM activity WHERE occurred_at >= ? AND occurred_at < ? AND rep_id IN ({ids}) GROUP BY rep_id",
        (lo, hi)).fetchall(), ("calls", "conversations", "emails", "meetings", "demos", "proposals", "ideas"))
    put(conn.execute(
        "SELECT rep_id, sum(outcome = 'won' AND closed_on >= :s), sum(outcome = 'lost' AND closed_on >= :s),"
        " sum(CASE WHEN outcome = 'won' AND closed_on >= :s THEN coalesce(amount_cents, 0) ELSE 0 END),"
        " sum(CASE WHEN outcome = 'won' AND closed_on >= :s THEN julianday(closed_on) - julianday(created_on)"
        "     ELSE 0 END),"
        " sum(CASE WHEN outcome = 'won' AND closed_on < :s THEN coalesce(amount_cents, 0) ELSE 0 END)"
        f" FROM deal WHERE closed_on >= :ps AND closed_on < :e AND outcome IN ('won', 'lost')"
        f" AND rep_id IN ({ids}) GROUP BY rep_id",
        {"s": s, "e": e, "ps": min(prev.start, p.start).isoformat()}).fetchall(),
        ("won_deals", "lost_deals", "revenue_cents", "won_cycle_days", "previous_revenue_cents"))
    offset = p.midnight_offset_sql("d.created_on")
    put(conn.execute(
        "SELECT rep_id, count(*), count(first_touch),"
        " sum((julianday(first_touch) - julianday(created_on)) * 24.0 + offset_s / 3600.0)"
        " FROM (SELECT d.rep_id, d.created_on,"
        "       (SELECT min(a.occurred_at) FROM activity a WHERE a.deal_id = d.id) AS first_touch,"
        f"      {offset} AS offset_s"
        f"      FROM deal d WHERE d.created_on >= ? AND d.created_on < ? AND d.rep_id IN ({ids}))"
        " GROUP BY rep_id", (s, e)).fetchall(), ("new_opps", "responded_deals", "response_hours"))
    put(conn.execute(
        "SELECT rep_id, count(*), sum(amount_cents) FROM deal"
        f" WHERE created_on < ? AND (closed_on IS NULL OR closed_on >= ?) AND rep_id IN ({ids}) GROUP BY rep_id",
        (e, e)).fetchall(), ("open_deals", "open_pipeline_cents"))
    put(conn.execute(
        "SELECT rep_id, sum(CASE WHEN kind = 'csat' THEN value ELSE 0 END), sum(kind = 'csat'),"
        " sum(CASE WHEN kind = 'call_review' THEN value ELSE 0 END), sum(kind = 'call_review')"
        f' FROM score WHERE "on" >= ? AND "on" < ? AND rep_id IN ({ids}) GROUP BY rep_id', (s, e)).fetchall(),
        ("csat_sum", "csat_count", "call_review_sum", "call_review_count"))
    put(conn.execute(
        "SELECT d.rep_id, count(*) FROM deal d"
        " WHERE d.closed_on >= ? AND d.closed_on < ? AND d.outcome = 'won' AND d.account != ''"
        f" AND d.rep_id IN ({ids}) AND NOT EXISTS (SELECT 1 FROM deal x WHERE x.account = d.account"
        "   AND x.outcome = 'won' AND (x.closed_on < d.closed_on OR (x.closed_on = d.closed_on AND x.id < d.id)))"
        " GROUP BY d.rep_id", (s, e)).fetchall(), ("new_customers",))
    put(conn.execute(
        f"SELECT rep_id, amount_cents FROM forecast WHERE period_kind = ? AND period_start = ? AND rep_id IN ({ids})",
        (p.kind, s)).fetchall(), ("forecast_cents",))
    return facts


def floor_targets(conn: sqlite3.Connection, p: FloorPeriod) -> list[tuple[Any, ...]]:
    return conn.execute("SELECT rep_id, team_id, kpi, value FROM target WHERE period_kind = ? AND period_start = ?",
                        (p.kind, p.start.isoformat())).fetchall()


def floor_leaderboard(conn: sqlite3.Connection, p: FloorPeriod, team_id: int | None) -> dict[int, dict[str, Any]]:
    reps = floor_reps(conn, team_id)
    facts = floor_facts(conn, p, [r[0] for r in reps])
    floor_targets(conn, p)
    conn.execute("SELECT team_id, kpi, weight FROM scorecard_weight").fetchall()
    return facts


def floor_drilldown(conn: sqlite3.Connection, p: FloorPeriod, email: str) -> dict[str, Any]:
    """Scorecard (the rep, this and the previous period) + funnel (the rep's team, this period).

    The team's facts for this period already hold the rep's, so the most direct way asks for them once."""
    rep_id, team_id = conn.execute("SELECT id, team_id FROM rep WHERE lower(email) = ?", (email.lower(),)).fetchone()
    members = [r[0] for r in floor_reps(conn, team_id)]
    if rep_id not in members:
        members.append(rep_id)
    current = floor_facts(conn, p, members)
    previous = floor_facts(conn, p.previous(), [rep_id])
    floor_targets(conn, p)
    floor_targets(conn, p.previous())
    conn.execute("SELECT team_id, kpi, weight FROM scorecard_weight").fetchall()
    return {"rep_id": rep_id, "current": current, "previous": previous}


def floor_kpis(f: dict[str, Any]) -> dict[str, Any]:
    """KPI values from the floor's facts, for checking against kpitui (not timed)."""
    g = lambda k: f.get(k) or 0  # noqa: E731
    won, lost = g("won_deals"), g("lost_deals")
    out: dict[str, Any] = {k: g(k) for k in ("calls", "conversations", "emails", "meetings", "demos", "proposals",
                                               "ideas", "new_opps", "won_deals", "new_customers")}
    out["revenue"] = Decimal(g("revenue_cents")) / 100
    out["open_pipeline"] = Decimal(g("open_pipeline_cents")) / 100
    out["win_rate"] = won / (won + lost) if won + lost else None
    out["cycle_days"] = g("won_cycle_days") / won if won else None
    out["response_hours"] = g("response_hours") / g("responded_deals") if g("responded_deals") else None
    out["csat"] = g("csat_sum") / g("csat_count") if g("csat_count") else None
    out["call_review"] = g("call_review_sum") / g("call_review_count") if g("call_review_count") else None
    prev = g("previous_revenue_cents")
    out["revenue_growth"] = (g("revenue_cents") - prev) / prev if prev else None
    return out


MUST_MATCH = ("calls", "conversations", "won_deals", "revenue")


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(str(a)).quantize(Decimal("0.01")) == Decimal(str(b)).quantize(Decimal("0.01"))
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)), abs(float(b)))
    return a == b


def compare(label: str, kpitui_values: dict[str, Any], floor_values: dict[str, Any]) -> list[str]:
    return [f"{label} {key}: kpitui {kpitui_values.get(key)!r} != floor {want!r}"
            for key, want in floor_values.items() if key in kpitui_values and not same(kpitui_values[key], want)]


# =============================================================================================================
# Worker: everything that imports kpitui runs in a fresh process started by the parent
# =============================================================================================================

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


def worker_prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Build the database with the real seed unless it exists; bring its schema to head; count rows."""
    from kpitui.services import Kpitui

    path = Path(args.db)
    built = None
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        svc = Kpitui.open(str(path), zone=ZONE)
        last = [-1]

        def progress(done: int, total: int) -> None:
            pct = int(100 * done / total) if total else 0
            if pct // 10 != last[0] // 10:
                last[0] = pct
                print(f"  seeding {path.name}: {pct}%", file=sys.stderr, flush=True)

        t = time.perf_counter()
        summary_ = svc.seed(reps=args.reps, days=args.days, seed=SEED, end=SEED_END, progress=progress)
        built = {"seconds": round(time.perf_counter() - t, 1), "summary": summary_.__dict__}
        svc.db.dispose()
    else:
        svc = Kpitui.open(str(path), zone=ZONE)  # ensure_schema: a newer migration (e.g. an index) applies
        svc.db.dispose()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in KPI_TABLES}
        indexes = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'"))
        has_stats = bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone())
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        conn.close()
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")
               if p.name in (path.name, path.name + "-wal"))
    return {"db": str(path), "built": built, "rows": counts, "size_mb": round(size / 1e6, 1), "indexes": indexes,
            "sqlite_stat1": has_stats, "alembic_revision": revision[0] if revision else None}


class StatementLog:
    """Every SQL statement kpitui sends (before_cursor_execute), with its parameters."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.items: list[dict[str, Any]] = []
        self.tag = ""

    def __enter__(self) -> "StatementLog":
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *_: object) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._on)

    def _on(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        self.items.append({"op": self.tag, "sql": statement, "params": parameters, "t": time.perf_counter()})


def statement_label(sql: str) -> str:
    s = " ".join(sql.split())
    checks = [("AS calls", "activity_counts"), ("AS won_deals", "closed_deals"), ("AS new_opps", "created_deals"),
              ("AS open_deals", "open_pipeline"), ("AS csat_sum", "score_sums"), ("NOT (EXISTS", "new_customers"),
              ("FROM forecast", "forecasts"), ("FROM target", "targets"), ("FROM scorecard_weight", "weights"),
              ("FROM rep", "reps"), ("FROM team_manager", "managed_teams"), ("FROM team", "teams")]
    for needle, label in checks:
        if needle in s:
            return label
    words = s.split()
    return "FROM " + words[words.index("FROM") + 1] if "FROM" in words else words[0]


def plan_flags(plan: list[str]) -> tuple[list[str], list[str]]:
    """Indexes used, and warnings: full scans of big tables (no index), full index scans, temp B-trees."""
    indexes: list[str] = []
    flags: list[str] = []
    for detail in plan:
        words = detail.split()
        for i, word in enumerate(words[:-1]):
            if word == "INDEX" and i and words[i - 1] in ("USING", "COVERING"):  # not "MULTI-INDEX OR" / "INDEX 1"
                indexes.append(words[i + 1])
        if "PRIMARY KEY" in detail and "INTEGER PRIMARY KEY" in detail:
            indexes.append("rowid")
        if words and words[0] == "SCAN" and len(words) > 1:
            table = words[1]
            alias_table = re.sub(r"_\d+$", "", table)  # SQLAlchemy aliases: activity_1, deal_1
            if "INDEX" not in words:
                if alias_table in BIG_TABLES:
                    flags.append(f"FULL SCAN of {table} without an index")
                else:
                    flags.append(f"scan of {table} (small table)")
            elif alias_table in BIG_TABLES:
                flags.append(f"full index scan of {table} ({words[words.index('INDEX') + 1]})")
        if "TEMP B-TREE" in detail:
            flags.append(detail.strip())
    return indexes, flags


def explain(conn: sqlite3.Connection, captured: list[dict[str, Any]], reps: int = 3) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for item in captured:
        sql = item["sql"]
        first = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if first not in ("SELECT", "WITH"):
            continue
        key = item["op"] + "\0" + sql
        if key in seen:
            seen[key]["times"] += 1
            continue
        params = item["params"]
        params = tuple(params) if isinstance(params, list) else params
        raw = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        plan = [row[3] for row in raw]
        # tables aliased in the SQL show their alias in the plan; map "SCAN anon_1"/"x" conservatively
        indexes, flags = plan_flags(plan)
        samples = []
        for _ in range(reps):
            t = time.perf_counter()
            rows = conn.execute(sql, params).fetchall()
            samples.append(time.perf_counter() - t)
        seen[key] = {"op": item["op"], "label": statement_label(sql), "times": 1, "plan": plan, "indexes": indexes,
                     "flags": flags, "sqlite3_ms": ms(statistics.median(samples)), "rows": len(rows),
                     "params": len(params) if params else 0, "sql": " ".join(sql.split())}
    return list(seen.values())


def statement_gaps(captured: list[dict[str, Any]], end: float) -> list[dict[str, Any]]:
    """Time from each statement to the next (statement + fetch + the Python that follows it)."""
    out = []
    for i, item in enumerate(captured):
        nxt = captured[i + 1]["t"] if i + 1 < len(captured) else end
        if item["sql"].strip().upper() in ("BEGIN", "COMMIT", "ROLLBACK"):
            continue
        out.append({"op": item["op"], "label": statement_label(item["sql"]), "until_next_ms": ms(nxt - item["t"])})
    return out


def worker_queries(args: argparse.Namespace) -> dict[str, Any]:
    """Warm timings in one process: leaderboard (all, team), drill-down, each beside its floor."""
    path = Path(args.db)
    who = pick_subjects(path)
    t = time.perf_counter()
    svc = open_service(path)
    import_open_s = time.perf_counter() - _T0
    period = svc.period(args.period)
    fp = FloorPeriod.parse(args.period)
    conn = floor_connect(path)
    result: dict[str, Any] = {"subjects": who, "import_and_open_ms": ms(import_open_s),
                              "open_ms": ms(time.perf_counter() - t), "figures": {}, "checks": {}}
    figures = result["figures"]

    # -- correctness of the floor first: a floor that computes something else is worthless ----------------------
    mismatches: list[str] = []
    board = svc.leaderboard(period)
    floor_all = floor_leaderboard(conn, fp, None)
    if {r.rep_id for r in board.rows} != set(floor_all):
        mismatches.append(f"leaderboard reps differ: kpitui {len(board.rows)}, floor {len(floor_all)}")
    for row in board.rows:
        mismatches += compare(f"leaderboard {row.rep}", row.kpis, floor_kpis(floor_all.get(row.rep_id, {})))
    prev_board = svc.leaderboard(period, with_previous=True)
    floor_prev = floor_facts(conn, fp.previous(), [r.rep_id for r in prev_board.rows])
    for row in prev_board.rows:
        mismatches += compare(f"leaderboard previous {row.rep}", row.previous, floor_kpis(floor_prev[row.rep_id]))
    team_board = svc.leaderboard(period, team=who["team"])
    floor_team = floor_leaderboard(conn, fp, who["team_id"])
    if {r.rep_id for r in team_board.rows} != set(floor_team):
        mismatches.append("team leaderboard reps differ")
    for row in team_board.rows:
        mismatches += compare(f"team leaderboard {row.rep}", row.kpis, floor_kpis(floor_team.get(row.rep_id, {})))
    card = svc.scorecard(period, who["email"])
    funnel = svc.funnel(period, rep=who["email"])
    fd = floor_drilldown(conn, fp, who["email"])
    now_f, before_f = floor_kpis(fd["current"][fd["rep_id"]]), floor_kpis(fd["previous"][fd["rep_id"]])
    mismatches += compare("scorecard", {ln.key: ln.value for ln in card.lines}, now_f)
    mismatches += compare("scorecard previous", {ln.key: ln.previous for ln in card.lines}, before_f)
    mismatches += compare("funnel", {s.key: s.value for s in funnel.steps}, now_f)
    checked = sorted({k for k in floor_kpis({})})
    result["checks"] = {"compared_kpis": checked, "must_match": list(MUST_MATCH), "reps_compared": len(board.rows),
                        "mismatches": mismatches[:50], "mismatch_count": len(mismatches)}
    if any(k in m for m in mismatches for k in MUST_MATCH) or mismatches:
        raise AssertionError("the floor does not compute kpitui's numbers:\n  " + "\n  ".join(mismatches[:20]))

    runs = args.runs

    def lb_all() -> None:
        svc.leaderboard(period)

    def lb_team() -> None:
        svc.leaderboard(period, team=who["team"])

    def drill() -> None:
        if hasattr(svc, "drilldown"):  # one pass for both (kpitui >= the drill-down service)
            svc.drilldown(period, who["email"])
        else:
            svc.scorecard(period, who["email"])
            svc.funnel(period, rep=who["email"])

    k, f = timed_alternating(lb_all, lambda: floor_leaderboard(conn, fp, None), runs)
    figures["leaderboard_all"] = {**summary(k), "floor": summary(f)}
    if args.only_leaderboard:
        result["activity_rows_in_period"] = conn.execute(
            "SELECT count(*) FROM activity WHERE occurred_at >= ? AND occurred_at < ?", fp.utc_bounds()).fetchone()[0]
        result["reps_in_scope"] = len(board.rows)
        return result
    def floor_prev_board() -> None:
        facts = floor_leaderboard(conn, fp, None)
        floor_facts(conn, fp.previous(), list(facts))
        floor_targets(conn, fp.previous())

    k, f = timed_alternating(lambda: svc.leaderboard(period, with_previous=True), floor_prev_board, runs)
    figures["leaderboard_previous"] = {**summary(k), "floor": summary(f)}
    k, f = timed_alternating(lb_team, lambda: floor_leaderboard(conn, fp, who["team_id"]), runs)
    figures["leaderboard_team"] = {**summary(k), "floor": summary(f)}
    k, f = timed_alternating(drill, lambda: floor_drilldown(conn, fp, who["email"]), runs)
    figures["drilldown"] = {**summary(k), "floor": summary(f)}
    k, _ = timed_alternating(lambda: svc.scorecard(period, who["email"]), None, runs)
    figures["scorecard"] = summary(k)
    k, _ = timed_alternating(lambda: svc.funnel(period, rep=who["email"]), None, runs)
    figures["funnel"] = summary(k)
    figures["trend"] = trend_figure(svc, conn, period, fp, who, runs)
    if "na" not in figures["trend"]:
        mondays = trend_weeks(fp.end - timedelta(days=1))
        k, f = timed_alternating(
            lambda: (drill(), svc.trend(TREND_KEY, rep=who["email"], weeks=TREND_WEEKS, until=period)),
            lambda: (floor_drilldown(conn, fp, who["email"]), floor_trend(conn, who["email"], mondays)), runs)
        figures["drilldown_trend"] = {**summary(k), "floor": summary(f)}

    # -- the SQL kpitui emits, its plans, and where the time goes ------------------------------------------------
    with StatementLog(svc.db.engine) as log:
        log.tag = "leaderboard"
        lb_all()
        end_lb = time.perf_counter()
        gaps = statement_gaps(log.items, end_lb)
        n_lb = len(log.items)
        log.tag = "drilldown"
        drill()
        gaps += statement_gaps(log.items[n_lb:], time.perf_counter())
        if "na" not in figures["trend"]:
            n_dd = len(log.items)
            log.tag = "trend"
            svc.trend(TREND_KEY, rep=who["email"], weeks=TREND_WEEKS, until=period)
            gaps += statement_gaps(log.items[n_dd:], time.perf_counter())
    result["statements"] = {op: sum(1 for i in log.items if i["op"] == op)
                            for op in ("leaderboard", "drilldown", "trend")}
    result["explain"] = explain(conn, log.items)
    result["gaps"] = gaps
    result["activity_rows_in_period"] = conn.execute(
        "SELECT count(*) FROM activity WHERE occurred_at >= ? AND occurred_at < ?", fp.utc_bounds()).fetchone()[0]
    result["reps_in_scope"] = len(board.rows)

    if args.profile:
        result["profile"] = profile(lb_all, drill, Path(args.json).parent)
    conn.close()
    return result


TREND_KEY = "conversations"
TREND_WEEKS = 13


def trend_weeks(until_last_day: date) -> list[date]:
    """Mondays of the TREND_WEEKS weeks ending with the week of `until_last_day`, oldest first."""
    last = until_last_day - timedelta(days=until_last_day.weekday())
    return [last - timedelta(weeks=i) for i in range(TREND_WEEKS - 1, -1, -1)]


def floor_trend(conn: sqlite3.Connection, email: str, mondays: list[date]) -> list[tuple[int, Decimal | None]]:
    """What the trend chart shows: one KPI (conversations) per week for one rep, and each week's target."""
    rep_id, team_id = conn.execute("SELECT id, team_id FROM rep WHERE lower(email) = ?", (email.lower(),)).fetchone()
    bounds = [datetime.combine(d, dtime(0), ZONE).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
              for d in [*mondays, mondays[-1] + timedelta(weeks=1)]]
    whens = " ".join(f"WHEN occurred_at < '{b}' THEN {i}" for i, b in enumerate(bounds[1:-1]))
    counts = dict(conn.execute(
        f"SELECT CASE {whens} ELSE {len(mondays) - 1} END AS week, count(*) FROM activity"
        " WHERE rep_id = ? AND occurred_at >= ? AND occurred_at < ? AND kind = 'call' AND outcome = 'connected'"
        " GROUP BY week", (rep_id, bounds[0], bounds[-1])).fetchall())
    starts = [d.isoformat() for d in mondays]
    targets: dict[str, Decimal] = {}
    rows = conn.execute(
        f"SELECT period_start, rep_id, value FROM target WHERE period_kind = 'week' AND kpi = ?"
        f" AND period_start IN ({','.join('?' * len(starts))}) AND (rep_id = ? OR (rep_id IS NULL AND team_id = ?))"
        " ORDER BY rep_id IS NOT NULL", (TREND_KEY, *starts, rep_id, team_id)).fetchall()
    for start, _, value in rows:  # team default first, the rep's own target overwrites it
        targets[start] = Decimal(value)
    return [(counts.get(i, 0), targets.get(start)) for i, start in enumerate(starts)]


def trend_figure(svc: Any, conn: sqlite3.Connection, period: Any, fp: FloorPeriod, who: dict[str, Any],
                 runs: int) -> dict[str, Any]:
    """The drill-down's weekly trend, measured only when kpitui has a service for it (Kpitui.trend)."""
    fn = getattr(svc, "trend", None)
    if fn is None:
        return {"na": "trend: n/a (no service yet)"}
    try:
        call = lambda: fn(TREND_KEY, rep=who["email"], weeks=TREND_WEEKS, until=period)  # noqa: E731
        trend = call()
        got = [(p.value, p.target) for p in trend.points]
    except Exception as exc:  # the service is young; never let it break the benchmark
        return {"na": f"trend: n/a ({type(exc).__name__}: {exc})"}
    mondays = trend_weeks(fp.end - timedelta(days=1))
    want = floor_trend(conn, who["email"], mondays)
    if [p.period.start for p in trend.points] != mondays or not all(
            same(g[0], w[0]) and same(g[1], w[1]) for g, w in zip(got, want, strict=True)):
        raise AssertionError(f"the trend floor does not compute kpitui's numbers: kpitui {got}, floor {want}")
    k, f = timed_alternating(call, lambda: floor_trend(conn, who["email"], mondays), runs)
    return {**summary(k), "floor": summary(f), "what": f"svc.trend({TREND_KEY!r}, rep, weeks={TREND_WEEKS})"}


def profile(lb_all: Any, drill: Any, outdir: Path) -> dict[str, str]:
    import cProfile
    import io
    import pstats

    outdir.mkdir(parents=True, exist_ok=True)
    texts = {}
    for name, fn in (("leaderboard", lb_all), ("drilldown", drill)):
        prof = cProfile.Profile()
        prof.enable()
        fn()
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)
        target = outdir / f"profile-{name}.txt"
        target.write_text(buf.getvalue())
        texts[name] = str(target)
    return texts


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
            "second_call_ms": ms(second - first), "since_start_ms": ms(first - _T0)}


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


def copy_database(source: Path, target: Path) -> None:
    wal = source.with_name(source.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        shutil.copyfile(source, target)
        return
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(str(target))
    with dst:
        src.backup(dst)
    dst.close()
    src.close()


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


WORKERS = {"prepare": worker_prepare, "queries": worker_queries, "cold": worker_cold, "memory": worker_memory,
           "log": worker_log}


# -- the app's first frame: its own tiny script, so the clock starts at the very top of the process -----------
FRAME_SCRIPT = r'''
import time
T0 = time.perf_counter(); W0 = time.time()
import asyncio, json, sys
out, db, actor, mode = sys.argv[1:5]
res = {"wall_at_top": W0}
def done():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                res["peak_rss_mb"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    with open(out, "w") as fh:
        json.dump(res, fh)
try:
    from kpitui.ui.app import build_app
except Exception as exc:
    res["error"] = f"cannot import kpitui.ui.app.build_app: {type(exc).__name__}: {exc}"
    done(); sys.exit(0)
res["import_s"] = time.perf_counter() - T0
async def main():
    app = build_app(db, actor or None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        res["frame_s"] = time.perf_counter() - T0
        res["wall_at_frame"] = time.time()
        res["screen"] = type(app.screen).__name__
        if mode == "data":
            await app.workers.wait_for_complete()
            await pilot.pause()
            res["data_s"] = time.perf_counter() - T0
            res["wall_at_data"] = time.time()
try:
    asyncio.run(main())
except Exception as exc:
    res["error"] = f"the app failed: {type(exc).__name__}: {exc}"
done()
'''


# =============================================================================================================
# Parent: orchestration, machine facts, report
# =============================================================================================================

def child_env(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPITUI_")}
    env["KPITUI_NOW"] = CLOCK_AT.isoformat()
    env["KPITUI_TZ"] = ZONE_NAME
    env["PYTHONDONTWRITEBYTECODE"] = "0"
    if args.src:
        env["PYTHONPATH"] = os.pathsep.join([str(Path(args.src).resolve()), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep)
    return env


def run_worker(args: argparse.Namespace, kind: str, db: Path, extra: list[str] | None = None,
               reps: int | None = None, days: int | None = None) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--worker-out", str(out), "--db", str(db),
           "--period", args.period, "--runs", str(args.runs), "--reps", str(reps or args.reps),
           "--days", str(days or args.days), "--json", str(args.json), *(extra or [])]
    if args.profile:
        cmd.append("--profile")
    proc = subprocess.run(cmd, env=child_env(args), cwd=str(REPO), stderr=subprocess.PIPE, text=True)
    try:
        if proc.returncode != 0:
            raise RuntimeError(f"worker {kind} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
        if proc.stderr.strip():
            sys.stderr.write(proc.stderr)
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def run_frame(args: argparse.Namespace, db: Path, actor: str, mode: str) -> dict[str, Any]:
    samples: list[dict[str, Any]] = []
    for i in range(args.runs + 1):  # the first run warms the OS file cache; not counted
        with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as fh:
            out = Path(fh.name)
        start = time.time()
        proc = subprocess.run([sys.executable, "-c", FRAME_SCRIPT, str(out), str(db), actor, mode],
                              env=child_env(args), cwd=str(REPO), capture_output=True, text=True, timeout=300)
        try:
            res = json.loads(out.read_text()) if out.stat().st_size else {"error": proc.stderr[-2000:]}
        finally:
            out.unlink(missing_ok=True)
        if "error" in res:
            reason = res["error"].strip().splitlines()[-1] if res["error"].strip() else "failed"
            return {"na": f"n/a: {reason}"}
        res["total_s"] = res["wall_at_frame"] - start
        res["interpreter_start_s"] = res["wall_at_top"] - start
        if mode == "data":
            res["total_data_s"] = res["wall_at_data"] - start
        if i:
            samples.append(res)
    key = "total_data_s" if mode == "data" else "total_s"
    out_fig = summary([s[key] for s in samples])
    out_fig.update({
        "in_process_ms": ms(statistics.median(s["data_s" if mode == "data" else "frame_s"] for s in samples)),
        "import_ms": ms(statistics.median(s["import_s"] for s in samples)),
        "interpreter_start_ms": ms(statistics.median(s["interpreter_start_s"] for s in samples)),
        "screen": samples[-1].get("screen"), "peak_rss_mb": max(s.get("peak_rss_mb", 0) for s in samples)})
    return out_fig


def machine_facts(args: argparse.Namespace) -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = subprocess.run(
        [sys.executable, "-c", "import sqlite3, sqlalchemy, textual, kpitui, json; print(json.dumps({"
         "'sqlite': sqlite3.sqlite_version, 'sqlalchemy': sqlalchemy.__version__, 'textual': textual.__version__,"
         "'kpitui_path': kpitui.__file__}))"], env=child_env(args), capture_output=True, text=True)
    try:
        lib = json.loads(versions.stdout)
    except ValueError:
        lib = {"error": versions.stderr[-500:]}
    git: dict[str, Any] = {}
    try:
        git["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True,
                                       text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=REPO, capture_output=True,
                               text=True).stdout.splitlines()
        git["src_changes_uncommitted"] = len(dirty)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(),
            "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "memory_gb": mem_total, "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "platform": platform.platform(), **lib, "git": git,
            "src_override": str(Path(args.src).resolve()) if args.src else None,
            "when": datetime.now(UTC).isoformat(timespec="seconds")}


def judge(name: str, fig: dict[str, Any], budget_ms: float | None) -> dict[str, Any]:
    fig["budget_ms"] = budget_ms
    floor = fig.get("floor")
    if floor:
        fig["floor_ms"] = floor["median_ms"]
        fig["ratio"] = round(fig["median_ms"] / floor["median_ms"], 2) if floor["median_ms"] else None
        fig["within_floor_ratio"] = fig["ratio"] is not None and fig["ratio"] <= FLOOR_RATIO
    fig["within_budget"] = None if budget_ms is None else fig["median_ms"] < budget_ms
    verdicts = [v for v in (fig.get("within_budget"), fig.get("within_floor_ratio")) if v is not None]
    fig["pass"] = all(verdicts) if verdicts else None
    fig["name"] = name
    return fig


def db_path_for(reps: int, days: int) -> Path:
    return BENCH / f"scale-{reps}x{days}.db"


def main_parent(args: argparse.Namespace) -> int:
    from rich.console import Console

    console = Console(width=None if sys.stdout.isatty() else 150)
    db = Path(args.db) if args.db else db_path_for(args.reps, args.days)
    args.json = Path(args.json)
    report: dict[str, Any] = {"args": {"reps": args.reps, "days": args.days, "runs": args.runs, "db": str(db),
                                       "period": args.period, "seed": SEED, "seed_end": SEED_END,
                                       "clock": CLOCK_AT.isoformat(), "zone": ZONE_NAME},
                              "machine": machine_facts(args)}
    console.print(f"[bold]kpitui benchmark[/] — {report['machine']['cpu']}, {report['machine']['cores']} cores, "
                  f"load {report['machine']['load_average_at_start']}; kpitui from "
                  f"{report['machine'].get('kpitui_path')}")
    if not db.exists():
        console.print(f"building {db} ({args.reps} reps x {args.days} days) with the real seed ...")
    report["database"] = run_worker(args, "prepare", db)
    rows = report["database"]["rows"]
    console.print(f"database {db}: {report['database']['size_mb']} MB, {rows['activity']:,} activities, "
                  f"{rows['deal']:,} deals, {rows['rep']:,} people")

    console.print("measuring: warm queries + floors ...")
    q = run_worker(args, "queries", db)
    console.print("measuring: first call in a fresh process ...")
    cold = [run_worker(args, "cold", db) for _ in range(args.runs + 1)][1:]
    console.print("measuring: peak memory ...")
    mem = run_worker(args, "memory", db)
    console.print("measuring: logging an activity (on a copy) ...")
    lg = run_worker(args, "log", db)
    frames: dict[str, Any] = {}
    if not args.skip_ui:
        console.print("measuring: the app's first frame ...")
        frames["frame_picker"] = run_frame(args, db, "", "frame")
        frames["frame_home"] = run_frame(args, db, q["subjects"]["email"], "frame")
        frames["frame_home_data"] = run_frame(args, db, q["subjects"]["email"], "data")

    f = q["figures"]
    figures: dict[str, Any] = {
        "leaderboard_all": judge("leaderboard, all reps", f["leaderboard_all"], BUDGET_MS["leaderboard"]),
        "leaderboard_previous": judge("leaderboard, all reps, with previous period", f["leaderboard_previous"],
                                      BUDGET_MS["leaderboard"]),
        "leaderboard_team": judge(f"leaderboard, team {q['subjects']['team']}", f["leaderboard_team"],
                                  BUDGET_MS["leaderboard"]),
        "drilldown": judge("drill-down: scorecard + funnel", f["drilldown"], BUDGET_MS["drilldown"]),
        "scorecard": judge("  of which scorecard", f["scorecard"], None),
        "funnel": judge("  of which funnel", f["funnel"], None),
    }
    if "na" in f["trend"]:
        figures["trend"] = {"name": "trend", "na": f["trend"]["na"]}
    else:
        figures["trend"] = judge(f"  of which trend ({TREND_WEEKS} weeks of {TREND_KEY})", f["trend"], None)
        figures["drilldown_trend"] = judge("drill-down incl. trend", f["drilldown_trend"], BUDGET_MS["drilldown"])
    figures["log"] = judge("log one activity", lg["figures"]["log"], BUDGET_MS["log"])
    figures["log_cli"] = judge("log with `kpitui log` (a fresh process)", lg["figures"]["log_cli"], None)
    cold_fig = summary([c["first_call_ms"] / 1000 for c in cold])
    cold_fig["import_ms"] = statistics.median(c["import_ms"] for c in cold)
    cold_fig["open_ms"] = statistics.median(c["open_ms"] for c in cold)
    figures["leaderboard_cold"] = judge("leaderboard, first call in a fresh process", cold_fig, None)
    labels = {"frame_picker": "first frame (no user: rep picker)", "frame_home": "first frame (--as rep: home)",
              "frame_home_data": "home with its data loaded"}
    for key, fig in frames.items():
        figures[key] = ({"name": labels[key], "na": fig["na"]} if "na" in fig else
                        judge(labels[key], fig, BUDGET_MS["frame"] if key != "frame_home_data" else None))
    if args.skip_ui:
        figures["frame_picker"] = {"name": "first frame", "na": "skipped (--skip-ui)"}
    memory = {"name": "peak memory (leaderboard + drill-down)", "peak_rss_mb": mem["peak_rss_mb"],
              "ru_maxrss_mb": mem["ru_maxrss_mb"], "rss_after_import_mb": mem["rss_after_import_mb"],
              "budget_mb": BUDGET_MEMORY_MB, "pass": mem["peak_rss_mb"] < BUDGET_MEMORY_MB}
    report.update({"figures": figures, "memory": memory, "floor_check": q["checks"], "subjects": q["subjects"],
                   "statements_per_screen": q["statements"], "explain": q["explain"], "statement_gaps": q["gaps"],
                   "activity_rows_in_period": q["activity_rows_in_period"], "reps_in_scope": q["reps_in_scope"],
                   "cold_runs": cold, "profile": q.get("profile")})

    if args.scaling:
        report["scaling"] = scaling(args, console)

    failures = [fig["name"].strip() for fig in figures.values() if fig.get("pass") is False]
    if memory["pass"] is False:
        failures.append(memory["name"])
    report["failures"] = failures
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, default=str))
    print_report(console, report)
    console.print(f"JSON: {args.json}")
    return 1 if failures else 0


def scaling(args: argparse.Namespace, console: Any) -> list[dict[str, Any]]:
    out = []
    days = args.scaling_days or args.days
    for reps in [int(x) for x in args.scaling_reps.split(",")]:
        db = db_path_for(reps, days)
        if not db.exists():
            console.print(f"building {db} ({reps} reps x {days} days) with the real seed ...")
        facts = run_worker(args, "prepare", db, reps=reps, days=days)
        q = run_worker(args, "queries", db, ["--only-leaderboard"], reps=reps, days=days)
        fig = q["figures"]["leaderboard_all"]
        rows_m = q["activity_rows_in_period"] / 1e6
        out.append({"reps": reps, "days": days, "db": str(db), "size_mb": facts["size_mb"],
                    "activities": facts["rows"]["activity"], "reps_in_scope": q["reps_in_scope"],
                    "activity_rows_in_period": q["activity_rows_in_period"],
                    "median_ms": fig["median_ms"], "min_ms": fig["min_ms"], "floor_ms": fig["floor"]["median_ms"],
                    "ratio": round(fig["median_ms"] / fig["floor"]["median_ms"], 2),
                    "ms_per_rep": round(fig["median_ms"] / max(1, q["reps_in_scope"]), 3),
                    "ms_per_million_rows": round(fig["median_ms"] / rows_m, 1) if rows_m else None,
                    "floor_ms_per_million_rows": round(fig["floor"]["median_ms"] / rows_m, 1) if rows_m else None,
                    "within_budget": fig["median_ms"] < BUDGET_MS["leaderboard"]})
    return out


def print_report(console: Any, report: dict[str, Any]) -> None:
    from rich.table import Table

    def num(v: Any, unit: str = "") -> str:
        return "—" if v is None else f"{v:,.1f}{unit}"

    def verdict(v: Any) -> str:
        return "—" if v is None else ("[green]pass[/]" if v else "[bold red]FAIL[/]")

    m = report["machine"]
    table = Table(title=f"kpitui at {report['args']['reps']} reps x {report['args']['days']} days, "
                        f"period {report['args']['period']} ({report['activity_rows_in_period']:,} activity rows), "
                        f"median of {report['args']['runs']} after a warm-up "
                        f"(calls under {QUICK_S * 1000:.0f} ms: of {QUICK_RUNS} after {QUICK_WARMUPS})")
    for col in ("figure", "median", "min", "floor", "x floor", "budget", "result"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    for fig in report["figures"].values():
        if "na" in fig:
            table.add_row(fig["name"], fig["na"], "", "", "", "", "—")
            continue
        ratio = fig.get("ratio")
        ratio_s = "—" if ratio is None else (f"{ratio:.2f}x" if ratio <= FLOOR_RATIO else f"[bold red]{ratio:.2f}x[/]")
        table.add_row(fig["name"], num(fig["median_ms"], " ms"), num(fig["min_ms"], " ms"),
                      num(fig.get("floor_ms"), " ms"), ratio_s,
                      "—" if fig.get("budget_ms") is None else f"< {fig['budget_ms']:,.0f} ms",
                      verdict(fig.get("pass")))
    mem = report["memory"]
    table.add_row(mem["name"], num(mem["peak_rss_mb"], " MB"), "", "", "", f"< {mem['budget_mb']:.0f} MB",
                  verdict(mem["pass"]))
    console.print(table)
    fr = report["figures"].get("frame_home") or {}
    if "interpreter_start_ms" in fr:
        console.print(f"first frame (home): interpreter start {fr['interpreter_start_ms']:.0f} ms, imports "
                      f"{fr['import_ms']:.0f} ms, in-process to frame {fr['in_process_ms']:.0f} ms; app peak RSS "
                      f"{fr['peak_rss_mb']} MB")
    cold = report["figures"]["leaderboard_cold"]
    console.print(f"fresh process: import kpitui.services {cold['import_ms']:.0f} ms, open {cold['open_ms']:.0f} ms, "
                  f"first leaderboard {cold['median_ms']:.0f} ms")
    console.print(f"statements per screen: {report['statements_per_screen']}; floor check: "
                  f"{report['floor_check']['reps_compared']} reps x {len(report['floor_check']['compared_kpis'])} KPIs,"
                  f" {report['floor_check']['mismatch_count']} mismatches")

    plans = Table(title="EXPLAIN QUERY PLAN of the SQL kpitui emits (sqlite3 re-run time, median of 3)")
    for col in ("screen", "query", "x", "ms", "rows", "index used", "flags"):
        plans.add_column(col, justify="right" if col in ("x", "ms", "rows") else "left")
    for st in report["explain"]:
        flags = "; ".join(st["flags"])
        bad = any(fl.startswith("FULL SCAN") for fl in st["flags"])
        plans.add_row(st["op"], st["label"], str(st["times"]), f"{st['sqlite3_ms']:.1f}", str(st["rows"]),
                      ", ".join(dict.fromkeys(st["indexes"])) or "—", f"[bold red]{flags}[/]" if bad else flags)
    console.print(plans)

    if report.get("scaling"):
        sc = Table(title="scaling: leaderboard of all reps, one quarter")
        for col in ("reps", "days", "activities", "rows in quarter", "median", "floor", "x floor", "ms / rep",
                    "ms / M rows", "floor ms / M rows", "budget"):
            sc.add_column(col, justify="right")
        for s in report["scaling"]:
            sc.add_row(str(s["reps_in_scope"]), str(s["days"]), f"{s['activities']:,}",
                       f"{s['activity_rows_in_period']:,}", num(s["median_ms"], " ms"), num(s["floor_ms"], " ms"),
                       f"{s['ratio']:.2f}x", f"{s['ms_per_rep']:.3f}", num(s["ms_per_million_rows"]),
                       num(s["floor_ms_per_million_rows"]), verdict(s["within_budget"]))
        console.print(sc)
    if report["failures"]:
        console.print("[bold red]failing:[/] " + " | ".join(report["failures"]))
    else:
        console.print("[bold green]all budgets met[/]")
    console.print(f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, SQLite {m.get('sqlite')}, "
                  f"load {m['load_average_at_start']} -> {m['load_average_at_end']}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=500)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--runs", type=int, default=7,
                    help="timed runs per figure, after one warm-up (calls under 5 ms: at least 50, after 10)")
    ap.add_argument("--db", default=None,
                    help="scale database (default bench/scale-<reps>x<days>.db); built if missing")
    ap.add_argument("--json", default=str(BENCH / "results" / "latest.json"))
    ap.add_argument("--period", default=DEFAULT_PERIOD, help="a quarter (2026-Q3) or a month (2026-08)")
    ap.add_argument("--scaling", action="store_true", help="also time the leaderboard at 50 / 500 / 2000 reps")
    ap.add_argument("--scaling-days", type=int, default=None, help="days of the scaling databases (default --days)")
    ap.add_argument("--scaling-reps", default="50,500,2000")
    ap.add_argument("--profile", action="store_true", help="cProfile one leaderboard and one drill-down "
                                                           "(text files beside the JSON)")
    ap.add_argument("--skip-ui", action="store_true", help="skip the first-frame measurement")
    ap.add_argument("--src", default=None, help="import kpitui from this directory (e.g. a `git archive` of another "
                                                "commit's src/) instead of the installed one")
    ap.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", help=argparse.SUPPRESS)
    ap.add_argument("--only-leaderboard", action="store_true", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main() -> int:
    args = parse_args()
    if args.worker:
        result = WORKERS[args.worker](args)
        Path(args.worker_out).write_text(json.dumps(result, default=str))
        return 0
    return main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
