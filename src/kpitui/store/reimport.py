"""Activities and scores, safe to import again (DESIGN.md section 7, re-import): the writers `import_rows.py`
uses for them. See `ReimportWriter` for how a row is matched, updated, skipped or added."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.orm import Session

from kpitui.domain.inputs import ActivityIn, ScoreIn, own_row_id
from kpitui.store import tables
from kpitui.store.import_report import _RowProblem
from kpitui.store.import_rows import BATCH, _Writer


class ReimportWriter(_Writer):
    """Activities and scores, safe to import again (DESIGN.md section 7, re-import).

    A row is matched by its external_id, or by the row's own id that an export wrote for a row that came in
    without one (`kpitui-<id>`; taken only when the rep and the time agree, so another database's export
    never overwrites an unrelated row here). A matched row is updated, or skipped when equal in every field.
    An unmatched row without an external id that equals a stored row in every field is skipped as a
    duplicate; each stored row answers for one line, so a file with three equal calls of which one is stored
    adds two. Anything else is added, in batches. An external id may appear once per file: a second line with
    it names the first.
    """

    table: Any = None
    content: tuple[str, ...] = ()  # the columns a duplicate is equal in
    identity: tuple[str, ...] = ()  # the columns the row's own id must agree on

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.pending: list[dict[str, Any]] = []
        self.by_day: dict[tuple[int, date], Counter[tuple[Any, ...]]] = {}
        self._statements()

    # the stored rows of one rep and day not yet matched by a line of the file, loaded when first needed
    def day_of(self, values: dict[str, Any]) -> date:
        raise NotImplementedError

    def same_day(self) -> Any:
        """The condition for one rep's rows of one day, with the parameters `day_params` gives."""
        raise NotImplementedError

    def day_params(self, rep_id: int, day: date) -> dict[str, Any]:
        raise NotImplementedError

    def _signature(self, values: Any) -> tuple[Any, ...]:
        return tuple(values[name] for name in self.content)

    def _statements(self) -> None:
        # built once, with bound parameters, run on the Core connection: a statement built and run through the
        # ORM per row cost more than the lookup itself
        c = self.table.c
        columns = (c.id, *(c[name] for name in self.content))
        self.conn = self.session.connection()
        self.one_day = select(*(c[name] for name in self.content)).where(self.same_day())
        self.by_external_id = select(*columns).where(c.external_id == bindparam("external_id"))
        self.by_own_id = select(*columns).where(c.id == bindparam("row_id"), c.external_id.is_(None))

    def _known(self, values: dict[str, Any]) -> Counter[tuple[Any, ...]]:
        key = (values["rep_id"], self.day_of(values))
        if key not in self.by_day:
            rows = self.conn.execute(self.one_day, self.day_params(*key))
            self.by_day[key] = Counter(tuple(row) for row in rows)
        return self.by_day[key]

    def _count(self, values: Any, change: int) -> None:
        known = self.by_day.get((values["rep_id"], self.day_of(values)))
        if known is not None:
            known[self._signature(values)] += change

    def _stored(self, external_id: str, values: dict[str, Any]) -> Any:
        own = own_row_id(external_id)
        if own is None:
            return self.conn.execute(self.by_external_id, {"external_id": external_id}).first()
        row = self.conn.execute(self.by_own_id, {"row_id": own}).first()
        if row is not None and all(row._mapping[name] == values[name] for name in self.identity):
            return row
        return None  # the id of another database's row (or of one deleted): no identity here

    def place(self, values: dict[str, Any], external_id: str | None, write: bool) -> None:
        if external_id is not None:
            self.external_id_once(external_id)
        if not write:
            return
        stored = self._stored(external_id, values) if external_id is not None else None
        if stored is not None:
            before = stored._mapping
            self._count(before, -1)  # this line answers for it
            if self._signature(before) == self._signature(values):
                self.skipped += 1
                return
            self.conn.execute(update(self.table).where(self.table.c.id == before["id"]).values(**values))
            self.updated += 1
            return
        own = own_row_id(external_id)
        if external_id is None or own is not None:
            known = self._known(values)
            if known[self._signature(values)] > 0:
                known[self._signature(values)] -= 1
                self.skipped += 1
                return
        self.pending.append({**values, "external_id": None if own is not None else external_id})
        self.created += 1
        if len(self.pending) >= BATCH:
            self.finish()

    def finish(self) -> None:
        if self.pending:
            self.conn.execute(insert(self.table), self.pending)
            self.pending = []


class ActivitiesWriter(ReimportWriter):
    table = tables.activity
    references = ("rep", "deal")
    content = ("rep_id", "kind", "occurred_at", "outcome", "duration_min", "deal_id", "note")
    identity = ("rep_id", "occurred_at")

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.deals: dict[str, int] = {
            ext: deal_id for ext, deal_id in session.execute(
                select(tables.deal.c.external_id, tables.deal.c.id).where(tables.deal.c.external_id.is_not(None)))}

    def lookup(self, name: str, ref: str) -> int:
        if name != "deal":
            return super().lookup(name, ref)
        if ref in self.deals:
            return self.deals[ref]
        if ref.isdigit() and len(ref) < 19:  # a deal's own id, as `log --deal` and an export write it
            found = self.session.execute(select(tables.deal.c.id).where(tables.deal.c.id == int(ref))).scalar()
            if found is not None:
                return int(found)
        raise _RowProblem("deal", f"no deal with the id {ref!r}")

    def day_of(self, values: dict[str, Any]) -> date:
        return values["occurred_at"].astimezone(UTC).date()

    def same_day(self) -> Any:
        c = self.table.c
        return and_(c.rep_id == bindparam("rep_id"), c.occurred_at >= bindparam("lo", type_=c.occurred_at.type),
                    c.occurred_at < bindparam("hi", type_=c.occurred_at.type))

    def day_params(self, rep_id: int, day: date) -> dict[str, Any]:
        start = datetime.combine(day, time(0), UTC)
        return {"rep_id": rep_id, "lo": start, "hi": start + timedelta(days=1)}

    def apply(self, item: ActivityIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        self.place({"rep_id": ids.get("rep"), "kind": item.kind, "occurred_at": item.occurred_at,
                    "outcome": item.outcome, "duration_min": item.duration_min, "deal_id": ids.get("deal"),
                    "note": item.note}, item.external_id, write)


class ScoresWriter(ReimportWriter):
    table = tables.score
    references = ("rep",)
    content = ("rep_id", "kind", "on", "value", "note")
    identity = ("rep_id", "on")

    def day_of(self, values: dict[str, Any]) -> date:
        return values["on"]  # type: ignore[no-any-return]

    def same_day(self) -> Any:
        return and_(self.table.c.rep_id == bindparam("rep_id"), self.table.c.on == bindparam("day"))

    def day_params(self, rep_id: int, day: date) -> dict[str, Any]:
        return {"rep_id": rep_id, "day": day}

    def apply(self, item: ScoreIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        self.place({"rep_id": ids.get("rep"), "kind": item.kind, "on": item.date, "value": item.value,
                    "note": item.note}, item.external_id, write)


WRITERS: dict[str, type[_Writer]] = {"activities": ActivitiesWriter, "scores": ScoresWriter}
