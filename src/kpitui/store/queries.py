"""The KPI queries: a fixed handful of GROUP BY statements per period, whatever the number of reps.

Each returns additive facts per rep id; `kpi_inputs` assembles them into `KpiInputs`. Activity periods are
turned into UTC instant bounds once (Period.utc_bounds), so the range scans use the occurred_at indexes.
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


def activity_counts(session: Session, period: Period, zone: ZoneInfo,
                    rep_ids: Sequence[int] | None) -> dict[int, dict[str, int]]:
    lo, hi = period.utc_bounds(zone)
    a = Activity.__table__.c
    stmt = (
        select(a.rep_id,
               _count_if(a.kind == "call").label("calls"),
               _count_if(and_(a.kind == "call", a.outcome == "connected")).label("conversations"),
               _count_if(a.kind == "email").label("emails"),
               _count_if(a.kind == "meeting").label("meetings"),
               _count_if(a.kind == "demo").label("demos"),
               _count_if(a.kind == "proposal").label("proposals"),
               _count_if(a.kind == "idea").label("ideas"))
        .where(a.occurred_at >= lo, a.occurred_at < hi, *_scope(a.rep_id, rep_ids))
        .group_by(a.rep_id)
    )
    return {row.rep_id: dict(row._mapping) for row in session.execute(stmt)}


def closed_deals(session: Session, period: Period, rep_ids: Sequence[int] | None) -> dict[int, dict[str, Any]]:
    """Won/lost counts, revenue and cycle days in the period, and revenue of the previous period."""
    d = Deal.__table__.c
    previous = period.previous()
    in_period = d.closed_on >= period.start
    won = and_(in_period, d.outcome == "won")
    stmt = (
        select(d.rep_id,
               _count_if(won).label("won_deals"),
               _count_if(and_(in_period, d.outcome == "lost")).label("lost_deals"),
               _sum_if(won, func.coalesce(d.amount_cents, 0)).label("revenue_cents"),
               _sum_if(won, days_between(d.created_on, d.closed_on)).label("won_cycle_days"),
               _sum_if(and_(d.closed_on < previous.end, d.outcome == "won"),
                       func.coalesce(d.amount_cents, 0)).label("previous_revenue_cents"))
        .where(d.closed_on >= min(previous.start, period.start), d.closed_on < period.end,
               d.outcome.in_(("won", "lost")), *_scope(d.rep_id, rep_ids))
        .group_by(d.rep_id)
    )
    return {row.rep_id: dict(row._mapping) for row in session.execute(stmt)}


def _local_midnight_offset(period: Period, zone: ZoneInfo, column: Any) -> Any:
    """Seconds the zone is ahead of UTC at local midnight of `column` (a date in the period), as SQL."""
    runs: list[tuple[date, float]] = []
    day = period.start
    while day < period.end:
        offset = datetime.combine(day, time(0), zone).utcoffset()
        seconds = offset.total_seconds() if offset else 0.0
        if not runs or runs[-1][1] != seconds:
            runs.append((day, seconds))
        day += timedelta(days=1)
    if len(runs) <= 1:
        return literal(runs[0][1] if runs else 0.0)
    whens = [(column < runs[i + 1][0], runs[i][1]) for i in range(len(runs) - 1)]
    return case(*whens, else_=runs[-1][1])


def created_deals(session: Session, period: Period, zone: ZoneInfo,
                  rep_ids: Sequence[int] | None) -> dict[int, dict[str, Any]]:
    """New opportunities, and hours from each one's creation (local midnight) to its first linked activity."""
    d = Deal.__table__.c
    a = aliased(Activity.__table__)
    first_touch = select(func.min(a.c.occurred_at)).where(a.c.deal_id == d.id).scalar_subquery()
    created_at = epoch_seconds(d.created_on) - _local_midnight_offset(period, zone, d.created_on)
    inner = (
        select(d.rep_id.label("rep_id"), d.created_on.label("created_on"), first_touch.label("first_touch"),
               created_at.label("created_at"))
        .where(d.created_on >= period.start, d.created_on < period.end, *_scope(d.rep_id, rep_ids))
        .subquery()
    )
    responded = inner.c.first_touch.is_not(None)
    stmt = (
        select(inner.c.rep_id,
               func.count().label("new_opps"),
               _count_if(responded).label("responded_deals"),
               _sum_if(responded, (epoch_seconds(inner.c.first_touch) - inner.c.created_at) / 3600.0)
               .label("response_hours"))
        .group_by(inner.c.rep_id)
    )
    return {row.rep_id: dict(row._mapping) for row in session.execute(stmt)}


def new_customers(session: Session, period: Period, rep_ids: Sequence[int] | None) -> dict[int, int]:
    """Won deals in the period that are their account's first-ever win (earliest close, then lowest id)."""
    d = Deal.__table__.c
    e = aliased(Deal.__table__)
    earlier_win = (
        select(literal(1))
        .where(e.c.account == d.account, e.c.outcome == "won",
               or_(e.c.closed_on < d.closed_on, and_(e.c.closed_on == d.closed_on, e.c.id < d.id)))
        .exists()
    )
    stmt = (
        select(d.rep_id, func.count())
        .where(d.closed_on >= period.start, d.closed_on < period.end, d.outcome == "won", d.account != "",
               ~earlier_win, *_scope(d.rep_id, rep_ids))
        .group_by(d.rep_id)
    )
    return {rep_id: count for rep_id, count in session.execute(stmt)}


