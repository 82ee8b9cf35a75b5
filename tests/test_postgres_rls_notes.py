"""1:1 notes on a shared PostgreSQL: the database itself keeps them to the rep and their team's managers
(migration 0008), stamps who wrote or ticked them and when, and writes their change log.

Each person connects with their own login, as in psql (see test_postgres_rls.py, whose shared database this
reuses: North = Ada, Bo, manager Mia; South = Cy; logins for Ada, Mia and Cy).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from conftest import BERLIN, POSTGRES, Builder
from kpitui.domain.errors import AccessDenied, NotFound
from kpitui.services import Kpitui
from test_postgres_rls import NOW, Shared, _shared_database, changed, needs_postgres, refused

INSERT = ("INSERT INTO coaching_note (rep_id, author_rep_id, author, written_at, text, is_action, due_on) "
          "VALUES (:rep, :author, :name, :at, :text, true, :due) RETURNING id")


@pytest.fixture
def shared() -> Iterator[Shared]:
    """The shared database plus Sam, South's manager, with a login of his own."""
    sam_role = f"t{uuid.uuid4().hex[:10]}_sam"
    try:
        with _shared_database() as state:
            state.ids["sam"] = Builder(state.db).rep("Sam Stone", state.ids["south"], role="manager")
            Kpitui(state.db).provision_login("sam@example.com", sam_role, "pw-sam")
            state.roles["sam"] = sam_role
            yield state
    finally:
        admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")  # type: ignore[arg-type]
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{sam_role}"'))
        admin.dispose()


def _app(shared: Shared, who: str) -> Kpitui:
    return Kpitui.open(shared.url_as(who), zone=BERLIN, clock=lambda: NOW)


def _seen(shared: Shared, who: str) -> list[str]:
    with shared.engine_as(who).connect() as conn:
        return list(conn.execute(text("SELECT text FROM coaching_note ORDER BY id")).scalars())


@needs_postgres
def test_notes_are_for_the_rep_and_her_managers_and_the_database_stamps_and_logs_them(shared: Shared) -> None:
    ids = shared.ids
    mia, ada, sam, cy = (_app(shared, who) for who in ("mia", "ada", "sam", "cy"))
    try:
        note = mia.add_note("ada@example.com", "Ask for the budget earlier")
        item = mia.add_note("ada@example.com", "Send the Acme proposal", due="2026-11-27")
        # written by Mia's login: the database says who and when (its clock, not the app's frozen one)
        assert (item.author, item.rep, item.due_on.isoformat()) == ("Mia Moss", "Ada Ames", "2026-11-27")
        assert abs((item.written_at - datetime.now(UTC)).total_seconds()) < 120
        assert [n.id for n in ada.notes()] == [item.id, note.id]
        assert [n.id for n in ada.open_actions()] == [item.id]
        with pytest.raises(AccessDenied, match="may not see Ada Ames's 1:1 notes"):
            sam.notes("ada@example.com")
        with pytest.raises(AccessDenied, match="may not write notes about Ada Ames"):
            sam.add_note("ada@example.com", "x")
        with pytest.raises(AccessDenied, match="may not write 1:1 notes"):
            ada.add_note("ada@example.com", "x")
        with pytest.raises(NotFound):
            cy.mark_done(item.id)
        done = ada.mark_done(item.id)
        assert (done.done_by, done.is_open) == ("Ada Ames", False)
        assert ada.open_actions() == []
    finally:
        for app in (mia, ada, sam, cy):
            app.db.dispose()
    # what each login reads at all, in plain SQL: the rep and her manager; not Sam, not Cy
    assert _seen(shared, "ada") == _seen(shared, "mia") == ["Ask for the budget earlier", "Send the Acme proposal"]
    assert _seen(shared, "sam") == _seen(shared, "cy") == []
    with shared.db.engine.connect() as conn:
        log = conn.execute(text("SELECT actor, subject_rep_id, entity, action FROM change_log ORDER BY id")).all()
    assert log == [("Mia Moss", ids["ada"], "coaching_note", "create"),
                   ("Mia Moss", ids["ada"], "coaching_note", "create"),
                   ("Ada Ames", ids["ada"], "coaching_note", "update")]
    with shared.db.engine.connect() as conn:  # FORCE: the owner is under the policies too
        assert conn.execute(text("SELECT relrowsecurity AND relforcerowsecurity FROM pg_class "
                                 "WHERE relname = 'coaching_note'")).scalar() is True
    for outsider in ("sam", "cy"):  # the log's copies of the text are no way round
        with shared.engine_as(outsider).connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM change_log WHERE entity = 'coaching_note'")).scalar() == 0


