"""indexes the KPI queries read in order: activity by kind, rep, time; deals by rep and creation

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activity") as batch_op:
        batch_op.drop_index("ix_activity_time")
        batch_op.create_index("ix_activity_kind_rep_time", ["kind", "rep_id", "occurred_at", "outcome"], unique=False)
    with op.batch_alter_table("deal") as batch_op:
        batch_op.create_index("ix_deal_rep_created", ["rep_id", "created_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deal") as batch_op:
        batch_op.drop_index("ix_deal_rep_created")
    with op.batch_alter_table("activity") as batch_op:
        batch_op.drop_index("ix_activity_kind_rep_time")
        batch_op.create_index("ix_activity_time", ["occurred_at", "rep_id", "kind", "outcome"], unique=False)
