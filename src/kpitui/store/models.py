"""ORM classes mapped onto the Core tables of `store/tables.py`, for the code that really wants objects in a
session: the importer's rep/team rows (created, then changed and flushed as the file goes on) and the tests'
builder. Nothing on the read or log path imports this module: the ORM costs a fresh process ~70 ms.

The columns, types, defaults and indexes are defined once, in `tables.py`; these classes only name them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import DeclarativeBase, Mapped

from kpitui.store import tables


class Base(DeclarativeBase):
    metadata = tables.metadata


class Team(Base):
    __table__ = tables.team
    id: Mapped[int]
    name: Mapped[str]


class Rep(Base):
    __table__ = tables.rep
    id: Mapped[int]
    name: Mapped[str]
    email: Mapped[str | None]
    team_id: Mapped[int | None]
    role: Mapped[str]
    active: Mapped[bool]
    db_role: Mapped[str | None]


class TeamManager(Base):
    __table__ = tables.team_manager
    rep_id: Mapped[int]
    team_id: Mapped[int]


class Deal(Base):
    __table__ = tables.deal
    id: Mapped[int]
    external_id: Mapped[str | None]
    rep_id: Mapped[int]
    account: Mapped[str]
    name: Mapped[str]
    amount_cents: Mapped[int | None]
    stage: Mapped[str]
    outcome: Mapped[str]
    created_on: Mapped[date]
    closed_on: Mapped[date | None]


class Activity(Base):
    __table__ = tables.activity
    id: Mapped[int]
    rep_id: Mapped[int]
    kind: Mapped[str]
    occurred_at: Mapped[datetime]
    outcome: Mapped[str | None]
    duration_min: Mapped[int | None]
    deal_id: Mapped[int | None]
    note: Mapped[str]
    external_id: Mapped[str | None]


class Target(Base):
    __table__ = tables.target
    id: Mapped[int]
    rep_id: Mapped[int | None]
    team_id: Mapped[int | None]
    kpi: Mapped[str]
    period_kind: Mapped[str]
    period_start: Mapped[date]
    value: Mapped[Decimal]


class Score(Base):
    __table__ = tables.score
    id: Mapped[int]
    rep_id: Mapped[int]
    kind: Mapped[str]
    on: Mapped[date]
    value: Mapped[int]
    note: Mapped[str]
    external_id: Mapped[str | None]


class Forecast(Base):
    __table__ = tables.forecast
    id: Mapped[int]
    rep_id: Mapped[int]
    period_kind: Mapped[str]
    period_start: Mapped[date]
    amount_cents: Mapped[int]


class ChangeLog(Base):
    __table__ = tables.change_log
    id: Mapped[int]
    at: Mapped[datetime]
    actor_rep_id: Mapped[int | None]
    actor: Mapped[str]
    subject_rep_id: Mapped[int | None]
    subject_team_id: Mapped[int | None]
    entity: Mapped[str]
    entity_id: Mapped[int]
    action: Mapped[str]
    before: Mapped[str | None]
    after: Mapped[str | None]


class ScorecardWeight(Base):
    __table__ = tables.scorecard_weight
    team_id: Mapped[int]
    kpi: Mapped[str]
    weight: Mapped[Decimal]


class CoachingNote(Base):
    __table__ = tables.coaching_note
    id: Mapped[int]
    rep_id: Mapped[int]
    author_rep_id: Mapped[int | None]
    author: Mapped[str]
    written_at: Mapped[datetime]
    text: Mapped[str]
    is_action: Mapped[bool]
    due_on: Mapped[date | None]
    done_at: Mapped[datetime | None]
    done_by_rep_id: Mapped[int | None]
    done_by: Mapped[str | None]
