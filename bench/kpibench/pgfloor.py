"""The PostgreSQL floor: the facts of kpibench/floor.py, as hand-written SQL through psycopg (no SQLAlchemy).

The same answer as the SQLite floor, statement by statement: the raw activity rows GROUP BY kind and rep over
ix_activity_kind_rep_time (never the rollup: the floor is the raw GROUP BY), the deals, scores, forecasts and
targets as floor.py reads them, with PostgreSQL's own spelling (FILTER, date arithmetic, `= ANY(array)`).
"""

from datetime import datetime
from typing import Any

from kpibench.floor import KIND_FACTS, FloorPeriod


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text)  # naive UTC, as kpitui stores occurred_at


def pg_reps(conn: Any, team_id: int | None) -> list[tuple[int, str, int | None]]:
    sql = "SELECT id, name, team_id FROM rep WHERE role = 'rep' AND active"
    args: tuple[Any, ...] = ()
    if team_id is not None:
        sql += " AND team_id = %s"
        args = (team_id,)
    return conn.execute(sql + " ORDER BY lower(name), id", args).fetchall()


def pg_facts(conn: Any, p: FloorPeriod, rep_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Every additive fact per rep for one period: the same handful of GROUP BY statements as floor_facts."""
    ids = [int(r) for r in rep_ids]
    lo, hi = (_utc(b) for b in p.utc_bounds())
    prev = p.previous()
    s, e = p.start, p.end
    facts: dict[int, dict[str, Any]] = {r: {} for r in rep_ids}

    def put(rows: list[tuple[Any, ...]], names: tuple[str, ...]) -> None:
        for row in rows:
            facts[row[0]].update(zip(names, row[1:], strict=True))

    for kind, rep_id, n, connected in conn.execute(
            "SELECT kind, rep_id, count(*), count(*) FILTER (WHERE outcome = 'connected') FROM activity"
            " WHERE kind = ANY(%(kinds)s) AND rep_id = ANY(%(ids)s) AND occurred_at >= %(lo)s AND occurred_at < %(hi)s"
            " GROUP BY kind, rep_id", {"kinds": list(KIND_FACTS), "ids": ids, "lo": lo, "hi": hi}):
        facts[rep_id][KIND_FACTS[kind]] = n
        if kind == "call":
            facts[rep_id]["conversations"] = connected
    won_now = "outcome = 'won' AND closed_on >= %(s)s"
    put(conn.execute(
        f"SELECT rep_id, count(*) FILTER (WHERE {won_now}), count(*) FILTER (WHERE outcome = 'lost' AND closed_on >= "
        f"%(s)s), coalesce(sum(amount_cents) FILTER (WHERE {won_now}), 0),"
        f" coalesce(sum(closed_on - created_on) FILTER (WHERE {won_now}), 0),"
        " coalesce(sum(amount_cents) FILTER (WHERE outcome = 'won' AND closed_on < %(pe)s), 0)"
        " FROM deal WHERE closed_on >= %(ps)s AND closed_on < %(e)s AND outcome IN ('won', 'lost')"
        " AND rep_id = ANY(%(ids)s) GROUP BY rep_id",
        {"s": s, "e": e, "ps": min(prev.start, p.start), "pe": p.previous_compared_end(), "ids": ids}).fetchall(),
        ("won_deals", "lost_deals", "revenue_cents", "won_cycle_days", "previous_revenue_cents"))
    offset = p.midnight_offset_sql("d.created_on")
    put(conn.execute(
        "SELECT rep_id, count(*), count(first_touch),"
        " sum(extract(epoch FROM first_touch - created_on::timestamp)::float8 / 3600.0 + offset_s / 3600.0)"
        " FROM (SELECT d.rep_id, d.created_on,"
        "       (SELECT min(a.occurred_at) FROM activity a WHERE a.deal_id = d.id) AS first_touch,"
        f"      {offset} AS offset_s"
        "       FROM deal d WHERE d.created_on >= %(s)s AND d.created_on < %(e)s AND d.rep_id = ANY(%(ids)s)) x"
        " GROUP BY rep_id", {"s": s, "e": e, "ids": ids}).fetchall(), ("new_opps", "responded_deals", "response_hours"))
    put(conn.execute(
        "SELECT rep_id, count(*), sum(amount_cents) FROM"
        " (SELECT rep_id, amount_cents FROM deal WHERE closed_on IS NULL AND created_on < %(e)s"
        "  AND rep_id = ANY(%(ids)s)"
        "  UNION ALL SELECT rep_id, amount_cents FROM deal WHERE closed_on >= %(e)s AND created_on < %(e)s"
        "  AND rep_id = ANY(%(ids)s)) x GROUP BY rep_id", {"e": e, "ids": ids}).fetchall(),
        ("open_deals", "open_pipeline_cents"))
    put(conn.execute(
        "SELECT rep_id, coalesce(sum(value) FILTER (WHERE kind = 'csat'), 0), count(*) FILTER (WHERE kind = 'csat'),"
        " coalesce(sum(value) FILTER (WHERE kind = 'call_review'), 0), count(*) FILTER (WHERE kind = 'call_review')"
        ' FROM score WHERE "on" >= %(s)s AND "on" < %(e)s AND rep_id = ANY(%(ids)s) GROUP BY rep_id',
        {"s": s, "e": e, "ids": ids}).fetchall(), ("csat_sum", "csat_count", "call_review_sum", "call_review_count"))
    put(conn.execute(
        "SELECT d.rep_id, count(*) FROM deal d"
        " WHERE d.closed_on >= %(s)s AND d.closed_on < %(e)s AND d.outcome = 'won' AND d.account != ''"
        " AND d.rep_id = ANY(%(ids)s) AND NOT EXISTS (SELECT 1 FROM deal x WHERE x.account = d.account"
        "   AND x.outcome = 'won' AND x.closed_on < d.closed_on)"
        " AND NOT EXISTS (SELECT 1 FROM deal x WHERE x.account = d.account"
        "   AND x.outcome = 'won' AND x.closed_on = d.closed_on AND x.id < d.id)"
        " GROUP BY d.rep_id", {"s": s, "e": e, "ids": ids}).fetchall(), ("new_customers",))
    put(conn.execute(
        "SELECT rep_id, amount_cents FROM forecast WHERE period_kind = %s AND period_start = %s AND rep_id = ANY(%s)",
        (p.kind, s, ids)).fetchall(), ("forecast_cents",))
    return facts


def pg_targets(conn: Any, p: FloorPeriod) -> list[tuple[Any, ...]]:
    return conn.execute("SELECT rep_id, team_id, kpi, value FROM target WHERE period_kind = %s AND period_start = %s",
                        (p.kind, p.start)).fetchall()


def pg_leaderboard(conn: Any, p: FloorPeriod, team_id: int | None) -> dict[int, dict[str, Any]]:
    reps = pg_reps(conn, team_id)
    facts = pg_facts(conn, p, [r[0] for r in reps])
    pg_targets(conn, p)
    conn.execute("SELECT team_id, kpi, weight FROM scorecard_weight").fetchall()
    return facts


def pg_drilldown(conn: Any, p: FloorPeriod, email: str) -> dict[str, Any]:
    """Scorecard (the rep, this and the previous period) + funnel (the rep's team, this period), as floor.py."""
    rep_id, team_id = conn.execute("SELECT id, team_id FROM rep WHERE lower(email) = %s", (email.lower(),)).fetchone()
    members = [r[0] for r in pg_reps(conn, team_id)]
    if rep_id not in members:
        members.append(rep_id)
    current = pg_facts(conn, p, members)
    previous = pg_facts(conn, p.previous(), [rep_id])
    pg_targets(conn, p)
    pg_targets(conn, p.previous())
    conn.execute("SELECT team_id, kpi, weight FROM scorecard_weight").fetchall()
    return {"rep_id": rep_id, "current": current, "previous": previous}
