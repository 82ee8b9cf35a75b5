"""The service's cheap question "has anyone written since?" (store/changes.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from conftest import BERLIN, Builder, service
from kpitui.services import Kpitui
from kpitui.store.db import Database
from test_postgres_rls import NOW, Shared, needs_postgres, shared  # noqa: F401 - the fixture


def test_changed_since_answers_for_writes_by_another_connection(db: Database, build: Builder) -> None:
    svc = service(db)
    changed, token = svc.changed_since(None)
    assert not changed
    assert svc.changed_since(token) == (False, token)  # nobody wrote
    other = Database(db.url)
    try:
        Builder(other).team("Field Sales")  # another connection pool, as another process would be
    finally:
        other.dispose()
    changed, later = svc.changed_since(token)
    assert changed
    assert svc.changed_since(later) == (False, later)


@needs_postgres
def test_a_rep_login_hears_of_writes_to_rows_row_level_security_hides_from_her(shared: Shared) -> None:  # noqa: F811
    """Bo's call moves the North leaderboard Ada looks at, yet under row-level security she does not see its
    change-log entry: a max(change_log.id) over what she can read would not change, and her app not refresh."""
    as_ada = Kpitui.open(shared.url_as("ada"), zone=BERLIN, clock=lambda: NOW)
    try:
        changed, token = as_ada.changed_since(None)
        with as_ada.db.read() as conn:
            seen = conn.execute(text("SELECT count(*), max(id) FROM change_log")).one()
        service(shared.db, now=NOW).log_activity("call", rep="bo@example.com", outcome="connected")
        with as_ada.db.read() as conn:
            assert conn.execute(text("SELECT count(*), max(id) FROM change_log")).one() == seen
        changed, token = as_ada.changed_since(token)
        assert changed
        assert as_ada.changed_since(token) == (False, token)
    finally:
        as_ada.db.dispose()
