"""Reading and writing 1:1 notes and action items (table coaching_note, migration 0008)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, case, insert, select, update

from kpitui.domain.records import NoteRecord
from kpitui.store import tables

_N = tables.coaching_note.c
_R = tables.rep.c


def _select() -> Any:
    return (select(_N.id, _N.rep_id, _R.name.label("rep"), _N.author, _N.written_at, _N.text, _N.is_action,
                   _N.due_on, _N.done_at, _N.done_by)
            .select_from(tables.coaching_note.join(tables.rep, _N.rep_id == _R.id)))


def _record(row: Any) -> NoteRecord:
    return NoteRecord(**row._mapping)


def insert_note(session: Connection, values: dict[str, Any]) -> int:
    return int(session.execute(insert(tables.coaching_note).values(**values)).inserted_primary_key[0])


def get_note(session: Connection, note_id: int) -> NoteRecord | None:
    row = session.execute(_select().where(_N.id == note_id)).first()
    return _record(row) if row else None


def list_notes(session: Connection, *, rep_ids: Sequence[int] | None, open_only: bool = False,
               lo: datetime | None = None, hi: datetime | None = None, limit: int = 500) -> list[NoteRecord]:
    """Newest first; `open_only`: the action items not done yet, soonest due first (no due date last);
    `lo` / `hi`: written in that range of instants."""
    stmt = _select()
    if rep_ids is not None:
        stmt = stmt.where(_N.rep_id.in_(rep_ids))
    if lo is not None:
        stmt = stmt.where(_N.written_at >= lo)
    if hi is not None:
        stmt = stmt.where(_N.written_at < hi)
    if open_only:
        stmt = stmt.where(_N.is_action.is_(True), _N.done_at.is_(None))
        stmt = stmt.order_by(case((_N.due_on.is_(None), 1), else_=0), _N.due_on, _R.name, _N.written_at, _N.id)
    else:
        stmt = stmt.order_by(_N.written_at.desc(), _N.id.desc())
    return [_record(row) for row in session.execute(stmt.limit(limit))]


def mark_done(session: Connection, note_id: int, *, at: datetime, by_rep_id: int | None, by: str) -> None:
    """On a person's PostgreSQL login the database stamps the time and the name itself (migration 0008)."""
    session.execute(update(tables.coaching_note).where(_N.id == note_id, _N.done_at.is_(None))
                    .values(done_at=at.astimezone(UTC), done_by_rep_id=by_rep_id, done_by=by))
