"""coaching_note: 1:1 notes and action items a manager writes about a rep (DESIGN.md section 5, issue 14)

Every dialect: the table (the rep it is about, the author, written_at in UTC, text, is_action, due_on, done_at /
done_by) with two indexes, a rep's notes newest first and the open action items. The service layer applies the
rules (services/notes.py); on SQLite that is the whole story.

PostgreSQL, as 0004 and 0007 do for the other tables:
- Privileges: every group reads (rows filtered below); managers insert; reps and managers update only the
  done columns (marking an action item done), so nobody rewrites a note or moves it to another rep, and nobody
  but admins deletes (no table-level UPDATE or DELETE: no table lock beyond ROW EXCLUSIVE, as 0007 has it).
- Row-level security, ENABLE + FORCE: a note is read by the rep it is about and by the managers of that rep's
  team (not by team mates); a manager writes notes only about the reps of teams they manage (a RESTRICTIVE
  policy: the note's rep is in a team its author manages, and the author is the signed-in person); the rep and
  those managers may mark an action item done; admins and the owner do all.
- A person's login never chooses who wrote a note, when, or who marked it done when: a BEFORE trigger stamps
  author, written_at and done_at / done_by from `kpitui_current_rep()` (session_user) and the transaction's
  time, as 0007's change log does. The owner's own writes (the app on its own database, imports) keep the
  app's values, as on SQLite.
- The change log is written by 0007's SECURITY DEFINER trigger `kpitui_log_change()` for every write of a
  person's login; the entry's subject is the note's rep, so it is readable by exactly those who read the note.
- written_at, due_on and done_at must be finite.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GROUPS = ("kpitui_rep", "kpitui_manager", "kpitui_admin")
TABLE = "coaching_note"
DONE_COLUMNS = ("done_at", "done_by_rep_id", "done_by")
FINITE = ("written_at", "due_on", "done_at")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("author_rep_id", sa.Integer(), nullable=True),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("is_action", sa.Boolean(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by_rep_id", sa.Integer(), nullable=True),
        sa.Column("done_by", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.ForeignKeyConstraint(["rep_id"], ["rep.id"]),
        sa.ForeignKeyConstraint(["author_rep_id"], ["rep.id"]),
        sa.ForeignKeyConstraint(["done_by_rep_id"], ["rep.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_coaching_note_rep", TABLE, ["rep_id", "written_at"], unique=False)
    op.create_index("ix_coaching_note_open", TABLE, ["is_action", "done_at", "rep_id", "due_on"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade(_q(_schema()))


def downgrade() -> None:
    # only the notes go: every other table, row and policy stays as 0007 left it (the change log keeps its
    # entries about notes, as it keeps those about deleted activities)
    op.drop_index("ix_coaching_note_open", table_name=TABLE)
    op.drop_index("ix_coaching_note_rep", table_name=TABLE)
    op.drop_table(TABLE)  # its policies, triggers, grants and sequence with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {_q(_schema())}.kpitui_stamp_note()")


def _schema() -> str:
    name = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    assert name, "no current schema"
    return name


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _postgres_upgrade(s: str) -> None:
    t = f"{s}.{TABLE}"
    for column in FINITE:
        op.execute(f"ALTER TABLE {t} ADD CONSTRAINT ck_{TABLE}_{column}_finite "
                   f"CHECK ({column} IS NULL OR isfinite({column}))")

    everyone = ", ".join(GROUPS)
    sequence = op.get_bind().exec_driver_sql(f"SELECT pg_get_serial_sequence('{t}', 'id')").scalar()
    op.execute(f"GRANT SELECT ON {t} TO {everyone}")
    op.execute(f"GRANT INSERT ON {t} TO kpitui_manager")
    op.execute(f"GRANT UPDATE ({', '.join(DONE_COLUMNS)}) ON {t} TO kpitui_rep, kpitui_manager")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO kpitui_admin")
    op.execute(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {everyone}")

    admin = f"(SELECT {s}.kpitui_is_admin())"
    me = f"(SELECT {s}.kpitui_current_rep())"
    # the rep themselves, and the reps of the teams the caller manages (a rep: only themselves)
    concerned = f"rep_id = ANY ((SELECT {s}.kpitui_writable_rep_ids())::integer[])"
    managed_reps = (f"rep_id IN (SELECT r.id FROM {s}.rep r "
                    f"WHERE r.team_id = ANY ((SELECT {s}.kpitui_managed_team_ids())::integer[]))")

    def policy(name: str, command: str, using: str | None, check: str | None, kind: str = "PERMISSIVE") -> None:
        clauses = (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")
        op.execute(f"CREATE POLICY {name} ON {t} AS {kind} FOR {command} TO PUBLIC{clauses}")

    op.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {t} FORCE ROW LEVEL SECURITY")
    policy("kpitui_admin_all", "ALL", admin, admin)
    policy("kpitui_read", "SELECT", concerned, None)
    policy("kpitui_insert", "INSERT", None, managed_reps)
    policy("kpitui_update", "UPDATE", f"is_action AND {concerned}", f"is_action AND {concerned}")
    # consistency (as 0007 for targets): the note's rep is in a team its author manages, and the author is
    # whoever is signed in
    policy("kpitui_consistent", "INSERT", None, f"{admin} OR (author_rep_id = {me} AND {managed_reps})",
           kind="RESTRICTIVE")

    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_stamp_note() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.author_rep_id := kpitui_current_rep();
    NEW.author := coalesce(kpitui_current_rep_name(), session_user::text);
    NEW.written_at := now() AT TIME ZONE 'UTC';
    NEW.done_at := NULL;
    NEW.done_by_rep_id := NULL;
    NEW.done_by := NULL;
  ELSIF NEW.done_at IS NULL THEN  -- reopened
    NEW.done_by_rep_id := NULL;
    NEW.done_by := NULL;
  ELSIF OLD.done_at IS NOT NULL THEN  -- already done: stays as it was done
    NEW.done_at := OLD.done_at;
    NEW.done_by_rep_id := OLD.done_by_rep_id;
    NEW.done_by := OLD.done_by;
  ELSE  -- done now, by whoever is signed in
    NEW.done_at := now() AT TIME ZONE 'UTC';
    NEW.done_by_rep_id := kpitui_current_rep();
    NEW.done_by := coalesce(kpitui_current_rep_name(), session_user::text);
  END IF;
  RETURN NEW;
END $$""")
    op.execute(f"REVOKE ALL ON FUNCTION {s}.kpitui_stamp_note() FROM PUBLIC")
    person = f"NOT pg_catalog.has_table_privilege(session_user, '{s}.change_log'::regclass, 'INSERT')"
    op.execute(f"CREATE TRIGGER kpitui_stamp_note BEFORE INSERT OR UPDATE ON {t} "
               f"FOR EACH ROW WHEN ({person}) EXECUTE FUNCTION {s}.kpitui_stamp_note()")
    op.execute(f"CREATE TRIGGER kpitui_log_change AFTER INSERT OR UPDATE OR DELETE ON {t} "
               f"FOR EACH ROW WHEN ({person}) EXECUTE FUNCTION {s}.kpitui_log_change()")
