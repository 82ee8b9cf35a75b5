"""1:1 notes and action items (DESIGN.md section 5): written by a manager about a rep of a team they manage,
read by that rep and the managers of their team (never by team mates or other teams' managers), audited.

Who does what (the same rules as the PostgreSQL policies of migration 0008):
- a manager writes notes and action items about the reps of the teams they manage (their own team included)
  and marks those action items done; an admin (or the local owner) does all;
- a rep reads the notes about themselves and marks their own action items done (they did the work: the
  manager sees who ticked it and when), but writes and changes no note;
- anyone else gets a clear refusal; a note they may not read is "no note #N" (its existence is not told).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from kpitui.domain.errors import AccessDenied, InvalidInput, NotFound
from kpitui.domain.periods import Period
from kpitui.domain.records import NoteRecord
from kpitui.domain.text import clean_text
from kpitui.services.access import AccessRules
from kpitui.store import notes, people_queries
from kpitui.store.people_queries import RepRow

ENTITY = "coaching_note"  # the change log's entity, as PostgreSQL's trigger names it (the table's name)


class NoteService(AccessRules):
    # -- access ----------------------------------------------------------------------------------------------------
    def _who(self) -> str:
        return clean_text(self.actor.name) if self.actor else "you"

    def _require_note_reader(self, person: RepRow) -> None:
        if not self.can_see_detail(person):
            name = clean_text(person.name)
            raise AccessDenied(f"{self._who()} may not see {name}'s 1:1 notes: they are for {name} and the "
                               f"managers of {clean_text(person.team or 'their team')} only")

    def _require_note_writer(self, person: RepRow) -> None:
        if self._is_admin():
            return
        assert self.actor is not None
        if self.actor.role != "manager":
            raise AccessDenied(f"{self._who()} may not write 1:1 notes: the managers of a rep's team write them "
                               "(a rep marks their own action items done: `kpitui notes done ID`)")
        if not self.can_see_detail(person):
            raise AccessDenied(f"{self._who()} may not write notes about {clean_text(person.name)}: only the "
                               f"managers of {clean_text(person.team or 'their team')} and admins do")

    def _note_rep(self, ref: str | None) -> RepRow:
        if ref:
            return self.find_rep(ref)
        if self.actor is not None:
            return self.actor
        raise InvalidInput("say whose notes: REP (name or email), or --as to sign in")

    # -- reading ---------------------------------------------------------------------------------------------------
    def notes(self, rep: str | None = None, open_only: bool = False, limit: int = 500) -> list[NoteRecord]:
        """The notes about `rep` (default: the signed-in person), newest first; `open_only`: their open action
        items, soonest due first."""
        person = self._note_rep(rep)
        self._require_note_reader(person)
        with self.db.read() as session:
            return notes.list_notes(session, rep_ids=[person.id], open_only=open_only, limit=limit)

    def open_actions(self, rep: str | None = None) -> list[NoteRecord]:
        """`rep`'s open action items (default: the signed-in person), soonest due first, as plain records:
        for the rep's home and the standup."""
        return self.notes(rep, open_only=True)

    def team_notes(self, team: str | None = None, open_only: bool = False) -> list[NoteRecord]:
        """The notes about every active person of `team` (default: the teams in the actor's scope) whose notes
        the actor may read, in one query: a manager's teams, everyone for an admin, a rep only their own."""
        team_ids, _ = self._leaderboard_scope(team)
        with self.db.read() as session:
            people = people_queries.reps_in_scope(session, team_ids, active_only=True,
                                                  roles=("rep", "manager", "admin"))
            rep_ids = [p.id for p in people if self.can_see_detail(p)]
            return notes.list_notes(session, rep_ids=rep_ids, open_only=open_only, limit=10_000)

    def team_open_actions(self, team: str | None = None) -> list[NoteRecord]:
        """The open action items of `team_notes`, soonest due first: the standup's "actions agreed"."""
        return self.team_notes(team, open_only=True)

    def note(self, note_id: int) -> NoteRecord:
        with self.db.read() as session:
            found = notes.get_note(session, note_id)
        if found is None or not self.can_see_detail(self._rep_row(found.rep_id)):
            raise NotFound(f"no note #{note_id}")
        return found

    def note_rows(self, rep_ids: list[int], period: Period) -> tuple[list[str], list[list[object]]]:
        """The notes written in `period` about `rep_ids` (already checked by the caller), for `export notes`."""
        lo, hi = period.utc_bounds(self.zone)
        with self.db.read() as session:
            found = notes.list_notes(session, rep_ids=rep_ids, lo=lo, hi=hi, limit=10_000_000)
        header = ["id", "rep", "author", "written_at", "kind", "due_on", "done_at", "done_by", "text"]
        return header, [[n.id, n.rep, n.author, n.written_at.astimezone(self.zone).isoformat(),
                         "action" if n.is_action else "note", n.due_on,
                         n.done_at.astimezone(self.zone).isoformat() if n.done_at else None, n.done_by, n.text]
                        for n in reversed(found)]

    # -- writing ---------------------------------------------------------------------------------------------------
    def add_note(self, rep: str, text: str, *, action: bool = False, due: str | date | None = None) -> NoteRecord:
        """A note about `rep`, or an action item when `action` or a due date is given (today up to a year
        ahead). Text: at most 4,000 characters, line breaks kept, control characters removed."""
        from kpitui.domain.inputs import NoteIn, parse_input

        person = self.find_rep(rep)
        self._require_note_writer(person)
        parsed = parse_input(NoteIn, {"rep": person.email or person.name, "text": text, "action": action,
                                      "due": due.isoformat() if isinstance(due, date) else due},
                             zone=self.zone, today=self.today(), now=self.now())

        def write(session: Connection) -> NoteRecord:
            note_id = notes.insert_note(session, {
                "rep_id": person.id, "author_rep_id": self.actor.id if self.actor else None,
                "author": self.actor.name if self.actor else "local owner", "written_at": self.now(),
                "text": parsed.text, "is_action": parsed.is_action, "due_on": parsed.due})
            written = notes.get_note(session, note_id)
            assert written is not None
            self._audit(session, ENTITY, note_id, "create", after=written)
            return written

        return self.db.run_write(write)

    def mark_done(self, note_id: int) -> NoteRecord:
        """Tick off an action item: the rep it is about, their team's managers and admins may."""
        def write(session: Connection) -> NoteRecord:
            before = self.note(note_id)  # under the write lock; "no note" for one the actor may not read
            if not before.is_action:
                raise InvalidInput(f"note #{note_id} is a note, not an action item: there is nothing to mark done")
            if before.done_at is not None:
                when = before.done_at.astimezone(self.zone).date().isoformat()
                raise InvalidInput(f"action item #{note_id} is already done ({when}, by "
                                   f"{clean_text(before.done_by or 'someone')})")
            notes.mark_done(session, note_id, at=self.now(), by_rep_id=self.actor.id if self.actor else None,
                            by=self.actor.name if self.actor else "local owner")
            after = notes.get_note(session, note_id)
            assert after is not None
            self._audit(session, ENTITY, note_id, "update", before=before, after=after)
            return after

        return self.db.run_write(write)
