"""What a manager's meetings look at: a rep's deals in the order that needs attention (the drill-down's deals
tab), and a rep's turn in the standup (yesterday's activity, deals to discuss)."""

from __future__ import annotations

from collections.abc import Sequence

from kpitui.domain.periods import Period
from kpitui.domain.records import DealRecord
from kpitui.domain.standup import (
    YESTERDAY_KEYS,
    DealBrief,
    RepBrief,
    attention_order,
    brief,
    deals_to_discuss,
    previous_working_day,
)
from kpitui.services.reports import ReportService
from kpitui.store import records
from kpitui.store.deal_activity import last_activity_by_deal

OPEN_LIMIT = 200
CLOSED_LIMIT = 100


class MeetingService(ReportService):
    def _briefs(self, deals: Sequence[DealRecord]) -> list[DealBrief]:
        with self.db.read() as session:
            last = last_activity_by_deal(session, [d.id for d in deals])
        today = self.today()
        return [brief(d, last[d.id].astimezone(self.zone).date() if d.id in last else None, today) for d in deals]

    def deals_by_attention(self, rep: str | None = None) -> list[DealBrief]:
        """The rep's open deals (stalled first), then the most recently closed ones."""
        person = self._rep_for_detail(rep)
        with self.db.read() as session:
            open_deals = records.list_deals(session, rep_ids=[person.id], open_only=True, limit=OPEN_LIMIT)
            closed = [d for d in records.list_deals(session, rep_ids=[person.id], limit=OPEN_LIMIT + CLOSED_LIMIT)
                      if d.outcome != "open"]
        closed.sort(key=lambda d: (d.closed_on or d.created_on, d.id), reverse=True)
        return attention_order(self._briefs([*open_deals, *closed[:CLOSED_LIMIT]]))

    def rep_brief(self, rep: str | None = None) -> RepBrief:
        """A rep's turn in the standup: what they logged on the previous working day, and the deals to discuss
        (the biggest open ones and every stalled one)."""
        person = self._rep_for_detail(rep)
        day = previous_working_day(self.calendar, self.today())
        counts = self.kpi_series([Period.between(day, day)], [person], only=list(YESTERDAY_KEYS))[0]
        with self.db.read() as session:
            open_deals = records.list_deals(session, rep_ids=[person.id], open_only=True, limit=OPEN_LIMIT)
        mine = counts.kpis[person.id]
        return RepBrief(person.id, day, {key: mine[key] for key in YESTERDAY_KEYS},
                        deals_to_discuss(self._briefs(open_deals)))
