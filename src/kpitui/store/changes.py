"""Has another connection committed since we last looked? Asked every second or two by the open app, so it
must cost next to nothing and never hold a lock or a transaction open.

SQLite: `PRAGMA data_version` on one connection kept open for the purpose. Its value changes whenever any
other connection (another process, or this process's pool) commits to the file, whoever the writer is.

PostgreSQL: every kpitui write transaction sends `NOTIFY kpitui_changed` (Database._unguarded_transaction);
a notification is delivered only when its transaction commits, and it carries no data. The watch LISTENs on a
connection of its own and counts what has arrived. Neither `max(change_log.id)` nor a counter table is right
there: under row-level security a rep does not see the rows (or change-log entries) of other reps whose
activities still move the team leaderboard the rep looks at, and an id taken before a slower transaction commits
is seen after it, so a max would miss that transaction for good.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

CHANNEL = "kpitui_changed"
NOTIFY = f"NOTIFY {CHANNEL}"


class ChangeWatch:
    """One connection, outside the pool, that answers `version()`: a number that differs from the previous
    answer when another connection committed in between (for SQLite a pragma's value, for PostgreSQL a count
    of notifications received)."""

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self._sqlite = engine.dialect.name == "sqlite"
        proxied = engine.raw_connection()
        self._raw: Any = proxied.driver_connection
        proxied.detach()  # ours for the app's life: the pool must neither reuse nor recycle it
        self._received = 0
        if not self._sqlite:
            self._raw.rollback()  # the pool's pre-ping left a transaction open
            self._raw.autocommit = True
            self._raw.execute(f"LISTEN {CHANNEL}")

    def version(self) -> int:
        with self._lock:
            if self._sqlite:
                return int(self._raw.execute("PRAGMA data_version").fetchone()[0])
            for _ in self._raw.notifies(timeout=0):
                self._received += 1
            return self._received

    def close(self) -> None:
        with self._lock:
            try:
                self._raw.close()
            except Exception:  # noqa: BLE001 - closing a connection the server already dropped
                pass
