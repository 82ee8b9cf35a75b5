"""Deals on a shared PostgreSQL through a person's own login (row-level security): the pipeline is readable,
a rep moves, wins and reopens her own deal, not a team mate's; adding a deal is refused in words, since the
migrations so far grant the people's logins no INSERT on deals (no migration on this branch)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from conftest import BERLIN, POSTGRES
from kpitui.domain.errors import AccessDenied
from kpitui.services import Kpitui
from test_postgres_rls import Shared, _shared_database

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
pytestmark = pytest.mark.skipif(not POSTGRES, reason="set KPITUI_TEST_POSTGRES to run on PostgreSQL")


@pytest.fixture
def shared():  # noqa: ANN201
    with _shared_database() as state:
        yield state


def test_a_rep_login_works_her_own_deals_and_is_told_why_she_cannot_add_one(shared: Shared) -> None:
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
        with pytest.raises(AccessDenied, match="this database does not let your login add deals"):
            ada.add_deal("New", "Deal", "10")
    finally:
        ada.db.dispose()
    with shared.db.engine.connect() as conn:
        log = conn.execute(text("SELECT actor, action, after FROM change_log WHERE entity = 'deal' ORDER BY id")).all()
    assert [(actor, json.loads(after)["outcome"]) for actor, _action, after in log] == [("Ada Ames", "open"),
                                                                                       ("Ada Ames", "won")]
