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
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from kpitui.domain.errors import Busy

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


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


# PostgreSQL lock_timeout and statement_timeout (the group roles have them, migration 0007)
BUSY_STATES = {"55P03": "someone else is changing the same data", "57014": "the database took too long"}


@contextmanager
def _busy_is_an_error() -> Iterator[None]:
    """A lock or statement timeout becomes a clear "busy, try again" rather than a driver traceback."""
    try:
        yield
    except DBAPIError as exc:
        reason = BUSY_STATES.get(getattr(exc.orig, "sqlstate", None) or "")
        if reason is None:
            raise
        raise Busy(f"the database is busy ({reason}): nothing was changed, try again in a moment") from exc


class Database:
    """One database: connections for reading, and write transactions that commit all or nothing."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._open_read = threading.local()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

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
        with _busy_is_an_error(), self.engine.connect() as conn:
            self._open_read.conn = conn
            try:
                yield conn
            finally:
                self._open_read.conn = None

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception. Reads and writes made inside it join it:
        they see the state it locked (and its own changes) without a connection of their own."""
        writing: Connection | None = getattr(self._open_read, "writing", None)
        if writing is not None:  # a write inside a write joins it (a second BEGIN IMMEDIATE would wait for it)
            yield writing
            return
        outer = getattr(self._open_read, "conn", None)
        with _busy_is_an_error(), self.engine.connect() as conn:
            conn = conn.execution_options(kpitui_write=True)
            self._open_read.conn = self._open_read.writing = conn
            try:
                with conn.begin():
                    yield conn
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
        for attempt in range(attempts):
            try:
                with self._transaction() as conn:
                    return work(conn)
            except OperationalError as exc:
                if "locked" not in str(exc).lower() or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def orm_session(conn: Connection) -> Iterator[Session]:
    """An ORM session inside `conn`'s open transaction, which commits or rolls back its work: the session only
    flushes (it joins the transaction, so its own commit would not end it)."""
    with Session(bind=conn, expire_on_commit=False) as session:
        yield session
        session.flush()
