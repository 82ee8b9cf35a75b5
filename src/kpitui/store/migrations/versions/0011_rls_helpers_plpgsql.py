"""PostgreSQL: the row-level-security helpers in PL/pgSQL, so a statement no longer pays milliseconds for them

Measured by `bench/run.py --postgres` (README, "PostgreSQL at scale"): every statement on a secured table ran
`kpitui_readable_rep_ids()` (or the writable one) in its policies, and those were SQL functions calling SQL
functions (kpitui_readable_team_ids -> kpitui_managed_team_ids -> kpitui_current_rep / kpitui_current_role ...),
SECURITY DEFINER with a fixed search_path, which PostgreSQL cannot inline and plans afresh in every statement:
3.9 ms for the helper alone on 543 people, most of a team leaderboard's time and 9 of a logged activity's
10.5 ms (the rollup trigger's upsert runs the policies of activity_day). The same answers, in PL/pgSQL: the
signed-in rep is looked up once per call (through ix_rep_db_role), no helper calls another SQL helper, and the
plans are cached for the session: about 0.1 ms.

Same security properties as 0004: SECURITY DEFINER with `search_path = <schema>, pg_temp`, STABLE, EXECUTE
for the three group roles only; the owner, an admin and a person with no active rep get what they got before
(an empty array where 0004 gave one). Downgrade puts 0004's SQL definitions back.

Revision ID: 0011
Revises: 0010
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ME = ("SELECT r.id, r.role, r.team_id INTO me, my_role, my_team FROM rep r "
      "WHERE r.db_role = session_user::text AND r.active")
PLPGSQL = {
    # teams I manage: linked in team_manager, and a manager's own team (as the service layer has it)
    "kpitui_managed_team_ids": f"""
  {ME};
  IF me IS NULL OR my_role IS DISTINCT FROM 'manager' THEN RETURN '{{}}'; END IF;
  RETURN (SELECT coalesce(array_agg(DISTINCT t.team_id), '{{}}')
          FROM (SELECT tm.team_id FROM team_manager tm WHERE tm.rep_id = me UNION SELECT my_team) t
          WHERE t.team_id IS NOT NULL);""",
    "kpitui_readable_team_ids": f"""
  {ME};
  IF me IS NULL THEN RETURN '{{}}'; END IF;
  RETURN array_remove(kpitui_managed_team_ids() || my_team, NULL);""",
    # reps whose activities / deals / scores the caller reads: their team (the leaderboard, the team median)
    "kpitui_readable_rep_ids": f"""
  {ME};
  IF me IS NULL THEN RETURN '{{}}'; END IF;
  RETURN (SELECT coalesce(array_agg(r.id), '{{}}') FROM rep r
          WHERE r.team_id = ANY (kpitui_readable_team_ids()) OR r.id = me);""",
    # reps whose rows the caller writes: themselves; a manager also the reps of the teams they manage
    "kpitui_writable_rep_ids": f"""
  {ME};
  IF me IS NULL THEN RETURN '{{}}'; END IF;
  RETURN (SELECT coalesce(array_agg(r.id), '{{}}') FROM rep r
          WHERE r.team_id = ANY (kpitui_managed_team_ids()) OR r.id = me);""",
}
# 0004's definitions, for the downgrade
SQL_0004 = {
    "kpitui_managed_team_ids": """
  SELECT coalesce(array_agg(DISTINCT t.team_id), '{}')
  FROM (SELECT tm.team_id FROM team_manager tm WHERE tm.rep_id = kpitui_current_rep()
        UNION SELECT r.team_id FROM rep r WHERE r.id = kpitui_current_rep()) t
  WHERE t.team_id IS NOT NULL AND kpitui_current_role() = 'manager'""",
    "kpitui_readable_team_ids": """
  SELECT array_remove(kpitui_managed_team_ids() || kpitui_my_team_id(), NULL)""",
    "kpitui_readable_rep_ids": """
  SELECT coalesce(array_agg(id), '{}') FROM rep
  WHERE team_id = ANY (kpitui_readable_team_ids()) OR id = kpitui_current_rep()""",
    "kpitui_writable_rep_ids": """
  SELECT coalesce(array_agg(id), '{}') FROM rep
  WHERE team_id = ANY (kpitui_managed_team_ids()) OR id = kpitui_current_rep()""",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    s = _q(_schema())
    for name, body in PLPGSQL.items():
        op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.{name}() RETURNS integer[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
DECLARE me integer; my_role text; my_team integer;
BEGIN{body}
END $$""")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    s = _q(_schema())
    for name, body in SQL_0004.items():
        op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.{name}() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $${body}
$$""")


def _schema() -> str:
    name = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    assert name, "no current schema"
    return name


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
