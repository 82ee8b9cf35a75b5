"""The service's cheap question "has anyone written since?" (store/changes.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from conftest import Builder, service
from kpitui.store.db import Database


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
