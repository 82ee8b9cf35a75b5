"""Reports: leaderboard, scorecard, drill-down, funnel, trend and sparklines, each read in one snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from kpitui.domain.calendar import Elapsed
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
    Phase,
    Tone,
    attainment,
    change,
    competition_ranks,
    due_today,
    funnel_steps,
    like_for_like,
    median,
    median_funnel,
    pace_status,
    per_day_left,
    phase,
    projected,
    score_tone,
    scorecard_score,
    team_attainments,
    tone,
)
from kpitui.services.access import AccessRules
from kpitui.services.core import one_snapshot
from kpitui.store import people_queries, queries, targets_book
from kpitui.store.buckets import Buckets
from kpitui.store.people_queries import RepRow

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

    def with_previous_revenue(self, cents: dict[int, int]) -> TeamKpis:
        """The same KPIs with revenue growth measured against `cents` (per rep) instead of the whole previous
        period's revenue."""
        inputs = {rid: replace(x, previous_revenue_cents=cents.get(rid, 0)) for rid, x in self.inputs.items()}
        return replace(self, inputs=inputs, kpis={rid: compute_kpis(x) for rid, x in inputs.items()})


@dataclass(frozen=True)
class Comparison:
    """A period beside the previous one, like for like (DESIGN.md section 3): `to_date` is the previous period's
    span of the same elapsed calendar days while `current` runs, the whole previous period once it is over, None
    before it begins. Change and the ▲▼ arrows compare with `to_date`."""

    previous: TeamKpis
    current: TeamKpis
    to_date: TeamKpis | None


def _shared_weights(weights: Sequence[dict[str, Decimal]]) -> dict[str, Decimal]:
    """The scorecard the team score is measured with: the members' when they share one, else the default."""
    distinct = {tuple(sorted(w.items())) for w in weights}
    return dict(weights[0]) if len(distinct) == 1 else dict(DEFAULT_SCORECARD)


