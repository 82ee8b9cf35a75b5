"""The manager's cockpit: who needs attention (`alerts`) and suggested targets (`targets suggest`).

Both are computed by the database in a fixed handful of statements whatever the number of reps; the rules are
in domain/alerts.py and domain/suggestions.py. Scope: an admin sees everyone (or --team); a manager their
teams; a rep only themselves (a team's alerts and targets are its managers' business).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection

from kpitui.domain import alerts as rules
from kpitui.domain import suggestions as suggesting
from kpitui.domain.alerts import Alert, AlertsReport, Who
from kpitui.domain.errors import AccessDenied, InvalidInput
from kpitui.domain.periods import TARGET_KINDS, Period
from kpitui.domain.suggestions import Suggestion, SuggestionsReport
from kpitui.services.core import one_snapshot
from kpitui.services.reports import ReportService
from kpitui.services.targets import TargetService
from kpitui.store import attention, people_queries, records, targets_book
from kpitui.store.buckets import Buckets
from kpitui.store.people_queries import RepRow


class CockpitService(ReportService, TargetService):
    def _cockpit_scope(self, team: str | None) -> tuple[list[RepRow], str | None]:
        """The reps whose alerts / suggestions the actor may see: a rep only themselves."""
        if self.actor is not None and self.actor.role == "rep":
            if team and (self.actor.team or "").casefold() != team.strip().casefold():
                raise AccessDenied(f"{self.actor.name} may not see team {team}'s alerts or targets: its managers "
                                   "and admins only")
            return [self.actor], self.actor.team
        team_ids, team_name = self._leaderboard_scope(team)
        with self.db.read() as session:
            return people_queries.reps_in_scope(session, team_ids), team_name

    def _local_midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self.zone).astimezone(UTC)

    # -- who needs attention -------------------------------------------------------------------------------------
    @one_snapshot
    def alerts(self, period: Period, team: str | None = None) -> AlertsReport:
        """behind_pace, no_activity and stalled_deal for every rep in scope (domain/alerts.py has the rules)."""
        reps, team_name = self._cockpit_scope(team)
        today, now = self.today(), self.now()
        ids = [r.id for r in reps]
        who = {r.id: Who(r.id, r.name, r.team) for r in reps}
        found: list[Alert] = []
        elapsed = self.calendar.elapsed(period, today)
        if reps and rules.judges_pace(elapsed):
            group = self.kpi_series([period], reps, only=rules.PACE_KPIS)[0]
            for rep in reps:
                found += rules.behind_pace(who[rep.id], group.kpis[rep.id], group.targets[rep.id], elapsed)
        quiet = rules.quiet_days(self.calendar, today)
        stalled_by = rules.stalled_cutoff(today)
        with self.db.read() as session:
            lookback = self._local_midnight(today - timedelta(days=rules.LOOKBACK_DAYS))
            last = attention.last_activity(session, ids, lookback, now + timedelta(minutes=5))
            stalled = attention.stalled_deals(session, ids, stalled_by,
                                              self._local_midnight(stalled_by + timedelta(days=1)))
        for rep in reps:
            alert = rules.no_activity(who[rep.id], last.get(rep.id), quiet, today, self.zone)
            if alert is not None:
                found.append(alert)
        found += [rules.stalled_deal(who[deal.rep_id], deal, today, self.zone) for deal in stalled]
        return AlertsReport(period, team_name, rules.ordered(found))

    # -- suggested targets ---------------------------------------------------------------------------------------
    @one_snapshot
    def suggest_targets(self, period: Period, team: str | None = None,
                        keys: Sequence[str] = suggesting.SUGGESTED_KPIS) -> SuggestionsReport:
        """Per rep and KPI: the 80th percentile of the last 12 complete weeks, scaled by working days."""
        if period.kind not in TARGET_KINDS:
            raise InvalidInput(f"targets are set per {', '.join(TARGET_KINDS)}: {period.label} is none of those")
        reps, team_name = self._cockpit_scope(team)
        weeks = suggesting.complete_weeks(self.today())
        ids = [r.id for r in reps]
        with self.db.read() as session:
            weekly = attention.weekly_values(session, Buckets(tuple(weeks), self.zone), ids)
            seen = attention.first_seen(session, ids)
        period_days = self.calendar.days_in(period)
        week_days = len(self.calendar.workdays)
        found = []
        for rep in reps:
            first_activity, first_deal = seen.get(rep.id, (None, None))
            days = [d for d in (first_activity.astimezone(self.zone).date() if first_activity else None,
                                first_deal) if d is not None]
            history = suggesting.history_weeks(weeks, min(days) if days else None)
            if len(history) < suggesting.MIN_WEEKS:
                continue
            basis = suggesting.basis([weeks[i] for i in history])
            for key in keys:
                values = [weekly.get((rep.id, key, i), 0) for i in history]
                value = suggesting.suggest(key, values, period_days, week_days)
                if value is not None:
                    found.append(Suggestion(rep.id, rep.name, rep.team, key, value, basis, rep.email or rep.name))
        return SuggestionsReport(period, team_name, weeks, found)

    def apply_suggestions(self, report: SuggestionsReport, only: Sequence[tuple[int, str]] | None = None) -> int:
        """Write the suggestions (or those of `only`: (rep id, KPI) pairs) as the reps' own targets for the
        report's period, through the audited target path, in one transaction: all or none. Returns how many
        changed (a suggestion that already is the target is left alone)."""
        chosen = [s for s in report.suggestions if only is None or (s.rep_id, s.kpi) in set(only)]
        if not chosen:
            return 0
        with self.db.read() as session:
            people = {s.rep_id: people_queries.rep_by_id(session, s.rep_id) for s in chosen}
        teams: dict[int, str] = {}
        for s in chosen:
            person = people[s.rep_id]
            if person is None or person.team_id is None:
                raise InvalidInput(f"{s.rep} is in no team, so no manager can set their targets")
            teams[person.team_id] = person.team or ""
        for team_id, team_name in teams.items():
            self._require_team_write(team_id, team_name)

        def write(session: Connection) -> int:
            for team_id in sorted(teams):
                targets_book.lock_team_targets(session, team_id)
            written = 0
            for s in chosen:
                person = people[s.rep_id]
                assert person is not None and person.team_id is not None
                existing = records.find_target(session, rep_id=s.rep_id, team_id=None, kpi=s.kpi,
                                               period_kind=report.period.kind, period_start=report.period.start)
                if existing is not None and existing.value == s.value:
                    continue  # already the target: no write, and no history entry that changes nothing
                self._put_target(session, {"rep_id": s.rep_id, "team_id": None}, person.team_id, s.kpi,
                                 report.period, s.value)
                written += 1
            return written

        return self.db.run_write(write)
