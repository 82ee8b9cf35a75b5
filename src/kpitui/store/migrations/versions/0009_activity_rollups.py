"""activity_day: per-rep, per-local-day activity counts kept exact by triggers (store/rollups.py)

The leaderboard reads whole days from it instead of every activity of the period (DESIGN.md section 8). Built
here for the existing rows in the time zone of the process that upgrades; a service opened in another zone
rebuilds it. Deal facts stay on `deal` (the open pipeline reads the open deals through ix_deal_closed).

PostgreSQL: the trigger function is SECURITY DEFINER (a rep's own write maintains rows no rep may write);
activity_day gets row-level security as activity has it (a rep reads their team's counts, not the company's);
rollup_state and rollup_shift (the zone) are readable by every group.

Downgrade drops the triggers and the three tables; no activity row is touched.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

from kpitui import settings
from kpitui.store import rollups

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

GROUPS = ("kpitui_rep", "kpitui_manager", "kpitui_admin")


def upgrade() -> None:
    op.create_table(
        "activity_day",
        sa.Column("rep_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("activities", sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in rollups.COUNTS],
        sa.PrimaryKeyConstraint("rep_id", "day"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "rollup_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("zone", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "rollup_shift",
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("shift_s", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("starts_at"),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _postgres_access()
    rollups.rebuild(conn, settings.local_zone(), months=False)  # 0010 adds the months


def downgrade() -> None:
    conn = op.get_bind()
    rollups.drop_triggers(conn)
    for table in ("rollup_shift", "rollup_state", "activity_day"):
        op.drop_table(table)


def _postgres_access() -> None:
    s = op.get_bind().exec_driver_sql("SELECT quote_ident(current_schema())").scalar()
    groups = ", ".join(GROUPS)
    op.execute(f"GRANT SELECT ON {s}.activity_day, {s}.rollup_state, {s}.rollup_shift TO {groups}")
    op.execute(f"ALTER TABLE {s}.activity_day ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {s}.activity_day FORCE ROW LEVEL SECURITY")
    admin = f"(SELECT {s}.kpitui_is_admin())"
    readable = f"rep_id = ANY ((SELECT {s}.kpitui_readable_rep_ids())::integer[])"
    op.execute(f"CREATE POLICY kpitui_admin_all ON {s}.activity_day AS PERMISSIVE FOR ALL TO PUBLIC "
               f"USING ({admin}) WITH CHECK ({admin})")
    op.execute(f"CREATE POLICY kpitui_read ON {s}.activity_day AS PERMISSIVE FOR SELECT TO PUBLIC "
               f"USING ({readable})")
