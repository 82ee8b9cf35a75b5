"""Open deals gone quiet (the rep's day, DESIGN.md section 5): one statement, whatever the number of deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from kpitui.store import tables
from kpitui.store.buckets import shaped


@dataclass(frozen=True)
class QuietDeal:
    id: int
    name: str
    external_id: str | None
    account: str
    created_on: date
    last_activity_at: datetime | None  # UTC


@shaped
def _quiet_statement() -> Any:
    d = tables.deal.c
    a = tables.activity.alias()
    recent = (select(a.c.id).where(a.c.deal_id == d.id, a.c.occurred_at >= bindparam("quiet_since"))
              .exists())
    last = select(func.max(a.c.occurred_at)).where(a.c.deal_id == d.id).scalar_subquery()
    return (select(d.id, d.name, d.external_id, d.account, d.created_on, last.label("last_activity_at"))
            .where(d.rep_id == bindparam("rep_id"), d.outcome == "open",
                   d.created_on <= bindparam("created_by"), ~recent)
            .order_by(d.created_on, d.id))


def quiet_deals(session: Connection, rep_id: int, quiet_since: datetime, created_by: date) -> list[QuietDeal]:
    """The rep's open deals created on or before `created_by` with no linked activity (by anyone) at or after
    the instant `quiet_since`: the index on (deal_id, occurred_at) answers each deal's check."""
    rows = session.execute(_quiet_statement(), {"rep_id": rep_id, "quiet_since": quiet_since,
                                                "created_by": created_by})
    return [QuietDeal(**row._mapping) for row in rows]
