"""The SQL kpitui emits: captured statements, their EXPLAIN QUERY PLAN, and the time between them."""

import re
import sqlite3
import statistics
import time
from typing import Any

from kpibench.common import BIG_TABLES, ms


class StatementLog:
    """Every SQL statement kpitui sends (before_cursor_execute), with its parameters."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.items: list[dict[str, Any]] = []
        self.tag = ""

    def __enter__(self) -> "StatementLog":
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *_: object) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._on)

    def _on(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        self.items.append({"op": self.tag, "sql": statement, "params": parameters, "t": time.perf_counter()})


def statement_label(sql: str) -> str:
    s = " ".join(sql.split())
    checks = [("AS calls", "activity_counts"), ("AS won_deals", "closed_deals"), ("AS new_opps", "created_deals"),
              ("AS open_deals", "open_pipeline"), ("AS csat_sum", "score_sums"), ("NOT (EXISTS", "new_customers"),
              ("FROM forecast", "forecasts"), ("FROM target", "targets"), ("FROM scorecard_weight", "weights"),
              ("FROM rep", "reps"), ("FROM team_manager", "managed_teams"), ("FROM team", "teams")]
    for needle, label in checks:
        if needle in s:
            return label
    words = s.split()
    return "FROM " + words[words.index("FROM") + 1] if "FROM" in words else words[0]


def plan_flags(plan: list[str]) -> tuple[list[str], list[str]]:
    """Indexes used, and warnings: full scans of big tables (no index), full index scans, temp B-trees."""
    indexes: list[str] = []
    flags: list[str] = []
    for detail in plan:
        words = detail.split()
        for i, word in enumerate(words[:-1]):
            if word == "INDEX" and i and words[i - 1] in ("USING", "COVERING"):  # not "MULTI-INDEX OR" / "INDEX 1"
                indexes.append(words[i + 1])
        if "PRIMARY KEY" in detail and "INTEGER PRIMARY KEY" in detail:
            indexes.append("rowid")
        if words and words[0] == "SCAN" and len(words) > 1:
            table = words[1]
            alias_table = re.sub(r"_\d+$", "", table)  # SQLAlchemy aliases: activity_1, deal_1
            if "INDEX" not in words:
                if alias_table in BIG_TABLES:
                    flags.append(f"FULL SCAN of {table} without an index")
                else:
                    flags.append(f"scan of {table} (small table)")
            elif alias_table in BIG_TABLES:
                flags.append(f"full index scan of {table} ({words[words.index('INDEX') + 1]})")
        if "TEMP B-TREE" in detail:
            flags.append(detail.strip())
    return indexes, flags


def explain(conn: sqlite3.Connection, captured: list[dict[str, Any]], reps: int = 3) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for item in captured:
        sql = item["sql"]
        first = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if first not in ("SELECT", "WITH"):
            continue
        key = item["op"] + "\0" + sql
        if key in seen:
            seen[key]["times"] += 1
            continue
        params = item["params"]
        params = tuple(params) if isinstance(params, list) else params
        raw = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
        plan = [row[3] for row in raw]
        # tables aliased in the SQL show their alias in the plan; map "SCAN anon_1"/"x" conservatively
        indexes, flags = plan_flags(plan)
        samples = []
        for _ in range(reps):
            t = time.perf_counter()
            rows = conn.execute(sql, params).fetchall()
            samples.append(time.perf_counter() - t)
        seen[key] = {"op": item["op"], "label": statement_label(sql), "times": 1, "plan": plan, "indexes": indexes,
                     "flags": flags, "sqlite3_ms": ms(statistics.median(samples)), "rows": len(rows),
                     "params": len(params) if params else 0, "sql": " ".join(sql.split())}
    return list(seen.values())


def statement_gaps(captured: list[dict[str, Any]], end: float) -> list[dict[str, Any]]:
    """Time from each statement to the next (statement + fetch + the Python that follows it)."""
    out = []
    for i, item in enumerate(captured):
        nxt = captured[i + 1]["t"] if i + 1 < len(captured) else end
        if item["sql"].strip().upper() in ("BEGIN", "COMMIT", "ROLLBACK"):
            continue
        out.append({"op": item["op"], "label": statement_label(item["sql"]), "until_next_ms": ms(nxt - item["t"])})
    return out
