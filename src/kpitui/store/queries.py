"""The KPI queries: a fixed handful of GROUP BY statements, whatever the number of reps or periods.

Each returns additive facts per (rep id, bucket); `kpi_series` assembles them into `KpiInputs`. Periods are
turned into UTC instant bounds once (Period.utc_bounds), so range scans use the occurred_at indexes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from kpitui.domain.kpis import KpiInputs
from kpitui.domain.periods import TARGET_KINDS, Period
from kpitui.store.models import Activity, Deal, Forecast, Rep, Score, ScorecardWeight, Target, Team, TeamManager
from kpitui.store.types import days_between, epoch_seconds


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum_if(condition: ColumnElement[bool], value: Any) -> Any:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _scope(column: Any, rep_ids: Sequence[int] | None) -> list[ColumnElement[bool]]:
    return [] if rep_ids is None else [column.in_(rep_ids)]


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

    def instants(self) -> list[datetime]:
        """UTC bounds: bucket i is instants[i] <= t < instants[i + 1]."""
        return [p.utc_bounds(self.zone)[0] for p in self.periods] + [self.periods[-1].utc_bounds(self.zone)[1]]

    def by_date(self, column: Any, first: int = 0) -> Any:
        return _bucket_case(column, [p.start for p in self.periods[1:]], first)

    def by_instant(self, column: Any) -> Any:
        return _bucket_case(column, self.instants()[1:-1], 0)


def _bucket_case(column: Any, inner_bounds: Sequence[object], first: int) -> Any:
    if not inner_bounds:
        return literal(first)
    whens = [(column < bound, first + i) for i, bound in enumerate(inner_bounds)]
    return case(*whens, else_=first + len(inner_bounds))


Facts = dict[tuple[int, int], dict[str, Any]]  # (rep id, bucket) -> named sums


def _facts(session: Session, stmt: Any) -> Facts:
    result: Facts = {}
    for row in session.execute(stmt):
        values = dict(row._mapping)
        result[(values.pop("rep_id"), values.pop("bucket"))] = values
    return result


FEW_REPS = 25
FLOAT_FACTS = frozenset({"won_cycle_days", "response_hours"})
KIND_COLUMNS = {"call": "calls", "email": "emails", "meeting": "meetings", "demo": "demos", "proposal": "proposals",
                "idea": "ideas"}


def activity_counts(session: Session, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    """Counts per kind (and connected calls) per rep, one statement per bucket.

    `GROUP BY kind, rep_id` follows the order of ix_activity_kind_rep_time, so SQLite reads the index alone and
    never sorts; grouping by a computed bucket instead made it sort every row of the range.
    """
    a = Activity.__table__.c
    instants = buckets.instants()
    counts = (func.count().label("n"), _count_if(a.outcome == "connected").label("connected"))
    scope = (a.kind.in_(KIND_COLUMNS), *_scope(a.rep_id, rep_ids))
    if len(buckets.periods) > 1 and rep_ids is not None and len(rep_ids) <= FEW_REPS:
        # a few reps over many buckets (a trend): their rows are few, one statement sorts them cheaply
        bucket = buckets.by_instant(a.occurred_at).label("bucket")
        statements = [select(a.kind, a.rep_id, bucket, *counts)
                      .where(*scope, a.occurred_at >= instants[0], a.occurred_at < instants[-1])
                      .group_by(a.kind, a.rep_id, bucket)]
    else:
        statements = [select(a.kind, a.rep_id, literal(index).label("bucket"), *counts)
                      .where(*scope, a.occurred_at >= instants[index], a.occurred_at < instants[index + 1])
                      .group_by(a.kind, a.rep_id)
                      for index in range(len(buckets.periods))]
    result: Facts = {}
    for stmt in statements:
        for kind, rep_id, index, n, connected in session.execute(stmt):
            facts = result.setdefault((rep_id, index), {})
            facts[KIND_COLUMNS[kind]] = n
            if kind == "call":
                facts["conversations"] = connected
    return result


def closed_deals(session: Session, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    """Won/lost counts, revenue and cycle days per bucket, and each bucket's previous-period revenue."""
    d = Deal.__table__.c
    before = buckets.periods[0].previous()
    extended = Buckets((before, *buckets.periods), buckets.zone)
    bucket = extended.by_date(d.closed_on, first=-1).label("bucket")
    won = d.outcome == "won"
    stmt = (
        select(d.rep_id, bucket,
               _count_if(won).label("won_deals"),
               _count_if(d.outcome == "lost").label("lost_deals"),
               _sum_if(won, func.coalesce(d.amount_cents, 0)).label("revenue_cents"),
               _sum_if(won, days_between(d.created_on, d.closed_on)).label("won_cycle_days"))
        .where(d.closed_on >= before.start, d.closed_on < buckets.end, d.outcome.in_(("won", "lost")),
               *_scope(d.rep_id, rep_ids))
        .group_by(d.rep_id, bucket)
    )
    raw = _facts(session, stmt)
    result: Facts = {}
    for (rep_id, index), values in raw.items():
        if index >= 0:
            result.setdefault((rep_id, index), {}).update(values)
        if index + 1 < len(buckets.periods):
            result.setdefault((rep_id, index + 1), {})["previous_revenue_cents"] = values["revenue_cents"]
    return result


