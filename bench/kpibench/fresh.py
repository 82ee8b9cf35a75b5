"""Workers that need a fresh process: first call, peak memory, logging an activity (on a copy); and the start-up
figures (whole `kpitui` processes beside their floors, with an import-time profile of each)."""

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


# =============================================================================================================
# Start-up: whole processes beside their floors (DESIGN.md section 8), run from the parent
# =============================================================================================================

STARTUP_BUDGET = {"startup_log": 1.5, "startup_help": 1.2}  # x the floor, measured in the same run
MINIMAL_CLICK = """
import click

@click.group()
@click.option("--db", default=None, help="A database.")
def main(db):
    \"\"\"A minimal click program: a group with one option and a command.\"\"\"

@main.command()
def hello():
    \"\"\"Say hello.\"\"\"
    click.echo("hello")

main()
"""
WATCHED = ("textual", "plotext", "alembic", "sqlmodel", "pydantic", "rich", "sqlalchemy.orm", "sqlalchemy",
           "kpitui.services")  # whether each command imported these is reported beside its profile


def timed_processes(commands: dict[str, list[str]], runs: int, env: dict[str, str],
                    setup: Any = None) -> dict[str, dict[str, list[float]]]:
    """Each command `runs` times after one warm-up, interleaved round by round (so load on this shared machine
    hits every figure alike): wall time of the whole process, and its CPU time (user + system, from
    RUSAGE_CHILDREN), which a busy machine disturbs far less."""
    out: dict[str, dict[str, list[float]]] = {k: {"wall": [], "cpu": []} for k in commands}
    for i in range(runs + 1):
        for name, cmd in commands.items():
            if setup is not None:
                setup(name)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode != 0:
                raise RuntimeError(f"{name} failed (exit {done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
            if i:
                out[name]["wall"].append(wall)
                out[name]["cpu"].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return out


def import_profile(cmd: list[str], env: dict[str, str], top: int = 12) -> dict[str, Any]:
    """`python -X importtime` of one run: the total, the heaviest packages by their own time, the modules with
    the largest cumulative time (who pulled what in), and which of WATCHED were imported at all."""
    done = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env=env, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        parts = line[len("import time:"):].split("|")
        own_us, cum_us, module = int(parts[0]), int(parts[1]), parts[2]
        rows.append((own_us, cum_us, len(module) - len(module.lstrip()), module.strip()))
    by_package: dict[str, int] = {}
    for own_us, _cum, _depth, module in rows:
        head = ".".join(module.split(".")[:2]) if module.startswith("kpitui") else module.split(".")[0]
        by_package[head] = by_package.get(head, 0) + own_us
    names = {m for *_, m in rows}
    roots = sorted((r for r in rows if r[2] <= 3), key=lambda r: -r[1])[:top]
    heaviest = sorted(by_package.items(), key=lambda kv: -kv[1])[:top]
    return {"total_ms": round(sum(r[0] for r in rows) / 1000, 1), "modules": len(rows),
            "top_packages_ms": {k: round(v / 1000, 1) for k, v in heaviest},
            "top_cumulative_ms": {m: round(c / 1000, 1) for _o, c, _d, m in roots},
            "imported": {w: any(n == w or n.startswith(w + ".") for n in names) for w in WATCHED}}


def startup_figures(args: argparse.Namespace, db: Path, email: str, env: dict[str, str]) -> dict[str, Any]:
    """`kpitui log`, `kpitui scorecard` and `kpitui --help` as whole processes (`python -m kpitui.cli`), each
    beside the floor DESIGN.md names: a bare `import sqlalchemy, sqlite3` process, a minimal click program.
    The log runs on a copy of the database (deleted afterwards). Ratios are of medians (and of minimums, the
    steadier figure on a loaded machine)."""
    py = sys.executable
    scratch = Path(tempfile.mkdtemp(prefix="kpitui-bench-startup-", dir=str(db.parent)))
    copy = scratch / "startup.db"
    click_script = scratch / "minimal_click.py"
    click_script.write_text(MINIMAL_CLICK)
    try:
        copy_database(db, copy)
        commands = {
            "floor_sqlalchemy": [py, "-c", "import sqlalchemy, sqlite3"],
            "floor_click": [py, str(click_script), "--help"],
            "startup_log": [py, "-m", "kpitui.cli", "--db", str(copy), "log", "call", "--rep", email, "--outcome",
                            "connected", "--at", "today 09:00"],
            "startup_scorecard": [py, "-m", "kpitui.cli", "--db", str(db), "scorecard", "--rep", email, "--period",
                                  args.period],
            "startup_help": [py, "-m", "kpitui.cli", "--help"],
        }
        samples = timed_processes(commands, args.runs, env)
        profiles = {name: import_profile(cmd, env) for name, cmd in commands.items()}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    floors = {"startup_log": "floor_sqlalchemy", "startup_scorecard": "floor_sqlalchemy",
              "startup_help": "floor_click"}
    figures: dict[str, Any] = {}
    for name, floor in floors.items():
        fig = summary(samples[name]["wall"])
        fig["floor"] = summary(samples[floor]["wall"])
        fig["cpu"] = summary(samples[name]["cpu"])
        fig["floor_cpu"] = summary(samples[floor]["cpu"])
        fig["ratio_of_min"] = round(fig["min_ms"] / fig["floor"]["min_ms"], 2)
        fig["ratio_of_cpu_min"] = round(fig["cpu"]["min_ms"] / fig["floor_cpu"]["min_ms"], 2)
        fig["floor_name"] = floor
        fig["ratio_budget"] = STARTUP_BUDGET.get(name)
        fig["import_profile"] = profiles[name]
        figures[name] = fig
    figures["floors"] = {k: {**summary(samples[k]["wall"]), "cpu": summary(samples[k]["cpu"]),
                             "import_profile": profiles[k]} for k in ("floor_sqlalchemy", "floor_click")}
    return figures


def print_startup(console: Any, startup: dict[str, Any], frames: dict[str, Any]) -> None:
    """Start-up beside its floors, and where each command's import time goes."""
    from rich.table import Table

    table = Table(title="start-up: whole processes and first frames, beside their floors (same run)")
    for col in ("figure", "median", "min", "cpu min", "floor", "floor min", "x floor (median)", "x floor (min)",
                "budget"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    rows = [(k, v) for k, v in startup.items() if k != "floors"] + [(k, v) for k, v in frames.items() if "na" not in v]
    for name, fig in rows:
        floor = fig["floor"]
        table.add_row(fig.get("name", name), f"{fig['median_ms']:.0f} ms", f"{fig['min_ms']:.0f} ms",
                      f"{fig['cpu']['min_ms']:.0f} ms" if "cpu" in fig else "—",
                      f"{floor['median_ms']:.0f} ms", f"{floor['min_ms']:.0f} ms",
                      f"{fig['median_ms'] / floor['median_ms']:.2f}x", f"{fig['min_ms'] / floor['min_ms']:.2f}x",
                      "—" if fig.get("ratio_budget") is None else f"≤ {fig['ratio_budget']:.1f}x")
    console.print(table)
    profiles = [(k, v["import_profile"]) for k, v in startup.items() if k != "floors"]
    profiles += [(k, v["import_profile"]) for k, v in startup.get("floors", {}).items()]
    for name, prof in profiles:
        heavy = [w for w, yes in prof["imported"].items() if yes]
        console.print(f"[bold]{name}[/]: imports {prof['total_ms']:.0f} ms in {prof['modules']} modules; "
                      f"imported: {', '.join(heavy) or 'none of ' + ', '.join(WATCHED)}", highlight=False)
        console.print("  own time by package: " + ", ".join(f"{k} {v:.0f}" for k, v in prof["top_packages_ms"].items()),
                      highlight=False, markup=False)
