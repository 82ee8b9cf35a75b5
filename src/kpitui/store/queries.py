"""The KPI queries: a fixed handful of GROUP BY statements, whatever the number of reps or periods.

Each returns additive facts per (rep id, bucket); `kpi_series` assembles them into `KpiInputs`. Periods are
turned into UTC instant bounds once (Period.utc_bounds), so range scans use the occurred_at indexes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Float,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from kpitui.domain.calendar import WorkCalendar
from kpitui.domain.kpis import KpiInputs
from kpitui.domain.periods import TARGET_KINDS, Period
from kpitui.domain.targets import Resolved, covering, resolve_target
from kpitui.domain.text import clean_text, name_key
from kpitui.store.models import Activity, Deal, Forecast, Rep, Score, ScorecardWeight, Target, Team, TeamManager
from kpitui.store.types import days_between, epoch_seconds


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum_if(condition: ColumnElement[bool], value: Any) -> Any:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _values(name: str) -> Any:
    """An IN list bound at execution (an expanding parameter), so one cached statement serves any list."""
    return bindparam(name, expanding=True)


def _scope(column: Any, scoped: bool) -> list[ColumnElement[bool]]:
    return [column.in_(_values("rep_ids"))] if scoped else []


def _scope_params(rep_ids: Sequence[int] | None) -> dict[str, Any]:
    return {} if rep_ids is None else {"rep_ids": list(rep_ids)}


# Statements are built once per shape (how many buckets, whether scoped to reps) and cached: every value is a
# bound parameter. Building a SQLAlchemy statement costs more Python than running a small query in SQLite, so
# the drill-down and the trend would otherwise spend most of their time constructing the same SQL again.
shaped = lru_cache(maxsize=256)


@dataclass(frozen=True)
class Buckets:
    """Contiguous periods, oldest first (e.g. the previous and the current month, or 13 weeks).

    Every query groups by rep and bucket in one pass over the whole range, so a trend or a comparison with
    the previous period costs the same handful of statements as a single period.
    """

    periods: tuple[Period, ...]
    zone: ZoneInfo

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("no periods")
        for before, after in zip(self.periods, self.periods[1:], strict=False):
            if before.end != after.start:
                raise ValueError(f"periods {before} and {after} are not contiguous")

    @classmethod
    def of(cls, zone: ZoneInfo, *periods: Period) -> Buckets:
        return cls(tuple(periods), zone)

    @property
    def start(self) -> date:
        return self.periods[0].start

    @property
    def end(self) -> date:
        return self.periods[-1].end

    @cached_property
    def instants(self) -> tuple[datetime, ...]:
        """UTC bounds: bucket i is instants[i] <= t < instants[i + 1]."""
        days = [p.start for p in self.periods] + [self.end]
        return tuple(datetime.combine(d, time(0), self.zone).astimezone(UTC) for d in days)

    def date_params(self) -> dict[str, Any]:
        """Parameters of `_bucket_case` over dates: lo, hi and the inner bounds b1.. (each later bucket's start)."""
        return {"lo": self.start, "hi": self.end, **_bounds([p.start for p in self.periods[1:]])}


def _bounds(inner: Sequence[object]) -> dict[str, Any]:
    return {f"b{i + 1}": bound for i, bound in enumerate(inner)}


def _grouping(*keys: Any, inner_bounds: int) -> tuple[Any, ...]:
    """GROUP BY keys, then the bucket by its output name: repeating the CASE would bind every bound twice."""
    return (*keys, literal_column("bucket")) if inner_bounds else keys


def _bucket_case(column: Any, inner_bounds: int, first: int = 0) -> Any:
    """Bucket number of `column`: `first` below parameter b1, first + 1 below b2, ..., and the last above."""
    if not inner_bounds:
        return literal(first)
    whens = [(column < bindparam(f"b{i + 1}"), first + i) for i in range(inner_bounds)]
    return case(*whens, else_=first + inner_bounds)


Facts = dict[tuple[int, int], dict[str, Any]]  # (rep id, bucket) -> named sums


def _facts(session: Connection, stmt: Any, params: dict[str, Any]) -> Facts:
    result: Facts = {}
    for row in session.execute(stmt, params):
        values = dict(row._mapping)
        result[(values.pop("rep_id"), values.pop("bucket"))] = values
    return result


# One statement grouping by a bucket sorts the rows it reads; one statement per bucket reads the index in GROUP
# BY order. Sorting wins below about this many rep-days (one rep's 13-week trend or 8-month sparkline), losing
# above it (a team's drill-down over two quarters: 1.9 ms per bucket against 4.2 ms sorted, on the scale data).
FEW_REP_DAYS = 400
FLOAT_FACTS = frozenset({"won_cycle_days", "response_hours"})
KIND_COLUMNS = {"call": "calls", "email": "emails", "meeting": "meetings", "demo": "demos", "proposal": "proposals",
                "idea": "ideas"}
KPI_KIND = {**{column: kind for kind, column in KIND_COLUMNS.items()}, "conversations": "call"}


@shaped
def _activity_statement(inner_bounds: int, scoped: bool) -> Any:
    a = Activity.__table__.c
    bucket = _bucket_case(a.occurred_at, inner_bounds)
    return (select(a.kind, a.rep_id, bucket.label("bucket"), func.count().label("n"),
                   _count_if(a.outcome == "connected").label("connected"))
            .where(a.kind.in_(_values("kinds")), *_scope(a.rep_id, scoped),
                   a.occurred_at >= bindparam("lo"), a.occurred_at < bindparam("hi"))
            .group_by(*_grouping(a.kind, a.rep_id, inner_bounds=inner_bounds)))


def activity_counts(session: Connection, buckets: Buckets, rep_ids: Sequence[int] | None,
                    kinds: Iterable[str] = KIND_COLUMNS) -> Facts:
    """Counts per kind (and connected calls) per rep, one statement per bucket; only `kinds` when given.

    `GROUP BY kind, rep_id` follows the order of ix_activity_kind_rep_time, so SQLite reads the index alone and
    never sorts; grouping by a computed bucket instead made it sort every row of the range.
    """
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
    d = Deal.__table__.c
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
    d = Deal.__table__.c
    a = aliased(Activity.__table__)
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
    return (
        select(inner.c.rep_id, inner.c.bucket,
               func.count().label("new_opps"),
               _count_if(responded).label("responded_deals"),
               _sum_if(responded, (epoch_seconds(inner.c.first_touch) - inner.c.created_at) / 3600.0)
               .label("response_hours"))
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
    d = Deal.__table__.c
    e = aliased(Deal.__table__)
    earlier_win = (
        select(literal(1))
        .where(e.c.account == d.account, e.c.outcome == "won",
               or_(e.c.closed_on < d.closed_on, and_(e.c.closed_on == d.closed_on, e.c.id < d.id)))
        .exists()
    )
    bucket = _bucket_case(d.closed_on, inner_bounds).label("bucket")
    return (
        select(d.rep_id, bucket, func.count().label("new_customers"))
        .where(d.closed_on >= bindparam("lo"), d.closed_on < bindparam("hi"), d.outcome == "won", d.account != "",
               ~earlier_win, *_scope(d.rep_id, scoped))
        .group_by(*_grouping(d.rep_id, inner_bounds=inner_bounds))
    )


def new_customers(session: Connection, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    """Won deals that are their account's first-ever win (earliest close, then lowest id)."""
    stmt = _new_customers_statement(len(buckets.periods) - 1, rep_ids is not None)
    return _facts(session, stmt, {**buckets.date_params(), **_scope_params(rep_ids)})


@shaped
def _open_statement(periods: int, scoped: bool) -> Any:
    d = Deal.__table__.c
    columns = []
    for i in range(periods):
        end = bindparam(f"e{i}", type_=Date())
        is_open = and_(d.created_on < end, or_(d.closed_on.is_(None), d.closed_on >= end))
        columns += [_count_if(is_open).label(f"open_deals_{i}"),
                    _sum_if(is_open, func.coalesce(d.amount_cents, 0)).label(f"open_pipeline_cents_{i}")]
    return (
        select(d.rep_id, *columns)
        .where(d.created_on < bindparam("hi"), or_(d.closed_on.is_(None), d.closed_on >= bindparam("e0")),
               *_scope(d.rep_id, scoped))
        .group_by(d.rep_id)
    )


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
    s = Score.__table__.c
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


def _targetable(buckets: Buckets) -> dict[tuple[str, date], int]:
    """(period kind, start) -> bucket, for buckets that are calendar periods (custom ranges have none)."""
    return {(p.kind, p.start): i for i, p in enumerate(buckets.periods) if p.kind in TARGET_KINDS}


def _period_keys(kind_column: Any, start_column: Any, kinds: int) -> Any:
    """`kind = k0 AND start IN (s0) OR ...`: ix_target_lookup is searched, where an OR of pairs scanned it."""
    return or_(*[and_(kind_column == bindparam(f"k{j}"), start_column.in_(_values(f"s{j}"))) for j in range(kinds)])


def _period_params(wanted: Iterable[tuple[str, date]]) -> dict[str, Any]:
    starts: dict[str, list[date]] = defaultdict(list)
    for kind, start in wanted:
        starts[kind].append(start)
    params: dict[str, Any] = {}
    for j, (kind, days) in enumerate(starts.items()):
        params |= {f"k{j}": kind, f"s{j}": days}
    return params


@shaped
def _forecasts_statement(kinds: int, scoped: bool) -> Any:
    f = Forecast.__table__.c
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


# One owner's set targets: KPI -> (period kind, start) -> value; the periods covering a bucket included.
Owned = dict[str, dict[tuple[str, date], Decimal]]


@dataclass(frozen=True)
class TargetBook:
    """Targets of one period. `by_rep` / `by_team` are the targets set for exactly this period (what an export
    writes); `for_rep` resolves a rep's targets with the cascade of domain/targets.py (own, then the team
    default; set, else derived from the covering periods by working days), `sources_for_rep` says whence."""

    by_rep: dict[int, dict[str, Decimal]]
    by_team: dict[int, dict[str, Decimal]]
    period: Period
    rep_owned: dict[int, Owned] = field(default_factory=dict)  # shared by every book of one read
    team_owned: dict[int, Owned] = field(default_factory=dict)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    _memo: dict[tuple[int | None, int | None], dict[str, Resolved]] = field(default_factory=dict, compare=False,
                                                                            repr=False)

    def resolved(self, rep_id: int | None, team_id: int | None) -> dict[str, Resolved]:
        """KPI -> target and source; `rep_id` None: the team default row alone. Memoized per owner pair."""
        memo_key = (rep_id if rep_id in self.rep_owned else None, team_id)
        if memo_key not in self._memo:
            self._memo[memo_key] = self._resolve(*memo_key)
        return self._memo[memo_key]

    def _resolve(self, rep_id: int | None, team_id: int | None) -> dict[str, Resolved]:
        own = self.rep_owned.get(rep_id, {}) if rep_id is not None else {}
        team = self.team_owned.get(team_id, {}) if team_id is not None else {}
        found: dict[str, Resolved] = {}
        for key in sorted(own.keys() | team.keys()):
            owners = [("rep", own[key])] if key in own else []
            owners += [("team", team[key])] if key in team else []
            result = resolve_target(self.period, key, owners, self.calendar)
            if result is not None:
                found[key] = result
        return found

    def for_rep(self, rep_id: int, team_id: int | None) -> dict[str, Decimal]:
        return {k: r.value for k, r in self.resolved(rep_id, team_id).items()}

    def sources_for_rep(self, rep_id: int, team_id: int | None) -> dict[str, str]:
        return {k: r.source for k, r in self.resolved(rep_id, team_id).items()}


@shaped
def _targets_statement(kinds: int, by_kpi: bool, by_owner: bool) -> Any:
    t = Target.__table__.c
    stmt = (select(t.rep_id, t.team_id, t.kpi, t.period_kind, t.period_start, t.value)
            .where(_period_keys(t.period_kind, t.period_start, kinds)))
    if by_kpi:
        stmt = stmt.where(t.kpi.in_(_values("kpis")))
    if by_owner:
        stmt = stmt.where(or_(t.rep_id.in_(_values("rep_ids")), t.team_id.in_(_values("team_ids"))))
    return stmt


def target_books(session: Connection, buckets: Buckets, reps: Sequence[RepRow] | None = None,
                 kpis: Iterable[str] | None = None, calendar: WorkCalendar | None = None,
                 teams: Iterable[int] = ()) -> list[TargetBook]:
    """Targets of each bucket; with `reps`, only theirs and their teams' defaults (and `teams`'); with `kpis`,
    only those.
    One statement reads the buckets' own periods and every period covering them (their months, quarters and
    years), whatever the number of buckets and reps; the cascade then runs in Python."""
    wanted = {(p.kind, p.start) for period in buckets.periods for p in covering(period) if p.kind in TARGET_KINDS}
    rep_owned: dict[int, Owned] = {}
    team_owned: dict[int, Owned] = {}
    books = [TargetBook({}, {}, period, rep_owned, team_owned, calendar or WorkCalendar())
             for period in buckets.periods]
    if not wanted:
        return books
    exact = {(p.kind, p.start): i for i, p in enumerate(buckets.periods)}
    params = _period_params(wanted)
    stmt = _targets_statement(len(params) // 2, kpis is not None, reps is not None)
    if kpis is not None:
        params["kpis"] = sorted(set(kpis))
    if reps is not None:
        params |= {"rep_ids": [r.id for r in reps],
                   "team_ids": sorted({r.team_id for r in reps if r.team_id is not None} | set(teams))}
    for row in session.execute(stmt, params):
        is_rep = row.rep_id is not None
        owner_id = row.rep_id if is_rep else row.team_id
        owned = rep_owned if is_rep else team_owned
        owned.setdefault(owner_id, {}).setdefault(row.kpi, {})[(row.period_kind, row.period_start)] = row.value
        if (index := exact.get((row.period_kind, row.period_start))) is not None:
            book = books[index]
            (book.by_rep if is_rep else book.by_team).setdefault(owner_id, {})[row.kpi] = row.value
    return books


TARGET_LOCK_SPACE = 7013  # pg_advisory_xact_lock(space, team id): the writers of one team's targets


def lock_team_targets(session: Connection, team_id: int) -> None:
    """PostgreSQL (read committed): one writer of a team's targets at a time, till the transaction ends, so what
    a write decided from its own reads still holds when it writes. SQLite's BEGIN IMMEDIATE already locks."""
    if session.dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(TARGET_LOCK_SPACE, team_id)))


def targets(session: Connection, period: Period, zone: ZoneInfo | None = None) -> TargetBook:
    return target_books(session, Buckets.of(zone or ZoneInfo("UTC"), period))[0]


def revenue_target_cents(values: dict[str, Decimal]) -> int | None:
    target = values.get("revenue")
    return None if target is None else int((target * 100).to_integral_value())


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


def kpi_series(session: Connection, buckets: Buckets, reps: Iterable[RepRow],
               only: Iterable[str] | None = None, calendar: WorkCalendar | None = None) -> Series:
    """KpiInputs per bucket; with `only` (KPI keys), the facts the other KPIs need are left at zero."""
    reps = list(reps)
    rep_ids = [r.id for r in reps]
    only = None if only is None else list(only)
    books = target_books(session, buckets, reps, None if only is None else target_keys(only), calendar)
    needed = set(FACT_QUERIES) if only is None else set().union(*(KPI_SOURCES[k] for k in only))
    parts = [query(session, buckets, rep_ids) for name, query in FACT_QUERIES.items()
             if name in needed and name != "activity"]
    if "activity" in needed:
        kinds = KIND_COLUMNS if only is None else {KPI_KIND[k] for k in only if k in KPI_KIND}
        parts.append(activity_counts(session, buckets, rep_ids, kinds))
    committed = forecasts(session, buckets, rep_ids) if only is None or "forecast_accuracy" in only else {}
    series: list[dict[int, KpiInputs]] = []
    for index, book in enumerate(books):
        by_rep: dict[int, KpiInputs] = {}
        for rep in reps:
            values: dict[str, Any] = {}
            for part in parts:
                values.update(part.get((rep.id, index), {}))
            # PostgreSQL sums bigints as numeric: back to int, so both databases hand the domain the same types
            values = {k: float(v or 0) if k in FLOAT_FACTS else int(v or 0) for k, v in values.items()}
            by_rep[rep.id] = KpiInputs.of_rep(values, revenue_target_cents(book.for_rep(rep.id, rep.team_id)),
                                              committed.get((rep.id, index)))
        series.append(by_rep)
    return Series(series, books)


# -- people ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RepRow:
    id: int
    name: str
    email: str | None
    team_id: int | None
    team: str | None
    role: str
    active: bool


@shaped
def _reps_statement(match: str, by_team: bool = False, active_only: bool = False) -> Any:
    """People with their team's name, by name; `match` is "email", "name", "id", "roles" (a list) or
    "all"."""
    r, t = Rep.__table__.c, Team.__table__.c
    conditions = {"email": func.lower(r.email) == bindparam("key"), "name": func.lower(r.name) == bindparam("key"),
                  "id": r.id == bindparam("key"), "roles": r.role.in_(_values("roles")), "all": true()}
    stmt = (select(r.id, r.name, r.email, r.team_id, t.name.label("team"), r.role, r.active)
            .select_from(Rep.__table__.outerjoin(Team.__table__, r.team_id == t.id))
            .where(conditions[match]).order_by(func.lower(r.name), r.id))
    if by_team:
        stmt = stmt.where(r.team_id.in_(_values("team_ids")))
    if active_only:
        stmt = stmt.where(r.active.is_(True))
    return stmt


def _rep_rows(session: Connection, stmt: Any, **params: Any) -> list[RepRow]:
    return [RepRow(**row._mapping) for row in session.execute(stmt, params)]


QUOTA_ROLES = ("rep",)


def reps_in_scope(session: Connection, team_ids: Sequence[int] | None, active_only: bool = True,
                  roles: Sequence[str] = QUOTA_ROLES) -> list[RepRow]:
    """Quota-carrying reps of the teams (all teams when None): the leaderboard's rows and the team median."""
    stmt = _reps_statement("roles", team_ids is not None, active_only)
    scope = {} if team_ids is None else {"team_ids": list(team_ids)}
    return _rep_rows(session, stmt, roles=list(roles), **scope)


def find_reps(session: Connection, ref: str) -> list[RepRow]:
    """Reps whose email, else whose name, is `ref`. As typed (cleaned, case-insensitive) first, in SQL; when
    nothing matches so, compared by `name_key` (NFKC, case-folded, invisible characters ignored), in Python,
    since SQL has no NFKC: "\u200bLea Santos" and "ＬＥＡ SANTOS" find Lea Santos. The exact match comes first
    so a look-alike stored under another spelling never takes the place of the person typed (and the scan of
    everyone, 70 ms at 5,000 people, runs only for names typed differently from how they are stored)."""
    typed = clean_text(ref).lower()
    if not typed:
        return []
    exact = (_rep_rows(session, _reps_statement("email"), key=typed)
             or _rep_rows(session, _reps_statement("name"), key=typed))
    if exact:
        return exact
    key = name_key(ref)
    everyone = _rep_rows(session, _reps_statement("all"))
    return ([p for p in everyone if p.email and name_key(p.email) == key]
            or [p for p in everyone if name_key(p.name) == key])


def rep_by_id(session: Connection, rep_id: int) -> RepRow | None:
    rows = _rep_rows(session, _reps_statement("id"), key=rep_id)
    return rows[0] if rows else None


def find_team(session: Connection, name: str) -> tuple[int, str] | None:
    t = Team.__table__.c
    row = session.execute(select(t.id, t.name).where(func.lower(t.name) == name.strip().lower())).first()
    return (row.id, row.name) if row else None


def all_teams(session: Connection) -> list[tuple[int, str]]:
    t = Team.__table__.c
    return [(row.id, row.name) for row in session.execute(select(t.id, t.name).order_by(func.lower(t.name)))]


def managed_team_ids(session: Connection, rep_id: int) -> list[int]:
    m = TeamManager.__table__.c
    return [tid for (tid,) in session.execute(select(m.team_id).where(m.rep_id == rep_id))]


@shaped
def _weights_statement() -> Any:
    w = ScorecardWeight.__table__.c
    return select(w.team_id, w.kpi, w.weight)


def scorecard_weights(session: Connection) -> dict[int, dict[str, Decimal]]:
    """Teams that configured their own scorecard: team id -> KPI -> weight."""
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for team_id, key, weight in session.execute(_weights_statement()):
        result[team_id][key] = weight
    return dict(result)


def replace_scorecard_weights(session: Connection, team_id: int, weights: dict[str, Decimal]) -> None:
    from sqlalchemy import delete, insert

    session.execute(delete(ScorecardWeight.__table__).where(ScorecardWeight.__table__.c.team_id == team_id))
    if weights:
        session.execute(insert(ScorecardWeight.__table__),
                        [{"team_id": team_id, "kpi": k, "weight": v} for k, v in weights.items()])
