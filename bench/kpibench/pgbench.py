"""PostgreSQL at scale (`--postgres URL`, DESIGN.md section 8: PostgreSQL within 2x SQLite on the same figures).

Worker `pgprepare` loads the scale rows into a dedicated database (kpibench/pgdata.py); worker `postgres` times,
in one process, kpitui on that database beside the PostgreSQL floor (kpibench/pgfloor.py, psycopg without
SQLAlchemy), after checking that the floor computes kpitui's numbers: the quarter's leaderboard of every KPI, a
rep's drill-down, logging one activity. The parent sets each beside the same figure on SQLite from this run.
"""

import argparse
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kpibench.common import open_service, pick_subjects, summary, timed_alternating
from kpibench.floor import FloorPeriod, compare, floor_kpis
from kpibench.pgdata import BENCH_DB, connect, drop_postgres, prepare_postgres, sqlalchemy_url
from kpibench.pgfloor import pg_drilldown, pg_leaderboard

PG_BUDGET_X_SQLITE = 2.0
FIGURES = {"leaderboard_all": "leaderboard, all reps", "leaderboard_team": "leaderboard, one team",
           "drilldown": "drill-down: scorecard + funnel", "log": "log one activity"}


def worker_pgprepare(args: argparse.Namespace) -> dict[str, Any]:
    return prepare_postgres(args.postgres, Path(args.db))


def worker_postgres(args: argparse.Namespace) -> dict[str, Any]:
    who = pick_subjects(Path(args.db))  # the same rows: the same subjects as on SQLite
    url = sqlalchemy_url(args.postgres, BENCH_DB)
    svc = open_service(url)  # type: ignore[arg-type]
    period = svc.period(args.period)
    fp = FloorPeriod.parse(args.period)
    conn = connect(args.postgres, BENCH_DB, autocommit=True)
    mismatches: list[str] = []
    board = svc.leaderboard(period)
    floor_all = pg_leaderboard(conn, fp, None)
    if {r.rep_id for r in board.rows} != set(floor_all):
        mismatches.append(f"leaderboard reps differ: kpitui {len(board.rows)}, floor {len(floor_all)}")
    for row in board.rows:
        mismatches += compare(f"leaderboard {row.rep}", row.kpis, floor_kpis(floor_all.get(row.rep_id, {})))
    card, funnel = svc.drilldown(period, who["email"])
    fd = pg_drilldown(conn, fp, who["email"])
    mismatches += compare("scorecard", {ln.key: ln.value for ln in card.lines},
                          floor_kpis(fd["current"][fd["rep_id"]]))
    mismatches += compare("funnel", {s.key: s.value for s in funnel.steps}, floor_kpis(fd["current"][fd["rep_id"]]))
    if mismatches:
        raise AssertionError("the PostgreSQL floor does not compute kpitui's numbers:\n  "
                             + "\n  ".join(mismatches[:20]))

    runs = args.runs
    figures: dict[str, Any] = {}
    k, f = timed_alternating(lambda: svc.leaderboard(period), lambda: pg_leaderboard(conn, fp, None), runs)
    figures["leaderboard_all"] = {**summary(k), "floor": summary(f)}
    k, f = timed_alternating(lambda: svc.leaderboard(period, team=who["team"]),
                             lambda: pg_leaderboard(conn, fp, who["team_id"]), runs)
    figures["leaderboard_team"] = {**summary(k), "floor": summary(f)}
    k, f = timed_alternating(lambda: svc.drilldown(period, who["email"]), lambda: pg_drilldown(conn, fp, who["email"]),
                             runs)
    figures["drilldown"] = {**summary(k), "floor": summary(f)}
    figures["log"] = _log_figure(svc, conn, who, runs)
    rows = conn.execute("SELECT count(*) FROM activity WHERE occurred_at >= %s AND occurred_at < %s",
                        tuple(datetime.fromisoformat(b) for b in fp.utc_bounds())).fetchone()[0]
    server = {name: conn.execute(f"SHOW {name}").fetchone()[0]
              for name in ("server_version", "shared_buffers", "work_mem", "effective_cache_size", "jit",
                           "max_parallel_workers_per_gather")}
    conn.close()
    svc.db.dispose()
    return {"figures": figures, "floor_check": {"reps_compared": len(board.rows), "mismatch_count": 0},
            "activity_rows_in_period": rows, "server": server, "subjects": who}


