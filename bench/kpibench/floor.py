"""The floor: the same facts kpitui computes, as hand-written SQL through the stdlib sqlite3 module."""

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path
from typing import Any

from kpibench.common import CLOCK_AT, ZONE

# =============================================================================================================
# Periods for the floor (independent of kpitui's own Period code on purpose)
# =============================================================================================================

@dataclass(frozen=True)
class FloorPeriod:
    kind: str  # "quarter" | "month" | "span"
    start: date
    end: date

    @classmethod
    def parse(cls, text: str) -> "FloorPeriod":
        text = text.strip().upper()
        if "-Q" in text:
            year, q = text.split("-Q")
            start = date(int(year), 3 * (int(q) - 1) + 1, 1)
            return cls("quarter", start, _add_months(start, 3))
        year, month = text.split("-")
        start = date(int(year), int(month), 1)
        return cls("month", start, _add_months(start, 1))

    def previous(self) -> "FloorPeriod":
        if self.kind == "span":  # a custom range: the same number of days just before
            return FloorPeriod("span", self.start - (self.end - self.start), self.start)
        months = 3 if self.kind == "quarter" else 1
        return FloorPeriod(self.kind, _add_months(self.start, -months), self.start)

    def previous_compared_end(self) -> date:
        """Where the previous period's comparison span ends (exclusive): like for like while this period runs
        (its first d days, d = this period's days up to and including today), the whole previous period once
        it is over (DESIGN.md section 3)."""
        prev, today = self.previous(), CLOCK_AT.astimezone(ZONE).date()
        if not self.start <= today < self.end:
            return prev.end
        return min(prev.end, prev.start + timedelta(days=(today - self.start).days + 1))

    def utc_bounds(self) -> tuple[str, str]:
        """Local midnights in the zone, as the naive-UTC text SQLAlchemy stores (occurred_at)."""
        def at(d: date) -> str:
            return datetime.combine(d, dtime(0), ZONE).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return at(self.start), at(self.end)

    def midnight_offset_sql(self, column: str) -> str:
        """Seconds the zone is ahead of UTC at local midnight of `column` (a date in the period)."""
        runs: list[tuple[date, float]] = []
        day = self.start
        while day < self.end:
            off = datetime.combine(day, dtime(0), ZONE).utcoffset()
            secs = off.total_seconds() if off else 0.0
            if not runs or runs[-1][1] != secs:
                runs.append((day, secs))
            day += timedelta(days=1)
        if len(runs) == 1:
            return repr(runs[0][1])
        whens = " ".join(f"WHEN {column} < '{runs[i + 1][0].isoformat()}' THEN {runs[i][1]!r}"
                         for i in range(len(runs) - 1))
        return f"(CASE {whens} ELSE {runs[-1][1]!r} END)"


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


# =============================================================================================================
# The floor: the same facts kpitui computes, as hand-written SQL through the stdlib sqlite3 module
# =============================================================================================================

def floor_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)  # same pragmas as kpitui's engine
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def floor_reps(conn: sqlite3.Connection, team_id: int | None) -> list[tuple[int, str, int | None]]:
    sql = "SELECT id, name, team_id FROM rep WHERE role = 'rep' AND active = 1"
    args: tuple[Any, ...] = ()
    if team_id is not None:
        sql += " AND team_id = ?"
        args = (team_id,)
    return conn.execute(sql + " ORDER BY lower(name), id", args).fetchall()


KIND_FACTS = {"call": "calls", "email": "emails", "meeting": "meetings", "demo": "demos", "proposal": "proposals",
              "idea": "ideas"}


