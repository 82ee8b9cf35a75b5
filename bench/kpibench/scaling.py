"""`--scaling`: the leaderboard of all reps as the company grows (one database per size)."""

import argparse
from typing import Any

from kpibench.children import run_worker
from kpibench.common import BUDGET_MS, LEADERBOARD_FLOOR_RATIO
from kpibench.dataset import db_path_for


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
                    "within_budget": fig["median_ms"] < BUDGET_MS["leaderboard"]
                    and fig["median_ms"] <= LEADERBOARD_FLOOR_RATIO * fig["floor"]["median_ms"]})
    return out