def open_pipeline(session: Session, period: Period, rep_ids: Sequence[int] | None) -> dict[int, dict[str, int]]:
    """Deals open at the period's end: created before it and not closed before it."""
    d = Deal.__table__.c
    stmt = (
        select(d.rep_id, func.count().label("open_deals"),
               func.coalesce(func.sum(d.amount_cents), 0).label("open_pipeline_cents"))
        .where(d.created_on < period.end, or_(d.closed_on.is_(None), d.closed_on >= period.end),
               *_scope(d.rep_id, rep_ids))
        .group_by(d.rep_id)
    )
    return {row.rep_id: dict(row._mapping) for row in session.execute(stmt)}


def score_sums(session: Session, period: Period, rep_ids: Sequence[int] | None) -> dict[int, dict[str, int]]:
    s = Score.__table__.c
    stmt = (
        select(s.rep_id,
               _sum_if(s.kind == "csat", s.value).label("csat_sum"),
               _count_if(s.kind == "csat").label("csat_count"),
               _sum_if(s.kind == "call_review", s.value).label("call_review_sum"),
               _count_if(s.kind == "call_review").label("call_review_count"))
        .where(s.on >= period.start, s.on < period.end, *_scope(s.rep_id, rep_ids))
        .group_by(s.rep_id)
    )
    return {row.rep_id: dict(row._mapping) for row in session.execute(stmt)}


def forecasts(session: Session, period: Period, rep_ids: Sequence[int] | None) -> dict[int, int]:
    """The committed number for exactly this period (custom ranges have none)."""
    if period.kind not in TARGET_KINDS:
        return {}
    f = Forecast.__table__.c
    stmt = select(f.rep_id, f.amount_cents).where(f.period_kind == period.kind, f.period_start == period.start,
                                                  *_scope(f.rep_id, rep_ids))
    return {rep_id: cents for rep_id, cents in session.execute(stmt)}


@dataclass(frozen=True)
class TargetBook:
    """Targets of one period: a rep's own target wins over the team default."""

    by_rep: dict[int, dict[str, Decimal]]
    by_team: dict[int, dict[str, Decimal]]

    def for_rep(self, rep_id: int, team_id: int | None) -> dict[str, Decimal]:
        merged = dict(self.by_team.get(team_id, {})) if team_id is not None else {}
        merged.update(self.by_rep.get(rep_id, {}))
        return merged


def targets(session: Session, period: Period) -> TargetBook:
    by_rep: dict[int, dict[str, Decimal]] = defaultdict(dict)
    by_team: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if period.kind in TARGET_KINDS:
        stmt = select(Target).where(Target.period_kind == period.kind, Target.period_start == period.start)
        for target in session.scalars(stmt):
            if target.rep_id is not None:
                by_rep[target.rep_id][target.kpi] = target.value
            elif target.team_id is not None:
                by_team[target.team_id][target.kpi] = target.value
    return TargetBook(dict(by_rep), dict(by_team))


def revenue_target_cents(values: dict[str, Decimal]) -> int | None:
    target = values.get("revenue")
    return None if target is None else int((target * 100).to_integral_value())


def kpi_inputs(session: Session, period: Period, zone: ZoneInfo, reps: Iterable[RepRow],
               book: TargetBook | None = None) -> dict[int, KpiInputs]:
    """KpiInputs for each of `reps` (every rep gets an entry, zeros included)."""
    reps = list(reps)
    rep_ids = [r.id for r in reps]
    book = book if book is not None else targets(session, period)
    parts: list[dict[int, dict[str, Any]]] = [
        activity_counts(session, period, zone, rep_ids),
        closed_deals(session, period, rep_ids),
        created_deals(session, period, zone, rep_ids),
        open_pipeline(session, period, rep_ids),
        score_sums(session, period, rep_ids),
    ]
    customers = new_customers(session, period, rep_ids)
    committed = forecasts(session, period, rep_ids)
    result: dict[int, KpiInputs] = {}
    for rep in reps:
        values: dict[str, Any] = {}
        for part in parts:
            values.update({k: v for k, v in part.get(rep.id, {}).items() if k != "rep_id"})
        values["new_customers"] = customers.get(rep.id, 0)
        values["won_cycle_days"] = float(values.get("won_cycle_days", 0) or 0)
        values["response_hours"] = float(values.get("response_hours", 0) or 0)
        inputs = KpiInputs(**{k: (v if isinstance(v, float) else int(v)) for k, v in values.items()})
        inputs = inputs.with_revenue_target(revenue_target_cents(book.for_rep(rep.id, rep.team_id)))
        result[rep.id] = inputs.with_forecast(committed.get(rep.id))
    return result


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
