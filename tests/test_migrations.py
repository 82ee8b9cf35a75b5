"""A database made by the first schema, with data in every table, upgrades to the newest keeping every row;
SQLite is backed up before; the models and the migrations describe the same schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kpitui.services import Kpitui
from kpitui.store.db import Database
from kpitui.store.schema import HEAD, _alembic_config, current_revision, ensure_schema
from kpitui.store.tables import metadata

FIRST_SCHEMA_ROWS = """
INSERT INTO team (id, name) VALUES (1, 'North'), (2, 'South');
INSERT INTO rep (id, name, email, team_id, role, active) VALUES
  (1, 'Ada Ames', 'ada@example.com', 1, 'rep', 1), (2, 'Mia Moss', 'mia@example.com', 1, 'manager', 1),
  (3, 'Cy Cole', NULL, 2, 'rep', 0);
INSERT INTO team_manager (rep_id, team_id) VALUES (2, 1);
INSERT INTO deal (id, external_id, rep_id, account, name, amount_cents, stage, outcome, created_on, closed_on)
  VALUES (1, 'D-1', 1, 'Acme', 'Renewal', 100010, 'Won', 'won', '2026-09-01', '2026-10-10'),
         (2, NULL, 3, 'Beta', 'Pilot', NULL, 'Qualified', 'open', '2026-10-01', NULL);
INSERT INTO activity (id, rep_id, kind, occurred_at, outcome, duration_min, deal_id, note) VALUES
  (1, 1, 'call', '2026-10-05 08:00:00.000000', 'connected', 5, 1, 'first'),
  (2, 1, 'meeting', '2026-10-06 09:00:00.000000', NULL, 30, NULL, ''),
  (3, 3, 'email', '2026-10-07 10:00:00.000000', NULL, NULL, 2, 'note');
INSERT INTO target (id, rep_id, team_id, kpi, period_kind, period_start, value) VALUES
  (1, NULL, 1, 'revenue', 'month', '2026-10-01', '3000'), (2, 1, NULL, 'calls', 'week', '2026-10-05', '40');
INSERT INTO score (id, rep_id, kind, "on", value, note) VALUES (1, 1, 'csat', '2026-10-03', 4, '');
INSERT INTO forecast (id, rep_id, period_kind, period_start, amount_cents) VALUES (1, 1, 'month', '2026-10-01', 120000);
"""
TABLES = ("team", "rep", "team_manager", "deal", "activity", "target", "score", "forecast")


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_upgrade_from_the_first_schema_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(f"sqlite:///{path}")
    cfg = _alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.commit()
    with sqlite3.connect(path) as conn:
        conn.executescript(FIRST_SCHEMA_ROWS)
    before = _counts(path)
    assert current_revision(db) == "0001"

    backup = ensure_schema(db)

    assert current_revision(db) == HEAD
    assert _counts(path) == before == {"team": 2, "rep": 3, "team_manager": 1, "deal": 2, "activity": 3,
                                       "target": 2, "score": 1, "forecast": 1}
    assert backup is not None and Path(backup).exists()
    assert _counts(Path(backup)) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT note FROM activity WHERE id = 1").fetchone()[0] == "first"
    db.dispose()


def test_a_new_database_takes_no_backup(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    assert ensure_schema(db) is None
    assert ensure_schema(db) is None  # already at head: nothing to do
    assert list(tmp_path.glob("*.bak")) == []


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_external_ids_arrive_on_every_activity_and_score_and_leave_without_a_row_lost(tmp_path: Path) -> None:
    """0006 adds nullable, unique external ids; the rows of 0005 stay, with NULL (an export writes their own
    id). Going back to 0005 (batch mode copies the tables on SQLite, foreign keys off) loses no row either."""
    path = tmp_path / "five.db"
    db = Database(f"sqlite:///{path}")
    cfg = _alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
        conn.commit()
    with sqlite3.connect(path) as conn:
        conn.executescript(FIRST_SCHEMA_ROWS)
    before = _counts(path)

    ensure_schema(db)

    assert current_revision(db) == HEAD
    assert _counts(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM activity WHERE external_id IS NULL").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM score WHERE external_id IS NULL").fetchone()[0] == 1
        conn.execute("UPDATE activity SET external_id = 'CRM-1' WHERE id = 1")
        try:
            conn.execute("UPDATE activity SET external_id = 'CRM-1' WHERE id = 2")
        except sqlite3.IntegrityError:
            pass
        else:
            raise AssertionError("two activities with one external id")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
        conn.commit()
    assert current_revision(db) == "0005"
    assert _counts(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert "external_id" not in {row[1] for row in conn.execute("PRAGMA table_info(activity)")}
    db.dispose()


def test_notes_arrive_and_leave_without_a_row_of_anything_else_lost(tmp_path: Path) -> None:
    """0008 adds coaching_note; going back to 0007 drops only it (batch mode is not used: no table copied)."""
    path = tmp_path / "seven.db"
    db = Database(f"sqlite:///{path}")
    cfg = _alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
        conn.commit()
    with sqlite3.connect(path) as conn:
        conn.executescript(FIRST_SCHEMA_ROWS)
        conn.execute("INSERT INTO change_log (at, actor, entity, entity_id, action) "
                     "VALUES ('2026-10-05 08:00:00.000000', 'Mia Moss', 'target', 1, 'create')")
    before = _counts(path)

    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
        conn.commit()
    assert current_revision(db) == "0008"
    assert _counts(path) == before
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO coaching_note (rep_id, author_rep_id, author, written_at, text, is_action, due_on) "
                     "VALUES (1, 2, 'Mia Moss', '2026-10-06 09:00:00.000000', 'ask for the budget', 1, '2026-10-09')")
        indexes = {row[1] for row in conn.execute("PRAGMA index_list(coaching_note)")}
        assert {"ix_coaching_note_rep", "ix_coaching_note_open"} <= indexes
    assert [n.text for n in Kpitui(db, actor="ada@example.com").notes()] == ["ask for the budget"]

    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
        conn.commit()
    assert current_revision(db) == "0007"
    assert _counts(path) == before
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT count(*) FROM change_log").fetchone()[0] == 1
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "coaching_note" not in tables and {"activity", "rep", "change_log"} <= tables
    ensure_schema(db)  # and up again, to HEAD: an empty notes table
    assert current_revision(db) == HEAD
    assert Kpitui(db, actor="ada@example.com").notes() == []
    db.dispose()