def _local_midnight_offset(buckets: Buckets, column: Any) -> Any:
    """Seconds the zone is ahead of UTC at local midnight of `column` (a date in range), as SQL."""
    runs: list[tuple[date, float]] = []
    day = buckets.start
    while day < buckets.end:
        offset = datetime.combine(day, time(0), buckets.zone).utcoffset()
        seconds = offset.total_seconds() if offset else 0.0
        if not runs or runs[-1][1] != seconds:
            runs.append((day, seconds))
        day += timedelta(days=1)
    if len(runs) <= 1:
        return literal(runs[0][1] if runs else 0.0)
    whens = [(column < runs[i + 1][0], runs[i][1]) for i in range(len(runs) - 1)]
    return case(*whens, else_=runs[-1][1])


def created_deals(session: Session, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    """New opportunities, and hours from each one's creation (local midnight) to its first linked activity."""
    d = Deal.__table__.c
    a = aliased(Activity.__table__)
    first_touch = select(func.min(a.c.occurred_at)).where(a.c.deal_id == d.id).scalar_subquery()
    created_at = epoch_seconds(d.created_on) - _local_midnight_offset(buckets, d.created_on)
    # MATERIALIZED: evaluate each deal's first touch once; a flattened subquery re-ran it for every use below.
    inner = (
        select(d.rep_id.label("rep_id"), buckets.by_date(d.created_on).label("bucket"),
               first_touch.label("first_touch"), created_at.label("created_at"))
        .where(d.created_on >= buckets.start, d.created_on < buckets.end, *_scope(d.rep_id, rep_ids))
        .cte("created").prefix_with("MATERIALIZED")
    )
    responded = inner.c.first_touch.is_not(None)
    stmt = (
        select(inner.c.rep_id, inner.c.bucket,
               func.count().label("new_opps"),
               _count_if(responded).label("responded_deals"),
               _sum_if(responded, (epoch_seconds(inner.c.first_touch) - inner.c.created_at) / 3600.0)
               .label("response_hours"))
        .group_by(inner.c.rep_id, inner.c.bucket)
    )
    return _facts(session, stmt)


def new_customers(session: Session, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    """Won deals that are their account's first-ever win (earliest close, then lowest id)."""
    d = Deal.__table__.c
    e = aliased(Deal.__table__)
    earlier_win = (
        select(literal(1))
        .where(e.c.account == d.account, e.c.outcome == "won",
               or_(e.c.closed_on < d.closed_on, and_(e.c.closed_on == d.closed_on, e.c.id < d.id)))
        .exists()
    )
    bucket = buckets.by_date(d.closed_on).label("bucket")
    stmt = (
        select(d.rep_id, bucket, func.count().label("new_customers"))
        .where(d.closed_on >= buckets.start, d.closed_on < buckets.end, d.outcome == "won", d.account != "",
               ~earlier_win, *_scope(d.rep_id, rep_ids))
        .group_by(d.rep_id, bucket)
    )
    return _facts(session, stmt)


def open_pipeline(session: Session, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    """Deals open at each bucket's end: created before it and not closed before it."""
    d = Deal.__table__.c
    columns = []
    for i, period in enumerate(buckets.periods):
        is_open = and_(d.created_on < period.end, or_(d.closed_on.is_(None), d.closed_on >= period.end))
        columns += [_count_if(is_open).label(f"open_deals_{i}"),
                    _sum_if(is_open, func.coalesce(d.amount_cents, 0)).label(f"open_pipeline_cents_{i}")]
    stmt = (
        select(d.rep_id, *columns)
        .where(d.created_on < buckets.end, or_(d.closed_on.is_(None), d.closed_on >= buckets.periods[0].end),
               *_scope(d.rep_id, rep_ids))
        .group_by(d.rep_id)
    )
    result: Facts = {}
    for row in session.execute(stmt):
        values = row._mapping
        for i in range(len(buckets.periods)):
            result[(row.rep_id, i)] = {"open_deals": values[f"open_deals_{i}"],
                                       "open_pipeline_cents": values[f"open_pipeline_cents_{i}"]}
    return result


def score_sums(session: Session, buckets: Buckets, rep_ids: Sequence[int] | None) -> Facts:
    s = Score.__table__.c
    bucket = buckets.by_date(s.on).label("bucket")
    stmt = (
        select(s.rep_id, bucket,
               _sum_if(s.kind == "csat", s.value).label("csat_sum"),
               _count_if(s.kind == "csat").label("csat_count"),
               _sum_if(s.kind == "call_review", s.value).label("call_review_sum"),
               _count_if(s.kind == "call_review").label("call_review_count"))
        .where(s.on >= buckets.start, s.on < buckets.end, *_scope(s.rep_id, rep_ids))
        .group_by(s.rep_id, bucket)
    )
    return _facts(session, stmt)


def _targetable(buckets: Buckets) -> dict[tuple[str, date], int]:
    """(period kind, start) -> bucket, for buckets that are calendar periods (custom ranges have none)."""
    return {(p.kind, p.start): i for i, p in enumerate(buckets.periods) if p.kind in TARGET_KINDS}


def forecasts(session: Session, buckets: Buckets, rep_ids: Sequence[int] | None) -> dict[tuple[int, int], int]:
    """The committed number for exactly each bucket's period."""
    wanted = _targetable(buckets)
    if not wanted:
        return {}
    f = Forecast.__table__.c
    keys = [and_(f.period_kind == kind, f.period_start == start) for kind, start in wanted]
    stmt = select(f.rep_id, f.period_kind, f.period_start, f.amount_cents).where(or_(*keys),
                                                                               *_scope(f.rep_id, rep_ids))
    return {(rep_id, wanted[(kind, start)]): cents for rep_id, kind, start, cents in session.execute(stmt)}


@dataclass(frozen=True)
class TargetBook:
    """Targets of one period: a rep's own target wins over the team default."""

    by_rep: dict[int, dict[str, Decimal]]
    by_team: dict[int, dict[str, Decimal]]

    def for_rep(self, rep_id: int, team_id: int | None) -> dict[str, Decimal]:
        merged = dict(self.by_team.get(team_id, {})) if team_id is not None else {}
        merged.update(self.by_rep.get(rep_id, {}))
        return merged


def target_books(session: Session, buckets: Buckets, reps: Sequence[RepRow] | None = None) -> list[TargetBook]:
    """Targets of each bucket; with `reps`, only theirs and their teams' defaults."""
    wanted = _targetable(buckets)
    books = [TargetBook({}, {}) for _ in buckets.periods]
    if not wanted:
        return books
    t = Target.__table__.c
    keys = [and_(t.period_kind == kind, t.period_start == start) for kind, start in wanted]
    stmt = select(t.rep_id, t.team_id, t.kpi, t.period_kind, t.period_start, t.value).where(or_(*keys))
    if reps is not None:
        team_ids = sorted({r.team_id for r in reps if r.team_id is not None})
        stmt = stmt.where(or_(t.rep_id.in_([r.id for r in reps]), t.team_id.in_(team_ids)))
    for row in session.execute(stmt):
        book = books[wanted[(row.period_kind, row.period_start)]]
        owner = book.by_rep if row.rep_id is not None else book.by_team
        owner.setdefault(row.rep_id if row.rep_id is not None else row.team_id, {})[row.kpi] = row.value
    return books


def targets(session: Session, period: Period, zone: ZoneInfo | None = None) -> TargetBook:
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


def kpi_series(session: Session, buckets: Buckets, reps: Iterable[RepRow],
               only: Iterable[str] | None = None) -> Series:
    """KpiInputs per bucket; with `only` (KPI keys), the facts the other KPIs need are left at zero."""
    reps = list(reps)
    rep_ids = [r.id for r in reps]
    books = target_books(session, buckets, reps)
    needed = set(FACT_QUERIES) if only is None else set().union(*(KPI_SOURCES[k] for k in only))
    parts = [query(session, buckets, rep_ids) for name, query in FACT_QUERIES.items() if name in needed]
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


def _rep_rows(session: Session, *conditions: ColumnElement[bool]) -> list[RepRow]:
    r, t = Rep.__table__.c, Team.__table__.c
    stmt = (select(r.id, r.name, r.email, r.team_id, t.name.label("team"), r.role, r.active)
            .select_from(Rep.__table__.outerjoin(Team.__table__, r.team_id == t.id))
            .where(*conditions).order_by(func.lower(r.name), r.id))
    return [RepRow(**row._mapping) for row in session.execute(stmt)]


QUOTA_ROLES = ("rep",)


def reps_in_scope(session: Session, team_ids: Sequence[int] | None, active_only: bool = True,
                  roles: Sequence[str] = QUOTA_ROLES) -> list[RepRow]:
    """Quota-carrying reps of the teams (all teams when None): the leaderboard's rows and the team median."""
    r = Rep.__table__.c
    conditions: list[ColumnElement[bool]] = [r.role.in_(roles)]
    if team_ids is not None:
        conditions.append(r.team_id.in_(team_ids))
    if active_only:
        conditions.append(r.active.is_(True))
    return _rep_rows(session, *conditions)


def find_reps(session: Session, ref: str) -> list[RepRow]:
    """Reps whose email or name equals `ref`, case-insensitive."""
    r = Rep.__table__.c
    key = ref.strip().lower()
    by_email = _rep_rows(session, func.lower(r.email) == key)
    return by_email or _rep_rows(session, func.lower(r.name) == key)


def rep_by_id(session: Session, rep_id: int) -> RepRow | None:
    rows = _rep_rows(session, Rep.__table__.c.id == rep_id)
    return rows[0] if rows else None


def find_team(session: Session, name: str) -> tuple[int, str] | None:
    t = Team.__table__.c
    row = session.execute(select(t.id, t.name).where(func.lower(t.name) == name.strip().lower())).first()
    return (row.id, row.name) if row else None


def all_teams(session: Session) -> list[tuple[int, str]]:
    t = Team.__table__.c
    return [(row.id, row.name) for row in session.execute(select(t.id, t.name).order_by(func.lower(t.name)))]


def managed_team_ids(session: Session, rep_id: int) -> list[int]:
    m = TeamManager.__table__.c
    return [tid for (tid,) in session.execute(select(m.team_id).where(m.rep_id == rep_id))]


def scorecard_weights(session: Session) -> dict[int, dict[str, Decimal]]:
    """Teams that configured their own scorecard: team id -> KPI -> weight."""
    w = ScorecardWeight.__table__.c
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for team_id, key, weight in session.execute(select(w.team_id, w.kpi, w.weight)):
        result[team_id][key] = weight
    return dict(result)


def replace_scorecard_weights(session: Session, team_id: int, weights: dict[str, Decimal]) -> None:
    from sqlalchemy import delete, insert

    session.execute(delete(ScorecardWeight.__table__).where(ScorecardWeight.__table__.c.team_id == team_id))
    if weights:
        session.execute(insert(ScorecardWeight.__table__),
                        [{"team_id": team_id, "kpi": k, "weight": v} for k, v in weights.items()])
