"""PostgreSQL: rows consistent across their keys, a change log only the database writes, timeouts

An adversarial review of 0004 found (issue 13):
- A manager could insert a target naming another team's rep and their own team (the permissive policy passed
  on team_id alone); it replaced that rep's target. RESTRICTIVE policies now require, for everyone but admins
  and the owner, that a target names exactly one of rep / team, the rep's team and the team being the
  writer's; and that an activity's deal is a deal of the same rep (nothing else may be linked, and a deal one
  cannot read fails the policy check before the foreign key could name it).
- A rep could INSERT change-log entries (about targets, with an `infinity` timestamp). Clients get no INSERT on
  change_log any more: a SECURITY DEFINER trigger on activity, deal and target writes the entry, stamped with
  `kpitui_current_rep()` (session_user) and the transaction's time, whenever the session's login may not
  write the log itself. The owner keeps writing it from the app, as SQLite does (records.audit).
- Dates and timestamps a client writes must be finite (`infinity` broke history and response times).
- No statement, lock or idle-in-transaction timeouts: a rep's `LOCK TABLE activity` froze everyone. The group
  roles and every existing login in them get `statement_timeout`, `lock_timeout` and
  `idle_in_transaction_session_timeout` (role settings are not inherited from a group: `kpitui grant` sets them
  on each login it provisions). A session can lower its own timeouts, so the groups also lose what lets them
  `LOCK` a table beyond ROW EXCLUSIVE (table-level UPDATE or DELETE): UPDATE is granted column by column, and
  a rep's or manager's DELETE goes through SECURITY DEFINER functions that apply 0004's delete policies
  (kpitui_delete_activity, kpitui_delete_target, kpitui_delete_scorecard; store/records.py calls them).

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GROUPS = ("kpitui_rep", "kpitui_manager", "kpitui_admin")
TIMEOUTS = {"statement_timeout": "30s", "lock_timeout": "5s", "idle_in_transaction_session_timeout": "60s"}
LOGGED = ("activity", "deal", "target")
FINITE = {"activity": ("occurred_at",), "deal": ("created_on", "closed_on"), "target": ("period_start",),
          "score": ("on",), "forecast": ("period_start",), "change_log": ("at",)}
# what each group writes, as 0004 granted it; table-level UPDATE and DELETE become column UPDATE and functions
WRITES = {"kpitui_rep": {"activity": "DELETE", "deal": ""},
          "kpitui_manager": {"activity": "DELETE", "deal": "", "target": "DELETE", "scorecard_weight": "DELETE"}}
DELETE_FUNCTIONS = {
    "activity": ("kpitui_delete_activity(activity_id integer)",
                 "DELETE FROM activity WHERE id = activity_id AND rep_id = ANY (kpitui_writable_rep_ids())"),
    "target": ("kpitui_delete_target(target_id integer)",
               "DELETE FROM target WHERE id = target_id AND (team_id = ANY (kpitui_managed_team_ids()) OR rep_id IN "
               "(SELECT r.id FROM rep r WHERE r.team_id = ANY (kpitui_managed_team_ids())))"),
    "scorecard_weight": ("kpitui_delete_scorecard(of_team integer)",
                         "DELETE FROM scorecard_weight WHERE team_id = of_team "
                         "AND of_team = ANY (kpitui_managed_team_ids())"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        s = _q(_schema())
        _consistency_policies(s)
        _finite_dates(s)
        _change_log_by_trigger(s)
        _timeouts()
        _no_table_locks(s)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    s = _q(_schema())
    for group, tables in WRITES.items():
        for table, delete in tables.items():
            op.execute(f"REVOKE UPDATE ({', '.join(_columns(table))}) ON {s}.{table} FROM {group}")
            op.execute(f"GRANT UPDATE{', ' + delete if delete else ''} ON {s}.{table} TO {group}")
    for signature, _ in DELETE_FUNCTIONS.values():
        op.execute(f"DROP FUNCTION IF EXISTS {s}.{signature}")
    for group in GROUPS:
        for name in TIMEOUTS:
            op.execute(f"ALTER ROLE {group} RESET {name}")
    for table in LOGGED:
        op.execute(f"DROP TRIGGER IF EXISTS kpitui_log_change ON {s}.{table}")
    op.execute(f"DROP FUNCTION IF EXISTS {s}.kpitui_log_change()")
    op.execute(f"GRANT INSERT ON {s}.change_log TO {', '.join(GROUPS)}")
    for table, columns in FINITE.items():
        for column in columns:
            op.execute(f"ALTER TABLE {s}.{table} DROP CONSTRAINT IF EXISTS ck_{table}_{column}_finite")
    for table, name in (("target", "kpitui_consistent"), ("activity", "kpitui_consistent")):
        op.execute(f"DROP POLICY IF EXISTS {name} ON {s}.{table}")
        op.execute(f"DROP POLICY IF EXISTS {name}_update ON {s}.{table}")


def _schema() -> str:
    name = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    assert name, "no current schema"
    return name


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _consistency_policies(s: str) -> None:
    admin = f"(SELECT {s}.kpitui_is_admin())"
    managed = f"(SELECT {s}.kpitui_managed_team_ids())::integer[]"
    target = (f"{admin} OR ((rep_id IS NULL) <> (team_id IS NULL) "
              f"AND (team_id IS NULL OR team_id = ANY ({managed})) "
              f"AND (rep_id IS NULL OR rep_id IN (SELECT r.id FROM {s}.rep r WHERE r.team_id = ANY ({managed}))))")
    activity = (f"{admin} OR deal_id IS NULL OR EXISTS "
                f"(SELECT 1 FROM {s}.deal d WHERE d.id = activity.deal_id AND d.rep_id = activity.rep_id)")
    for table, check in (("target", target), ("activity", activity)):
        # RESTRICTIVE: AND-ed with the permissive policies of 0004 (which are OR-ed with each other)
        op.execute(f"CREATE POLICY kpitui_consistent ON {s}.{table} AS RESTRICTIVE FOR INSERT TO PUBLIC "
                   f"WITH CHECK ({check})")
        op.execute(f"CREATE POLICY kpitui_consistent_update ON {s}.{table} AS RESTRICTIVE FOR UPDATE TO PUBLIC "
                   f"USING (true) WITH CHECK ({check})")


def _finite_dates(s: str) -> None:
    # Added NOT VALID, then validated when the old rows allow: an old bad row must not fail the upgrade, and
    # the constraint holds for every new or changed row either way.
    for table, columns in FINITE.items():
        for column in columns:
            col, name = _q(column), f"ck_{table}_{column}_finite"
            op.execute(f"ALTER TABLE {s}.{table} ADD CONSTRAINT {name} "
                       f"CHECK ({col} IS NULL OR isfinite({col})) NOT VALID")
            op.execute(f"DO $$ BEGIN ALTER TABLE {s}.{table} VALIDATE CONSTRAINT {name}; "
                       "EXCEPTION WHEN check_violation THEN NULL; END $$")


def _change_log_by_trigger(s: str) -> None:
    op.execute(f"REVOKE INSERT ON {s}.change_log FROM {', '.join(GROUPS)}")
    # Shapes as the app's own entries (records.audit) have them, so the history screens read both: the row's
    # columns, an activity's time in UTC with its offset and its deal's label, a target's team as subject.
    op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.kpitui_log_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
DECLARE
  old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  either jsonb;
  subject_team integer;
BEGIN
  IF TG_TABLE_NAME = 'activity' THEN
    IF old_row IS NOT NULL THEN
      old_row := old_row || jsonb_build_object(
        'occurred_at', to_char(OLD.occurred_at, 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00',
        'deal', (SELECT coalesce(d.external_id, d.name) FROM deal d WHERE d.id = OLD.deal_id));
    END IF;
    IF new_row IS NOT NULL THEN
      new_row := new_row || jsonb_build_object(
        'occurred_at', to_char(NEW.occurred_at, 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00',
        'deal', (SELECT coalesce(d.external_id, d.name) FROM deal d WHERE d.id = NEW.deal_id));
    END IF;
  END IF;
  either := coalesce(new_row, old_row);
  IF TG_TABLE_NAME = 'target' THEN
    subject_team := coalesce((either->>'team_id')::integer,
                             (SELECT r.team_id FROM rep r WHERE r.id = (either->>'rep_id')::integer));
  END IF;
  INSERT INTO change_log (at, actor_rep_id, actor, subject_rep_id, subject_team_id, entity, entity_id, action,
                          before, after)
  VALUES (now() AT TIME ZONE 'UTC', kpitui_current_rep(), coalesce(kpitui_current_rep_name(), session_user::text),
          (either->>'rep_id')::integer, subject_team, TG_TABLE_NAME, (either->>'id')::integer,
          CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
          old_row::text, new_row::text);
  RETURN NULL;
END $$""")
    op.execute(f"REVOKE ALL ON FUNCTION {s}.kpitui_log_change() FROM PUBLIC")
    for table in LOGGED:
        # WHEN: the owner's own writes (imports, seeding, the app as owner) skip the call; the app logs them
        op.execute(f"CREATE TRIGGER kpitui_log_change AFTER INSERT OR UPDATE OR DELETE ON {s}.{table} "
                   f"FOR EACH ROW WHEN (NOT pg_catalog.has_table_privilege(session_user, "
                   f"'{s}.change_log'::regclass, 'INSERT')) EXECUTE FUNCTION {s}.kpitui_log_change()")


