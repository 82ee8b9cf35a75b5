"""When each deal last saw an activity: what makes a deal 'stalled' (standup, the drill-down's deals tab)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, func, select

from kpitui.store import tables
from kpitui.store.types import UTCDateTime

_A = tables.activity.c
CHUNK = 500  # bound parameters per statement stay well under SQLite's limit


def last_activity_by_deal(session: Connection, deal_ids: Sequence[int]) -> dict[int, datetime]:
    """deal id -> its newest linked activity (aware, UTC); deals without one are absent."""
    found: dict[int, datetime] = {}
    ids = sorted(set(deal_ids))
    for start in range(0, len(ids), CHUNK):
        stmt = (select(_A.deal_id, func.max(_A.occurred_at, type_=UTCDateTime()).label("last"))
                .where(_A.deal_id.in_(ids[start:start + CHUNK])).group_by(_A.deal_id))
        found.update({row.deal_id: row.last for row in session.execute(stmt) if row.last is not None})
    return found
