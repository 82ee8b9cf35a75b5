"""The KPI queries: a fixed handful of GROUP BY statements, whatever the number of reps or periods.

Each returns additive facts per (rep id, bucket); `kpi_series` assembles them into `KpiInputs`. Periods are
turned into UTC instant bounds once (Period.utc_bounds), so range scans use the occurred_at indexes.
The statement pieces and `Buckets` are in buckets.py, the target books in targets_book.py, the people in
people_queries.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Date, Float, and_, bindparam, case, func, literal, or_, select, union_all

from kpitui.domain.calendar import WorkCalendar
from kpitui.domain.kpis import KpiInputs
from kpitui.store import rollups, tables
from kpitui.store.buckets import (
    Buckets,
    Facts,
    _bounds,
    _bucket_case,
    _count_if,
    _facts,
    _grouping,
    _period_keys,
    _period_params,
    _scope,
    _scope_params,
    _sum_if,
    _targetable,
    _values,
    shaped,
)
from kpitui.store.people_queries import RepRow
from kpitui.store.rollup_counts import FEW_REP_DAYS, KIND_COLUMNS, _rollup_counts
from kpitui.store.targets_book import TargetBook, revenue_cents, target_books
from kpitui.store.types import days_between, epoch_seconds

FLOAT_FACTS = frozenset({"won_cycle_days", "response_hours"})
KPI_KIND = {**{column: kind for kind, column in KIND_COLUMNS.items()}, "conversations": "call"}


@shaped
def _activity_statement(inner_bounds: int, scoped: bool) -> Any:
    a = tables.activity.c
    bucket = _bucket_case(a.occurred_at, inner_bounds)
    return (select(a.kind, a.rep_id, bucket.label("bucket"), func.count().label("n"),
                   _count_if(a.outcome == "connected").label("connected"))
            .where(a.kind.in_(_values("kinds")), *_scope(a.rep_id, scoped),
                   a.occurred_at >= bindparam("lo"), a.occurred_at < bindparam("hi"))
            .group_by(*_grouping(a.kind, a.rep_id, inner_bounds=inner_bounds)))


def activity_counts(session: Connection, buckets: Buckets, rep_ids: Sequence[int] | None,
                    kinds: Iterable[str] = KIND_COLUMNS) -> Facts:
    """Counts per kind (and connected calls) per rep: from the rollup of whole local days when it was built
    for this zone, else from the activity rows, one statement per bucket; only `kinds` when given.

    `GROUP BY kind, rep_id` follows the order of ix_activity_kind_rep_time, so SQLite reads the index alone and
    never sorts; grouping by a computed bucket instead made it sort every row of the range.
    """
    if rollups.answers_for(session, buckets.zone, (buckets.start, buckets.end)):
        return _rollup_counts(session, buckets, rep_ids, kinds)
    instants = buckets.instants
    base = {"kinds": sorted(kinds), **_scope_params(rep_ids)}
    days = (buckets.end - buckets.start).days
    if len(buckets.periods) > 1 and rep_ids is not None and len(rep_ids) * days <= FEW_REP_DAYS:
        # a few reps over many buckets (a trend): their rows are few, one statement sorts them cheaply
        runs = [(_activity_statement(len(instants) - 2, True),
                 {**base, "lo": instants[0], "hi": instants[-1], **_bounds(instants[1:-1])}, None)]
    else:
        stmt = _activity_statement(0, rep_ids is not None)
        runs = [(stmt, {**base, "lo": instants[i], "hi": instants[i + 1]}, i) for i in range(len(buckets.periods))]
    result: Facts = {}
    for stmt, params, index in runs:
        for kind, rep_id, bucket, n, connected in session.execute(stmt, params):
            facts = result.setdefault((rep_id, bucket if index is None else index), {})
            facts[KIND_COLUMNS[kind]] = n
            if kind == "call":
                facts["conversations"] = connected
    return result


@shaped
def _closed_statement(inner_bounds: int, scoped: bool) -> Any:
    d = tables.deal.c
    bucket = _bucket_case(d.closed_on, inner_bounds, first=-1).label("bucket")
    won = d.outcome == "won"
    return (
        select(d.rep_id, bucket,
               _count_if(won).label("won_deals"),
               _count_if(d.outcome == "lost").label("lost_deals"),
               _sum_if(won, func.coalesce(d.amount_cents, 0)).label("revenue_cents"),
               _sum_if(won, days_between(d.created_on, d.closed_on)).label("won_cycle_days"))
        .where(d.closed_on >= bindparam("lo"), d.closed_on < bindparam("hi"), d.outcome.in_(("won", "lost")),
               *_scope(d.rep_id, scoped))
        .group_by(*_grouping(d.rep_id, inner_bounds=inner_bounds))
    )


def closed_deals(session: Connection, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    """Won/lost counts, revenue and cycle days per bucket, and each bucket's previous-period revenue."""
    extended = Buckets((buckets.periods[0].previous(), *buckets.periods), buckets.zone)
    stmt = _closed_statement(len(buckets.periods), rep_ids is not None)
    raw = _facts(session, stmt, {**extended.date_params(), **_scope_params(rep_ids)})
    result: Facts = {}
    for (rep_id, index), values in raw.items():
        if index >= 0:
            result.setdefault((rep_id, index), {}).update(values)
        if index + 1 < len(buckets.periods):
            result.setdefault((rep_id, index + 1), {})["previous_revenue_cents"] = values["revenue_cents"]
    return result


