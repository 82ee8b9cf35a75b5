"""The tables, as SQLAlchemy Core: the one definition of the schema (the migrations and `metadata` agree, see
tests/test_migrations.py). Money is integer cents; instants are UTC (UTCDateTime); dates are local calendar dates.

Core, not ORM classes: every read and the log path build Core statements, and a process that imports the ORM
(or SQLModel and pydantic on top) pays ~175 ms before it does anything. The importer's ORM session maps its
classes onto these tables in `store/models.py`.

Indexes are chosen for the KPI queries in `queries.py`: activity counts range-scan `occurred_at` and read
rep/kind/outcome from the index alone; deal queries range-scan `closed_on` / `created_on`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from kpitui.store.types import DecimalText, UTCDateTime

metadata = MetaData()


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


team = Table(
    "team", metadata,
    _id(),
    Column("name", String(200), nullable=False, unique=True),
)

rep = Table(
    "rep", metadata,
    _id(),
    Column("name", String(200), nullable=False, index=True),
    Column("email", String(320), nullable=True, unique=True),
    Column("team_id", Integer, ForeignKey("team.id"), nullable=True, index=True),
    Column("role", String(20), nullable=False, default="rep"),
    Column("active", Boolean, nullable=False, default=True),
    Column("db_role", String(63), nullable=True, unique=True, index=True),  # PostgreSQL login role
)

# Which teams a manager manages (their own team is added on import; more can be linked).
team_manager = Table(
    "team_manager", metadata,
    Column("rep_id", Integer, ForeignKey("rep.id"), primary_key=True),
    Column("team_id", Integer, ForeignKey("team.id"), primary_key=True),
)

deal = Table(
    "deal", metadata,
    _id(),
    Column("external_id", String(100), nullable=True, unique=True),
    Column("rep_id", Integer, ForeignKey("rep.id"), nullable=False),
    Column("account", String(300), nullable=False, default=""),
    Column("name", String(300), nullable=False, default=""),
    Column("amount_cents", BigInteger, nullable=True),
    Column("stage", String(100), nullable=False),
    Column("outcome", String(10), nullable=False),  # open | won | lost, derived from stage
    Column("created_on", Date, nullable=False),
    Column("closed_on", Date, nullable=True),
    Index("ix_deal_closed", "closed_on", "rep_id", "outcome", "created_on", "amount_cents", "account"),
    Index("ix_deal_created", "created_on", "rep_id"),
    Index("ix_deal_rep_created", "rep_id", "created_on"),
    Index("ix_deal_rep_closed", "rep_id", "closed_on"),
    Index("ix_deal_account", "account", "outcome", "closed_on"),
)

activity = Table(
    "activity", metadata,
    _id(),
    Column("rep_id", Integer, ForeignKey("rep.id"), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("outcome", String(30), nullable=True),
    Column("duration_min", Integer, nullable=True),
    Column("deal_id", Integer, ForeignKey("deal.id"), nullable=True),
    Column("note", String(4000), nullable=False, default=""),
    Column("external_id", String(100), nullable=True),  # from an import: re-import updates by it
    Index("ix_activity_kind_rep_time", "kind", "rep_id", "occurred_at", "outcome"),
    Index("ix_activity_rep_time", "rep_id", "occurred_at", "kind", "outcome"),
    Index("ix_activity_deal", "deal_id", "occurred_at"),
    Index("ix_activity_external_id", "external_id", unique=True),
)

# A rep's own target (rep_id set) or a team default (team_id set) for one KPI and period.
target = Table(
    "target", metadata,
    _id(),
    Column("rep_id", Integer, ForeignKey("rep.id"), nullable=True),
    Column("team_id", Integer, ForeignKey("team.id"), nullable=True),
    Column("kpi", String(40), nullable=False),
    Column("period_kind", String(10), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("value", DecimalText(), nullable=False),
    UniqueConstraint("rep_id", "team_id", "kpi", "period_kind", "period_start", name="uq_target"),
    Index("ix_target_lookup", "period_kind", "period_start", "kpi"),
)

score = Table(
    "score", metadata,
    _id(),
    Column("rep_id", Integer, ForeignKey("rep.id"), nullable=False),
    Column("kind", String(20), nullable=False),  # csat | call_review
    Column("on", Date, nullable=False),
    Column("value", Integer, nullable=False),
    Column("note", String(4000), nullable=False, default=""),
    Column("external_id", String(100), nullable=True),  # from an import: re-import updates by it
    Index("ix_score_on", "on", "rep_id", "kind", "value"),
    Index("ix_score_rep_on", "rep_id", "on", "kind", "value"),
    Index("ix_score_external_id", "external_id", unique=True),
)

forecast = Table(
    "forecast", metadata,
    _id(),
    Column("rep_id", Integer, ForeignKey("rep.id"), nullable=False),
    Column("period_kind", String(10), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    UniqueConstraint("rep_id", "period_kind", "period_start", name="uq_forecast"),
)

# Who changed what, when, from what to what (activities, deals, targets).
change_log = Table(
    "change_log", metadata,
    _id(),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor_rep_id", Integer, ForeignKey("rep.id"), nullable=True),
    Column("actor", String(320), nullable=False),  # the name as it was, or "local owner" without --as
    Column("subject_rep_id", Integer, ForeignKey("rep.id"), nullable=True),  # whose activity / deal / target
    Column("subject_team_id", Integer, ForeignKey("team.id"), nullable=True),  # a team default's team
    Column("entity", String(20), nullable=False),  # activity | deal | target
    Column("entity_id", Integer, nullable=False),
    Column("action", String(10), nullable=False),  # create | update | delete | restore
    Column("before", String(), nullable=True),  # JSON
    Column("after", String(), nullable=True),  # JSON
    Index("ix_change_log_entity", "entity", "entity_id", "at"),
)

# A team's own scorecard: which KPIs count toward the score, and how much (else the default).
scorecard_weight = Table(
    "scorecard_weight", metadata,
    Column("team_id", Integer, ForeignKey("team.id"), primary_key=True),
    Column("kpi", String(40), primary_key=True),
    Column("weight", DecimalText(), nullable=False),
)

# A 1:1 note or action item a manager writes about a rep (migration 0008). Read by that rep and the managers of
# their team; the rep may mark their own action items done. `author` / `done_by` are the names as they were
# (like the change log's actor); instants are UTC.
coaching_note = Table(
    "coaching_note", metadata,
    _id(),
    Column("rep_id", Integer, ForeignKey("rep.id"), nullable=False),  # whom the note is about
    Column("author_rep_id", Integer, ForeignKey("rep.id"), nullable=True),  # None: the local owner
    Column("author", String(320), nullable=False),
    Column("written_at", UTCDateTime(), nullable=False),
    Column("text", String(4000), nullable=False),
    Column("is_action", Boolean, nullable=False, default=False),
    Column("due_on", Date, nullable=True),
    Column("done_at", UTCDateTime(), nullable=True),
    Column("done_by_rep_id", Integer, ForeignKey("rep.id"), nullable=True),
    Column("done_by", String(320), nullable=True),
    Index("ix_coaching_note_rep", "rep_id", "written_at"),
    Index("ix_coaching_note_open", "is_action", "done_at", "rep_id", "due_on"),
)
