"""Reports: leaderboard, scorecard, drill-down, funnel, trend and sparklines, each read in one snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from kpitui.domain.diagnosis import activity_volume, diagnose
from kpitui.domain.errors import InvalidInput
from kpitui.domain.kpis import CATALOGUE, DEFAULT_SCORECARD, KPIS, KpiInputs, KpiValue, compute_kpis, kpi, summed
from kpitui.domain.periods import Period
from kpitui.domain.reports import (
    FunnelReport,
    Leaderboard,
    LeaderboardRow,
    Scorecard,
    ScorecardLine,
    Trend,
    TrendPoint,
)
from kpitui.domain.scoring import (
    attainment,
    change,
    competition_ranks,
    funnel_steps,
    median,
    median_funnel,
    pace_status,
    projected,
    scorecard_score,
)
from kpitui.services.access import AccessRules
from kpitui.services.core import one_snapshot
from kpitui.store import queries
from kpitui.store.queries import RepRow

SORT_KEYS = ("score", *KPIS)


@dataclass(frozen=True)
class TeamKpis:
    """One period's KPIs for a set of reps, plus the targets that applied."""

    period: Period
    reps: list[RepRow]
    inputs: dict[int, KpiInputs]
    kpis: dict[int, dict[str, KpiValue]]
    targets: dict[int, dict[str, Decimal]]
    weights: dict[int, dict[str, Decimal]]  # each rep's team scorecard
    target_sources: dict[int, dict[str, str]] = field(default_factory=dict)  # rep | team | derived:2026-Q4

    @property
    def totals(self) -> dict[str, KpiValue]:
        return compute_kpis(summed(list(self.inputs.values())))