def _midnight_offsets(buckets: Buckets) -> list[tuple[date, float]]:
    """Runs of days with the same UTC offset at local midnight: (first day, seconds ahead of UTC)."""
    runs: list[tuple[date, float]] = []
    day = buckets.start
    while day < buckets.end:
        offset = datetime.combine(day, time(0), buckets.zone).utcoffset()
        seconds = offset.total_seconds() if offset else 0.0
        if not runs or runs[-1][1] != seconds:
            runs.append((day, seconds))
        day += timedelta(days=1)
    return runs or [(buckets.start, 0.0)]


def _midnight_offset_case(column: Any, runs: int) -> Any:
    """Seconds the zone is ahead of UTC at local midnight of `column`: parameter o0 before r1, o1 before r2..."""
    offset = [bindparam(f"o{i}", type_=Float()) for i in range(runs)]
    if runs == 1:
        return offset[0]
    return case(*[(column < bindparam(f"r{i + 1}"), offset[i]) for i in range(runs - 1)], else_=offset[-1])


@shaped
def _created_statement(inner_bounds: int, offset_runs: int, scoped: bool) -> Any:
    d = tables.deal.c
    a = tables.activity.alias()
    first_touch = select(func.min(a.c.occurred_at)).where(a.c.deal_id == d.id).scalar_subquery()
    created_at = epoch_seconds(d.created_on) - _midnight_offset_case(d.created_on, offset_runs)
    # MATERIALIZED: evaluate each deal's first touch once; a flattened subquery re-ran it for every use below.
    inner = (
        select(d.rep_id.label("rep_id"), _bucket_case(d.created_on, inner_bounds).label("bucket"),
               first_touch.label("first_touch"), created_at.label("created_at"))
        .where(d.created_on >= bindparam("lo"), d.created_on < bindparam("hi"), *_scope(d.rep_id, scoped))
        .cte("created").prefix_with("MATERIALIZED")
    )
    responded = inner.c.first_touch.is_not(None)
    # A touch logged before the deal was created (a call that led to it, linked afterwards; or a hostile row
    # at -infinity) counts as an immediate response, never as negative hours.
    hours = (epoch_seconds(inner.c.first_touch) - inner.c.created_at) / 3600.0
    return (
        select(inner.c.rep_id, inner.c.bucket,
               func.count().label("new_opps"),
               _count_if(responded).label("responded_deals"),
               _sum_if(responded, case((hours > 0, hours), else_=0.0)).label("response_hours"))
        .group_by(inner.c.rep_id, inner.c.bucket)
    )


