"""Create and upgrade the schema with Alembic, keeping data.

SQLite: the file is backed up before a migration touches a database that holds data, and foreign keys are
off on the migration connection (batch mode copies tables; with foreign keys on, dropping a parent table
cascades into its children, TRAPS.md), then `PRAGMA foreign_key_check` must come back empty.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text

from kpitui.store.db import Database

HEAD = "0006"
MIGRATIONS = Path(__file__).parent / "migrations"


class MigrationError(RuntimeError):
    pass


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config():  # noqa: ANN202 - alembic imported lazily: it costs start-up time
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _sqlite_path(db: Database) -> Path | None:
    database = db.engine.url.database
    return Path(database) if db.is_sqlite and database and database != ":memory:" else None


def backup_sqlite(db: Database, label: str) -> Path | None:
    """Copy the SQLite file with the online-backup API (consistent even under WAL)."""
    path = _sqlite_path(db)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
    finally:
        source.close()
    return target


def ensure_schema(db: Database) -> str | None:
    """Bring the database to HEAD. Returns the path of a backup when one was taken."""
    revision = current_revision(db)
    if revision == HEAD:
        return None
    from alembic import command

    backup = None
    with db.engine.connect() as probe:
        has_tables = bool(inspect(probe).get_table_names())
    if has_tables:
        backup = backup_sqlite(db, f"before-{HEAD}")
    cfg = _alembic_config()
    with db.engine.connect() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
        if db.is_sqlite:
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            if problems:
                raise MigrationError(f"migration left {len(problems)} broken references; backup at {backup}")
    return str(backup) if backup else None
