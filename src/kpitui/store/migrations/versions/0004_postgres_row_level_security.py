"""rep.db_role; on PostgreSQL: group roles, grants and row-level security (TRAPS.md, shared PostgreSQL)

Every dialect gets `rep.db_role`: the PostgreSQL login role of that person (`kpitui grant` sets it).

PostgreSQL only:
- NOLOGIN group roles kpitui_rep, kpitui_manager, kpitui_admin (cluster-wide: created when missing). A person's
  login role is a member of one of them (store/postgres_roles.py). They own nothing and have no BYPASSRLS.
- Table privileges per group (a rep may not even try to write a target: no INSERT privilege on it).
- `kpitui_current_rep()`: the active rep whose db_role is `session_user`, the role the connection logged in as.
  Never a session variable: any client can `SET app.anything`; nobody but a superuser can change session_user.
- Row-level security, ENABLE + FORCE, on every table a rep or a manager may write or must not fully read:
  activity, deal, score, forecast, target, change_log, scorecard_weight. The policies say who reads and who
  writes which rows. FORCE covers the table owner too, so the owner (the role that runs migrations, imports and
  `kpitui grant`) has its own explicit policy: `kpitui_is_owner()`, true when current_user is (a member of) the
  role owning the tables. A member of the owner role can ALTER TABLE ... DISABLE ROW LEVEL SECURITY anyway, so
  that policy gives away nothing the role did not already have.
- rep, team, team_manager and alembic_version are readable by every group and writable by admins only
  (privileges, no policies: the policy helpers read rep and team_manager).

New tables in later migrations get no privileges by default (no ALTER DEFAULT PRIVILEGES): they fail closed
until that migration grants them and, when they hold per-rep rows, adds policies.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GROUPS = ("kpitui_rep", "kpitui_manager", "kpitui_admin")
RLS_TABLES = ("activity", "deal", "score", "forecast", "target", "change_log", "scorecard_weight")
READ_ONLY_TABLES = ("team", "rep", "team_manager", "alembic_version")
# what each group may do besides reading every table (rows still filtered by the policies)
WRITES = {
    "kpitui_rep": {"activity": "INSERT, UPDATE, DELETE", "deal": "UPDATE", "change_log": "INSERT"},
    "kpitui_manager": {"activity": "INSERT, UPDATE, DELETE", "deal": "UPDATE", "change_log": "INSERT",
                       "target": "INSERT, UPDATE, DELETE", "scorecard_weight": "INSERT, UPDATE, DELETE"},
}
FUNCTIONS = ("kpitui_current_rep()", "kpitui_current_rep_name()", "kpitui_current_role()", "kpitui_is_owner()",
             "kpitui_is_admin()", "kpitui_my_team_id()", "kpitui_managed_team_ids()", "kpitui_readable_team_ids()",
             "kpitui_readable_rep_ids()", "kpitui_writable_rep_ids()")


def upgrade() -> None:
    # a plain ADD COLUMN and a unique index: no table copy on SQLite (rep is the parent of most tables)
    op.add_column("rep", sa.Column("db_role", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=True))
    op.create_index("ix_rep_db_role", "rep", ["db_role"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_downgrade()
    op.drop_index("ix_rep_db_role", table_name="rep")
    with op.batch_alter_table("rep") as batch_op:
        batch_op.drop_column("db_role")


def _schema() -> str:
    name = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    assert name, "no current schema"
    return name


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _postgres_upgrade() -> None:
    s = _q(_schema())
    for group in GROUPS:
        op.execute(f"""
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') THEN
    CREATE ROLE {group} NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;  -- created meanwhile by a migration of another database
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'kpitui needs the group role {group}: run this migration as a role with CREATEROLE, or have '
                    'a superuser run CREATE ROLE {group} NOLOGIN';
