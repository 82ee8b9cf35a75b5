"""Open a kpitui database: refuse what is not one, create it when there is none, upgrade it keeping data.

What is refused, with one clear line and nothing written: a folder, a file that is not SQLite, a SQLite file
holding another application's tables, a database written by a newer kpitui, and (unless `init` is asked) a
zero-byte or table-less file. A SQLite file is examined read-only before kpitui's own connection touches it:
that connection switches the file to WAL, which would already be a write.

SQLite: the file is backed up once, just before a real upgrade, named after the revision it came from; foreign
keys are off on the migration connection (batch mode copies tables; with foreign keys on, dropping a parent
table cascades into its children, TRAPS.md), then `PRAGMA foreign_key_check` must come back empty.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import URL, inspect, text

from kpitui.domain.errors import DatabaseError
from kpitui.store.db import BUSY_TIMEOUT_MS, Database, to_url

HEAD = "0012"
MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"


class MigrationError(DatabaseError):
    pass


def open_database(target: str | Path | URL, *, initialise: bool = False) -> Database:
    """The database at `url`, at HEAD. `initialise` (the `init` command) may also make a zero-byte or
    table-less SQLite file into a kpitui database; nothing makes one of a file that holds anything else."""
    url = to_url(target)
    path = _sqlite_file(url)
    if path is not None:
        _check_sqlite_file(path, initialise=initialise)
    db = Database(url)
    try:
        ensure_schema(db)
    except BaseException:
        db.dispose()
        raise
    return db


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.query.get("uri") in ("true", "1"):  # a SQLite URI the user wrote: theirs to mean
        return None
    return Path(url.database).absolute()


def _check_sqlite_file(path: Path, *, initialise: bool) -> None:
    """Refuse a file that is not a kpitui database before anything writes to it; create the folder of a new
    one."""
    init_hint = f"`kpitui --db {path} init` makes it one"
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            return
        if path.is_dir():
            raise DatabaseError(f"{path} is a folder, not a kpitui database")
        if not path.is_file():
            raise DatabaseError(f"{path} is not a regular file, so not a kpitui database")
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"cannot use {path}: {exc.strerror or exc}") from None
    if not header:
        if initialise:
            return
        raise DatabaseError(f"{path} is an empty file, not a kpitui database: {init_hint}")
    if header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not a kpitui database (not a SQLite file at all); nothing was changed")
    tables, revision = _peek(path)
    if not tables:
        if initialise:
            return
        raise DatabaseError(f"{path} is an empty SQLite database, not a kpitui one: {init_hint}")
    if revision is None:
        raise DatabaseError(f"{path} holds another application's tables, not kpitui's; nothing was changed")
    _refuse_unknown_revision(revision, path)


def _peek(path: Path) -> tuple[list[str], str | None]:
    """The file's tables and kpitui schema revision, read through a read-only connection."""
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open {path}: {exc}") from None
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return tables, revision
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path} is not a usable kpitui database: {exc}") from None
    finally:
        conn.close()


def _refuse_unknown_revision(revision: str, name: object) -> None:
    """A revision this version has no migration for was written by a newer kpitui: using or "upgrading" it
    would fail half-way, so it is refused before any backup or write."""
    if revision == HEAD:
        return
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        known = ScriptDirectory.from_config(_alembic_config()).get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise DatabaseError(f"{name} was written by a newer kpitui (revision {revision}): upgrade kpitui to "
                            "use it; nothing was changed")


def current_revision(db: Database) -> str | None:
    with db.guarded(), db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config():  # noqa: ANN202 - alembic imported lazily: it costs start-up time
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def backup_sqlite(db: Database, label: str) -> Path | None:
    """Copy the SQLite file with the online-backup API (consistent even under WAL)."""
    path = db.sqlite_path
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
    """Bring the database to HEAD. Returns the path of a backup when one was taken: only when a database
    holding kpitui data is really upgraded, never when it is refused."""
    revision = current_revision(db)
    if revision == HEAD:
        return None
    with db.guarded(), db.engine.connect() as probe:
        has_tables = bool(inspect(probe).get_table_names())
    if revision is None and has_tables:
        raise DatabaseError(f"{db.name} holds another application's tables, not kpitui's; nothing was changed")
    if revision is not None:
        _refuse_unknown_revision(revision, db.name)
    from alembic import command

    backup = None
    if revision is not None:
        try:
            backup = backup_sqlite(db, f"revision-{revision}")
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseError(f"no backup of {db.name} could be made before upgrading it, so it was not "
                                f"upgraded: {exc}") from None
    cfg = _alembic_config()
    try:
        with db.guarded(), db.engine.connect() as conn:
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
    except DatabaseError as exc:
        if backup is None or isinstance(exc, MigrationError):
            raise
        raise DatabaseError(f"{exc}; the copy taken before the upgrade is {backup}") from exc
    return str(backup) if backup else None
