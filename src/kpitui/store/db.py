"""Engine, pragmas and transactions.

SQLite: WAL, foreign keys on, a busy timeout, and BEGIN IMMEDIATE for every write transaction, so concurrent
writers queue for the lock instead of losing updates (TRAPS.md). Reads use a deferred BEGIN: a consistent
snapshot that never blocks writers in WAL mode.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, NoSuchModuleError, OperationalError
from sqlalchemy.exc import DatabaseError as DriverDatabaseError

from kpitui.domain.errors import Busy, DatabaseError
from kpitui.store.changes import NOTIFY, ChangeWatch

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 30_000
T = TypeVar("T")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("kpitui_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def to_url(target: str | Path | URL) -> URL:
    """A SQLAlchemy URL from a URL, its text, or the Path of a SQLite file (built field by field: a file named
    `my?db.db` or `sales%20q.db` is that file, not a query string or an escape)."""
    if isinstance(target, Path):
        return URL.create("sqlite+pysqlite", database=str(target))
    try:
        return make_url(target)
    except (ArgumentError, ValueError):  # not echoed: it may hold a password
        raise DatabaseError("the database URL is not one this version understands "
                            "(dialect+driver://user:password@host/database)") from None


def make_engine(url: URL) -> Engine:
    try:
        if url.get_backend_name() == "sqlite":
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            _configure_sqlite(engine)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:  # an unknown dialect or a driver that is not installed
        raise DatabaseError(f"kpitui cannot open {masked(url)}: it has no driver for {url.drivername!r} "
                            "(sqlite, postgresql+psycopg)") from exc
    except ArgumentError as exc:
        raise DatabaseError(f"kpitui cannot open {masked(url)}: {first_line(exc)}") from exc


def masked(url: URL) -> str:
    """The URL as it may be shown: never with its password."""
    return url.render_as_string(hide_password=True)


def first_line(exc: BaseException) -> str:
    """The driver's own reason, without the SQL statement, parameters and links SQLAlchemy appends."""
    reason = getattr(exc, "orig", None) or exc
    return (str(reason).strip().splitlines() or [type(reason).__name__])[0]


# lock / statement timeout (the group roles have them, migration 0007), serialization, deadlock
BUSY_SQLSTATES = {"55P03", "57014", "40001", "40P01"}


class Database:
    """One database: connections for reading, and write transactions that commit all or nothing."""

    def __init__(self, url: str | Path | URL) -> None:
        self.url = to_url(url)  # str(self.url) masks the password
        self.engine = make_engine(self.url)
        self._open_read = threading.local()
        self._watch: Any = None
        self._watch_lock = threading.Lock()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, or None (PostgreSQL, or an in-memory database)."""
        database = self.url.database
        return Path(database).absolute() if self.is_sqlite and database and database != ":memory:" else None

    @property
    def name(self) -> str:
        """How messages name this database: its file, or its URL without the password."""
        path = self.sqlite_path
        return str(path) if path is not None else masked(self.url)

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """The database boundary: a driver failure that no caller expects (unreachable server, a file that is
        not a database, a read-only file system, a lock held too long) becomes one DatabaseError naming the
        database and the reason, without SQL or password. Constraint and permission errors pass through:
        callers turn those into messages of their own."""
        try:
            yield
        except (OperationalError, InterfaceError, ArgumentError) as exc:
            raise self.unusable(exc) from exc
        except DriverDatabaseError as exc:
            if type(exc) is not DriverDatabaseError:  # IntegrityError, ProgrammingError ...: the caller's
                raise
            raise self.unusable(exc) from exc

    def unusable(self, exc: Exception) -> DatabaseError:
        sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
        reason = first_line(exc)
        if sqlstate in BUSY_SQLSTATES or "database is locked" in reason:
            why = "it took too long" if sqlstate == "57014" else "someone else is changing the same data"
            return Busy(f"the database {self.name} is busy ({why}): nothing was changed, try again in a moment")
        if "not permitted to log in" in reason:  # NOLOGIN: `kpitui people deactivate` locked it
            return DatabaseError(f"the database login {self.engine.url.username} is locked: its person is "
                                 "deactivated in kpitui (an admin can reactivate them)")
        if isinstance(exc, DBAPIError) and "readonly" in reason.replace("-", "").replace(" ", ""):
            return DatabaseError(f"the database {self.name} is read-only here: {reason}")
        return DatabaseError(f"cannot use the database {self.name}: {reason}")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only snapshot (one deferred transaction, rolled back at the end). A Core connection, not an
        ORM session: reads execute Core statements only, and a session cost 40 µs more on every screen.

        A read opened while this thread already has one joins it, so a screen assembled from several reads
        (find the rep, then their KPIs) sees one snapshot and pays for one connection."""
        joined: Connection | None = getattr(self._open_read, "conn", None)
        if joined is not None:
            yield joined
            return
        with self.guarded(), self.engine.connect() as conn:
            self._open_read.conn = conn
            try:
                yield conn
            finally:
                self._open_read.conn = None

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """A write transaction at the database boundary (see `guarded`)."""
        with self.guarded(), self._unguarded_transaction() as conn:
            yield conn

    @contextmanager
    def _unguarded_transaction(self) -> Iterator[Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception. Reads and writes made inside it join it:
        they see the state it locked (and its own changes) without a connection of their own."""
        writing: Connection | None = getattr(self._open_read, "writing", None)
        if writing is not None:  # a write inside a write joins it (a second BEGIN IMMEDIATE would wait for it)
            yield writing
            return
        outer = getattr(self._open_read, "conn", None)
        with self.engine.connect() as conn:
            conn = conn.execution_options(kpitui_write=True)
            self._open_read.conn = self._open_read.writing = conn
            try:
                with conn.begin():
                    yield conn
                    if not self.is_sqlite:  # delivered at commit, to the open apps' ChangeWatch (store/changes.py)
                        conn.exec_driver_sql(NOTIFY)
            finally:
                self._open_read.conn, self._open_read.writing = outer, None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction with ORM objects: committed when the block ends, rolled back whole on any
        exception."""
        with self._transaction() as conn, orm_session(conn) as session:
            yield session

    def run_write(self, work: Callable[[Connection], T], attempts: int = 5) -> T:
        """Run `work` in a write transaction on a Core connection (an ORM session costs a logged activity
        a sixth of its time), retrying when another process still holds the lock."""
        with self.guarded():
            for attempt in range(attempts):
                try:
                    with self._unguarded_transaction() as conn:
                        return work(conn)
                except OperationalError as exc:
                    if "locked" not in str(exc).lower() or attempt == attempts - 1:
                        raise
                    time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def data_version(self) -> int:
        """A number that differs from its previous value when anyone committed in between (store/changes.py);
        the watching connection opens on first use and stays open until `dispose`."""
        with self._watch_lock:
            if self._watch is None:
                with self.guarded():
                    self._watch = ChangeWatch(self.engine)
            watch = self._watch
        with self.guarded():
            return watch.version()

    def dispose(self) -> None:
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
        self.engine.dispose()


@contextmanager
def orm_session(conn: Connection) -> Iterator[Session]:
    """An ORM session inside `conn`'s open transaction, which commits or rolls back its work: the session only
    flushes (it joins the transaction, so its own commit would not end it). The ORM is imported here, not at
    the top: only the importer and the seed write through a session, and the ORM costs a fresh process ~70 ms."""
    from sqlalchemy.orm import Session

    with Session(bind=conn, expire_on_commit=False) as session:
        yield session
        session.flush()
