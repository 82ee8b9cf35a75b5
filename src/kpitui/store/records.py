"""Reading and writing single activities and deals (lists, edits, undo). KPI aggregates live in queries.py."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update

from kpitui.domain.errors import InvalidInput
from kpitui.domain.records import ActivityRecord, ChangeRecord, DealRecord, TargetRecord
from kpitui.store import tables

_A = tables.activity.c
_D = tables.deal.c
_R = tables.rep.c


def _activity_select() -> Any:
    return (select(_A.id, _A.rep_id, _R.name.label("rep"), _A.kind, _A.occurred_at, _A.outcome, _A.duration_min,
                   _A.deal_id, func.coalesce(_D.external_id, _D.name).label("deal"),
                   _D.external_id.label("deal_external_id"), _A.note, _A.external_id)
            .select_from(tables.activity.join(tables.rep, _A.rep_id == _R.id)
                         .outerjoin(tables.deal, _A.deal_id == _D.id)))


def list_activities(session: Connection, *, rep_ids: Sequence[int] | None, lo: datetime | None = None,
                    hi: datetime | None = None, kinds: Sequence[str] | None = None,
                    limit: int = 200, offset: int = 0) -> list[ActivityRecord]:
    """Newest first; paged in SQL so a long history never loads whole."""
    stmt = _activity_select()
    if rep_ids is not None:
        stmt = stmt.where(_A.rep_id.in_(rep_ids))
    if lo is not None:
        stmt = stmt.where(_A.occurred_at >= lo)
    if hi is not None:
        stmt = stmt.where(_A.occurred_at < hi)
    if kinds:
        stmt = stmt.where(_A.kind.in_(kinds))
    stmt = stmt.order_by(_A.occurred_at.desc(), _A.id.desc()).limit(limit).offset(offset)
    return [ActivityRecord(**row._mapping) for row in session.execute(stmt)]


# Built once, with bound parameters: on the logging path building a statement cost more than running it.
_ONE_ACTIVITY = _activity_select().where(_A.id == bindparam("activity_id"))
_INSERT_ACTIVITY = insert(tables.activity)
_INSERT_CHANGE = insert(tables.change_log)


def get_activity(session: Connection, activity_id: int) -> ActivityRecord | None:
    row = session.execute(_ONE_ACTIVITY, {"activity_id": activity_id}).first()
    return ActivityRecord(**row._mapping) if row else None


def insert_activity(session: Connection, values: dict[str, Any]) -> int:
    result = session.execute(_INSERT_ACTIVITY, values)
    return int(result.inserted_primary_key[0])


def inserted_activity(activity_id: int, values: dict[str, Any], rep: str, deal: DealRecord | None) -> ActivityRecord:
    """The record `get_activity` reads back for a row just inserted with `values`, without the round trip
    (a tenth of logging's time): the rep's name and the deal as `_activity_select` labels them."""
    label = None if deal is None else deal.external_id if deal.external_id is not None else deal.name
    return ActivityRecord(id=activity_id, rep=rep, deal=label, deal_external_id=deal.external_id if deal else None,
                          **{**values, "occurred_at": values["occurred_at"].astimezone(UTC)})


def update_activity(session: Connection, activity_id: int, values: dict[str, Any]) -> None:
    session.execute(update(tables.activity).where(_A.id == activity_id).values(**values))


def delete_activity(session: Connection, activity_id: int) -> None:
    if delete_by_function(session, "activity", "kpitui_delete_activity", activity_id):
        return
    session.execute(delete(tables.activity).where(_A.id == activity_id))


def delete_by_function(session: Connection, table: str, function: str, key: int) -> bool:
    """A rep's or manager's PostgreSQL login deletes through the database's function (migration 0007)."""
    if session.dialect.name != "postgresql":
        return False
    from sqlalchemy import text

    from kpitui.store.postgres_roles import deletes_through_function

    if not deletes_through_function(session, table):
        return False
    session.execute(text(f"SELECT {function}(:key)"), {"key": key})
    return True


def _deal_select() -> Any:
    return (select(_D.id, _D.external_id, _D.rep_id, _R.name.label("rep"), _D.account, _D.name, _D.amount_cents,
                   _D.stage, _D.outcome, _D.created_on, _D.closed_on)
            .select_from(tables.deal.join(tables.rep, _D.rep_id == _R.id)))


def _deal(row: Any) -> DealRecord:
    values = dict(row._mapping)
    cents = values.pop("amount_cents")
    values["amount"] = None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))
    return DealRecord(**values)


