"""Getting data in and out: CSV import, export rows, demo seed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from kpitui.domain.errors import InvalidInput
from kpitui.domain.periods import Period
from kpitui.store import people_queries, records, targets_book

if TYPE_CHECKING:
    from kpitui.store.import_report import ImportReport
    from kpitui.store.seed import SeedSummary
from kpitui.services.access import AccessRules
from kpitui.services.core import parse_date


class ExchangeService(AccessRules):
    def import_csv(self, kind: str, path: Path, mapping: dict[str, str] | None = None, dry_run: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> ImportReport:
        from kpitui.store.importer import import_csv

        self.require_admin(f"import {kind}")
        return import_csv(self.db, kind, path, mapping=mapping, dry_run=dry_run, zone=self.zone,
                          today=self.today(), now=self.now(), progress=progress)

    def export_rows(self, kind: str, period: Period, rep: str | None = None,
                    team: str | None = None) -> tuple[list[str], list[list[object]]]:
        """Activities, deals or 1:1 notes of the reps in scope, or the targets of the period, as plain rows.
        Notes: those written in the period about the people whose notes the actor reads."""
        if rep:
            people = [self._rep_for_detail(rep)]
        else:
            team_ids, _ = self._leaderboard_scope(team)
            with self.db.read() as session:
                people = [p for p in people_queries.reps_in_scope(session, team_ids, active_only=False,
                                                                  roles=("rep", "manager", "admin"))
                          if self.can_see_detail(p)]
        rep_ids = [p.id for p in people]
        if kind == "notes":
            return self.note_rows(rep_ids, period)  # type: ignore[attr-defined]  # NoteService, in the facade
        from kpitui.domain.inputs import own_external_id

        with self.db.read() as session:
            if kind == "activities":
                lo, hi = period.utc_bounds(self.zone)
                items = records.list_activities(session, rep_ids=rep_ids, lo=lo, hi=hi, limit=10_000_000)
                # external_id and deal as an import reads them back: importing this file adds nothing
                header = ["external_id", "rep", "kind", "occurred_at", "outcome", "duration_min", "deal", "note"]
                return header, [[a.external_id or own_external_id(a.id), a.rep, a.kind,
                                 a.occurred_at.astimezone(self.zone).isoformat(), a.outcome, a.duration_min,
                                 a.deal_ref, a.note] for a in reversed(items)]
            if kind == "deals":
                deals = records.list_deals(session, rep_ids=rep_ids, counted_in=(period.start, period.end),
                                           limit=10_000_000)
                header = ["external_id", "rep", "account", "name", "amount", "stage", "created_on", "closed_on"]
                return header, [[d.external_id, d.rep, d.account, d.name, d.amount, d.stage, d.created_on,
                                 d.closed_on] for d in deals]
            if kind == "targets":
                book = targets_book.targets(session, period)
                teams = dict(people_queries.all_teams(session))
                names = {p.id: p.name for p in people}
                # team defaults only of teams whose people are exported (a rep: their own team's)
                shown_teams = {p.team_id for p in people}
                header = ["rep", "team", "kpi", "period", "value"]
                rows: list[list[object]] = []
                for team_id, values in sorted(book.by_team.items()):
                    if team_id not in shown_teams and not self._is_admin():
                        continue
                    if team is None or teams.get(team_id, "").lower() == team.lower():
                        rows += [["", teams.get(team_id, ""), k, period.label, v] for k, v in sorted(values.items())]
                for rep_id, values in sorted(book.by_rep.items()):
                    if rep_id in names:
                        rows += [[names[rep_id], "", k, period.label, v] for k, v in sorted(values.items())]
                return header, rows
        raise InvalidInput(f"cannot export {kind!r}")

    def seed(self, reps: int = 14, days: int = 400, seed: int = 7, end: str | date | None = None,
             progress: Callable[[int, int], None] | None = None) -> SeedSummary:
        from kpitui.store.seed import seed_database

        self.require_admin("seed demo data")
        last_day = end if isinstance(end, date) else (parse_date(end) if end else self.today())
        return seed_database(self.db, reps=reps, days=days, seed=seed, end=last_day, zone=self.zone,
                             progress=progress)
