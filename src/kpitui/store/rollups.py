"""Per-rep, per-local-day activity rollups, kept exact by the database on every write (DESIGN.md section 8).

`activity_day` holds, per rep and local date, the activity counts the KPIs read; `activity_month` the same per rep
and local month (keyed by its first day), so that a quarter reads three rows per rep instead of ninety-one, and
the days only for a period's ragged edges (a week, a custom range). Triggers on `activity` (SQLite
and PostgreSQL alike) add and subtract each row as it is inserted, changed or deleted, so no writer can forget
them: the app, an import, the seed, the PostgreSQL delete functions of migration 0007, or someone with psql.

The local date needs the time zone, which SQL does not have on SQLite: `rollup_shift` holds, for the zone the
rollup was built for, pieces of UTC time [starts_at, next starts_at) within which `date(t + shift_s seconds)` is
the local date of instant t, computed here from zoneinfo with the same definition as `Period.utc_bounds` (a day
runs from one local midnight to the next). A piece with no shift ends the covered years (1970 to 2100).

`rollup_state` records the zone and the definition version the rollup was built for: a service opened in
another zone (or a newer definition) rebuilds it before answering; a session that may not rebuild it (a rep's
PostgreSQL login) reads the raw rows instead. Never an answer in the wrong zone.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Connection, Date, Integer, String, Table, select, text

from kpitui.store import tables
from kpitui.store.types import UTCDateTime

VERSION = 2  # 1: activity_day alone (migration 0009); 2: activity_month too (0010)
DAYS_ONLY = 1
COVERS = (date(1970, 1, 1), date(2100, 1, 1))
# rollup column -> the condition, on one activity row, that it counts
COUNTS = {
    "calls": "{r}.kind = 'call'",
    "conversations": "{r}.kind = 'call' AND {r}.outcome = 'connected'",
    "emails": "{r}.kind = 'email'",
    "meetings": "{r}.kind = 'meeting'",
    "demos": "{r}.kind = 'demo'",
    "proposals": "{r}.kind = 'proposal'",
    "ideas": "{r}.kind = 'idea'",
}

activity_day = Table(
    "activity_day", tables.metadata,
    Column("rep_id", Integer, primary_key=True, autoincrement=False),
    Column("day", Date, primary_key=True),
    Column("activities", Integer, nullable=False),  # every kind: a row with none left is deleted
    *[Column(name, Integer, nullable=False) for name in COUNTS],
    sqlite_with_rowid=False,
)
activity_month = Table(
    "activity_month", tables.metadata,
    Column("rep_id", Integer, primary_key=True, autoincrement=False),
    Column("month", Date, primary_key=True),  # the first day of the local month
    Column("activities", Integer, nullable=False),
    *[Column(name, Integer, nullable=False) for name in COUNTS],
    sqlite_with_rowid=False,
)
rollup_state = Table(
    "rollup_state", tables.metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("zone", String(100), nullable=False),
    Column("version", Integer, nullable=False),
)
rollup_shift = Table(
    "rollup_shift", tables.metadata,
    Column("starts_at", UTCDateTime(), primary_key=True),
    Column("shift_s", Integer, nullable=True),
)
TRIGGERS = ("kpitui_rollup_insert", "kpitui_rollup_update", "kpitui_rollup_delete")
WATCHED = ("rep_id", "kind", "occurred_at", "outcome")


# -- the zone as pieces of UTC time ----------------------------------------------------------------------------

def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC).replace(tzinfo=None)


@lru_cache(maxsize=16)
def shift_pieces(zone: ZoneInfo) -> tuple[tuple[datetime, int | None], ...]:
    """(naive UTC start, seconds to add) pieces: date(t + shift) is the local date of every t in a piece.

    A day of 24 hours takes its midnight's offset; a longer day (clocks going back) is split in two halves, the
    second taking the next midnight's offset, so that no instant of it is shifted into the next date."""
    first, last = COVERS
    pieces: list[tuple[datetime, int | None]] = []

    def add(start: datetime, shift: int) -> None:
        if pieces and pieces[-1][1] == shift:
            return
        if pieces and pieces[-1][0] == start:
            pieces.pop()
        pieces.append((start, shift))

    day, lo = first, _midnight(first, zone)
    while day < last:
        hi = _midnight(day + timedelta(days=1), zone)
        length = hi - lo
        shift = int((datetime.combine(day, time(0)) - lo).total_seconds())
        if length <= timedelta(days=1):
            if length > timedelta(0):
                add(lo, shift)
        else:
            add(lo, shift)
            add(lo + timedelta(hours=12), int((datetime.combine(day + timedelta(days=1), time(0)) - hi)
                                              .total_seconds()))
        day, lo = day + timedelta(days=1), hi
    pieces.append((lo, None))
    return tuple(pieces)