def list_deals(session: Connection, *, rep_ids: Sequence[int] | None, open_only: bool = False,
               closed_from: date | None = None, closed_before: date | None = None,
               counted_in: tuple[date, date] | None = None, limit: int = 500,
               closed_only: bool = False) -> list[DealRecord]:
    """`counted_in=(start, end)`: the deals a period's KPIs count — closed in it, or open at its end
    (created before the end and not closed before the start; a later close leaves it open at the end)."""
    stmt = _deal_select()
    if counted_in is not None:
        start, end = counted_in
        stmt = stmt.where(_D.created_on < end, or_(_D.closed_on.is_(None), _D.closed_on >= start))
    if rep_ids is not None:
        stmt = stmt.where(_D.rep_id.in_(rep_ids))
    if open_only:
        stmt = stmt.where(_D.outcome == "open")
    if closed_only:
        stmt = stmt.where(_D.outcome != "open")
    if closed_from is not None:
        stmt = stmt.where(_D.closed_on >= closed_from)
    if closed_before is not None:
        stmt = stmt.where(_D.closed_on < closed_before)
    # closed deals newest close first, so a limit keeps the recent ones (not the lost before the won)
    order = (_D.closed_on.desc(), _D.id.desc()) if closed_only else (_D.outcome, _D.created_on.desc(), _D.id.desc())
    stmt = stmt.order_by(*order).limit(limit)
    return [_deal(row) for row in session.execute(stmt)]


def get_deal(session: Connection, deal_id: int) -> DealRecord | None:
    row = session.execute(_deal_select().where(_D.id == deal_id)).first()
    return _deal(row) if row else None


def find_deal(session: Connection, ref: str) -> DealRecord | None:
    """By external id, else by numeric id (`#12` or `12`)."""
    row = session.execute(_deal_select().where(_D.external_id == ref)).first()
    number = ref.removeprefix("#")
    if row is None and number.isdigit() and len(number) < 19:
        row = session.execute(_deal_select().where(_D.id == int(number))).first()
    return _deal(row) if row else None


def deals_named(session: Connection, ref: str, rep_ids: Sequence[int] | None, limit: int = 50,
                partial: bool = False) -> list[DealRecord]:
    """Deals whose name or account is `ref` (`partial`: contains it), in any case, among `rep_ids`' deals (None:
    everyone's). SQL's lower() folds ASCII only (SQLite), so the candidates are compared again in Python with
    casefold."""
    low = ref.lower()
    if partial:
        pattern = "%" + low.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        match = or_(func.lower(_D.name).like(pattern, escape="\\"), func.lower(_D.account).like(pattern, escape="\\"))
    else:
        match = or_(func.lower(_D.name) == low, func.lower(_D.account) == low, _D.name == ref, _D.account == ref)
    stmt = _deal_select().where(match)
    if rep_ids is not None:
        stmt = stmt.where(_D.rep_id.in_(rep_ids))
    stmt = stmt.order_by(_D.outcome, _D.created_on.desc(), _D.id.desc()).limit(limit)
    folded = ref.casefold()

    def fits(value: str) -> bool:
        return folded in value.casefold() if partial else folded == value.casefold()

    return [deal for deal in (_deal(row) for row in session.execute(stmt)) if fits(deal.name) or fits(deal.account)]


def insert_deal(session: Connection, values: dict[str, Any]) -> int:
    """A new deal. On a shared PostgreSQL, the migrations so far grant the people's logins no INSERT on deals
    (deals came from imports): that refusal is said in words, not as a driver error."""
    from sqlalchemy.exc import DBAPIError

    from kpitui.domain.errors import AccessDenied

    try:
        return int(session.execute(insert(tables.deal).values(**values)).inserted_primary_key[0])
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient_privilege
            raise AccessDenied("this database does not let your login add deals (no INSERT on deal for its "
                               "people's logins yet): the owner or an admin can add them") from None
        raise


def open_stage_ages(session: Connection) -> list[tuple[str, date]]:
    """(stage, created_on) of every open deal: what the default pipeline order is worked out from."""
    return [(row.stage, row.created_on)
            for row in session.execute(select(_D.stage, _D.created_on).where(_D.outcome == "open"))]


def closed_stage_spellings(session: Connection) -> list[tuple[str, str, int]]:
    """(outcome, stage, number of deals) of closed deals: how this database spells won and lost."""
    stmt = (select(_D.outcome, _D.stage, func.count()).where(_D.outcome.in_(("won", "lost")))
            .group_by(_D.outcome, _D.stage))
    return [(row[0], row[1], int(row[2])) for row in session.execute(stmt)]


def update_deal(session: Connection, deal_id: int, values: dict[str, Any]) -> None:
    session.execute(update(tables.deal).where(_D.id == deal_id).values(**values))


