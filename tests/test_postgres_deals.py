"""Deals on a shared PostgreSQL through a person's own login (row-level security): the pipeline is readable,
a rep moves, wins and reopens her own deal, not a team mate's; since migration 0010 she adds deals of her own (a
manager: for the reps of the teams they manage), and the database refuses any other rep's, whatever the client."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine

from conftest import BERLIN, POSTGRES
from kpitui.domain.errors import AccessDenied
from kpitui.services import Kpitui
from kpitui.store.schema import HEAD, _alembic_config, current_revision
from test_postgres_rls import Shared, _shared_database, refused

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.skipif(not POSTGRES, reason="set KPITUI_TEST_POSTGRES to run on PostgreSQL")


@pytest.fixture
def shared():  # noqa: ANN201
    with _shared_database() as state:
        yield state


def test_a_rep_login_works_her_own_deals(shared: Shared) -> None:
    ada = Kpitui.open(shared.url_as("ada"), zone=BERLIN, clock=lambda: NOW)
    try:
        assert ada.pipeline().won == "Won"
        deal_id = shared.ids["ada_deal"]
        reopened = ada.reopen_deal(deal_id, stage="Proposal")
        assert (reopened.outcome, reopened.closed_on, reopened.stage) == ("open", None, "Proposal")
        assert ada.pipeline().stages[-1] == "Proposal"  # the change log, readable through her login
        assert ada.win_deal("ada account").outcome == "won"  # by account
        with pytest.raises(AccessDenied, match="Ada Ames may not change deal #"):
            ada.reopen_deal(shared.ids["bo_deal"])
    finally:
        ada.db.dispose()
    with shared.db.engine.connect() as conn:
        log = conn.execute(text("SELECT actor, action, after FROM change_log WHERE entity = 'deal' ORDER BY id")).all()
    assert [(actor, json.loads(after)["outcome"]) for actor, _action, after in log] == [("Ada Ames", "open"),
                                                                                       ("Ada Ames", "won")]


INSERT_DEAL = ("INSERT INTO deal (rep_id, account, name, amount_cents, stage, outcome, created_on) "
               "VALUES (:rep, :account, 'Plain SQL', 100, 'Lead', 'open', '2026-11-20') RETURNING id")


def _new_opps(svc: Kpitui, email: str) -> int:
    card = svc.scorecard(svc.period("2026-11"), email)
    return next(int(line.value) for line in card.lines if line.key == "new_opps")


def _deal_entries(shared: Shared) -> list[tuple[str, str, int, str]]:
    with shared.db.engine.connect() as conn:
        rows = conn.execute(text("SELECT actor, action, entity_id, after FROM change_log WHERE entity = 'deal' "
                                 "AND action = 'create' ORDER BY id")).all()
    return [(actor, action, entity_id, json.loads(after)["account"]) for actor, action, entity_id, after in rows]


def test_a_rep_adds_her_own_deal_through_her_login_and_it_counts_in_new_opps(shared: Shared) -> None:
    ada = Kpitui.open(shared.url_as("ada"), zone=BERLIN, clock=lambda: NOW)
    try:
        # her only deal so far was created on 1 October: none in November
        assert _new_opps(ada, "ada@example.com") == 0
        deal = ada.add_deal("Fresh account", "Fresh deal", "2500")
        assert (deal.outcome, deal.created_on.isoformat(), deal.amount) == ("open", "2026-11-20", 2500)
        assert _new_opps(ada, "ada@example.com") == 1
        with pytest.raises(AccessDenied, match="Ada Ames may not add deals for bo@example.com"):
            ada.add_deal("Bo's", "Not mine", "1", rep="bo@example.com")  # the service says no before the database
    finally:
        ada.db.dispose()
    with shared.db.engine.connect() as conn:  # the owner sees it as hers
        assert conn.execute(text("SELECT rep_id, account, amount_cents FROM deal WHERE id = :id"),
                            {"id": deal.id}).one() == (shared.ids["ada"], "Fresh account", 250000)
    # the change log is written by the database (0007's trigger), under her name
    assert _deal_entries(shared) == [("Ada Ames", "create", deal.id, "Fresh account")]


def _as(shared: Shared, who: str) -> Engine:
    return shared.engine_as(who)


def test_a_rep_inserting_a_deal_for_another_rep_with_plain_sql_is_refused(shared: Shared) -> None:
    ids = shared.ids
    before = shared.snapshot()
    with _as(shared, "ada").connect() as ada:
        for other in ("bo", "cy"):  # a team mate, and a rep of another team
            message = refused(ada, INSERT_DEAL, rep=ids[other], account=f"for {other}")
            assert "row-level security" in message, message
        assert shared.snapshot() == before  # nothing written, no log entry either
        mine = ada.execute(text(INSERT_DEAL), {"rep": ids["ada"], "account": "my own"}).scalar()
    assert _deal_entries(shared) == [("Ada Ames", "create", mine, "my own")]


def test_a_manager_adds_deals_for_her_team_and_not_for_another_team(shared: Shared) -> None:
    ids = shared.ids
    with _as(shared, "mia").connect() as mia:
        for_bo = mia.execute(text(INSERT_DEAL), {"rep": ids["bo"], "account": "for bo"}).scalar()
        before = shared.snapshot()
        message = refused(mia, INSERT_DEAL, rep=ids["cy"], account="for cy")  # Cy is in South, not hers
        assert "row-level security" in message, message
        assert shared.snapshot() == before
    with shared.db.engine.connect() as conn:
        assert conn.execute(text("SELECT rep_id FROM deal WHERE id = :id"), {"id": for_bo}).scalar() == ids["bo"]
    assert _deal_entries(shared) == [("Mia Moss", "create", for_bo, "for bo")]


def test_downgrade_to_0009_and_back_keeps_every_row_and_takes_insert_away_then_back(shared: Shared) -> None:
    ids = shared.ids
    assert HEAD >= "0010"
    with _as(shared, "ada").connect() as ada:
        ada.execute(text(INSERT_DEAL), {"rep": ids["ada"], "account": "before the downgrade"})
    cfg = _alembic_config()

    def migrate(step: object, revision: str) -> None:
        with shared.db.engine.connect() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, revision)  # type: ignore[operator]
            conn.commit()

    before = shared.snapshot()
    migrate(command.downgrade, "0009")
    assert current_revision(shared.db) == "0009"
    assert shared.snapshot() == before
    with _as(shared, "ada").connect() as ada:
        assert "permission denied" in refused(ada, INSERT_DEAL, rep=ids["ada"], account="at 0009")
    migrate(command.upgrade, "0010")
    assert current_revision(shared.db) == "0010"
    assert shared.snapshot() == before
    with _as(shared, "ada").connect() as ada:
        ada.execute(text(INSERT_DEAL), {"rep": ids["ada"], "account": "after the upgrade"})
        assert "row-level security" in refused(ada, INSERT_DEAL, rep=ids["bo"], account="still not bo's")
    assert [entry[3] for entry in _deal_entries(shared)] == ["before the downgrade", "after the upgrade"]
    # and on to the newest revision (0011 puts the policy helpers into PL/pgSQL): the same rules
    migrate(command.upgrade, "head")
    assert current_revision(shared.db) == HEAD
    with shared.db.engine.connect() as conn:
        assert conn.execute(text("SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
                                 "WHERE p.proname = 'kpitui_readable_rep_ids'")).scalar() == "plpgsql"
    with _as(shared, "ada").connect() as ada:
        assert "row-level security" in refused(ada, INSERT_DEAL, rep=ids["cy"], account="not cy's at head")
        seen = {row[0] for row in ada.execute(text("SELECT DISTINCT rep_id FROM deal"))}
    assert seen == {ids["ada"], ids["bo"]}  # her team's deals, not South's
