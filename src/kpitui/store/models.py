"""The tables. Money is integer cents; instants are UTC (UTCDateTime); dates are local calendar dates.

Indexes are chosen for the KPI queries in `queries.py`: activity counts range-scan `occurred_at` and read
rep/kind/outcome from the index alone; deal queries range-scan `closed_on` / `created_on`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from kpitui.store.types import DecimalText, UTCDateTime


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)


class Rep(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    email: str | None = Field(default=None, max_length=320, unique=True)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    role: str = Field(default="rep", max_length=20)
    active: bool = Field(default=True)
    db_role: str | None = Field(default=None, max_length=63, unique=True, index=True)  # PostgreSQL login role


class TeamManager(SQLModel, table=True):
    """Which teams a manager manages (their own team is added on import; more can be linked)."""

    __tablename__ = "team_manager"
    rep_id: int = Field(foreign_key="rep.id", primary_key=True)
    team_id: int = Field(foreign_key="team.id", primary_key=True)


class Deal(SQLModel, table=True):
    __table_args__ = (
        Index("ix_deal_closed", "closed_on", "rep_id", "outcome", "created_on", "amount_cents", "account"),
        Index("ix_deal_created", "created_on", "rep_id"),
        Index("ix_deal_rep_created", "rep_id", "created_on"),
        Index("ix_deal_rep_closed", "rep_id", "closed_on"),
        Index("ix_deal_account", "account", "outcome", "closed_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=100, unique=True)
    rep_id: int = Field(foreign_key="rep.id")
    account: str = Field(default="", max_length=300)
    name: str = Field(default="", max_length=300)
    amount_cents: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    stage: str = Field(max_length=100)
    outcome: str = Field(max_length=10)  # open | won | lost, derived from stage
    created_on: date
    closed_on: date | None = Field(default=None)


class Activity(SQLModel, table=True):
    __table_args__ = (
        Index("ix_activity_kind_rep_time", "kind", "rep_id", "occurred_at", "outcome"),
        Index("ix_activity_rep_time", "rep_id", "occurred_at", "kind", "outcome"),
        Index("ix_activity_deal", "deal_id", "occurred_at"),
        Index("ix_activity_external_id", "external_id", unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id")
    kind: str = Field(max_length=30)
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    outcome: str | None = Field(default=None, max_length=30)
    duration_min: int | None = Field(default=None)
    deal_id: int | None = Field(default=None, foreign_key="deal.id")
    note: str = Field(default="", max_length=4000)
    external_id: str | None = Field(default=None, max_length=100)  # from an import: re-import updates by it


class Target(SQLModel, table=True):
    """A rep's own target (rep_id set) or a team default (team_id set) for one KPI and period."""

    __table_args__ = (
        UniqueConstraint("rep_id", "team_id", "kpi", "period_kind", "period_start", name="uq_target"),
        Index("ix_target_lookup", "period_kind", "period_start", "kpi"),
    )
    id: int | None = Field(default=None, primary_key=True)
    rep_id: int | None = Field(default=None, foreign_key="rep.id")
    team_id: int | None = Field(default=None, foreign_key="team.id")
    kpi: str = Field(max_length=40)
    period_kind: str = Field(max_length=10)
    period_start: date
    value: Decimal = Field(sa_column=Column(DecimalText(), nullable=False))


class Score(SQLModel, table=True):
    __table_args__ = (Index("ix_score_on", "on", "rep_id", "kind", "value"),
                      Index("ix_score_rep_on", "rep_id", "on", "kind", "value"),
                      Index("ix_score_external_id", "external_id", unique=True))
    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id")
    kind: str = Field(max_length=20)  # csat | call_review
    on: date
    value: int
    note: str = Field(default="", max_length=4000)
    external_id: str | None = Field(default=None, max_length=100)  # from an import: re-import updates by it


class Forecast(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("rep_id", "period_kind", "period_start", name="uq_forecast"),)
    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id")
    period_kind: str = Field(max_length=10)
    period_start: date
    amount_cents: int = Field(sa_column=Column(BigInteger, nullable=False))


class ChangeLog(SQLModel, table=True):
    """Who changed what, when, from what to what (activities, deals, targets)."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor_rep_id: int | None = Field(default=None, foreign_key="rep.id")
    actor: str = Field(max_length=320)  # the name as it was, or "local owner" without --as
    subject_rep_id: int | None = Field(default=None, foreign_key="rep.id")  # whose activity / deal / target
    subject_team_id: int | None = Field(default=None, foreign_key="team.id")  # a team default target's team
    entity: str = Field(max_length=20)  # activity | deal | target
    entity_id: int
    action: str = Field(max_length=10)  # create | update | delete | restore
    before: str | None = Field(default=None)  # JSON
    after: str | None = Field(default=None)  # JSON


class ScorecardWeight(SQLModel, table=True):
    """A team's own scorecard: which KPIs count toward the score, and how much (else the default)."""

    __tablename__ = "scorecard_weight"
    team_id: int = Field(foreign_key="team.id", primary_key=True)
    kpi: str = Field(max_length=40, primary_key=True)
    weight: Decimal = Field(sa_column=Column(DecimalText(), nullable=False))


class CoachingNote(SQLModel, table=True):
    """A 1:1 note or action item a manager writes about a rep (migration 0008). Read by that rep and the
    managers of their team; the rep may mark their own action items done. `author` / `done_by` are the names
    as they were (like the change log's actor); instants are UTC."""

    __tablename__ = "coaching_note"
    __table_args__ = (Index("ix_coaching_note_rep", "rep_id", "written_at"),
                      Index("ix_coaching_note_open", "is_action", "done_at", "rep_id", "due_on"))
    id: int | None = Field(default=None, primary_key=True)
    rep_id: int = Field(foreign_key="rep.id")  # whom the note is about
    author_rep_id: int | None = Field(default=None, foreign_key="rep.id")  # None: the local owner
    author: str = Field(max_length=320)
    written_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    text: str = Field(max_length=4000)
    is_action: bool = Field(default=False)
    due_on: date | None = Field(default=None)
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    done_by_rep_id: int | None = Field(default=None, foreign_key="rep.id")
    done_by: str | None = Field(default=None, max_length=320)


from kpitui.store import rollups  # noqa: E402,F401 - its tables (activity_day, ...) share this metadata
