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
from kpibench.frame import frame_figures
from kpibench.fresh import print_startup, startup_figures
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
        limit = fig.get("ratio_budget", floor_ratio)  # a figure may carry its own (None: informational)
        fig["within_floor_ratio"] = None if limit is None else fig["ratio"] is not None and fig["ratio"] <= limit
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
        console.print("measuring: the app's first frame, beside a Textual hello app ...")
        frames = frame_figures(args, db)
    console.print("measuring: whole `kpitui` processes, beside their floors ...")
    startup = startup_figures(args, db, q["subjects"]["email"], child_env(args))

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
    for key, fig in frames.items():
        figures[key] = fig if "na" in fig else judge(fig["name"], fig, None)
    for key, fig in startup_judged(startup).items():
        figures[key] = fig
    if args.skip_ui:
        figures["frame_picker"] = {"name": "first frame", "na": "skipped (--skip-ui)"}
    memory = {"name": "peak memory (leaderboard + drill-down)", "peak_rss_mb": mem["peak_rss_mb"],
              "ru_maxrss_mb": mem["ru_maxrss_mb"], "rss_after_import_mb": mem["rss_after_import_mb"],
              "budget_mb": BUDGET_MEMORY_MB, "pass": mem["peak_rss_mb"] < BUDGET_MEMORY_MB}
    report.update({"figures": figures, "memory": memory, "floor_check": q["checks"], "subjects": q["subjects"],
                   "statements_per_screen": q["statements"], "explain": q["explain"], "statement_gaps": q["gaps"],
                   "activity_rows_in_period": q["activity_rows_in_period"], "reps_in_scope": q["reps_in_scope"],
                   "cold_runs": cold, "profile": q.get("profile"), "startup_floors": startup["floors"]})

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
    print_startup(console, startup, {k: v for k, v in figures.items() if k.startswith("frame_") and "floor" in v})
    console.print(f"JSON: {args.json}")
    return 1 if failures else 0


STARTUP_LABELS = {"startup_log": "`kpitui log` (whole process) vs import sqlalchemy, sqlite3",
                  "startup_scorecard": "`kpitui scorecard` (whole process) vs import sqlalchemy, sqlite3",
                  "startup_help": "`kpitui --help` vs a minimal click program"}


def startup_judged(startup: dict[str, Any]) -> dict[str, Any]:
    """The start-up figures judged against their floors (`ratio_budget`; none for scorecard: informational)."""
    return {key: judge(STARTUP_LABELS[key], fig, None) for key, fig in startup.items() if key in STARTUP_LABELS}


def main_startup(args: argparse.Namespace) -> int:
    """`--startup-only`: just the start-up figures and first frames, on any database (e.g. the small demo)."""
    from rich.console import Console

    from kpibench.common import pick_subjects

    console = Console(width=None if sys.stdout.isatty() else 150)
    db = Path(args.db) if args.db else db_path_for(args.reps, args.days)
    args.json = Path(args.json)
    machine = machine_facts(args)
    run_worker(args, "prepare", db)  # the schema at head, as every run
    email = pick_subjects(db)["email"]
    console.print(f"start-up on {db} (runs: {args.runs}, load {machine['load_average_at_start']}) ...")
    frames = {} if args.skip_ui else frame_figures(args, db)
    startup = startup_figures(args, db, email, child_env(args))
    figures = {k: (v if "na" in v else judge(v["name"], v, None)) for k, v in frames.items()}
    figures.update(startup_judged(startup))
    failures = [fig["name"] for fig in figures.values() if fig.get("pass") is False]
    machine["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report = {"args": {"db": str(db), "runs": args.runs, "period": args.period}, "machine": machine,
              "figures": figures, "startup_floors": startup["floors"], "failures": failures}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, default=str))
    print_startup(console, startup, {k: v for k, v in figures.items() if k.startswith("frame_") and "floor" in v})
    for key, fig in figures.items():
        if "na" in fig:
            console.print(f"{fig['name']}: {fig['na']}", markup=False)
        elif key.endswith("_data"):
            console.print(f"{fig['name']}: median {fig['median_ms']:.0f} ms, min {fig['min_ms']:.0f} ms",
                          markup=False)
    console.print("[bold red]failing:[/] " + " | ".join(failures) if failures
                  else "[bold green]start-up budgets met[/]")
    console.print(f"machine: load {machine['load_average_at_start']} -> {machine['load_average_at_end']}; "
                  f"JSON: {args.json}")
    return 1 if failures else 0