def floor_facts(conn: sqlite3.Connection, p: FloorPeriod, rep_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Every additive fact per rep for one period: a fixed handful of GROUP BY statements."""
    ids = ",".join(str(int(r)) for r in rep_ids) or "NULL"
    lo, hi = p.utc_bounds()
    prev = p.previous()
    s, e = p.start.isoformat(), p.end.isoformat()
    facts: dict[int, dict[str, Any]] = {r: {} for r in rep_ids}

    def put(rows: list[tuple[Any, ...]], names: tuple[str, ...]) -> None:
        for row in rows:
            facts[row[0]].update(zip(names, row[1:], strict=True))

    # The raw rows, the fastest way found (issue 16): GROUP BY kind, rep_id follows ix_activity_kind_rep_time, so
    # SQLite reads the index alone without sorting; GROUP BY rep_id with sum(kind = ...) read ix_activity_rep_time
    # and took twice as long (399 against 194 ms for a quarter at 2M, the same machine and load).
    for kind, rep_id, n, connected in conn.execute(
            "SELECT kind, rep_id, count(*), sum(outcome = 'connected') FROM activity"
            f" WHERE kind IN ({','.join(repr(k) for k in KIND_FACTS)}) AND rep_id IN ({ids})"
            " AND occurred_at >= ? AND occurred_at < ? GROUP BY kind, rep_id", (lo, hi)):
        facts[rep_id][KIND_FACTS[kind]] = n
        if kind == "call":
            facts[rep_id]["conversations"] = connected
    put(conn.execute(
        "SELECT rep_id, sum(outcome = 'won' AND closed_on >= :s), sum(outcome = 'lost' AND closed_on >= :s),"
        " sum(CASE WHEN outcome = 'won' AND closed_on >= :s THEN coalesce(amount_cents, 0) ELSE 0 END),"
        " sum(CASE WHEN outcome = 'won' AND closed_on >= :s THEN julianday(closed_on) - julianday(created_on)"
        "     ELSE 0 END),"
        " sum(CASE WHEN outcome = 'won' AND closed_on < :pe THEN coalesce(amount_cents, 0) ELSE 0 END)"
        f" FROM deal WHERE closed_on >= :ps AND closed_on < :e AND outcome IN ('won', 'lost')"
        f" AND rep_id IN ({ids}) GROUP BY rep_id",
        {"s": s, "e": e, "ps": min(prev.start, p.start).isoformat(),
         "pe": p.previous_compared_end().isoformat()}).fetchall(),
        ("won_deals", "lost_deals", "revenue_cents", "won_cycle_days", "previous_revenue_cents"))
    offset = p.midnight_offset_sql("d.created_on")
    put(conn.execute(
        "SELECT rep_id, count(*), count(first_touch),"
        " sum((julianday(first_touch) - julianday(created_on)) * 24.0 + offset_s / 3600.0)"
        " FROM (SELECT d.rep_id, d.created_on,"
        "       (SELECT min(a.occurred_at) FROM activity a WHERE a.deal_id = d.id) AS first_touch,"
        f"      {offset} AS offset_s"
        f"      FROM deal d WHERE d.created_on >= ? AND d.created_on < ? AND d.rep_id IN ({ids}))"
        " GROUP BY rep_id", (s, e)).fetchall(), ("new_opps", "responded_deals", "response_hours"))
    # open at the end: open now, or closed since; two closed_on searches (one OR read all history)
    put(conn.execute(
        "SELECT rep_id, count(*), sum(amount_cents) FROM"
        f" (SELECT rep_id, amount_cents FROM deal WHERE closed_on IS NULL AND created_on < :e AND rep_id IN ({ids})"
        f"  UNION ALL SELECT rep_id, amount_cents FROM deal WHERE closed_on >= :e AND created_on < :e"
        f"  AND rep_id IN ({ids})) GROUP BY rep_id", {"e": e}).fetchall(), ("open_deals", "open_pipeline_cents"))
    put(conn.execute(
        "SELECT rep_id, sum(CASE WHEN kind = 'csat' THEN value ELSE 0 END), sum(kind = 'csat'),"
        " sum(CASE WHEN kind = 'call_review' THEN value ELSE 0 END), sum(kind = 'call_review')"
        f' FROM score WHERE "on" >= ? AND "on" < ? AND rep_id IN ({ids}) GROUP BY rep_id', (s, e)).fetchall(),
        ("csat_sum", "csat_count", "call_review_sum", "call_review_count"))
    put(conn.execute(
        "SELECT d.rep_id, count(*) FROM deal d"
        " WHERE d.closed_on >= ? AND d.closed_on < ? AND d.outcome = 'won' AND d.account != ''"
        f" AND d.rep_id IN ({ids}) AND NOT EXISTS (SELECT 1 FROM deal x WHERE x.account = d.account"
        "   AND x.outcome = 'won' AND x.closed_on < d.closed_on)"  # two searches that stop at a row; an OR of
        " AND NOT EXISTS (SELECT 1 FROM deal x WHERE x.account = d.account"  # both read all the account's wins
        "   AND x.outcome = 'won' AND x.closed_on = d.closed_on AND x.id < d.id)"
        " GROUP BY d.rep_id", (s, e)).fetchall(), ("new_customers",))
    put(conn.execute(
        f"SELECT rep_id, amount_cents FROM forecast WHERE period_kind = ? AND period_start = ? AND rep_id IN ({ids})",
        (p.kind, s)).fetchall(), ("forecast_cents",))
    return facts


def floor_targets(conn: sqlite3.Connection, p: FloorPeriod) -> list[tuple[Any, ...]]:
    return conn.execute("SELECT rep_id, team_id, kpi, value FROM target WHERE period_kind = ? AND period_start = ?",
                        (p.kind, p.start.isoformat())).fetchall()


def floor_leaderboard(conn: sqlite3.Connection, p: FloorPeriod, team_id: int | None) -> dict[int, dict[str, Any]]:
    reps = floor_reps(conn, team_id)
    facts = floor_facts(conn, p, [r[0] for r in reps])
    floor_targets(conn, p)
    conn.execute("SELECT team_id, kpi, weight FROM scorecard_weight").fetchall()
    return facts


def floor_drilldown(conn: sqlite3.Connection, p: FloorPeriod, email: str) -> dict[str, Any]:
    """Scorecard (the rep, this and the previous period) + funnel (the rep's team, this period).

    The team's facts for this period already hold the rep's, so the most direct way asks for them once."""
    rep_id, team_id = conn.execute("SELECT id, team_id FROM rep WHERE lower(email) = ?", (email.lower(),)).fetchone()
    members = [r[0] for r in floor_reps(conn, team_id)]
    if rep_id not in members:
        members.append(rep_id)
    current = floor_facts(conn, p, members)
    previous = floor_facts(conn, p.previous(), [rep_id])
    floor_targets(conn, p)
    floor_targets(conn, p.previous())
    conn.execute("SELECT team_id, kpi, weight FROM scorecard_weight").fetchall()
    return {"rep_id": rep_id, "current": current, "previous": previous}


def floor_kpis(f: dict[str, Any]) -> dict[str, Any]:
    """KPI values from the floor's facts, for checking against kpitui (not timed)."""
    g = lambda k: f.get(k) or 0  # noqa: E731
    won, lost = g("won_deals"), g("lost_deals")
    out: dict[str, Any] = {k: g(k) for k in ("calls", "conversations", "emails", "meetings", "demos", "proposals",
                                               "ideas", "new_opps", "won_deals", "new_customers")}
    out["revenue"] = Decimal(g("revenue_cents")) / 100
    out["open_pipeline"] = Decimal(g("open_pipeline_cents")) / 100
    out["win_rate"] = won / (won + lost) if won + lost else None
    out["cycle_days"] = g("won_cycle_days") / won if won else None
    out["response_hours"] = g("response_hours") / g("responded_deals") if g("responded_deals") else None
    out["csat"] = g("csat_sum") / g("csat_count") if g("csat_count") else None
    out["call_review"] = g("call_review_sum") / g("call_review_count") if g("call_review_count") else None
    prev = g("previous_revenue_cents")
    out["revenue_growth"] = (g("revenue_cents") - prev) / prev if prev else None
    return out


MUST_MATCH = ("calls", "conversations", "won_deals", "revenue")


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(str(a)).quantize(Decimal("0.01")) == Decimal(str(b)).quantize(Decimal("0.01"))
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)), abs(float(b)))
    return a == b


