"""The app's first frame: its own tiny script, so the clock starts at the very top of the process; beside its
floor, a Textual hello app (Header, Static text, Footer) timed by the same harness in the same run.

The frame is the first screen the app renders under `app.run_test(size=(120, 40))` (its first `_display`
of a screen of its own, timed from the top of the process): kpitui paints its start screen and only then
loads the database stack in a worker (ui/app.py), so the figure is the same for every home; whether SQLAlchemy
was already imported at that moment is recorded (`database_stack_at_frame`). "data" waits on until the home
has replaced the start screen and every worker has finished (the home filled in)."""

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kpibench.children import child_env
from kpibench.common import REPO, ms, summary

FRAME_BUDGET = 2.0  # x the hello app's first frame (DESIGN.md section 8)

HARNESS = r'''
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
    build = make_app()
except Exception as exc:
    res["error"] = f"cannot import the app: {type(exc).__name__}: {exc}"
    done(); sys.exit(0)
res["import_s"] = time.perf_counter() - T0
async def main():
    app = build(db, actor or None)
    display = app._display
    def painted(screen, renderable):  # the first frame of a screen with something on it
        if renderable is not None and "paint_s" not in res and len(screen.children):
            res["paint_s"] = time.perf_counter() - T0
            res["wall_at_paint"] = time.time()
            res["paint_screen"] = type(screen).__name__
            res["database_stack_at_paint"] = "sqlalchemy" in sys.modules
        return display(screen, renderable)
    app._display = painted
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        res["frame_s"] = time.perf_counter() - T0
        res["wall_at_frame"] = time.time()
        res["screen"] = type(app.screen).__name__
        if mode == "data":
            for _ in range(200):
                await app.workers.wait_for_complete()
                await pilot.pause()
                if type(app.screen).__name__ != "Opening" and all(w.is_finished for w in app.workers):
                    break
            res["data_s"] = time.perf_counter() - T0
            res["wall_at_data"] = time.time()
            res["screen"] = type(app.screen).__name__
try:
    asyncio.run(main())
except Exception as exc:  # after the figure was taken (leaving while the home still loads): kept, and noted
    done_at = "data_s" if mode == "data" else "paint_s"
    res["teardown_error" if done_at in res else "error"] = f"the app failed: {type(exc).__name__}: {exc}"
done()
'''

KPITUI_APP = '''
def make_app():
    from kpitui.ui.app import build_app
    return build_app
''' + HARNESS

HELLO_APP = '''
def make_app():
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Hello(App):
        def compose(self):
            yield Header()
            yield Static("Hello, world")
            yield Footer()

    return lambda db, actor: Hello()
''' + HARNESS


