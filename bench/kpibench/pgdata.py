"""PostgreSQL at scale (`--postgres URL`): the scale database's rows, loaded into a dedicated PostgreSQL database.

The rows are copied from the SQLite scale database (built by the real seed with the bench's seed, end and zone),
so both engines answer over identical rows: schema by kpitui's own migrations, raw tables by COPY (the tables'
user triggers paused, as a restore would), sequences set past the ids, then the rollup rebuilt by kpitui's own
`rollups.rebuild` in PostgreSQL, and ANALYZE. The database is named BENCH_DB on the server of the URL; it is kept
between runs when its row counts match (`--postgres-drop` drops it at the end).
"""

import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from kpibench.common import KPI_TABLES, ZONE

BENCH_DB = "kpitui_bench_scale"
SKIP = {"alembic_version", "activity_day", "rollup_state", "rollup_shift"}  # the rollup is rebuilt in PostgreSQL


def driver_url(url: str, dbname: str | None = None) -> str:
    """libpq form of a SQLAlchemy URL (postgresql+psycopg://... -> postgresql://...), optionally another database."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if dbname is not None:
        u = u.set(database=dbname)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def sqlalchemy_url(url: str, dbname: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql+psycopg", database=dbname).render_as_string(hide_password=False)


def connect(url: str, dbname: str | None = None, autocommit: bool = False) -> Any:
    import psycopg

    return psycopg.connect(driver_url(url, dbname), autocommit=autocommit)


def counts_pg(conn: Any) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in KPI_TABLES}


def counts_sqlite(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in KPI_TABLES}
    finally:
        conn.close()


def _table_order(conn: Any) -> list[str]:
    """The schema's tables, each after the tables its foreign keys point to."""
    tables = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")]
    deps = {t: set() for t in tables}
    for child, parent in conn.execute(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema()"):
        if child != parent and child in deps:
            deps[child].add(parent)
    order: list[str] = []
    while deps:
        ready = sorted(t for t, d in deps.items() if not d - set(order))
        if not ready:
            raise RuntimeError(f"foreign keys in a cycle: {deps}")
        order += ready
        for t in ready:
            del deps[t]
    return order


def prepare_postgres(url: str, source: Path) -> dict[str, Any]:
    """The bench database on the server of `url`, holding the rows of the SQLite file `source`."""
    want = counts_sqlite(source)
    admin = connect(url, autocommit=True)
    try:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DB,)).fetchone()
    finally:
        admin.close()
    if exists:
        with connect(url, BENCH_DB) as conn:
            try:
                have = counts_pg(conn)
            except Exception:  # noqa: BLE001 - a half-made database: make it again
                have = {}
        if have == want:
            from kpitui.services import Kpitui

            Kpitui.open(sqlalchemy_url(url, BENCH_DB), zone=ZONE).db.dispose()  # a newer migration applies
            return {"database": BENCH_DB, "loaded": None, "rows": have}
        drop_postgres(url)
    t0 = time.perf_counter()
    admin = connect(url, autocommit=True)
    try:
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    finally:
        admin.close()
    from kpitui.services import Kpitui

    svc = Kpitui.open(sqlalchemy_url(url, BENCH_DB), initialise=True, zone=ZONE)  # the migrations, to head
    svc.db.dispose()
    t_schema = time.perf_counter() - t0
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copied: dict[str, int] = {}
    with connect(url, BENCH_DB) as conn:
        order = [t for t in _table_order(conn) if t not in SKIP]
        forced = [r[0] for r in conn.execute(  # COPY refuses a table whose row security binds its owner
            "SELECT relname FROM pg_class WHERE relforcerowsecurity AND relnamespace = current_schema()::regnamespace")]
        for table in forced:
            conn.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        for table in order:
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for table in reversed(order):  # rows a migration put there (e.g. default weights)
            conn.execute(f"DELETE FROM {table}")
        for table in order:
            pg_cols = [r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = %s ORDER BY ordinal_position", (table,))]
            try:
                lite_cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
            except sqlite3.Error:
                lite_cols = []
            cols = [c for c in pg_cols if c in lite_cols]
            if not cols:
                continue
            quoted = ", ".join(f'"{c}"' for c in cols)
            n = 0
            with conn.cursor().copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in src.execute(f"SELECT {quoted} FROM \"{table}\""):
                    copy.write_row(row)
                    n += 1
            copied[table] = n
            print(f"  postgres: copied {n:,} rows of {table}", file=sys.stderr, flush=True)
        for table in order:
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            seq = conn.execute("SELECT pg_get_serial_sequence(%s, 'id') FROM information_schema.columns WHERE "
                               "table_schema = current_schema() AND table_name = %s AND column_name = 'id'",
                               (table, table)).fetchone()
            if seq and seq[0]:
                conn.execute(f"SELECT setval('{seq[0]}', coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
        for table in forced:
            conn.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        conn.commit()
    src.close()
    t_copy = time.perf_counter() - t0 - t_schema
    from sqlalchemy import create_engine

    from kpitui.store import rollups

    engine = create_engine(sqlalchemy_url(url, BENCH_DB))
    t1 = time.perf_counter()
    with engine.begin() as sa_conn:
        rollups.rebuild(sa_conn, ZONE)
    engine.dispose()
    t_rollup = time.perf_counter() - t1
    t2 = time.perf_counter()
    with connect(url, BENCH_DB, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")  # as autovacuum would: the visibility map lets index-only scans skip the heap
        have = counts_pg(conn)
    if have != want:
        raise AssertionError(f"PostgreSQL rows {have} != SQLite rows {want}")
    return {"database": BENCH_DB, "rows": have, "copied": copied,
            "loaded": {"schema_s": round(t_schema, 1), "copy_s": round(t_copy, 1), "rollup_s": round(t_rollup, 1),
                       "analyze_s": round(time.perf_counter() - t2, 1)}}


def drop_postgres(url: str) -> None:
    admin = connect(url, autocommit=True)
    try:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    finally:
        admin.close()


if __name__ == "__main__":  # python bench/kpibench/pgdata.py URL SQLITE_FILE [--drop]
    if "--drop" in sys.argv:
        drop_postgres(sys.argv[1])
    else:
        print(prepare_postgres(sys.argv[1], Path(sys.argv[2])))
