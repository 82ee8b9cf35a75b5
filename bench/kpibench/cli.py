"""kpitui speed benchmark (DESIGN.md section 8): timings against budgets and against a hand-written-SQL floor.

    python bench/run.py [--reps 500] [--days 730] [--runs 7] [--db bench/scale-500x730.db]
                        [--json bench/results/latest.json] [--scaling [--scaling-days 365]] [--profile]
                        [--postgres URL [--postgres-drop]]

The parent process only orchestrates: it builds the scale database with the real seed (unless the file is
there already), then starts a fresh worker process per kind of measurement (warm query timings, first call
in a fresh process, peak memory, logging an activity on a copy of the database, the app's first frame) and
prints a Rich table plus a JSON file. See bench/README.md for what the "floor" is.
"""

import argparse
import json
from pathlib import Path

from kpibench.common import BENCH, DEFAULT_PERIOD
from kpibench.dataset import worker_prepare
from kpibench.fresh import worker_cold, worker_log, worker_memory
from kpibench.pgbench import worker_pgprepare, worker_postgres
from kpibench.queries import worker_queries

WORKERS = {"prepare": worker_prepare, "queries": worker_queries, "cold": worker_cold, "memory": worker_memory,
           "log": worker_log, "pgprepare": worker_pgprepare, "postgres": worker_postgres}


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
    ap.add_argument("--scaling", action="store_true", help="also time the leaderboard at 50 / 500 / 5000 reps")
    ap.add_argument("--scaling-days", type=int, default=None, help="days of the scaling databases (default --days)")
    ap.add_argument("--scaling-reps", default="50,500,5000")
    ap.add_argument("--profile", action="store_true", help="cProfile one leaderboard and one drill-down "
                                                           "(text files beside the JSON)")
    ap.add_argument("--skip-ui", action="store_true", help="skip the first-frame measurement")
    ap.add_argument("--startup-only", action="store_true", help="only the start-up figures: whole `kpitui` "
                    "processes and the app's first frames beside their floors (any --db, e.g. the demo's)")
    ap.add_argument("--src", default=None, help="import kpitui from this directory (e.g. a `git archive` of another "
                                                "commit's src/) instead of the installed one")
    ap.add_argument("--postgres", metavar="URL", default=None,
                    help="also time the same figures on PostgreSQL: a server URL (postgresql+psycopg://u:pw@host/db) "
                         "whose role may CREATE DATABASE; the rows go into a database of their own, kpitui_bench_scale")
    ap.add_argument("--postgres-drop", action="store_true", help="drop that database at the end")
    ap.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", help=argparse.SUPPRESS)
    ap.add_argument("--only-leaderboard", action="store_true", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(started: float) -> int:
    """`started`: perf_counter() at the very top of bench/run.py, before any import (the workers report
    their import and open time from it)."""
    args = parse_args()
    args.started = started
    if args.worker:
        result = WORKERS[args.worker](args)
        Path(args.worker_out).write_text(json.dumps(result, default=str))
        return 0
    from kpibench.parent import main_parent, main_startup  # the parent's modules: not for the workers

    if args.startup_only:
        return main_startup(args)

    return main_parent(args)
