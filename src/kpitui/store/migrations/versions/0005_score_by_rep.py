"""scores by rep and day: a team's or one rep's CSAT and call review without reading every rep's scores

ix_score_on (on, rep_id, kind) serves the whole company's leaderboard; a drill-down asks for a dozen reps, and
through it read every score in the range (1.8 ms of its 10 ms on the scale data). Covering (value included).

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain CREATE INDEX: no batch mode, so SQLite copies no table (TRAPS.md, cascading deletes)
    op.create_index("ix_score_rep_on", "score", ["rep_id", "on", "kind", "value"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_score_rep_on", table_name="score")