END $$""")

    # Nobody but the schema's owner creates objects in it: a rep's function or table named like ours could
    # otherwise be picked up by name (PostgreSQL 15 already revokes this from PUBLIC on `public`).
    op.execute(f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC")
    op.execute(f"GRANT USAGE ON SCHEMA {s} TO {', '.join(GROUPS)}")
    tables = READ_ONLY_TABLES + RLS_TABLES
    op.execute(f"GRANT SELECT ON {', '.join(f'{s}.{t}' for t in tables)} TO {', '.join(GROUPS)}")
    for group, writes in WRITES.items():
        for table, privileges in writes.items():
            op.execute(f"GRANT {privileges} ON {s}.{table} TO {group}")
    admin_tables = [t for t in tables if t != "alembic_version"]
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(f'{s}.{t}' for t in admin_tables)} "
               "TO kpitui_admin")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {', '.join(GROUPS)}")

    _create_functions(s)
    _create_policies(s)


def _create_functions(s: str) -> None:
    # SECURITY DEFINER helpers run as the owner with a fixed search_path (so no object of a rep's can stand in
    # for ours). kpitui_is_owner and kpitui_is_admin are SECURITY INVOKER on purpose: inside a definer function
    # current_user is the owner, and they must judge the caller.
    definer = f"LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp"
    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_current_rep() RETURNS integer {definer} AS $$
  SELECT id FROM rep WHERE db_role = session_user::text AND active
$$""")
    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_current_rep_name() RETURNS text {definer} AS $$
  SELECT name FROM rep WHERE id = kpitui_current_rep()
$$""")
    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_current_role() RETURNS text {definer} AS $$
  SELECT role FROM rep WHERE id = kpitui_current_rep()
$$""")
    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_is_owner() RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
  SELECT coalesce(pg_has_role(current_user, c.relowner, 'USAGE'), false)
  FROM pg_class c WHERE c.oid = '{s}.rep'::regclass
$$""")
    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = {s}, pg_temp AS $$
  SELECT kpitui_is_owner() OR coalesce(kpitui_current_role() = 'admin', false)
$$""")
    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_my_team_id() RETURNS integer {definer} AS $$
  SELECT team_id FROM rep WHERE id = kpitui_current_rep()
$$""")
    # teams I manage: linked in team_manager, and a manager's own team (as the service layer has it)
    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_managed_team_ids() RETURNS integer[] {definer} AS $$
  SELECT coalesce(array_agg(DISTINCT t.team_id), '{{}}')
  FROM (SELECT tm.team_id FROM team_manager tm WHERE tm.rep_id = kpitui_current_rep()
        UNION SELECT r.team_id FROM rep r WHERE r.id = kpitui_current_rep()) t
  WHERE t.team_id IS NOT NULL AND kpitui_current_role() = 'manager'
$$""")
    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_readable_team_ids() RETURNS integer[] {definer} AS $$
  SELECT array_remove(kpitui_managed_team_ids() || kpitui_my_team_id(), NULL)
$$""")
    # reps whose activities / deals / scores the caller reads: their team (the leaderboard, the team median)
    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_readable_rep_ids() RETURNS integer[] {definer} AS $$
  SELECT coalesce(array_agg(id), '{{}}') FROM rep
  WHERE team_id = ANY (kpitui_readable_team_ids()) OR id = kpitui_current_rep()
$$""")
    # reps whose rows the caller writes: themselves; a manager also the reps of the teams they manage
    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_writable_rep_ids() RETURNS integer[] {definer} AS $$
  SELECT coalesce(array_agg(id), '{{}}') FROM rep
  WHERE team_id = ANY (kpitui_managed_team_ids()) OR id = kpitui_current_rep()
