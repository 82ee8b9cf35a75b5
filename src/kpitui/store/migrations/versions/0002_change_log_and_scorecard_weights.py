"""change log (audit) and per-team scorecard weights

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_rep_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("subject_rep_id", sa.Integer(), nullable=True),
        sa.Column("subject_team_id", sa.Integer(), nullable=True),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["actor_rep_id"], ["rep.id"]),
        sa.ForeignKeyConstraint(["subject_rep_id"], ["rep.id"]),
        sa.ForeignKeyConstraint(["subject_team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("change_log") as batch_op:
        batch_op.create_index("ix_change_log_entity", ["entity", "entity_id", "at"], unique=False)
    op.create_table(
        "scorecard_weight",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("kpi", sa.String(length=40), nullable=False),
        sa.Column("weight", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("team_id", "kpi"),
    )


def downgrade() -> None:
    op.drop_table("scorecard_weight")
    with op.batch_alter_table("change_log") as batch_op:
        batch_op.drop_index("ix_change_log_entity")
    op.drop_table("change_log")
