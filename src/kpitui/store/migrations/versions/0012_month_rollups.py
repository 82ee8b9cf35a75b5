"""activity_month: per-rep, per-local-month activity counts kept exact by the same triggers (store/rollups.py)

A quarter's leaderboard read 91 day rows per rep from activity_day (at 5,000 reps, 180 ms for the rows alone);
it now reads the whole months of a period from activity_month and only the ragged edges from activity_day
(DESIGN.md section 8). The rollup is rebuilt here (definition version 2: the triggers maintain both tables) in
the zone it was built for (else that of the process that upgrades); a service opened in another zone rebuilds it.
ix_deal_closed and ix_score_on gain the columns the period's statements read (covering, same leading columns).

PostgreSQL: row-level security as activity_day has it (a rep reads their team's months, not the company's),
readable by every group; the SECURITY DEFINER trigger function of 0009 is replaced by one that writes both.

Downgrade drops activity_month, puts the two indexes back as they were, and puts back 0009's triggers and
its definition (activity_day alone, rebuilt); no activity row is touched.

Revision ID: 0012
Revises: 0011
"""
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from kpitui import settings
from kpitui.store import rollups

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

GROUPS = ("kpitui_rep", "kpitui_manager", "kpitui_admin")
# Covering indexes, the same leading columns as before (the same plans): the closed deals, the open pipeline, the
# new customers and the scores of a period are read from the index alone, no table row looked up per deal.
INDEXES = {
    ("deal", "ix_deal_closed"): (["closed_on", "rep_id", "outcome"],
                                 ["closed_on", "rep_id", "outcome", "created_on", "amount_cents", "account"]),
    ("score", "ix_score_on"): (["on", "rep_id", "kind"], ["on", "rep_id", "kind", "value"]),
}


def _indexes(which: int) -> None:
    for (table, name), columns in INDEXES.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns[which], unique=False)


def upgrade() -> None:
    op.create_table(
        "activity_month",
        sa.Column("rep_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("activities", sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in rollups.COUNTS],
        sa.PrimaryKeyConstraint("rep_id", "month"),
        sqlite_with_rowid=False,
    )
    _indexes(1)
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _postgres_access()
    state = rollups.built_for(conn)
    zone = ZoneInfo(state[0]) if state and state[0] else settings.local_zone()
    rollups.rebuild(conn, zone)


def downgrade() -> None:
    conn = op.get_bind()
    rollups.drop_triggers(conn)
    op.drop_table("activity_month")
    _indexes(0)
    state = rollups.built_for(conn)
    zone = ZoneInfo(state[0]) if state and state[0] else settings.local_zone()
    rollups.rebuild(conn, zone, months=False)


def _postgres_access() -> None:
    s = op.get_bind().exec_driver_sql("SELECT quote_ident(current_schema())").scalar()
    groups = ", ".join(GROUPS)
    op.execute(f"GRANT SELECT ON {s}.activity_month TO {groups}")
    op.execute(f"ALTER TABLE {s}.activity_month ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {s}.activity_month FORCE ROW LEVEL SECURITY")
    admin = f"(SELECT {s}.kpitui_is_admin())"
    readable = f"rep_id = ANY ((SELECT {s}.kpitui_readable_rep_ids())::integer[])"
    op.execute(f"CREATE POLICY kpitui_admin_all ON {s}.activity_month AS PERMISSIVE FOR ALL TO PUBLIC "
               f"USING ({admin}) WITH CHECK ({admin})")
    op.execute(f"CREATE POLICY kpitui_read ON {s}.activity_month AS PERMISSIVE FOR SELECT TO PUBLIC "
               f"USING ({readable})")
