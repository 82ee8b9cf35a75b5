"""Worker `queries`: warm timings in one process, each beside its floor, after checking the floor's numbers."""

import argparse
import sqlite3
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from kpibench.common import CLOCK_AT, ZONE, ms, open_service, pick_subjects, summary, timed_alternating
from kpibench.floor import (
    MUST_MATCH,
    TREND_KEY,
    TREND_WEEKS,
    FloorPeriod,
    compare,
    floor_connect,
    floor_drilldown,
    floor_facts,
    floor_kpis,
    floor_leaderboard,
    floor_targets,
    floor_trend,
    same,
    trend_weeks,
)
from kpibench.plans import StatementLog, explain, statement_gaps


def worker_queries(args: argparse.Namespace) -> dict[str, Any]:
    """Warm timings in one process: leaderboard (all, team), drill-down, each beside its floor."""
    path = Path(args.db)
    who = pick_subjects(path)
    t = time.perf_counter()
    svc = open_service(path)
    import_open_s = time.perf_counter() - args.started
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
    compared = fp.previous()
    if compared.end != fp.previous_compared_end():  # a period in progress: its arrows compare like for like
        compared = FloorPeriod("span", compared.start, fp.previous_compared_end())
    floor_prev = floor_facts(conn, compared, [r.rep_id for r in prev_board.rows])
    for row in prev_board.rows:
        floor_before = floor_kpis(floor_prev[row.rep_id])
        if compared.kind == "span":  # kpitui compares no growth of a span (it is itself a comparison)
            floor_before["revenue_growth"] = None
        mismatches += compare(f"leaderboard previous {row.rep}", row.previous, floor_before)
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
        result.update(scope(conn, fp, board))
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
        mondays = trend_weeks(min(fp.end - timedelta(days=1), CLOCK_AT.astimezone(ZONE).date()))  # no future weeks
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
    result.update(scope(conn, fp, board))

    if args.profile:
        result["profile"] = profile(lb_all, drill, Path(args.json).parent)
    conn.close()
    return result



def scope(conn: sqlite3.Connection, fp: FloorPeriod, board: Any) -> dict[str, int]:
    """How much the figures covered: activity rows in the period, reps on the leaderboard."""
    rows = conn.execute("SELECT count(*) FROM activity WHERE occurred_at >= ? AND occurred_at < ?",
                        fp.utc_bounds()).fetchone()[0]
    return {"activity_rows_in_period": rows, "reps_in_scope": len(board.rows)}


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
    mondays = trend_weeks(min(fp.end - timedelta(days=1), CLOCK_AT.astimezone(ZONE).date()))  # no future weeks
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