def _log_figure(svc: Any, conn: Any, who: dict[str, Any], runs: int) -> dict[str, Any]:
    """Logging one call, through kpitui and directly (the row and its audit entry in one transaction, as the
    SQLite floor writes them); the rows are deleted afterwards, so the database keeps the scale rows only."""
    first_new = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM activity").fetchone()[0]
    log_before = conn.execute("SELECT coalesce(max(id), 0) FROM change_log").fetchone()[0]
    counter = [0]

    def moment() -> datetime:
        counter[0] += 1
        return datetime(2026, 11, 20, 8, 0, tzinfo=UTC) + timedelta(seconds=counter[0])

    def log_kpitui() -> None:
        svc.log_activity("call", rep=who["email"], when=moment(), outcome="connected")

    def log_floor() -> None:
        at = moment()
        rep_id = conn.execute("SELECT id FROM rep WHERE lower(email) = %s", (who["email"].lower(),)).fetchone()[0]
        with conn.transaction():
            new_id = conn.execute(
                "INSERT INTO activity (rep_id, kind, occurred_at, outcome, duration_min, deal_id, note)"
                " VALUES (%s, 'call', %s, 'connected', NULL, NULL, '') RETURNING id",
                (rep_id, at.astimezone(UTC).replace(tzinfo=None))).fetchone()[0]
            after = json.dumps({"id": new_id, "rep_id": rep_id, "kind": "call", "occurred_at": at.isoformat(),
                                "outcome": "connected", "duration_min": None, "deal_id": None, "note": ""})
            conn.execute("INSERT INTO change_log (at, actor_rep_id, actor, subject_rep_id, entity, entity_id, action,"
                         " before, after) VALUES (now() AT TIME ZONE 'UTC', NULL, 'local owner', %s, 'activity', %s,"
                         " 'create', NULL, %s)", (rep_id, new_id, after))

    before = conn.execute("SELECT count(*) FROM activity").fetchone()[0]
    k, f = timed_alternating(log_kpitui, log_floor, runs)
    after = conn.execute("SELECT count(*) FROM activity").fetchone()[0]
    assert after - before == counter[0], "each run must log exactly one activity"
    with conn.transaction():  # the rollup triggers take them out of activity_day again
        conn.execute("DELETE FROM change_log WHERE id > %s", (log_before,))
        conn.execute("DELETE FROM activity WHERE id >= %s", (first_new,))
    return {**summary(k), "floor": summary(f)}


def postgres_section(args: argparse.Namespace, console: Any, report: dict[str, Any], db: Path) -> list[str]:
    """Parent side: load, time, set beside SQLite's figures of this run; returns the failing rows' names."""
    from kpibench.children import run_worker

    console.print(f"PostgreSQL: loading the scale rows into {BENCH_DB} (kept when its rows match) ...")
    t = time.perf_counter()
    prep = run_worker(args, "pgprepare", db, extra=["--postgres", args.postgres])
    prep["seconds"] = round(time.perf_counter() - t, 1)
    console.print("measuring: PostgreSQL warm queries + floors, log ...")
    pg = run_worker(args, "postgres", db, extra=["--postgres", args.postgres])
    if args.postgres_drop:
        drop_postgres(args.postgres)
    sqlite_figs = report["figures"]
    failures: list[str] = []
    rows: dict[str, Any] = {}
    for key, label in FIGURES.items():
        fig = pg["figures"][key]
        lite = sqlite_figs.get(key) or {}
        fig["name"] = f"PostgreSQL: {label}"
        fig["floor_ms"] = fig["floor"]["median_ms"]
        fig["ratio"] = round(fig["median_ms"] / fig["floor_ms"], 2) if fig["floor_ms"] else None
        fig["sqlite_ms"] = lite.get("median_ms")
        fig["sqlite_floor_ms"] = lite.get("floor_ms")
        fig["x_sqlite"] = round(fig["median_ms"] / lite["median_ms"], 2) if lite.get("median_ms") else None
        fig["floor_x_sqlite_floor"] = (round(fig["floor_ms"] / lite["floor_ms"], 2) if lite.get("floor_ms") else None)
        fig["budget_x_sqlite"] = PG_BUDGET_X_SQLITE
        fig["pass"] = None if fig["x_sqlite"] is None else fig["x_sqlite"] <= PG_BUDGET_X_SQLITE
        if fig["pass"] is False:
            failures.append(fig["name"])
        rows[key] = fig
    report["postgres"] = {"load": prep, "figures": rows, "server": pg["server"], "floor_check": pg["floor_check"],
                          "activity_rows_in_period": pg["activity_rows_in_period"]}
    print_postgres(console, report["postgres"])
    return failures


def print_postgres(console: Any, section: dict[str, Any]) -> None:
    from rich.table import Table

    def num(v: Any) -> str:
        return "—" if v is None else f"{v:,.1f} ms"

    def x(v: Any) -> str:
        return "—" if v is None else f"{v:.2f}x"

    table = Table(title=f"PostgreSQL {section['server']['server_version']} beside SQLite, same rows, same run "
                        f"({section['activity_rows_in_period']:,} activity rows in the period)")
    for col in ("figure", "PostgreSQL", "PG floor", "x PG floor", "SQLite", "SQLite floor", "PG x SQLite",
                "PG floor x SQLite floor", "result"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    for fig in section["figures"].values():
        verdict = "—" if fig["pass"] is None else ("[green]pass[/]" if fig["pass"] else "[bold red]FAIL[/]")
        table.add_row(fig["name"], num(fig["median_ms"]), num(fig["floor_ms"]), x(fig["ratio"]), num(fig["sqlite_ms"]),
                      num(fig["sqlite_floor_ms"]), f"{x(fig['x_sqlite'])} (≤ {fig['budget_x_sqlite']:g}x)",
                      x(fig["floor_x_sqlite_floor"]), verdict)
    console.print(table)
    load = section["load"]
    if load.get("loaded"):
        console.print(f"PostgreSQL load: {load['loaded']}")
    check = section["floor_check"]
    console.print(f"PostgreSQL server: {section['server']}; floor check: {check['reps_compared']} reps, "
                  f"{check['mismatch_count']} mismatches")