# -- trigger and rebuild SQL ----------------------------------------------------------------------------------

def _comparable(dialect: str, instant: str) -> str:
    """`instant` as it compares with a piece's start. SQLite compares text: a time written by hand without
    microseconds ('... 03:00:00') sorts before the piece starting that very second ('... 03:00:00.000000').
    Pieces start on whole seconds, so its first 19 characters decide."""
    return f"(substr({instant}, 1, 19) || '.000000')" if dialect == "sqlite" else instant


def _lookup(dialect: str, instant: str) -> str:
    return (f"(SELECT s.shift_s FROM rollup_shift s WHERE s.starts_at <= {_comparable(dialect, instant)} "
            "ORDER BY s.starts_at DESC LIMIT 1)")


def _local_day(dialect: str, instant: str, shift: str | None = None) -> str:
    """The local date of `instant`, by its piece's shift: looked up in rollup_shift, or `shift` (an expression)."""
    shift = shift or _lookup(dialect, instant)
    if dialect == "sqlite":
        # whole seconds: SQLite's date arithmetic keeps milliseconds, so 23:59:59.9999 would round to midnight
        return f"date(substr({instant}, 1, 19), {shift} || ' seconds')"
    return f"CAST({instant} + make_interval(secs => {shift}) AS DATE)"


def _flags(row: str) -> list[str]:
    return [f"CASE WHEN {condition.format(r=row)} THEN 1 ELSE 0 END" for condition in COUNTS.values()]


def _month_of(dialect: str, day: str) -> str:
    """The first day of the month of date expression `day`."""
    if dialect == "sqlite":
        return f"date({day}, 'start of month')"
    return f"CAST(date_trunc('month', CAST({day} AS TIMESTAMP)) AS DATE)"


# rollup table -> its date key column; activity_month's key is the month of the local date
LEVELS = {"activity_day": "day", "activity_month": "month"}


def _key(dialect: str, table: str, instant: str) -> str:
    day = _local_day(dialect, instant)
    return day if table == "activity_day" else _month_of(dialect, day)


def _add_row(dialect: str, row: str, table: str = "activity_day") -> str:
    names = ", ".join(COUNTS)
    key = LEVELS[table]
    updates = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in ("activities", *COUNTS))
    return (f"INSERT INTO {table} (rep_id, {key}, activities, {names}) "
            f"SELECT {row}.rep_id, d.k, 1, {', '.join(_flags(row))} "
            f"FROM (SELECT {_key(dialect, table, f'{row}.occurred_at')} AS k) d WHERE d.k IS NOT NULL "
            f"ON CONFLICT (rep_id, {key}) DO UPDATE SET {updates}")


def _remove_row(dialect: str, row: str, table: str = "activity_day") -> list[str]:
    key = _key(dialect, table, f"{row}.occurred_at")
    minus = ", ".join(["activities = activities - 1",
                       *(f"{n} = {n} - {flag}" for n, flag in zip(COUNTS, _flags(row), strict=True))])
    where = f"rep_id = {row}.rep_id AND {LEVELS[table]} = {key}"
    return [f"UPDATE {table} SET {minus} WHERE {where}",
            f"DELETE FROM {table} WHERE {where} AND activities <= 0"]


def _tables(months: bool) -> tuple[str, ...]:
    return tuple(LEVELS) if months else ("activity_day",)


