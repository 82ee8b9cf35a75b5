"""Deals: add, find, move, win, lose and reopen — each one audited write transaction, with the access rules.

A rep changes their own deals, a manager their teams' (access.py). Stages come from the pipeline
(domain/pipeline.py): a stage typed by a person must be one of its stages. Dates follow domain/when.py's rule
(nothing closes in the future or before it was created). A lost deal's reason has no column: it is kept in the
change log's entry of the close (`after.reason`), which is where a deal's history lives anyway.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from kpitui.domain.errors import AccessDenied, InvalidInput, NotFound
from kpitui.domain.periods import Period
from kpitui.domain.pipeline import Pipeline, pipeline_from
from kpitui.domain.records import ChangeRecord, DealRecord
from kpitui.domain.text import clean_text
from kpitui.services.access import AccessRules
from kpitui.store import people_queries, records

MAX_MATCHES_SHOWN = 8
HISTORY = 1000  # the newest deal changes read for the stages no open deal is in


def _open_moves(history: Iterable[ChangeRecord]) -> list[tuple[str | None, str | None]]:
    """(stage before, stage after) of deal changes, each side only while the deal was open."""
    moves = []
    for change in history:
        sides = []
        for snapshot in (change.before, change.after):
            try:
                values = json.loads(snapshot) if snapshot else {}
            except ValueError:
                values = {}
            stage = values.get("stage") if isinstance(values, dict) and values.get("outcome") == "open" else None
            sides.append(stage if isinstance(stage, str) else None)
        moves.append((sides[0], sides[1]))
    return moves


def _fields(deal: DealRecord) -> dict[str, object]:
    return {name: getattr(deal, name) for name in DealRecord.__dataclass_fields__}


class DealService(AccessRules):
    def deals(self, rep: str | None = None, open_only: bool = False, period: Period | None = None,
              limit: int = 500, closed_only: bool = False) -> list[DealRecord]:
        person = self._rep_for_detail(rep)
        with self.db.read() as session:
            return records.list_deals(session, rep_ids=[person.id], open_only=open_only,
                                      closed_from=period.start if period else None,
                                      closed_before=period.end if period else None, limit=limit,
                                      closed_only=closed_only)

    def pipeline(self) -> Pipeline:
        """The configured pipeline, else the one the data shows (see domain/pipeline.py)."""
        from kpitui.settings import pipeline_settings

        config = pipeline_settings()
        with self.db.read() as session:
            ages = [] if config.get("stages") else records.open_stage_ages(session)
            spellings = records.closed_stage_spellings(session)
            history = [] if config.get("stages") else records.changes(session, entity="deal", limit=HISTORY)
        return pipeline_from(config, ages, spellings, self.today(), moves=_open_moves(reversed(history)))

    # -- finding ---------------------------------------------------------------------------------------------------
    def _visible_rep_ids(self) -> list[int] | None:
        """Whose deals the actor may look up by name: their own, their teams' for a manager; None: everyone's."""
        allowed = self._detail_team_ids()
        if allowed is None:
            return None
        own = {self.actor.id} if self.actor is not None else set()
        if not allowed:
            return sorted(own)
        with self.db.read() as session:
            members = people_queries.reps_in_scope(session, sorted(allowed), active_only=False,
                                                   roles=("rep", "manager", "admin"))
        return sorted(own | {m.id for m in members})

    def find_deal(self, ref: str, *, among: Sequence[int] | None = None, prefer: str | None = None) -> DealRecord:
        """The deal `ref` names: its id (`12` or `#12`) or external id, else its name or account (else a part
        of one) when one deal has it, among the deals of the reps `among` (default: those the actor may see).
        `prefer` ("open" / "closed"): of several such deals, the only one in that state. Ambiguous: an error
        listing them."""
        text = ref.strip()
        if not text:
            raise InvalidInput("deal: say which deal (its id, external id, name or account)")
        with self.db.read() as session:
            found = records.find_deal(session, text)
            if found is not None:
                return found
            scope = list(among) if among is not None else self._visible_rep_ids()
            matches = records.deals_named(session, clean_text(text), scope)
            if not matches:  # then a part of a name or an account ("Crescent" for "Crescent Software AB")
                matches = records.deals_named(session, clean_text(text), scope, partial=True)
        if prefer is not None and len(matches) > 1:
            preferred = [d for d in matches if (d.outcome == "open") == (prefer == "open")]
            matches = preferred if len(preferred) == 1 else matches
        if not matches:
            raise NotFound(f"no deal {clean_text(text)!r} (give its id, external id, name or account)")
        if len(matches) > 1:
            listed = "; ".join(f"#{d.id} {d.label} ({d.rep}, {d.stage})" for d in matches[:MAX_MATCHES_SHOWN])
            more = f" and {len(matches) - MAX_MATCHES_SHOWN} more" if len(matches) > MAX_MATCHES_SHOWN else ""
            raise InvalidInput(f"deal: {len(matches)} deals match {clean_text(text)!r}: {clean_text(listed)}{more}; "
                               "give the id or the external id")
        return matches[0]

    def _deal_for_write(self, ref: int | str, prefer: str | None = None) -> DealRecord:
        """The deal, if the actor may change it: a rep their own, a manager their teams'."""
        deal = self.find_deal(str(ref), prefer=prefer) if isinstance(ref, str) else self._deal_by_id(ref)
        try:
            self._require_write_for(self._rep_row(deal.rep_id))
        except AccessDenied:
            assert self.actor is not None
            shown = deal.external_id or f"#{deal.id}"
            raise AccessDenied(f"{self.actor.name} may not change deal {shown}: it is another rep's (reps change "
                               "their own deals, managers their teams')") from None
        return deal

    def _deal_by_id(self, deal_id: int) -> DealRecord:
        with self.db.read() as session:
            deal = records.get_deal(session, deal_id)
        if deal is None:
            raise NotFound(f"no deal #{deal_id}")
        return deal

    # -- writing ---------------------------------------------------------------------------------------------------
    def add_deal(self, account: str, name: str, amount: str | Decimal | None, stage: str | None = None,
                 rep: str | None = None, external_id: str | None = None) -> DealRecord:
        """A new open deal created today (it counts in today's new_opps), for `rep` (default: you)."""
        from kpitui.domain.inputs import DealIn, InvalidFields, parse_input

        def write(session: Connection) -> DealRecord:
            try:
                person = self._rep_for_write(rep)
            except AccessDenied:
                assert self.actor is not None
                raise AccessDenied(f"{self.actor.name} may not add deals for {clean_text(rep or '')}: reps add "
                                   "their own, managers their teams'") from None
            pipeline = self.pipeline()
            chosen = pipeline.stage_for(stage) if stage is not None and stage.strip() else pipeline.stages[0]
            if pipeline.outcome_of(chosen) != "open":
                raise InvalidInput(f"stage: a new deal is open; {chosen} is a closed stage (add it, then "
                                   "`kpitui deal won` / `deal lost`)")
            problems = [(field, "required, but empty") for field, value in (("account", account), ("name", name))
                        if not clean_text(value or "").strip()]
            if problems:
                raise InvalidFields(problems)
            parsed = parse_input(DealIn, {
                "external_id": external_id, "rep": person.email or person.name, "account": account, "name": name,
                "amount": amount, "stage": chosen, "created_on": self.today().isoformat()},
                zone=self.zone, today=self.today(), now=self.now())
            if parsed.external_id and records.find_deal(session, parsed.external_id) is not None:
                raise InvalidInput(f"external_id: {parsed.external_id!r} is already another deal's")
            deal_id = records.insert_deal(session, {
                "external_id": parsed.external_id, "rep_id": person.id, "account": parsed.account,
                "name": parsed.name, "amount_cents": parsed.amount_cents, "stage": chosen, "outcome": "open",
                "created_on": parsed.created_on, "closed_on": None})
            added = records.get_deal(session, deal_id)
            self._audit(session, "deal", deal_id, "create", after=added)
            return added  # type: ignore[return-value]

        return self.db.run_write(write)

    def move_deal(self, deal_id: int | str, stage: str, amount: str | Decimal | None = None,
                  closed_on: date | str | None = None, reason: str | None = None) -> DealRecord:
        """Change a deal's stage to one of the pipeline's; won/lost need a close date (default today, not in the
        future, not before it was created) and keep or set the amount. A closed deal is reopened first."""
        from kpitui.domain.inputs import DealIn, parse_input

        def write(session: Connection) -> DealRecord:
            deal = self._deal_for_write(deal_id, prefer="open")
            pipeline = self.pipeline()
            chosen = pipeline.stage_for(stage, also=[deal.stage])
            outcome = pipeline.outcome_of(chosen)
            if deal.outcome != "open":
                if outcome != "open":
                    raise InvalidInput(f"deal {deal.external_id or f'#{deal.id}'} is already {deal.outcome} "
                                       f"(on {deal.closed_on}): reopen it first")
                raise InvalidInput(f"deal {deal.external_id or f'#{deal.id}'} is {deal.outcome}: reopen it to "
                                   "move it (`kpitui deal reopen`, or `o` in the closed deals)")
            new_amount = deal.amount if amount is None or amount == "" else amount
            parsed = parse_input(DealIn, {
                "external_id": deal.external_id, "rep": deal.rep, "account": deal.account, "name": deal.name,
                "amount": None if new_amount is None else str(new_amount),
                "stage": outcome if outcome != "open" else chosen, "created_on": deal.created_on.isoformat(),
                "closed_on": str(closed_on) if closed_on else self.today().isoformat(),
            }, zone=self.zone, today=self.today(), now=self.now())
            values = {"stage": chosen, "outcome": outcome, "amount_cents": parsed.amount_cents,
                      "closed_on": parsed.closed_on}
            records.update_deal(session, deal.id, values)
            moved = records.get_deal(session, deal.id)
            assert moved is not None
            after: object = moved
            if reason is not None and clean_text(reason).strip() and outcome == "lost":
                after = {**_fields(moved), "reason": clean_text(reason).strip()[:500]}
            self._audit(session, "deal", deal.id, "update", before=deal, after=after, subject_rep_id=deal.rep_id)
            return moved

        return self.db.run_write(write)

    def win_deal(self, deal: int | str, on: date | str | None = None,
                 amount: str | Decimal | None = None) -> DealRecord:
        return self.move_deal(deal, "won", amount=amount, closed_on=on)

    def lose_deal(self, deal: int | str, on: date | str | None = None, reason: str | None = None) -> DealRecord:
        return self.move_deal(deal, "lost", closed_on=on, reason=reason)

    def reopen_deal(self, deal_ref: int | str, stage: str | None = None) -> DealRecord:
        """A closed deal open again (closed_on cleared): at `stage`, else the stage it was closed from (the change
        log's last close), else the pipeline's last open stage."""
        def write(session: Connection) -> DealRecord:
            deal = self._deal_for_write(deal_ref, prefer="closed")
            if deal.outcome == "open":
                raise InvalidInput(f"deal {deal.external_id or f'#{deal.id}'} is open: only a closed deal reopens")
            pipeline = self.pipeline()
            if stage is not None and stage.strip():
                chosen = pipeline.stage_for(stage)
                if pipeline.outcome_of(chosen) != "open":
                    raise InvalidInput(f"stage: reopen to an open stage ({', '.join(pipeline.stages)})")
            else:
                chosen = self._stage_before_close(session, deal.id) or pipeline.stages[-1]
            records.update_deal(session, deal.id, {"stage": chosen, "outcome": "open", "closed_on": None})
            reopened = records.get_deal(session, deal.id)
            self._audit(session, "deal", deal.id, "reopen", before=deal, after=reopened)
            return reopened  # type: ignore[return-value]

        return self.db.run_write(write)

    @staticmethod
    def _stage_before_close(session: Connection, deal_id: int) -> str | None:
        for change in records.changes(session, entity="deal", entity_id=deal_id, limit=50):
            before = json.loads(change.before) if change.before else {}
            after = json.loads(change.after) if change.after else {}
            if before.get("outcome") == "open" and after.get("outcome") in ("won", "lost"):
                return str(before.get("stage")) or None
        return None