@needs_postgres
def test_a_login_cannot_forge_move_rewrite_or_aim_a_note_elsewhere(shared: Shared) -> None:
    ids = shared.ids
    with shared.engine_as("mia").connect() as mia:
        # a forged author and date are replaced by the database's own
        forged = mia.execute(text(INSERT), {"rep": ids["ada"], "author": ids["ada"], "name": "Ada Ames",
                                            "at": "2020-01-01", "text": "forged?", "due": None}).scalar()
        for rep in ("cy", "sam"):  # another team's rep, another team's manager
            assert "row-level security" in refused(mia, INSERT, rep=ids[rep], author=ids["mia"], name="Mia Moss",
                                                   at="2026-11-20", text="x", due=None)
        assert "ck_coaching_note_due_on_finite" in refused(mia, INSERT, rep=ids["ada"], author=ids["mia"],
                                                           name="Mia Moss", at="2026-11-20", text="x", due="infinity")
        for change in ("text = 'rewritten'", f"rep_id = {ids['cy']}", "author = 'Ada Ames'", "is_action = false"):
            assert "permission denied" in refused(mia, f"UPDATE coaching_note SET {change}")
        assert "permission denied" in refused(mia, "DELETE FROM coaching_note")
    holder = create_engine(shared.url_as("mia")).connect()  # her psql, in a transaction: no table lock
    try:
        for mode in ("ACCESS EXCLUSIVE", "SHARE"):
            assert "permission denied" in refused(holder, f"LOCK TABLE coaching_note IN {mode} MODE")
            holder.rollback()
    finally:
        holder.close()
        holder.engine.dispose()
    before = shared.snapshot()
    with shared.engine_as("ada").connect() as ada:
        assert "permission denied" in refused(ada, INSERT, rep=ids["ada"], author=ids["mia"], name="Mia Moss",
                                              at="2026-11-20", text="self-praise", due=None)
        assert "permission denied" in refused(ada, "UPDATE coaching_note SET text = 'edited'")
        # ticking it off "as Mia, in 2020": the database writes her own name and its time
        ticked = ada.execute(text("UPDATE coaching_note SET done_at = '2020-01-01', done_by = 'Mia Moss', "
                                  "done_by_rep_id = :mia WHERE id = :id"), {"mia": ids["mia"], "id": forged})
        assert ticked.rowcount == 1
    with shared.engine_as("cy").connect() as cy:  # one he cannot read he cannot tick off or reopen either
        assert cy.execute(text("UPDATE coaching_note SET done_at = NULL")).rowcount == 0
    with shared.db.engine.connect() as conn:
        row = conn.execute(text("SELECT author, author_rep_id, written_at, done_by, done_by_rep_id, done_at "
                                "FROM coaching_note WHERE id = :id"), {"id": forged}).one()
    assert row[:2] == ("Mia Moss", ids["mia"]) and row[3:5] == ("Ada Ames", ids["ada"])
    assert row[2].year == row[5].year == datetime.now(UTC).year
    assert changed(before, shared.snapshot()) == {"change_log": 1}


@needs_postgres
def test_downgrading_0008_drops_the_notes_and_nothing_else(shared: Shared) -> None:
    from alembic import command

    from kpitui.store.schema import _alembic_config

    Kpitui(shared.db).add_note("ada@example.com", "kept until the downgrade")
    with shared.db.engine.connect() as conn:
        policies = conn.execute(text("SELECT tablename, policyname FROM pg_policies WHERE tablename <> "
                                     "'coaching_note'")).all()
    before = shared.snapshot()
    cfg = _alembic_config()
    with shared.db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
        conn.commit()
    assert shared.snapshot() == before  # every other table, row for row
    with shared.db.engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('coaching_note')")).scalar() is None
        assert conn.execute(text("SELECT count(*) FROM pg_proc WHERE proname = 'kpitui_stamp_note'")).scalar() == 0
        assert sorted(conn.execute(text("SELECT tablename, policyname FROM pg_policies")).all()) == sorted(policies)
    with shared.db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
    with shared.engine_as("mia").connect() as mia:  # up again: the rules are back
        assert "row-level security" in refused(mia, INSERT, rep=shared.ids["cy"], author=None, name="x",
                                               at="2026-11-20", text="x", due=None)
