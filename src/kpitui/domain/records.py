"""Rows as screens and exports show them: an activity, a deal. Plain data, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class ActivityRecord:
    id: int
    rep_id: int
    rep: str
    kind: str
    occurred_at: datetime  # aware, UTC
    outcome: str | None
    duration_min: int | None
    deal_id: int | None
    deal: str | None  # the deal's external id, else its name (for display)
    deal_external_id: str | None
    note: str
    external_id: str | None = None  # from an import; an export writes the row's own id where it is None

    @property
    def deal_ref(self) -> str | None:
        """What `log_activity(deal=...)` / `update_activity(deal=...)` accept for this activity's deal."""
        if self.deal_id is None:
            return None
        return self.deal_external_id or str(self.deal_id)

    def local_time(self, zone: object) -> str:
        return self.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]


@dataclass(frozen=True)
class DealRecord:
    id: int
    external_id: str | None
    rep_id: int
    rep: str
    account: str
    name: str
    amount: Decimal | None
    stage: str
    outcome: str
    created_on: date
    closed_on: date | None

    @property
    def label(self) -> str:
        return " · ".join(part for part in (self.external_id, self.account, self.name) if part)


@dataclass(frozen=True)
class Logged:
    """What `log` reports back."""

    id: int
    kind: str
    rep: str
    local_time: str


@dataclass(frozen=True)
class ChangeRecord:
    """One audited change; `before` / `after` are JSON snapshots (None for create / delete)."""

    id: int
    at: datetime
    actor: str
    entity: str
    entity_id: int
    action: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class TargetRecord:
    """A rep's own target (rep_id set) or a team default (team_id set)."""

    id: int
    rep_id: int | None
    team_id: int | None
    kpi: str
    period_kind: str
    period_start: date
    value: Decimal


@dataclass(frozen=True)
class NoteRecord:
    """A 1:1 note or action item, as the drill-down tab, the rep's home, `kpitui notes` and the standup show it."""

    id: int
    rep_id: int
    rep: str
    author: str
    written_at: datetime  # aware, UTC
    text: str
    is_action: bool
    due_on: date | None
    done_at: datetime | None  # aware, UTC; None while open
    done_by: str | None

    @property
    def is_open(self) -> bool:
        """An action item not done yet (a plain note is never open)."""
        return self.is_action and self.done_at is None

    def overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today
