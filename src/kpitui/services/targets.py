"""Targets and scorecards: set, copy forward, history; a team's scorecard weights."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection

from kpitui.domain.errors import InvalidInput
from kpitui.domain.kpis import DEFAULT_SCORECARD, kpi
from kpitui.domain.periods import Period
from kpitui.domain.records import ChangeRecord, TargetRecord
from kpitui.domain.reports import (
    TargetSheet,
)
from kpitui.services.access import AccessRules
from kpitui.store import people_queries, records, targets_book
from kpitui.store.buckets import Buckets


class TargetService(AccessRules):
    def target_sheet(self, team: str, period: Period) -> TargetSheet:
        """The targets set for `period` and, for every rep and the team row, what applies with its source
        (set, or derived by working days from the covering months, quarter, year: domain/targets.py)."""
        team_id, team_name = self.find_team(team)
        self._require_team_detail(team_id, team_name)
        with self.db.read() as session:
            members = people_queries.reps_in_scope(session, [team_id])
            book = targets_book.target_books(session, Buckets.of(self.zone, period), members,
                                             calendar=self.calendar, teams=[team_id])[0]
        return TargetSheet(team_id, team_name, period, [(m.id, m.name) for m in members],
                           dict(book.by_team.get(team_id, {})), {m.id: dict(book.by_rep[m.id]) for m in members
                                                                  if m.id in book.by_rep},
                           {m.id: book.resolved(m.id, team_id) for m in members}, book.resolved(None, team_id))

    def set_target(self, key: str, period: Period, value: str | Decimal | None, rep: str | None = None,
                   team: str | None = None) -> TargetRecord | None:
        """Set (or with an empty value, remove) a rep's own target or a team default. Audited."""
        from kpitui.domain.inputs import TargetIn, parse_input

        if bool(rep) == bool(team):
            raise InvalidInput("give a rep or a team (a team's target is the default for its reps)")
        if rep:
            person = self.find_rep(rep)
            if person.team_id is None:
                raise InvalidInput(f"{person.name} is in no team, so no manager can set their targets")
            team_id, team_name = person.team_id, person.team or ""
            owner: dict[str, int | None] = {"rep_id": person.id, "team_id": None}
        else:
            team_id, team_name = self.find_team(team or "")
            owner = {"rep_id": None, "team_id": team_id}
        self._require_team_write(team_id, team_name)
        key_kpi = kpi(key).key
        removing = value is None or (isinstance(value, str) and not value.strip())
        parsed_value = None
        if not removing:
            parsed = parse_input(TargetIn, {"rep": rep, "team": team, "kpi": key_kpi, "period": period.label,
                                            "value": str(value)}, zone=self.zone, today=self.today())
            parsed_value = parsed.value

        def write(session: Connection) -> TargetRecord | None:
            targets_book.lock_team_targets(session, team_id)
            return self._put_target(session, owner, team_id, key_kpi, period, parsed_value)

        return self.db.run_write(write)

    def _put_target(self, session: Connection, owner: dict[str, int | None], team_id: int, key: str, period: Period,
                    value: Decimal | None, only_new: bool = False) -> TargetRecord | None:
        """Write one target (None removes it) and its audit entry, inside the caller's transaction. With
        `only_new`, an existing target is left as it is (and None returned)."""
        where = {**owner, "kpi": key, "period_kind": period.kind, "period_start": period.start}
        existing = records.find_target(session, **where)  # type: ignore[arg-type]
        if only_new and existing is not None:
            return None
        if value is None:
            if existing is not None:
                records.delete_target(session, existing.id)
                self._audit(session, "target", existing.id, "delete", before=existing, team_id=team_id)
            return None
        if existing is not None and existing.value == value:
            return existing  # nothing changes: no write, and no entry in the history
        target_id = records.upsert_target(session, existing, {**where, "value": value})
        after = records.find_target(session, **where)  # type: ignore[arg-type]
        self._audit(session, "target", target_id, "update" if existing else "create", before=existing, after=after,
                    team_id=team_id)
        return after

    def copy_targets_forward(self, team: str, period: Period) -> int:
        """Copy the previous period's targets of the team (defaults and own) where this period has none.
        One transaction: all copied or none. What to copy is decided inside the write transaction, under its
        lock, and a copy only ever inserts: a target set meanwhile (after the user asked, before the write)
        is kept, never overwritten by a copy of a row the decision did not see."""
        team_id, team_name = self.find_team(team)
        self._require_team_write(team_id, team_name)

        def write(session: Connection) -> int:
            targets_book.lock_team_targets(session, team_id)
            rep_ids = [m.id for m in people_queries.reps_in_scope(session, [team_id])]

            def set_in(p: Period) -> dict[tuple[int | None, str], Decimal]:
                found = records.list_targets(session, period_kind=p.kind, period_start=p.start, team_ids=[team_id],
                                             rep_ids=rep_ids)
                return {(t.rep_id, t.kpi): t.value for t in found}

            current = set_in(period)
            copied = 0
            for (rep_id, key), value in set_in(period.previous()).items():
                if (rep_id, key) in current:
                    continue
                owner: dict[str, int | None] = ({"rep_id": rep_id, "team_id": None} if rep_id is not None
                                                else {"rep_id": None, "team_id": team_id})
                if self._put_target(session, owner, team_id, key, period, value, only_new=True) is not None:
                    copied += 1
            return copied

        return self.db.run_write(write)

    def target_history(self, team: str, limit: int = 200) -> list[ChangeRecord]:
        team_id, team_name = self.find_team(team)
        self._require_team_detail(team_id, team_name)
        with self.db.read() as session:
            members = people_queries.reps_in_scope(session, [team_id], active_only=False,
                                                   roles=("rep", "manager", "admin"))
            return records.changes(session, entity="target", subject_rep_ids=[m.id for m in members],
                                   subject_team_ids=[team_id], limit=limit)

    def set_scorecard(self, team: str, weights: dict[str, str | Decimal]) -> dict[str, Decimal]:
        """A team's own scorecard (KPI -> weight); an empty mapping goes back to the default."""
        team_id, team_name = self.find_team(team)
        self._require_team_write(team_id, team_name)
        parsed: dict[str, Decimal] = {}
        for key, raw in weights.items():
            kpi(key)
            try:
                weight = Decimal(str(raw))
            except ArithmeticError:
                raise InvalidInput(f"weight of {key}: {raw!r} is not a number") from None
            if not weight.is_finite() or weight <= 0 or weight > 100:
                raise InvalidInput(f"weight of {key}: give a number above 0 and at most 100 ({raw!r} was given)")
            parsed[key] = weight
        self.db.run_write(lambda s: targets_book.replace_scorecard_weights(s, team_id, parsed))
        return parsed or dict(DEFAULT_SCORECARD)
