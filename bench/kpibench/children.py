"""Starting the worker processes (`bench/run.py --worker KIND`) with a fixed clock and zone."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from kpibench.common import BENCH, CLOCK_AT, REPO, ZONE_NAME


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
    cmd = [sys.executable, str(BENCH / "run.py"), "--worker", kind, "--worker-out", str(out), "--db", str(db),
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