def _columns(table: str) -> list[str]:
    names = op.get_bind().exec_driver_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        f"AND table_name = '{table}' AND column_name <> 'id' ORDER BY ordinal_position").scalars().all()
    return [_q(name) for name in names]


def _no_table_locks(s: str) -> None:
    for signature, statement in DELETE_FUNCTIONS.values():
        op.execute(f"""
CREATE OR REPLACE FUNCTION {s}.{signature} RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
  WITH gone AS ({statement} RETURNING 1) SELECT count(*)::integer FROM gone
$$""")
        op.execute(f"REVOKE ALL ON FUNCTION {s}.{signature.split('(')[0]}(integer) FROM PUBLIC")
    for group, tables in WRITES.items():
        for table, delete in tables.items():
            op.execute(f"REVOKE UPDATE{', ' + delete if delete else ''} ON {s}.{table} FROM {group}")
            op.execute(f"GRANT UPDATE ({', '.join(_columns(table))}) ON {s}.{table} TO {group}")
            if delete:
                function = DELETE_FUNCTIONS[table][0].split("(")[0]
                op.execute(f"GRANT EXECUTE ON FUNCTION {s}.{function}(integer) TO {group}")


def _timeouts() -> None:
    # Roles are cluster-wide and several databases may migrate at once: a setting already there is skipped,
    # "tuple concurrently updated" (internal_error) means another migration is writing the same value, and a
    # login role dropped since the loop read pg_roles (undefined_object) needs no setting any more.
    wanted = ", ".join(f"'{name}={value}'" for name, value in TIMEOUTS.items())
    groups = ", ".join(f"'{g}'" for g in GROUPS)
    op.execute(f"""
DO $$
DECLARE who text; setting text;
BEGIN
  FOR who IN SELECT DISTINCT r.rolname FROM pg_roles r
             WHERE r.rolname IN ({groups})
                OR r.oid IN (SELECT m.member FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                             WHERE g.rolname IN ({groups}))
  LOOP
    FOREACH setting IN ARRAY ARRAY[{wanted}] LOOP
      CONTINUE WHEN EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
                            WHERE r.rolname = who AND s.setdatabase = 0 AND setting = ANY (s.setconfig));
      BEGIN
        EXECUTE format('ALTER ROLE %I SET %s = %L', who, split_part(setting, '=', 1), split_part(setting, '=', 2));
      EXCEPTION WHEN internal_error OR undefined_object THEN NULL;
      END;
    END LOOP;
  END LOOP;
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'kpitui sets timeouts on its group and login roles: run this migration as a role with '
                    'CREATEROLE (the owner of the kpitui tables)';
END $$""")
