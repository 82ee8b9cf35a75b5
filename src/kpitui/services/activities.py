"""Activities: log, edit, delete and restore (undo), and the change history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from kpitui.domain.errors import InvalidInput, NotFound
from kpitui.domain.periods import Period
from kpitui.domain.records import ActivityRecord, ChangeRecord, DealRecord
from kpitui.services.deals import DealService
from kpitui.store import people_queries, records
from kpitui.store.people_queries import RepRow


class ActivityService(DealService):
    """Activities name their deal through DealService.find_deal (id, external id, name or account)."""

    def _activity_values(self, person: RepRow, kind: str, when: str | datetime | None, outcome: str | None,
                         duration_min: int | str | None, deal: str | None,
                         note: str | None) -> tuple[dict[str, object], DealRecord | None]:
        """Validate one activity as the form, the CLI and an import row all do (pydantic, ActivityIn): its
        column values, and the deal it names."""
        from kpitui.domain.inputs import ActivityIn, InvalidFields, parse_input
        from kpitui.domain.when import parse_when

        try:
            moment = when if isinstance(when, datetime) else parse_when(when, self.now(), self.zone)
        except InvalidInput as exc:  # named like the field of a form or an import row: the same message
            raise InvalidFields([("occurred_at", str(exc))]) from None
        data = {"rep": person.email or person.name, "kind": kind, "occurred_at": moment,
                "outcome": outcome, "duration_min": duration_min, "deal": deal, "note": note or ""}
        parsed = parse_input(ActivityIn, data, zone=self.zone, today=self.today(), now=self.now())
        found = None
        if parsed.deal:
            # a deal that is not the rep's: its owner is named only to whoever may see the owner's detail
            hidden = InvalidInput(f"deal: no deal {parsed.deal} you can log against for {person.name}")
            try:
                # an id or external id anywhere; a name or account among this rep's deals, open ones first
                found = self.find_deal(parsed.deal, among=[person.id], prefer="open")
            except NotFound:
                raise hidden from None
            if found.rep_id != person.id and not self._is_admin():
                if not self.can_see_detail(self._rep_row(found.rep_id)):
                    raise hidden
                raise InvalidInput(f"deal: {parsed.deal} belongs to {found.rep}, not {person.name}")
        return {"rep_id": person.id, "kind": parsed.kind, "occurred_at": parsed.occurred_at,
                "outcome": parsed.outcome, "duration_min": parsed.duration_min,
                "deal_id": found.id if found else None, "note": parsed.note}, found

    def log_activity(self, kind: str, rep: str | None = None, when: str | datetime | None = None,
                     outcome: str | None = None, duration_min: int | str | None = None, deal: str | None = None,
                     note: str | None = "") -> ActivityRecord:
        def write(session: Connection) -> ActivityRecord:
            # the rep and the deal are looked up inside the transaction: one connection, and no stale rep
            person = self._rep_for_write(rep)
            values, found = self._activity_values(person, kind, when, outcome, duration_min, deal, note)
            logged = records.inserted_activity(records.insert_activity(session, values), values, person.name, found)
            self._audit(session, "activity", logged.id, "create", after=logged)
            return logged

        return self.db.run_write(write)

    def activity(self, activity_id: int) -> ActivityRecord:
        with self.db.read() as session:
            found = records.get_activity(session, activity_id)
        if found is None:
            raise NotFound(f"no activity #{activity_id}")
        self._require_detail(self._rep_row(found.rep_id))
        return found

    def activities(self, rep: str | None = None, period: Period | None = None,
                   kinds: Sequence[str] | None = None, limit: int = 200, offset: int = 0) -> list[ActivityRecord]:
        """Newest first, a page at a time."""
        person = self._rep_for_detail(rep)
        lo, hi = period.utc_bounds(self.zone) if period else (None, None)
        with self.db.read() as session:
            return records.list_activities(session, rep_ids=[person.id], lo=lo, hi=hi, kinds=kinds, limit=limit,
                                           offset=offset)

    def update_activity(self, activity_id: int, *, kind: str, when: str | datetime | None,
                        outcome: str | None = None, duration_min: int | str | None = None,
                        deal: str | None = None, note: str | None = "") -> ActivityRecord:
        def write(session: Connection) -> ActivityRecord:
            # the row as it is under the write lock: the change log's "before" is never stale
            existing = self.activity(activity_id)
            person = self._rep_row(existing.rep_id)
            self._require_write_for(person)
            values, _ = self._activity_values(person, kind, when, outcome, duration_min, deal, note)
            records.update_activity(session, activity_id, values)
            updated = self.activity(activity_id)
            self._audit(session, "activity", activity_id, "update", before=existing, after=updated)
            return updated

        return self.db.run_write(write)

    def delete_activity(self, activity_id: int) -> ActivityRecord:
        """Deletes and returns the record, which `restore_activity` puts back (undo)."""
        def write(session: Connection) -> ActivityRecord:
            existing = self.activity(activity_id)  # under the write lock: the undo restores what was deleted
            self._require_write_for(self._rep_row(existing.rep_id))
            records.delete_activity(session, activity_id)
            self._audit(session, "activity", activity_id, "delete", before=existing)
            return existing

        return self.db.run_write(write)

    def restore_activity(self, record: ActivityRecord) -> ActivityRecord:
        self._require_write_for(self._rep_row(record.rep_id))
        values = {"id": record.id, "rep_id": record.rep_id, "kind": record.kind, "occurred_at": record.occurred_at,
                  "outcome": record.outcome, "duration_min": record.duration_min, "deal_id": record.deal_id,
                  "note": record.note, "external_id": record.external_id}
        def write(session: Connection) -> None:
            records.insert_activity(session, values)
            self._audit(session, "activity", record.id, "restore", after=record)

        self.db.run_write(write)
        return self.activity(record.id)

    def changes(self, entity: str | None = None, entity_id: int | None = None, limit: int = 200) -> list[ChangeRecord]:
        """The change history of the records the actor may see in detail."""
        subjects: list[int] | None = None
        allowed = self._detail_team_ids()
        if allowed is not None:
            with self.db.read() as session:
                team_members = people_queries.reps_in_scope(session, sorted(allowed), active_only=False,
                                                            roles=("rep", "manager", "admin"))
            subjects = sorted({m.id for m in team_members} | ({self.actor.id} if self.actor else set()))
        with self.db.read() as session:
            return records.changes(session, entity=entity, entity_id=entity_id, subject_rep_ids=subjects,
                                   limit=limit)
