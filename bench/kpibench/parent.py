"""The parent process: orchestrates the workers, judges figures against budgets and floors, writes JSON."""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kpibench.children import child_env, run_worker
from kpibench.common import (
    BUDGET_MEMORY_MB,
    BUDGET_MS,
    CLOCK_AT,
    FLOOR_RATIO,
    LEADERBOARD_FLOOR_RATIO,
    REPO,
    SEED,
    SEED_END,
    ZONE_NAME,
    summary,
)
from kpibench.dataset import db_path_for
from kpibench.floor import TREND_KEY, TREND_WEEKS
from kpibench.frame import run_frame
from kpibench.report import print_report
from kpibench.scaling import scaling


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


def judge(name: str, fig: dict[str, Any], budget_ms: float | None,
          floor_ratio: float = FLOOR_RATIO) -> dict[str, Any]:
    fig["budget_ms"] = budget_ms
    fig["floor_ratio_budget"] = floor_ratio
    floor = fig.get("floor")
    if floor:
        fig["floor_ms"] = floor["median_ms"]
        fig["ratio"] = round(fig["median_ms"] / floor["median_ms"], 2) if floor["median_ms"] else None
        fig["within_floor_ratio"] = fig["ratio"] is not None and fig["ratio"] <= floor_ratio
    fig["within_budget"] = None if budget_ms is None else fig["median_ms"] < budget_ms
    verdicts = [v for v in (fig.get("within_budget"), fig.get("within_floor_ratio")) if v is not None]
    fig["pass"] = all(verdicts) if verdicts else None
    fig["name"] = name
    return fig


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
        "leaderboard_all": judge("leaderboard, all reps", f["leaderboard_all"], BUDGET_MS["leaderboard"],
                                 LEADERBOARD_FLOOR_RATIO),
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
    # every row with a budget gates the exit status, the scaling rows too
    failures += [f"scaling: {s['reps_in_scope']} reps x {s['days']} days" for s in report.get("scaling") or []
                 if s["within_budget"] is False]
    if args.postgres:  # PostgreSQL beside SQLite, same rows, same run (kpibench/pgbench.py)
        from kpibench.pgbench import postgres_section

        failures += postgres_section(args, console, report, db)
    report["failures"] = failures
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, default=str))
    print_report(console, report)
    console.print(f"JSON: {args.json}")
    return 1 if failures else 0