def install_triggers(conn: Connection, months: bool = True) -> None:
    """(Re)create the triggers that keep activity_day (and activity_month, unless `months` is False: migration
    0009's definition) exact; PostgreSQL: as SECURITY DEFINER functions, so a rep's own write (row-level
    security, no privilege on the rollup) maintains it too."""
    dialect = conn.dialect.name
    for name in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}" + ("" if dialect == "sqlite" else " ON activity"))
    remove = [sql for table in _tables(months) for sql in _remove_row(dialect, "OLD", table)]
    add = "; ".join(_add_row(dialect, "NEW", table) for table in _tables(months))
    if dialect == "sqlite":
        conn.exec_driver_sql(f"CREATE TRIGGER kpitui_rollup_insert AFTER INSERT ON activity BEGIN {add}; END")
        conn.exec_driver_sql(f"CREATE TRIGGER kpitui_rollup_delete AFTER DELETE ON activity BEGIN "
                             f"{'; '.join(remove)}; END")
        conn.exec_driver_sql(f"CREATE TRIGGER kpitui_rollup_update AFTER UPDATE OF {', '.join(WATCHED)} ON activity "
                             f"BEGIN {'; '.join(remove)}; {add}; END")
        return
    schema = conn.exec_driver_sql("SELECT quote_ident(current_schema())").scalar()
    conn.exec_driver_sql(f"""
CREATE OR REPLACE FUNCTION {schema}.kpitui_rollup_activity() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {'; '.join(remove)};
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    {add};
  END IF;
  RETURN NULL;
END $$""")
    conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {schema}.kpitui_rollup_activity() FROM PUBLIC")
    conn.exec_driver_sql(f"CREATE TRIGGER kpitui_rollup_update AFTER INSERT OR DELETE OR UPDATE OF "
                         f"{', '.join(WATCHED)} ON {schema}.activity FOR EACH ROW "
                         f"EXECUTE FUNCTION {schema}.kpitui_rollup_activity()")


def drop_triggers(conn: Connection) -> None:
    dialect = conn.dialect.name
    for name in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}" + ("" if dialect == "sqlite" else " ON activity"))
    if dialect != "sqlite":
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS kpitui_rollup_activity()")


def rebuild(conn: Connection, zone: ZoneInfo, months: bool = True) -> None:
    """Build the rollup from the raw rows, for `zone`, in the caller's write transaction; the triggers too (a
    newer definition replaces them). `months` False: activity_day alone (migration 0009, before the months)."""
    if conn.dialect.name == "postgresql":  # writers wait for the rebuild instead of racing it
        conn.exec_driver_sql("LOCK TABLE activity IN SHARE ROW EXCLUSIVE MODE")
    install_triggers(conn, months)
    conn.execute(rollup_shift.delete())
    conn.execute(rollup_shift.insert(), [{"starts_at": start.replace(tzinfo=UTC), "shift_s": shift}
                                         for start, shift in shift_pieces(zone)])
    conn.execute(activity_day.delete())
    sums = ", ".join(f"sum({flag})" for flag in _flags("a"))
    shift = _shift_case(conn, "a.occurred_at", shift_pieces(zone))
    if shift is not None:
        conn.exec_driver_sql(
            f"INSERT INTO activity_day (rep_id, day, activities, {', '.join(COUNTS)}) "
            f"SELECT a.rep_id, a.day, count(*), {sums} FROM "
            f"(SELECT a.rep_id, a.kind, a.outcome, {_local_day(conn.dialect.name, 'a.occurred_at', shift)} AS day "
            "FROM activity a) a WHERE a.day IS NOT NULL GROUP BY a.rep_id, a.day")
    if months:  # the months from the days: a few rows per rep and month, not a pass over every activity
        conn.execute(activity_month.delete())
        month = _month_of(conn.dialect.name, "day")
        names = ", ".join(("activities", *COUNTS))
        conn.exec_driver_sql(
            f"INSERT INTO activity_month (rep_id, month, {names}) "
            f"SELECT rep_id, {month}, {', '.join(f'sum({n})' for n in ('activities', *COUNTS))} "
            f"FROM activity_day GROUP BY rep_id, {month}")
    conn.execute(rollup_state.delete())
    conn.execute(rollup_state.insert().values(id=1, zone=zone_name(zone), version=VERSION if months else DAYS_ONLY))