class ReportService(AccessRules):
    def team_kpis(self, period: Period, reps: Sequence[RepRow]) -> TeamKpis:
        return self.kpi_series([period], reps)[0]

    def kpi_series(self, periods: Sequence[Period], reps: Sequence[RepRow],
                   only: Sequence[str] | None = None) -> list[TeamKpis]:
        """KPIs of `reps` for contiguous periods, oldest first, in one handful of queries (fewer with `only`:
        then only those KPIs are right, and the score is not: it is computed with the default weights).
        Revenue growth of a period in progress is like for like (one more statement for that period)."""
        series = self._kpi_series(periods, reps, only)
        if only is not None and "revenue_growth" not in only:
            return series
        return [self._growth_like_for_like(group, reps) for group in series]

    def comparison(self, period: Period, reps: Sequence[RepRow]) -> Comparison:
        """`period` and the previous one, with the previous period's like-for-like span: one more handful of
        statements while `period` runs, none otherwise."""
        previous, current = self._kpi_series([period.previous(), period], reps)
        span = like_for_like(period, self.today())
        if span is None or span == previous.period:
            to_date = previous if span else None
        else:
            to_date = self._kpi_series([span], reps)[0]
            # a partial span's own growth would be against the days just before it: not a figure anyone reads
            to_date = to_date.with_previous_revenue({})
        return Comparison(previous, self._growth_like_for_like(current, reps, to_date), to_date)

    def _growth_like_for_like(self, group: TeamKpis, reps: Sequence[RepRow],
                              to_date: TeamKpis | None = None) -> TeamKpis:
        """Revenue growth is a change vs the previous period, so it follows the like-for-like rule: while the
        period runs, against the previous period's revenue over the same elapsed days; none before it begins."""
        span = like_for_like(group.period, self.today())
        if span == group.period.previous():
            return group
        if span is None:
            return group.with_previous_revenue({})
        if to_date is None or to_date.period != span:
            to_date = self._kpi_series([span], reps, ["revenue"])[0]
        return group.with_previous_revenue({rid: x.revenue_cents for rid, x in to_date.inputs.items()})

    def _kpi_series(self, periods: Sequence[Period], reps: Sequence[RepRow],
                    only: Sequence[str] | None = None) -> list[TeamKpis]:
        with self.db.read() as session:
            series = queries.kpi_series(session, Buckets(tuple(periods), self.zone), reps, only,
                                        self.calendar)
            weights = targets_book.scorecard_weights(session) if only is None else {}
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
            reps = people_queries.reps_in_scope(session, team_ids)
        if with_previous:
            compared = self.comparison(period, reps)
            current, before = compared.current, compared.to_date
        else:
            current, before = self.team_kpis(period, reps), None
        today = self.today()
        elapsed, when = self.calendar.elapsed(period, today), phase(period, today)
        rows = []
        for rep in reps:
            kpis, targets, weights = current.kpis[rep.id], current.targets[rep.id], current.weights[rep.id]
            # without a target there is no attainment: skip the arithmetic (5,000 reps x 26 KPIs)
            attained = {key: attainment(key, kpis[key], targets[key]) if key in targets else None for key in KPIS}
            paced = {key: attainment(key, projected(key, kpis[key], elapsed), targets[key]) if key in targets
                     else None for key in weights}
            rows.append(LeaderboardRow(
                rank=None, rep_id=rep.id, rep=rep.name, team=rep.team,
                score=scorecard_score(attained, targets, weights), kpis=kpis, targets=targets,
                attainment=attained, previous=before.kpis[rep.id] if before else {},
                target_sources=current.target_sources.get(rep.id, {}),
                score_tone=score_tone(attained, paced, targets, weights, when)))
        higher = True if sort == "score" else KPIS[sort].higher_is_better
        ranked = competition_ranks(rows, lambda r: r.score if sort == "score" else r.kpis[sort],
                                   lambda r: r.rep, higher)
        rows = [LeaderboardRow(**{**row.__dict__, "rank": rank}) for rank, row in ranked]
        totals = current.totals
        weights = _shared_weights([current.weights[r.id] for r in reps])
        team_score, team_tone, team_targets = self._team_score(current, reps, totals, weights, elapsed, when)
        return Leaderboard(period, team_name, sort, rows, totals, before.totals if before else {},
                           phase=when, elapsed=elapsed, total_score=team_score, total_score_tone=team_tone,
                           total_targets=team_targets)

    @staticmethod
    def _team_score(current: TeamKpis, reps: Sequence[RepRow], totals: dict[str, KpiValue],
                    weights: dict[str, Decimal], elapsed: Elapsed, when: Phase) -> tuple[float | None, Tone,
                                                                                           dict[str, Decimal]]:
        """The Σ row's score: the scorecard score of the team's attainments from summed facts, and its tone
        by the projected totals while the period runs (as a rep's score)."""
        values = [current.kpis[r.id] for r in reps]
        own = [current.targets[r.id] for r in reps]
        attained, targets = team_attainments(values, own, totals, list(KPIS))
        # team_attainments reads a member's projection only where the member has a target
        projections = [{k: projected(k, kpis[k], elapsed) for k in mine if k in kpis}
                       for kpis, mine in zip(values, own, strict=True)]
        projected_totals = {k: projected(k, v, elapsed) for k, v in totals.items()}
        paced, _ = team_attainments(projections, own, projected_totals, list(weights))
        score = scorecard_score(attained, targets, weights)
        return score, score_tone(attained, paced, targets, weights, when), targets

    @one_snapshot
    def scorecard(self, period: Period, rep: str | None = None) -> Scorecard:
        person = self._rep_for_detail(rep)
        return self._scorecard(person, self.comparison(period, [person]))

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
        compared = self.comparison(period, members)
        return self._scorecard(person, compared), self._rep_funnel(person, members, compared.current)

    def _scorecard(self, person: RepRow, compared: Comparison) -> Scorecard:
        current = compared.current
        period = current.period
        kpis, before, targets = current.kpis[person.id], compared.previous.kpis[person.id], current.targets[person.id]
        to_date = compared.to_date.kpis[person.id] if compared.to_date else None
        weights = current.weights[person.id]
        today = self.today()
        elapsed, when = self.calendar.elapsed(period, today), phase(period, today)
        lines = []
        ordered = [*weights, *(k.key for k in CATALOGUE if k.key not in weights)]
        for key in ordered:
            target, value = targets.get(key), kpis[key]
            projection = projected(key, value, elapsed)
            status = pace_status(key, projection, target, elapsed)
            attained = attainment(key, value, target)
            against = to_date[key] if to_date is not None else None
            lines.append(ScorecardLine(
                key=key, label=kpi(key).label, value=value, target=target, attainment=attained,
                projected=projection, status=status, previous=before[key],
                change=change(key, value, against) if to_date is not None else None, in_scorecard=key in weights,
                target_source=current.target_sources.get(person.id, {}).get(key),
                previous_to_date=against, due_today=due_today(key, value, target, elapsed, when),
                per_day_left=per_day_left(key, value, target, elapsed, when), tone=tone(status, attained, when)))
        attained_by_key = {line.key: line.attainment for line in lines}
        return Scorecard(person.id, person.name, person.team, period,
                         scorecard_score(attained_by_key, targets, weights), lines, phase=when, elapsed=elapsed,
                         compared_with=compared.to_date.period if compared.to_date else None)

    @one_snapshot
    def funnel(self, period: Period, rep: str | None = None, team: str | None = None) -> FunnelReport:
        if rep and team:
            raise InvalidInput("give --rep or --team, not both")
        if team or (rep is None and self.actor is None):
            team_ids, team_name = self._leaderboard_scope(team)
            with self.db.read() as session:
                members = people_queries.reps_in_scope(session, team_ids)
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
            members = people_queries.reps_in_scope(session, [person.team_id] if person.team_id is not None else [])
        if person.id not in {m.id for m in members}:
            members.append(person)
        return members

    def _rep_funnel(self, person: RepRow, members: list[RepRow], group: TeamKpis) -> FunnelReport:
        member_funnels = [funnel_steps(group.kpis[m.id]) for m in members]
        team_medians = {key: median([group.kpis[m.id][key] for m in members]) for key in KPIS}
        team_medians["activity_volume"] = median([activity_volume(group.kpis[m.id]) for m in members])
        mine = funnel_steps(group.kpis[person.id])
        team_funnel = median_funnel(member_funnels)
        findings = diagnose(group.kpis[person.id], mine, team_medians, team_funnel,
                            self._revenue_behind(person, group))
        return FunnelReport(group.period, person.name, person.team, mine, team_funnel, findings)

    def _revenue_behind(self, person: RepRow, group: TeamKpis) -> bool | None:
        """Whether the rep's revenue is behind pace against its target (None: no target, or no day counted)."""
        target = group.targets[person.id].get("revenue")
        elapsed = self.calendar.elapsed(group.period, self.today())
        status = pace_status("revenue", projected("revenue", group.kpis[person.id]["revenue"], elapsed), target,
                             elapsed)
        return None if status is None else status == "behind"

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