def _one(args: argparse.Namespace, script: str, db: Path, actor: str, mode: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    start = time.time()
    proc = subprocess.run([sys.executable, "-c", script, str(out), str(db), actor, mode],
                          env=child_env(args), cwd=str(REPO), capture_output=True, text=True, timeout=300)
    try:
        import json

        res = json.loads(out.read_text()) if out.stat().st_size else {"error": proc.stderr[-2000:]}
    finally:
        out.unlink(missing_ok=True)
    if "error" in res:
        return res
    if "wall_at_paint" not in res:
        return {"error": "no frame was painted"}
    res["total_s"] = res["wall_at_paint"] - start  # the first frame
    res["ready_s"] = res.get("wall_at_frame", res["wall_at_paint"]) - start  # run_test start-up + a pause
    res["interpreter_start_s"] = res["wall_at_top"] - start
    if mode == "data":
        res["total_data_s"] = res["wall_at_data"] - start
    return res


def _figure(samples: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    key = "total_data_s" if mode == "data" else "total_s"
    fig = summary([s[key] for s in samples])
    fig.update({
        "in_process_ms": ms(statistics.median(s["data_s" if mode == "data" else "paint_s"] for s in samples)),
        "ready_ms": ms(statistics.median(s["ready_s"] for s in samples)),
        "import_ms": ms(statistics.median(s["import_s"] for s in samples)),
        "interpreter_start_ms": ms(statistics.median(s["interpreter_start_s"] for s in samples)),
        "screen": samples[-1].get("screen" if mode == "data" else "paint_screen"),
        "peak_rss_mb": max(s.get("peak_rss_mb", 0) for s in samples),
        "database_stack_at_frame": any(s.get("database_stack_at_paint") for s in samples),
        "teardown_errors": sorted({s["teardown_error"] for s in samples if "teardown_error" in s})})
    return fig


def run_frame(args: argparse.Namespace, db: Path, actor: str, mode: str) -> dict[str, Any]:
    """One variant of kpitui's first frame (mode "frame") or its home with data ("data"), alone."""
    samples: list[dict[str, Any]] = []
    for i in range(args.runs + 1):  # the first run warms the OS file cache; not counted
        res = _one(args, KPITUI_APP, db, actor, mode)
        if "error" in res:
            reason = res["error"].strip().splitlines()[-1] if res["error"].strip() else "failed"
            return {"na": f"n/a: {reason}"}
        if i:
            samples.append(res)
    return _figure(samples, mode)


def homes(db: Path) -> dict[str, str]:
    """Who signs in for each home: the first active rep, manager and admin by name (those that exist)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found = {}
        for role in ("rep", "manager", "admin"):
            row = conn.execute("SELECT email FROM rep WHERE role = ? AND active = 1 AND email IS NOT NULL "
                               "ORDER BY lower(name), id LIMIT 1", (role,)).fetchone()
            if row:
                found[role] = row[0]
        return found
    finally:
        conn.close()


LABELS = {"frame_picker": "first frame (no user: picker)", "frame_home": "first frame (rep home)",
          "frame_manager": "first frame (manager home)", "frame_admin": "first frame (admin: company board)",
          "frame_home_data": "rep home with its data (informational)",
          "frame_manager_data": "manager home with its data (informational)",
          "frame_admin_data": "admin home with its data (informational)"}


def frame_figures(args: argparse.Namespace, db: Path) -> dict[str, Any]:
    """Every home's first frame beside the hello app's, interleaved run by run (a loaded machine slows them
    alike); then each home with its data, informational. Each frame figure carries `floor` (the hello app) and
    `ratio_budget`."""
    who = homes(db)
    variants = {"frame_picker": ""} | {f"frame_{'home' if r == 'rep' else r}": e for r, e in who.items()}
    hello: list[dict[str, Any]] = []
    samples: dict[str, list[dict[str, Any]]] = {k: [] for k in variants}
    failed: dict[str, str] = {}
    for i in range(args.runs + 1):
        res = _one(args, HELLO_APP, db, "", "frame")
        if "error" in res:
            return {k: {"na": f"n/a: hello app: {res['error'].strip().splitlines()[-1]}"} for k in variants}
        if i:
            hello.append(res)
        for key, actor in variants.items():
            if key in failed:
                continue
            res = _one(args, KPITUI_APP, db, actor, "frame")
            if "error" in res:
                failed[key] = res["error"].strip().splitlines()[-1] if res["error"].strip() else "failed"
            elif i:
                samples[key].append(res)
    floor = _figure(hello, "frame")
    figures: dict[str, Any] = {}
    for key in variants:
        if key in failed:
            figures[key] = {"name": LABELS[key], "na": f"n/a: {failed[key]}"}
            continue
        fig = _figure(samples[key], "frame")
        fig.update({"name": LABELS[key], "floor": floor, "floor_name": "Textual hello app",
                    "ratio_budget": FRAME_BUDGET, "ratio_of_min": round(fig["min_ms"] / floor["min_ms"], 2)})
        figures[key] = fig
    for key, actor in variants.items():
        if key == "frame_picker" or key in failed:
            continue
        data = run_frame(args, db, actor, "data")
        figures[f"{key}_data"] = {"name": LABELS[f"{key}_data"], **data}
    return figures
