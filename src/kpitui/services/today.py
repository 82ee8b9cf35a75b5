"""The rep's day (`kpitui today`, the Today panel): due today, what the revenue gap takes, deals to follow up,
rank in the team. One snapshot, a fixed handful of statements whatever the size of the team: the team's KPIs
for the period (they give the rep's numbers and the ranking), their funnel over the last 13 full weeks (the
conversion rates), and the rep's quiet deals."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from kpitui.domain.kpis import CATALOGUE, FUNNEL_STEPS
from kpitui.domain.periods import Period
from kpitui.domain.scoring import (
    attainment,
    competition_ranks,
    due_today,
    per_day_left,
    phase,
    scorecard_score,
)
from kpitui.domain.today import (
    FOLLOW_UP_AFTER_DAYS,
    HISTORY_WEEKS,
    Due,
    FollowUp,
    TodayReport,
    days_since,
    deal_size,
    reverse_funnel,
    step_rates,
)
from kpitui.services.core import one_snapshot
from kpitui.services.reports import ReportService, TeamKpis
from kpitui.store import follow_ups
from kpitui.store.people_queries import RepRow

LEADING = tuple(k.key for k in CATALOGUE if k.family == "leading")


class TodayService(ReportService):
    @one_snapshot
    def rep_day(self, rep: str | None = None, period: Period | None = None) -> TodayReport:
        """The rep's day in `period` (default: this month)."""
        person = self._rep_for_detail(rep)
        today = self.today()
        period = period or self.period(None)
        members = self._team_of(person)
        current = self.team_kpis(period, members)
        history = self.kpi_series([self.history_span()], members, only=[*FUNNEL_STEPS, "avg_deal_size"])[0]
        elapsed, when = self.calendar.elapsed(period, today), phase(period, today)
        kpis, targets = current.kpis[person.id], current.targets[person.id]
        due = [Due(key, kpis[key], targets[key], due_today(key, kpis[key], targets[key], elapsed, when),
                   per_day_left(key, kpis[key], targets[key], elapsed, when))
               for key in LEADING if targets.get(key) is not None]
        gap = None
        if when == "in progress" and targets.get("revenue") is not None:
            gap = targets["revenue"] - (kpis["revenue"] or 0)  # type: ignore[operator]
        mine = history.kpis[person.id]
        steps = {m.id: {key: int(history.kpis[m.id][key] or 0) for key in FUNNEL_STEPS} for m in members}
        size = deal_size(mine["avg_deal_size"], steps[person.id]["won_deals"],
                         [history.kpis[m.id]["avg_deal_size"] for m in members])
        needs = reverse_funnel(gap, size, step_rates(steps[person.id], [steps[m.id] for m in members]))
        rank, ranked = self._rank_in_team(person, members, current)
        return TodayReport(person.name, person.team, today, period, due, needs, self._follow_ups(person.id),
                           rank, ranked)

    def history_span(self) -> Period:
        """The reverse funnel's history: the last HISTORY_WEEKS full ISO weeks before this one, as one range."""
        weeks = Period.week_of(self.today()).previous().ending_here(HISTORY_WEEKS)
        return Period(weeks[0].start, weeks[-1].end, "range")

    def _rank_in_team(self, person: RepRow, members: list[RepRow], current: TeamKpis) -> tuple[int | None, int]:
        """The rep's place on their team's leaderboard by score (the same competition ranking as
        `leaderboard`), and how many it ranks; none for someone outside a team."""
        if person.team_id is None:
            return None, 0
        scores = {}
        for m in members:
            targets = current.targets[m.id]
            attained = {key: attainment(key, value, targets.get(key)) for key, value in current.kpis[m.id].items()}
            scores[m.id] = scorecard_score(attained, targets, current.weights[m.id])
        ranked = competition_ranks(members, lambda m: scores[m.id], lambda m: m.name)
        return next(rank for rank, m in ranked if m.id == person.id), sum(1 for rank, _ in ranked if rank)

    def _follow_ups(self, rep_id: int) -> list[FollowUp]:
        """Open deals with no linked activity for FOLLOW_UP_AFTER_DAYS days (or, without any, since creation),
        the quietest first."""
        today = self.today()
        quiet_from = today - timedelta(days=FOLLOW_UP_AFTER_DAYS - 1)  # an activity on or after it is recent
        since = datetime.combine(quiet_from, time(0), self.zone).astimezone(UTC)
        with self.db.read() as session:
            quiet = follow_ups.quiet_deals(session, rep_id, since, today - timedelta(days=FOLLOW_UP_AFTER_DAYS))
        found = [FollowUp(d.id, d.external_id if d.external_id is not None else d.name, d.name, d.account,
                          days_since(today, d.created_on, None if d.last_activity_at is None else
                                     d.last_activity_at.astimezone(self.zone).date()))
                 for d in quiet]
        return sorted(found, key=lambda f: (-f.days_since_activity, f.name.casefold(), f.deal_id))