$$""")
    op.execute(f"REVOKE ALL ON FUNCTION {', '.join(f'{s}.{f}' for f in FUNCTIONS)} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {', '.join(f'{s}.{f}' for f in FUNCTIONS)} TO {', '.join(GROUPS)}")


def _create_policies(s: str) -> None:
    # `(SELECT f())` makes each helper an InitPlan: computed once per statement, not once per row.
    admin = f"(SELECT {s}.kpitui_is_admin())"
    def ids(function: str) -> str:  # an array, computed once per statement
        return f"(SELECT {s}.{function}())::integer[]"

    readable = f"rep_id = ANY ({ids('kpitui_readable_rep_ids')})"
    writable = f"rep_id = ANY ({ids('kpitui_writable_rep_ids')})"
    managed_teams = ids("kpitui_managed_team_ids")

    def policy(table: str, name: str, command: str, using: str | None, check: str | None) -> None:
        clauses = (f" USING ({using})" if using else "") + (f" WITH CHECK ({check})" if check else "")
        op.execute(f"CREATE POLICY {name} ON {s}.{table} AS PERMISSIVE FOR {command} TO PUBLIC{clauses}")

    for table in RLS_TABLES:
        op.execute(f"ALTER TABLE {s}.{table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {s}.{table} FORCE ROW LEVEL SECURITY")
        # the owner (migrations, imports, seeding, `kpitui grant`) and admins: everything
        policy(table, "kpitui_admin_all", "ALL", admin, admin)

    # activities and deals: read the team's, write one's own (a manager: their teams' reps')
    for table in ("activity", "deal"):
        policy(table, "kpitui_read", "SELECT", readable, None)
        policy(table, "kpitui_update", "UPDATE", writable, writable)
    policy("activity", "kpitui_insert", "INSERT", None, writable)
    policy("activity", "kpitui_delete", "DELETE", writable, None)
    # scores and forecasts: read the team's; only admins (imports) write
    for table in ("score", "forecast"):
        policy(table, "kpitui_read", "SELECT", readable, None)

    # targets: a rep reads their team's (the leaderboard shows every team mate's attainment and target) and
    # the team's defaults; a manager writes those of the teams they manage (a rep's own target: the rep is in
    # such a team; a default: the team is one)
    target_read = f"{readable} OR team_id = ANY ({ids('kpitui_readable_team_ids')})"
    target_write = (f"rep_id IN (SELECT id FROM {s}.rep WHERE team_id = ANY ({managed_teams})) "
                    f"OR team_id = ANY ({managed_teams})")
    policy("target", "kpitui_read", "SELECT", target_read, None)
    policy("target", "kpitui_insert", "INSERT", None, target_write)
    policy("target", "kpitui_update", "UPDATE", target_write, target_write)
    policy("target", "kpitui_delete", "DELETE", target_write, None)

    # scorecards: everyone reads them (scores need them); managers write their teams'
    policy("scorecard_weight", "kpitui_read", "SELECT", "true", None)
    team_write = f"team_id = ANY ({managed_teams})"
    policy("scorecard_weight", "kpitui_insert", "INSERT", None, team_write)
    policy("scorecard_weight", "kpitui_update", "UPDATE", team_write, team_write)
    policy("scorecard_weight", "kpitui_delete", "DELETE", team_write, None)

    # the change log: read the history of what one may see in detail; append only entries of one's own
    # permitted changes, under one's own name; nobody but admins edits or deletes history
    subjects = (f"subject_rep_id = ANY ({ids('kpitui_writable_rep_ids')}) "
                f"OR (subject_rep_id IS NULL AND subject_team_id = ANY ({managed_teams}))")
    policy("change_log", "kpitui_read", "SELECT",
           f"{subjects} OR actor_rep_id = (SELECT {s}.kpitui_current_rep())", None)
    policy("change_log", "kpitui_insert", "INSERT", None,
           f"actor_rep_id = (SELECT {s}.kpitui_current_rep()) AND actor = (SELECT {s}.kpitui_current_rep_name()) "
           f"AND ({subjects})")


def _postgres_downgrade() -> None:
    s = _q(_schema())
    for table in RLS_TABLES:
        for name in ("kpitui_admin_all", "kpitui_read", "kpitui_insert", "kpitui_update", "kpitui_delete"):
            op.execute(f"DROP POLICY IF EXISTS {name} ON {s}.{table}")
        op.execute(f"ALTER TABLE {s}.{table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {s}.{table} DISABLE ROW LEVEL SECURITY")
    for function in reversed(FUNCTIONS):
        op.execute(f"DROP FUNCTION IF EXISTS {s}.{function}")
    tables = ", ".join(f"{s}.{t}" for t in READ_ONLY_TABLES + RLS_TABLES)
    # the group roles stay: they are cluster-wide and other databases may use them
    op.execute(f"REVOKE ALL ON {tables} FROM {', '.join(GROUPS)}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {', '.join(GROUPS)}")
    op.execute(f"REVOKE USAGE ON SCHEMA {s} FROM {', '.join(GROUPS)}")