def created_deals(session: Connection, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    """New opportunities, and hours from each one's creation (local midnight) to its first linked activity."""
    runs = _midnight_offsets(buckets)
    stmt = _created_statement(len(buckets.periods) - 1, len(runs), rep_ids is not None)
    params = {**buckets.date_params(), **_scope_params(rep_ids),
              **{f"o{i}": seconds for i, (_, seconds) in enumerate(runs)},
              **{f"r{i}": day for i, (day, _) in enumerate(runs) if i}}
    return _facts(session, stmt, params)


@shaped
def _new_customers_statement(inner_bounds: int, scoped: bool) -> Any:
    d = tables.deal.c
    e = tables.deal.alias()
    # Two searches of ix_deal_account (account, outcome, closed_on) that each stop at the first row: one OR of
    # both conditions read every win of the account, its whole history, for each win of the period.
    won_before = select(literal(1)).where(e.c.account == d.account, e.c.outcome == "won",
                                          e.c.closed_on < d.closed_on).exists()
    won_same_day_before = select(literal(1)).where(e.c.account == d.account, e.c.outcome == "won",
                                                   e.c.closed_on == d.closed_on, e.c.id < d.id).exists()
    bucket = _bucket_case(d.closed_on, inner_bounds).label("bucket")
    return (
        select(d.rep_id, bucket, func.count().label("new_customers"))
        .where(d.closed_on >= bindparam("lo"), d.closed_on < bindparam("hi"), d.outcome == "won", d.account != "",
               ~won_before, ~won_same_day_before, *_scope(d.rep_id, scoped))
        .group_by(*_grouping(d.rep_id, inner_bounds=inner_bounds))
    )


def new_customers(session: Connection, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    """Won deals that are their account's first-ever win (earliest close, then lowest id)."""
    stmt = _new_customers_statement(len(buckets.periods) - 1, rep_ids is not None)
    return _facts(session, stmt, {**buckets.date_params(), **_scope_params(rep_ids)})


@shaped
def _open_statement(periods: int, scoped: bool) -> Any:
    d = tables.deal.c
    # Open at some bucket's end: open now (closed_on IS NULL), or closed on or after the first bucket's end. Two
    # index searches on closed_on that cost what the open deals and the later closes cost; one OR over both
    # (created before the end) read every deal of all history. `created_on < end` is checked below: as a filter
    # here SQLite took it for the index to search by, all history again.
    picked = (d.rep_id, d.created_on, d.closed_on, d.amount_cents)
    deals = union_all(
        select(*picked).where(d.closed_on.is_(None), *_scope(d.rep_id, scoped)),
        select(*picked).where(d.closed_on >= bindparam("e0"), *_scope(d.rep_id, scoped)),
    ).subquery("counted")
    columns = []
    for i in range(periods):
        end = bindparam(f"e{i}", type_=Date())
        is_open = and_(deals.c.created_on < end, or_(deals.c.closed_on.is_(None), deals.c.closed_on >= end))
        columns += [_count_if(is_open).label(f"open_deals_{i}"),
                    _sum_if(is_open, func.coalesce(deals.c.amount_cents, 0)).label(f"open_pipeline_cents_{i}")]
    return select(deals.c.rep_id, *columns).group_by(deals.c.rep_id)


def open_pipeline(session: Connection, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    """Deals open at each bucket's end: created before it and not closed before it."""
    count = len(buckets.periods)
    params = {"hi": buckets.end, **{f"e{i}": p.end for i, p in enumerate(buckets.periods)},
              **_scope_params(rep_ids)}
    result: Facts = {}
    for row in session.execute(_open_statement(count, rep_ids is not None), params):
        values = row._mapping
        for i in range(count):
            result[(row.rep_id, i)] = {"open_deals": values[f"open_deals_{i}"],
                                       "open_pipeline_cents": values[f"open_pipeline_cents_{i}"]}
    return result


@shaped
def _scores_statement(inner_bounds: int, scoped: bool) -> Any:
    s = tables.score.c
    bucket = _bucket_case(s.on, inner_bounds).label("bucket")
    return (
        select(s.rep_id, bucket,
               _sum_if(s.kind == "csat", s.value).label("csat_sum"),
               _count_if(s.kind == "csat").label("csat_count"),
               _sum_if(s.kind == "call_review", s.value).label("call_review_sum"),
               _count_if(s.kind == "call_review").label("call_review_count"))
        .where(s.on >= bindparam("lo"), s.on < bindparam("hi"), *_scope(s.rep_id, scoped))
        .group_by(*_grouping(s.rep_id, inner_bounds=inner_bounds))
    )


def score_sums(session: Connection, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    stmt = _scores_statement(len(buckets.periods) - 1, rep_ids is not None)
    return _facts(session, stmt, {**buckets.date_params(), **_scope_params(rep_ids)})


@shaped
def _forecasts_statement(kinds: int, scoped: bool) -> Any:
    f = tables.forecast.c
    return (select(f.rep_id, f.period_kind, f.period_start, f.amount_cents)
            .where(_period_keys(f.period_kind, f.period_start, kinds), *_scope(f.rep_id, scoped)))


def forecasts(session: Connection, buckets: Buckets, rep_ids: Sequence[int] | None) -> dict[tuple[int, int], int]:
    """The committed number for exactly each bucket's period."""
    wanted = _targetable(buckets)
    if not wanted:
        return {}
    params = _period_params(wanted)
    stmt = _forecasts_statement(len(params) // 2, rep_ids is not None)
    return {(rep_id, wanted[(kind, start)]): cents
            for rep_id, kind, start, cents in session.execute(stmt, {**params, **_scope_params(rep_ids)})}


@dataclass(frozen=True)
class Series:
    """KpiInputs and targets per bucket, for every rep asked for (zeros included)."""

    inputs: list[dict[int, KpiInputs]]
    books: list[TargetBook]


FACT_QUERIES = {"activity": activity_counts, "closed": closed_deals, "created": created_deals,
                "open": open_pipeline, "scores": score_sums, "customers": new_customers}
# Which queries each KPI reads (targets are always read): a trend of one KPI runs only these.
KPI_SOURCES: dict[str, set[str]] = {
    **{key: {"activity"} for key in ("calls", "conversations", "emails", "meetings", "demos", "proposals", "ideas")},
    **{key: {"created"} for key in ("new_opps", "response_hours")},
    **{key: {"closed"} for key in ("won_deals", "revenue", "win_rate", "avg_deal_size", "cycle_days",
                                   "revenue_growth", "forecast_accuracy")},
    "new_customers": {"customers"},
    "open_pipeline": {"open"},
    "pipeline_coverage": {"open", "closed"},
    "pipeline_velocity": {"open", "closed"},
    "csat": {"scores"},
    "call_review": {"scores"},
}


def target_keys(keys: Iterable[str]) -> set[str]:
    """The targets that KPIs `keys` read: their own, and revenue's for pipeline coverage (target − revenue)."""
    wanted = set(keys)
    return wanted | {"revenue"} if "pipeline_coverage" in wanted else wanted


@shaped
def _rep_count_statement() -> Any:
    return select(func.count()).select_from(tables.rep)


def _most_reps(session: Connection, rep_ids: Sequence[int]) -> bool:
    """True when `rep_ids` are at least half of the people: then the deal and score statements read the whole
    company's period (at most twice the rows) rather than bind an IN list of every rep (500 parameters rendered
    and prepared anew each time cost more than the extra rows); the facts of the others are never looked up."""
    return len(rep_ids) >= 64 and 2 * len(set(rep_ids)) >= session.execute(_rep_count_statement()).scalar_one()


def kpi_series(session: Connection, buckets: Buckets, reps: Iterable[RepRow],
               only: Iterable[str] | None = None, calendar: WorkCalendar | None = None) -> Series:
    """KpiInputs per bucket; with `only` (KPI keys), the facts the other KPIs need are left at zero."""
    reps = list(reps)
    rep_ids = [r.id for r in reps]
    only = None if only is None else list(only)
    books = target_books(session, buckets, reps, None if only is None else target_keys(only), calendar)
    needed = set(FACT_QUERIES) if only is None else set().union(*(KPI_SOURCES[k] for k in only))
    scope = None if _most_reps(session, rep_ids) else rep_ids
    parts = [query(session, buckets, scope) for name, query in FACT_QUERIES.items()
             if name in needed and name != "activity"]
    if "activity" in needed:
        kinds = KIND_COLUMNS if only is None else {KPI_KIND[k] for k in only if k in KPI_KIND}
        parts.append(activity_counts(session, buckets, rep_ids, kinds))
    committed = forecasts(session, buckets, rep_ids) if only is None or "forecast_accuracy" in only else {}
    series: list[dict[int, KpiInputs]] = []
    for index, book in enumerate(books):
        by_rep: dict[int, KpiInputs] = {}
        for rep in reps:
            key = (rep.id, index)
            values: dict[str, Any] = {}
            for part in parts:
                if (found := part.get(key)) is not None:
                    values.update(found)
            # PostgreSQL sums bigints as numeric: back to int, so both databases hand the domain the same types
            values = {k: float(v or 0) if k in FLOAT_FACTS else int(v or 0) for k, v in values.items()}
            revenue = book.resolved(rep.id, rep.team_id).get("revenue")  # memoized per owner pair
            by_rep[rep.id] = KpiInputs.of_rep(values, None if revenue is None else revenue_cents(revenue.value),
                                              committed.get(key))
        series.append(by_rep)
    return Series(series, books)
