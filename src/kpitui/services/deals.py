"""Deals: a rep's pipeline and stage moves (won / lost with amount and date)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from kpitui.domain.errors import NotFound
from kpitui.domain.periods import Period
from kpitui.domain.records import DealRecord
from kpitui.services.access import AccessRules
from kpitui.store import records


class DealService(AccessRules):
    def deals(self, rep: str | None = None, open_only: bool = False, period: Period | None = None,
              limit: int = 500) -> list[DealRecord]:
        person = self._rep_for_detail(rep)
        with self.db.read() as session:
            return records.list_deals(session, rep_ids=[person.id], open_only=open_only,
                                      closed_from=period.start if period else None,
                                      closed_before=period.end if period else None, limit=limit)

    def move_deal(self, deal_id: int, stage: str, amount: str | Decimal | None = None,
                  closed_on: date | str | None = None) -> DealRecord:
        """Change a deal's stage; won/lost need a close date (default today) and keep or set the amount."""
        from kpitui.domain.inputs import DealIn, parse_input

        with self.db.read() as session:
            deal = records.get_deal(session, deal_id)
        if deal is None:
            raise NotFound(f"no deal #{deal_id}")
        self._require_write_for(self._rep_row(deal.rep_id))
        new_amount = deal.amount if amount is None or amount == "" else amount
        parsed = parse_input(DealIn, {
            "external_id": deal.external_id, "rep": deal.rep, "account": deal.account, "name": deal.name,
            "amount": None if new_amount is None else str(new_amount), "stage": stage,
            "created_on": deal.created_on.isoformat(),
            "closed_on": str(closed_on) if closed_on else self.today().isoformat(),
        }, zone=self.zone, today=self.today(), now=self.now())
        values = {"stage": parsed.stage, "outcome": parsed.outcome, "amount_cents": parsed.amount_cents,
                  "closed_on": parsed.closed_on}
        def write(session: Connection) -> DealRecord:
            records.update_deal(session, deal_id, values)
            moved = records.get_deal(session, deal_id)
            self._audit(session, "deal", deal_id, "update", before=deal, after=moved)
            return moved  # type: ignore[return-value]

        return self.db.run_write(write)
