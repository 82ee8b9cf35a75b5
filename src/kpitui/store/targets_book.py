"""What teams aim at: the target books (set targets and the cascade resolving them per rep), the lock writers of a
team's targets take, and each team's scorecard weights."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, or_, select

from kpitui.domain.calendar import WorkCalendar
from kpitui.domain.periods import TARGET_KINDS, Period
from kpitui.domain.targets import Resolved, covering, resolve_target
from kpitui.store import tables
from kpitui.store.buckets import Buckets, _period_keys, _period_params, _values, shaped
from kpitui.store.people_queries import RepRow

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
    t = tables.target.c
    # A target is above 0 (DESIGN.md section 4); a 0 stored before that was refused is no target, not 0 %.
    stmt = (select(t.rep_id, t.team_id, t.kpi, t.period_kind, t.period_start, t.value)
            .where(_period_keys(t.period_kind, t.period_start, kinds), t.value > 0))
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
    return None if target is None else revenue_cents(target)


def revenue_cents(target: Decimal) -> int:
    return int((target * 100).to_integral_value())


@shaped
def _weights_statement() -> Any:
    w = tables.scorecard_weight.c
    return select(w.team_id, w.kpi, w.weight)


def scorecard_weights(session: Connection) -> dict[int, dict[str, Decimal]]:
    """Teams that configured their own scorecard: team id -> KPI -> weight."""
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for team_id, key, weight in session.execute(_weights_statement()):
        result[team_id][key] = weight
    return dict(result)


def replace_scorecard_weights(session: Connection, team_id: int, weights: dict[str, Decimal]) -> None:
    from sqlalchemy import delete, insert

    from kpitui.store.records import delete_by_function

    if not delete_by_function(session, "scorecard_weight", "kpitui_delete_scorecard", team_id):
        session.execute(delete(tables.scorecard_weight).where(tables.scorecard_weight.c.team_id == team_id))
    if weights:
        session.execute(insert(tables.scorecard_weight),
                        [{"team_id": team_id, "kpi": k, "weight": v} for k, v in weights.items()])