def _shift_case(conn: Connection, instant: str, pieces: tuple[tuple[datetime, int | None], ...]) -> str | None:
    """The shift of `instant` as a CASE over the pieces the activities' times span (a few for a few years),
    falling back to the lookup outside them; None without activities. A lookup per row took 9 s for 2M rows."""
    lo, hi = conn.exec_driver_sql("SELECT min(occurred_at), max(occurred_at) FROM activity").one()
    if lo is None:
        return None
    lookup = _lookup(conn.dialect.name, instant)
    try:
        lo, hi = (value if isinstance(value, datetime) else datetime.fromisoformat(value) for value in (lo, hi))
    except (TypeError, ValueError):  # text that is no time, in an old SQLite file: the lookup decides row by row
        return lookup
    starts = [start for start, _ in pieces]
    first = max(0, bisect_right(starts, lo) - 1)
    last = max(0, bisect_right(starts, hi) - 1)

    def moment(at: datetime) -> str:
        text = at.strftime("%Y-%m-%d %H:%M:%S.%f")
        return f"'{text}'" if conn.dialect.name == "sqlite" else f"TIMESTAMP '{text}'"

    at = _comparable(conn.dialect.name, instant)
    whens = [f"WHEN {at} < {moment(starts[first])} THEN {lookup}"]
    for i in range(first, min(last + 1, len(pieces) - 1)):
        shift = pieces[i][1]
        whens.append(f"WHEN {at} < {moment(starts[i + 1])} THEN {'NULL' if shift is None else shift}")
    return f"(CASE {' '.join(whens)} ELSE {lookup} END)"


def pause(conn: Connection) -> ZoneInfo | None:
    """For a bulk write on SQLite (the seed): drop the triggers inside the caller's transaction; `resume` with
    what this returns rebuilds the rollup from the rows in one pass, then the triggers, before it commits. A row
    at a time through the triggers cost the seed a third more time; SQLite's DDL is transactional, so no other
    writer ever sees the rollup without its triggers."""
    state = built_for(conn)
    if conn.dialect.name != "sqlite" or state is None:
        return None
    drop_triggers(conn)
    return ZoneInfo(state[0])


def resume(conn: Connection, zone: ZoneInfo | None) -> None:
    if zone is not None:
        rebuild(conn, zone)


def zone_name(zone: ZoneInfo) -> str:
    return str(zone.key or "")


def built_for(conn: Connection) -> tuple[str, int] | None:
    """(zone, version) the rollup holds, or None when there is none (a database older than migration 0009)."""
    row = conn.execute(select(rollup_state.c.zone, rollup_state.c.version)).first()
    return (row[0], row[1]) if row else None


def answers_for(conn: Connection, zone: ZoneInfo, days: Iterable[date]) -> bool:
    """True when the rollup answers for local dates `days` in `zone`: built for it, by this definition, and
    covering them."""
    if not zone.key or built_for(conn) != (zone.key, VERSION):
        return False
    first, last = COVERS
    return all(first <= day <= last for day in days)


def may_rebuild(conn: Connection) -> bool:
    """SQLite, or the PostgreSQL owner of the tables (a person's login reads the raw rows instead)."""
    if conn.dialect.name == "sqlite":
        return True
    return bool(conn.execute(text("SELECT has_table_privilege('activity_day', 'DELETE') "
                                  "AND has_table_privilege('rollup_state', 'INSERT')")).scalar())


def ensure(db: Any, zone: ZoneInfo) -> bool:
    """Rebuild the rollup for `zone` when it was built for another zone or definition and this session may;
    True when the rollup now answers in `zone`."""
    from kpitui.domain.errors import DatabaseError

    if not zone.key:
        return False
    try:
        with db.read() as conn:
            state = built_for(conn)
            if state == (zone.key, VERSION):
                return True
            if not may_rebuild(conn):
                return False

        def work(conn: Connection) -> None:
            if built_for(conn) != (zone.key, VERSION):  # another process may have rebuilt it meanwhile
                rebuild(conn, zone)

        db.run_write(work)
        return True
    except DatabaseError:  # a read-only file, a busy database: the raw rows still answer, only slower
        return False
