"""The app's first frame: its own tiny script, so the clock starts at the very top of the process."""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kpibench.children import child_env
from kpibench.common import REPO, ms, summary

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