def audit(session: Connection, *, at: datetime, actor_rep_id: int | None, actor: str, subject_rep_id: int | None,
          entity: str, entity_id: int, action: str, before: object | None = None, after: object | None = None,
          subject_team_id: int | None = None) -> None:
    """Record a change in the same transaction as the change itself. On a shared PostgreSQL, a person's login
    may not write the log: the database's trigger writes it (migration 0007), so nothing is done here."""
    if session.dialect.name == "postgresql":
        from kpitui.store.postgres_roles import database_writes_change_log

        if database_writes_change_log(session):
            return
    session.execute(_INSERT_CHANGE, {
        "at": at, "actor_rep_id": actor_rep_id, "actor": actor, "subject_rep_id": subject_rep_id,
        "subject_team_id": subject_team_id, "entity": entity, "entity_id": entity_id, "action": action,
        "before": _as_json(before), "after": _as_json(after)})


def _as_json(value: object | None) -> str | None:
    if value is None:
        return None
    # records are flat: their fields as they are (asdict deep-copies, three times slower on the logging path)
    data = {f.name: getattr(value, f.name) for f in fields(value)} if is_dataclass(value) else value
    return json.dumps(data, default=str, ensure_ascii=False, sort_keys=True)


def changes(session: Connection, *, entity: str | None = None, entity_id: int | None = None,
            subject_rep_ids: Sequence[int] | None = None, subject_team_ids: Sequence[int] | None = None,
            limit: int = 200) -> list[ChangeRecord]:
    """Newest first. With subject filters: changes about those reps or those teams' defaults."""
    c = tables.change_log.c
    stmt = select(c.id, c.at, c.actor, c.entity, c.entity_id, c.action, c.before, c.after)
    if subject_rep_ids is not None or subject_team_ids is not None:
        stmt = stmt.where(or_(c.subject_rep_id.in_(subject_rep_ids or []),
                              c.subject_team_id.in_(subject_team_ids or [])))
    if entity is not None:
        stmt = stmt.where(c.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(c.entity_id == entity_id)
    stmt = stmt.order_by(c.at.desc(), c.id.desc()).limit(limit)
    return [ChangeRecord(**row._mapping) for row in session.execute(stmt)]


# -- targets --------------------------------------------------------------------------------------------------

_T = tables.target.c


def _target_row(row: Any) -> TargetRecord:
    return TargetRecord(**row._mapping)


def list_targets(session: Connection, *, period_kind: str, period_start: date, team_ids: Sequence[int] | None,
                 rep_ids: Sequence[int] | None) -> list[TargetRecord]:
    """Targets of one period: the teams' defaults and the reps' own."""
    stmt = select(_T.id, _T.rep_id, _T.team_id, _T.kpi, _T.period_kind, _T.period_start, _T.value).where(
        _T.period_kind == period_kind, _T.period_start == period_start)
    if team_ids is not None or rep_ids is not None:
        stmt = stmt.where(or_(_T.team_id.in_(team_ids or []), _T.rep_id.in_(rep_ids or [])))
    return [_target_row(row) for row in session.execute(stmt.order_by(_T.kpi, _T.id))]


def find_target(session: Connection, *, rep_id: int | None, team_id: int | None, kpi: str, period_kind: str,
                period_start: date) -> TargetRecord | None:
    owner = _T.rep_id == rep_id if rep_id is not None else and_(_T.team_id == team_id, _T.rep_id.is_(None))
    row = session.execute(
        select(_T.id, _T.rep_id, _T.team_id, _T.kpi, _T.period_kind, _T.period_start, _T.value)
        .where(owner, _T.kpi == kpi, _T.period_kind == period_kind, _T.period_start == period_start)).first()
    return _target_row(row) if row else None


def upsert_target(session: Connection, existing: TargetRecord | None, values: dict[str, Any]) -> int:
    """Insert or update one target. Every path that writes one comes here, copy forward included, which
    copies what is stored: a 0 left by an older kpitui is refused, never carried on."""
    from kpitui.domain.inputs import TARGET_ABOVE_ZERO

    if values["value"] <= 0:
        raise InvalidInput(f"the {values['kpi']} target would be {values['value']}: {TARGET_ABOVE_ZERO}")
    if existing is None:
        return int(session.execute(insert(tables.target).values(**values)).inserted_primary_key[0])
    session.execute(update(tables.target).where(_T.id == existing.id).values(value=values["value"]))
    return existing.id


def delete_target(session: Connection, target_id: int) -> None:
    if delete_by_function(session, "target", "kpitui_delete_target", target_id):
        return
    session.execute(delete(tables.target).where(_T.id == target_id))
