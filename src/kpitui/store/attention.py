"""The manager's cockpit queries: each rep's last activity, stalled deals, weekly history for suggested targets,
and when each rep's history begins. One statement each, whatever the number of reps (DESIGN.md section 8)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, case, func, literal, literal_column, select, union_all

from kpitui.domain.alerts import StalledDeal
from kpitui.store import tables
from kpitui.store.buckets import Buckets, _bounds, _count_if, _sum_if, _values, shaped
from kpitui.store.queries import KIND_COLUMNS


@shaped
def _last_activity_statement() -> Any:
    a = tables.activity.c
    return (select(a.rep_id, func.max(a.occurred_at).label("last"))
            .where(a.rep_id.in_(_values("rep_ids")), a.occurred_at >= bindparam("since"),
                   a.occurred_at < bindparam("until"))
            .group_by(a.rep_id))


def last_activity(session: Connection, rep_ids: Sequence[int], since: datetime,
                  until: datetime) -> dict[int, datetime]:
    """Each rep's latest activity in [since, until); reps without one are absent."""
    if not rep_ids:
        return {}
    rows = session.execute(_last_activity_statement(), {"rep_ids": list(rep_ids), "since": since, "until": until})
    return {rep_id: last for rep_id, last in rows if last is not None}


@shaped
def _stalled_statement() -> Any:
    d = tables.deal.c
    a = tables.activity.alias()
    last = select(func.max(a.c.occurred_at)).where(a.c.deal_id == d.id).scalar_subquery()
    recent = select(literal(1)).where(a.c.deal_id == d.id, a.c.occurred_at >= bindparam("quiet_from")).exists()
    return (select(d.id, d.rep_id, d.external_id, d.account, d.name, d.amount_cents, d.created_on,
                   last.label("last_activity"))
            .where(d.outcome == "open", d.rep_id.in_(_values("rep_ids")), d.created_on <= bindparam("created_by"),
                   ~recent)
            .order_by(d.rep_id, d.created_on, d.id))


def stalled_deals(session: Connection, rep_ids: Sequence[int], created_by: date,
                  quiet_from: datetime) -> list[StalledDeal]:
    """Open deals created on or before `created_by` with no linked activity at or after `quiet_from`."""
    if not rep_ids:
        return []
    rows = session.execute(_stalled_statement(), {"rep_ids": list(rep_ids), "created_by": created_by,
                                                  "quiet_from": quiet_from})
    return [StalledDeal(*row) for row in rows]


# -- suggested targets ----------------------------------------------------------------------------------------------
WEEKLY_KPIS = (*KIND_COLUMNS.values(), "conversations", "new_opps", "won_deals", "revenue")


def _week_case(column: Any, inner_bounds: int, prefix: str) -> Any:
    """Week number of `column`: 0 below parameter {prefix}1, 1 below {prefix}2, ..., the last above."""
    whens = [(column < bindparam(f"{prefix}{i + 1}"), i) for i in range(inner_bounds)]
    return case(*whens, else_=inner_bounds) if whens else literal(0)


@shaped
def _weekly_statement(inner_bounds: int) -> Any:
    """Counts per (rep, KPI, week) in one statement: activities by kind (and connected calls), deals created,
    deals won and their amounts, stacked with UNION ALL."""
    a, d = tables.activity.c, tables.deal.c
    bucket = literal_column("bucket")
    week = _week_case(a.occurred_at, inner_bounds, "b").label("bucket")
    activities = (select(a.rep_id, a.kind.label("kpi"), week, func.count().label("n"),
                         _count_if(a.outcome == "connected").label("extra"))
                  .where(a.rep_id.in_(_values("rep_ids")), a.kind.in_(_values("kinds")),
                         a.occurred_at >= bindparam("lo"), a.occurred_at < bindparam("hi"))
                  .group_by(a.rep_id, a.kind, bucket))
    created_week = _week_case(d.created_on, inner_bounds, "d").label("bucket")
    created = (select(d.rep_id, literal("new_opps").label("kpi"), created_week, func.count().label("n"),
                      literal(0).label("extra"))
               .where(d.rep_id.in_(_values("rep_ids")), d.created_on >= bindparam("dlo"),
                      d.created_on < bindparam("dhi"))
               .group_by(d.rep_id, bucket))
    won_week = _week_case(d.closed_on, inner_bounds, "d").label("bucket")
    won = (select(d.rep_id, literal("won").label("kpi"), won_week, func.count().label("n"),
                  _sum_if(d.amount_cents.is_not(None), d.amount_cents).label("extra"))
           .where(d.rep_id.in_(_values("rep_ids")), d.outcome == "won", d.closed_on >= bindparam("dlo"),
                  d.closed_on < bindparam("dhi"))
           .group_by(d.rep_id, bucket))
    return union_all(activities, created, won)


def weekly_values(session: Connection, buckets: Buckets, rep_ids: Sequence[int]) -> dict[tuple[int, str, int], int]:
    """(rep id, KPI key, week index) -> value for the WEEKLY_KPIS (revenue in cents); absent = 0."""
    if not rep_ids:
        return {}
    weeks = buckets.periods
    params: dict[str, Any] = {"rep_ids": list(rep_ids), "kinds": sorted(KIND_COLUMNS),
                              "lo": buckets.instants[0], "hi": buckets.instants[-1],
                              "dlo": buckets.start, "dhi": buckets.end, **_bounds(buckets.instants[1:-1]),
                              **{f"d{i + 1}": p.start for i, p in enumerate(weeks[1:])}}
    result: dict[tuple[int, str, int], int] = {}
    for rep_id, key, week, n, extra in session.execute(_weekly_statement(len(weeks) - 1), params):
        if key in KIND_COLUMNS:
            result[(rep_id, KIND_COLUMNS[key], week)] = int(n)
            if key == "call":
                result[(rep_id, "conversations", week)] = int(extra or 0)
        elif key == "won":
            result[(rep_id, "won_deals", week)] = int(n)
            result[(rep_id, "revenue", week)] = int(extra or 0)
        else:
            result[(rep_id, key, week)] = int(n)
    return result


@shaped
def _first_seen_statement() -> Any:
    r, a, d = tables.rep.c, tables.activity.c, tables.deal.c
    first_activity = select(func.min(a.occurred_at)).where(a.rep_id == r.id).scalar_subquery()
    first_deal = select(func.min(d.created_on)).where(d.rep_id == r.id).scalar_subquery()
    return select(r.id, first_activity.label("activity"), first_deal.label("deal")).where(
        r.id.in_(_values("rep_ids")))


def first_seen(session: Connection, rep_ids: Sequence[int]) -> dict[int, tuple[datetime | None, date | None]]:
    """Each rep's first activity (an instant) and first deal created (a date): an index seek per rep."""
    if not rep_ids:
        return {}
    rows = session.execute(_first_seen_statement(), {"rep_ids": list(rep_ids)})
    return {rep_id: (activity, deal) for rep_id, activity, deal in rows}
