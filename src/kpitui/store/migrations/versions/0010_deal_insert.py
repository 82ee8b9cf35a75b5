"""PostgreSQL: people's logins may add deals, their own (a manager: for the reps of the teams they manage)

Until now 0004/0007 granted the rep and manager groups UPDATE on deal but no INSERT, so `kpitui deal add`
through a person's own login was refused (deals came only from the owner's imports). This grants INSERT on deal
and USAGE on its id sequence to kpitui_rep and kpitui_manager, with two policies for INSERT:
- kpitui_insert (PERMISSIVE, as 0004 has for activity): the new deal's rep is one the caller writes for;
- kpitui_consistent (RESTRICTIVE, AND-ed with every permissive policy, as 0007 has for activity and target):
  for everyone but admins and the owner, the deal's rep is the signed-in rep, or a rep in a team the signed-in
  manager manages. A future permissive policy cannot widen it.
The change-log trigger of 0007 (AFTER INSERT OR UPDATE OR DELETE on deal) records each new deal under the
signed-in person's name; 0007's finite-date check applies to created_on / closed_on. INSERT lets a group lock
the table in ROW EXCLUSIVE mode at most, as activity's INSERT already does.

Downgrade revokes INSERT and drops both policies; no deal row is touched. The sequence's USAGE stays: 0004
granted USAGE on every sequence of the schema already, and other tables' inserts need it.

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

WRITERS = ("kpitui_rep", "kpitui_manager")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    s = _q(_schema())
    groups = ", ".join(WRITERS)
    op.execute(f"GRANT INSERT ON {s}.deal TO {groups}")
    sequence = op.get_bind().exec_driver_sql(f"SELECT pg_get_serial_sequence('{s}.deal', 'id')").scalar()
    if sequence:
        op.execute(f"GRANT USAGE ON SEQUENCE {sequence} TO {groups}")
    admin = f"(SELECT {s}.kpitui_is_admin())"
    writable = f"rep_id = ANY ((SELECT {s}.kpitui_writable_rep_ids())::integer[])"
    managed = f"(SELECT {s}.kpitui_managed_team_ids())::integer[]"
    own_or_managed = (f"{admin} OR rep_id = (SELECT {s}.kpitui_current_rep()) "
                      f"OR rep_id IN (SELECT r.id FROM {s}.rep r WHERE r.team_id = ANY ({managed}))")
    op.execute(f"CREATE POLICY kpitui_insert ON {s}.deal AS PERMISSIVE FOR INSERT TO PUBLIC WITH CHECK ({writable})")
    op.execute(f"CREATE POLICY kpitui_consistent ON {s}.deal AS RESTRICTIVE FOR INSERT TO PUBLIC "
               f"WITH CHECK ({own_or_managed})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    s = _q(_schema())
    op.execute(f"DROP POLICY IF EXISTS kpitui_consistent ON {s}.deal")
    op.execute(f"DROP POLICY IF EXISTS kpitui_insert ON {s}.deal")
    op.execute(f"REVOKE INSERT ON {s}.deal FROM {', '.join(WRITERS)}")


def _schema() -> str:
    name = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    assert name, "no current schema"
    return name


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