class ReportService(AccessRules):
    def team_kpis(self, period: Period, reps: Sequence[RepRow]) -> TeamKpis:
        return self.kpi_series([period], reps)[0]

    def kpi_series(self, periods: Sequence[Period], reps: Sequence[RepRow],
                   only: Sequence[str] | None = None) -> list[TeamKpis]:
        """KPIs of `reps` for contiguous periods, oldest first, in one handful of queries (fewer with `only`:
        then only those KPIs are right, and the score is not: it is computed with the default weights)."""
        with self.db.read() as session:
            series = queries.kpi_series(session, queries.Buckets(tuple(periods), self.zone), reps, only,
                                        self.calendar)
            weights = queries.scorecard_weights(session) if only is None else {}
        rep_weights = {r.id: weights.get(r.team_id, DEFAULT_SCORECARD) if r.team_id is not None
                       else DEFAULT_SCORECARD for r in reps}
        return [TeamKpis(period, list(reps), inputs, {rid: compute_kpis(x) for rid, x in inputs.items()},
                         {r.id: book.for_rep(r.id, r.team_id) for r in reps}, rep_weights,
                         {r.id: book.sources_for_rep(r.id, r.team_id) for r in reps})
                for period, inputs, book in zip(periods, series.inputs, series.books, strict=True)]

    @one_snapshot
    def leaderboard(self, period: Period, team: str | None = None, sort: str = "score",
                    with_previous: bool = False) -> Leaderboard:
        if sort not in SORT_KEYS:
            raise InvalidInput(f"cannot sort by {sort!r}: use score or one of {', '.join(KPIS)}")
        team_ids, team_name = self._leaderboard_scope(team)
        with self.db.read() as session:
            reps = queries.reps_in_scope(session, team_ids)
        if with_previous:
            previous, current = self.kpi_series([period.previous(), period], reps)
        else:
            previous, current = None, self.team_kpis(period, reps)
        rows = []
        for rep in reps:
            kpis, targets = current.kpis[rep.id], current.targets[rep.id]
            attained = {key: attainment(key, kpis[key], targets.get(key)) for key in KPIS}
            rows.append(LeaderboardRow(
                rank=None, rep_id=rep.id, rep=rep.name, team=rep.team,
                score=scorecard_score(attained, targets, current.weights[rep.id]), kpis=kpis, targets=targets,
                attainment=attained, previous=previous.kpis[rep.id] if previous else {},
                target_sources=current.target_sources.get(rep.id, {})))
        higher = True if sort == "score" else KPIS[sort].higher_is_better
        ranked = competition_ranks(rows, lambda r: r.score if sort == "score" else r.kpis[sort],
                                   lambda r: r.rep, higher)
        rows = [LeaderboardRow(**{**row.__dict__, "rank": rank}) for rank, row in ranked]
        return Leaderboard(period, team_name, sort, rows, current.totals,
                           previous.totals if previous else {})

    @one_snapshot
    def scorecard(self, period: Period, rep: str | None = None) -> Scorecard:
        person = self._rep_for_detail(rep)
        previous, current = self.kpi_series([period.previous(), period], [person])
        return self._scorecard(person, previous, current)

    @one_snapshot
    def history(self, period: Period, keys: Sequence[str], rep: str | None = None,
                count: int = 8) -> dict[str, list[KpiValue]]:
        """Each KPI over the `count` periods of `period`'s kind ending with it, oldest first (tile sparklines)."""
        for key in keys:
            kpi(key)
        person = self._rep_for_detail(rep)
        periods = period.ending_here(count)
        series = self.kpi_series(periods, [person], only=list(keys))
        return {key: [t.kpis[person.id][key] for t in series] for key in keys}

    @one_snapshot
    def drilldown(self, period: Period, rep: str | None = None) -> tuple[Scorecard, FunnelReport]:
        """A rep's scorecard and funnel together: one handful of queries over the rep's team for both."""
        person = self._rep_for_detail(rep)
        members = self._team_of(person)
        previous, current = self.kpi_series([period.previous(), period], members)
        return self._scorecard(person, previous, current), self._rep_funnel(person, members, current)

    def _scorecard(self, person: RepRow, previous: TeamKpis, current: TeamKpis) -> Scorecard:
        period = current.period
        kpis, before, targets = current.kpis[person.id], previous.kpis[person.id], current.targets[person.id]
        weights = current.weights[person.id]
        today = self.today()
        lines = []
        ordered = [*weights, *(k.key for k in CATALOGUE if k.key not in weights)]
        for key in ordered:
            target = targets.get(key)
            projection = projected(key, kpis[key], period, today)
            lines.append(ScorecardLine(
                key=key, label=kpi(key).label, value=kpis[key], target=target,
                attainment=attainment(key, kpis[key], target), projected=projection,
                status=pace_status(key, projection, target), previous=before[key],
                change=change(key, kpis[key], before[key]), in_scorecard=key in weights,
                target_source=current.target_sources.get(person.id, {}).get(key)))
        attained = {line.key: line.attainment for line in lines}
        return Scorecard(person.id, person.name, person.team, period,
                         scorecard_score(attained, targets, weights), lines)

    @one_snapshot
    def funnel(self, period: Period, rep: str | None = None, team: str | None = None) -> FunnelReport:
        if rep and team:
            raise InvalidInput("give --rep or --team, not both")
        if team or (rep is None and self.actor is None):
            team_ids, team_name = self._leaderboard_scope(team)
            with self.db.read() as session:
                members = queries.reps_in_scope(session, team_ids)
            group = self.team_kpis(period, members)
            member_funnels = [funnel_steps(group.kpis[m.id]) for m in members]
            return FunnelReport(period, None, team_name, funnel_steps(group.totals), median_funnel(member_funnels),
                                [])
        person = self._rep_for_detail(rep)
        members = self._team_of(person)
        return self._rep_funnel(person, members, self.team_kpis(period, members))

    def _team_of(self, person: RepRow) -> list[RepRow]:
        """The rep's quota-carrying team mates, the rep included (the team median's population)."""
        with self.db.read() as session:
            members = queries.reps_in_scope(session, [person.team_id] if person.team_id is not None else [])
        if person.id not in {m.id for m in members}:
            members.append(person)
        return members

    def _rep_funnel(self, person: RepRow, members: list[RepRow], group: TeamKpis) -> FunnelReport:
        member_funnels = [funnel_steps(group.kpis[m.id]) for m in members]
        team_medians = {key: median([group.kpis[m.id][key] for m in members]) for key in KPIS}
        team_medians["activity_volume"] = median([activity_volume(group.kpis[m.id]) for m in members])
        mine = funnel_steps(group.kpis[person.id])
        team_funnel = median_funnel(member_funnels)
        findings = diagnose(group.kpis[person.id], mine, team_medians, team_funnel)
        return FunnelReport(group.period, person.name, person.team, mine, team_funnel, findings)

    @one_snapshot
    def trend(self, key: str, rep: str | None = None, weeks: int = 13, until: Period | None = None) -> Trend:
        """Weekly values of one KPI for the `weeks` weeks ending with the week of `until`'s last day, or of
        today when that is earlier (no empty future weeks), with each week's target."""
        kpi(key)
        person = self._rep_for_detail(rep)
        last_day = min(until.last_day, self.today()) if until else self.today()
        last = Period.week_of(max(last_day, until.start) if until else last_day)
        periods = last.ending_here(weeks)
        series = self.kpi_series(periods, [person], only=[key])
        return Trend(key, person.name, [TrendPoint(t.period, t.kpis[person.id][key], t.targets[person.id].get(key))
                                        for t in series])