def compare(label: str, kpitui_values: dict[str, Any], floor_values: dict[str, Any]) -> list[str]:
    return [f"{label} {key}: kpitui {kpitui_values.get(key)!r} != floor {want!r}"
            for key, want in floor_values.items() if key in kpitui_values and not same(kpitui_values[key], want)]



TREND_KEY = "conversations"
TREND_WEEKS = 13


def trend_weeks(until_last_day: date) -> list[date]:
    """Mondays of the TREND_WEEKS weeks ending with the week of `until_last_day`, oldest first."""
    last = until_last_day - timedelta(days=until_last_day.weekday())
    return [last - timedelta(weeks=i) for i in range(TREND_WEEKS - 1, -1, -1)]


def floor_trend(conn: sqlite3.Connection, email: str, mondays: list[date]) -> list[tuple[int, Decimal | None]]:
    """What the trend chart shows: one KPI (conversations) per week for one rep, and each week's target."""
    rep_id, team_id = conn.execute("SELECT id, team_id FROM rep WHERE lower(email) = ?", (email.lower(),)).fetchone()
    bounds = [datetime.combine(d, dtime(0), ZONE).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
              for d in [*mondays, mondays[-1] + timedelta(weeks=1)]]
    whens = " ".join(f"WHEN occurred_at < '{b}' THEN {i}" for i, b in enumerate(bounds[1:-1]))
    counts = dict(conn.execute(
        f"SELECT CASE {whens} ELSE {len(mondays) - 1} END AS week, count(*) FROM activity"
        " WHERE rep_id = ? AND occurred_at >= ? AND occurred_at < ? AND kind = 'call' AND outcome = 'connected'"
        " GROUP BY week", (rep_id, bounds[0], bounds[-1])).fetchall())
    starts = [d.isoformat() for d in mondays]
    targets: dict[str, Decimal] = {}
    rows = conn.execute(
        f"SELECT period_start, rep_id, value FROM target WHERE period_kind = 'week' AND kpi = ?"
        f" AND period_start IN ({','.join('?' * len(starts))}) AND (rep_id = ? OR (rep_id IS NULL AND team_id = ?))"
        " ORDER BY rep_id IS NOT NULL", (TREND_KEY, *starts, rep_id, team_id)).fetchall()
    for start, _, value in rows:  # team default first, the rep's own target overwrites it
        targets[start] = Decimal(value)
    return [(counts.get(i, 0), targets.get(start)) for i, start in enumerate(starts)]
