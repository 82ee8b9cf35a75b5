"""Deals from the service (SQLite and PostgreSQL): add, move, win, lose, reopen, the pipeline's stages, naming a
deal by id / external id / name / account, and the access rules. Hand-built data; the clock is Fri 2026-11-20
15:00 UTC (16:00 in Berlin), so today is 2026-11-20 and this month is November."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Builder, service
from kpitui.domain.errors import AccessDenied, InvalidInput, NotFound
from kpitui.domain.pipeline import Pipeline, pipeline_from, stages_by_age
from kpitui.store.db import Database

TODAY = date(2026, 11, 20)


def team(build: Builder) -> dict[str, int]:
    inside = build.team("Inside Sales")
    other = build.team("Field")
    ids = {"ada": build.rep("Ada Lovelace", inside), "bob": build.rep("Bob Builder", inside),
           "mia": build.rep("Mia Manager", inside, role="manager"), "fay": build.rep("Fay Field", other)}
    # the data's stages: Prospecting deals are young, Qualified older, Proposal older still; the sample's spelling
    build.deal(ids["bob"], "Old Co", "100", "Prospecting", date(2026, 11, 18))
    build.deal(ids["bob"], "Old Co", "100", "Qualified", date(2026, 11, 1))
    build.deal(ids["bob"], "Umbrella", "100", "Proposal", date(2026, 10, 20))
    build.deal(ids["bob"], "Umbrella", "500", "Won", date(2026, 9, 1), closed=date(2026, 10, 1))
    build.deal(ids["bob"], "Hooli", "500", "Lost", date(2026, 9, 1), closed=date(2026, 10, 2))
    return ids


def kpis(db: Database, actor: str) -> dict[str, object]:
    svc = service(db, actor=actor)
    card = svc.scorecard(svc.period("2026-11"))
    return {key: card.line(key).value for key in ("new_opps", "won_deals", "revenue")}


def test_a_deal_added_counts_today_winning_counts_and_reopening_undoes_it(db: Database, build: Builder) -> None:
    team(build)
    ada = service(db, actor="Ada Lovelace")
    before = kpis(db, "Ada Lovelace")
    assert before == {"new_opps": 0, "won_deals": 0, "revenue": 0}
    added = ada.add_deal("Acme", "Rollout", "12,000.50", external_id="CRM-7")
    assert (added.created_on, added.outcome, added.stage, added.rep) == (TODAY, "open", "Prospecting", "Ada Lovelace")
    assert kpis(db, "Ada Lovelace")["new_opps"] == 1
    moved = ada.move_deal("CRM-7", "proposal")  # any case: stored as the pipeline spells it
    assert moved.stage == "Proposal"
    won = ada.win_deal("Acme")
    assert (won.stage, won.outcome, won.closed_on) == ("Won", "won", TODAY)  # the data spells it Won
    assert kpis(db, "Ada Lovelace") == {"new_opps": 1, "won_deals": 1, "revenue": Decimal("12000.50")}
    reopened = ada.reopen_deal("Rollout")
    assert (reopened.stage, reopened.outcome, reopened.closed_on) == ("Proposal", "open", None)  # where it was
    assert kpis(db, "Ada Lovelace") == before | {"new_opps": 1}
    actions = [c.action for c in ada.changes(entity="deal", entity_id=added.id)]
    assert actions == ["reopen", "update", "update", "create"]


def test_close_dates_follow_the_date_rule(db: Database, build: Builder) -> None:
    ids = team(build)
    build.deal(ids["ada"], "Acme", "1000", "Qualified", date(2026, 11, 10), external_id="A-1")
    ada = service(db, actor="Ada Lovelace")
    with pytest.raises(InvalidInput, match=r"closed_on: 2026-11-21 is in the future \(today is 2026-11-20\)"):
        ada.win_deal("A-1", on="2026-11-21")
    with pytest.raises(InvalidInput, match=r"closed on 2026-11-09, before it was created \(2026-11-10\)"):
        ada.lose_deal("A-1", on="2026-11-09")
    assert ada.find_deal("A-1").outcome == "open"
    lost = ada.lose_deal("A-1", on="2026-11-19", reason="chose a competitor")
    assert (lost.stage, lost.closed_on) == ("Lost", date(2026, 11, 19))
    entry = ada.changes(entity="deal", entity_id=lost.id)[0]
    assert json.loads(entry.after or "{}")["reason"] == "chose a competitor"  # no column: the change log keeps it


def test_another_rep_cannot_move_a_deal_a_manager_of_the_team_can(db: Database, build: Builder) -> None:
    ids = team(build)
    deal_id = build.deal(ids["ada"], "Acme", "1000", "Qualified", date(2026, 11, 10), external_id="A-1")
    for actor in ("Bob Builder", "Fay Field"):
        svc = service(db, actor=actor)
        with pytest.raises(AccessDenied, match=f"{actor} may not change deal A-1: it is another rep's"):
            svc.move_deal("A-1", "Proposal")
        with pytest.raises(AccessDenied):
            svc.win_deal(deal_id)
    with pytest.raises(AccessDenied, match="Bob Builder may not add deals for Ada Lovelace: reps add their own"):
        service(db, actor="Bob Builder").add_deal("X", "Y", "1", rep="Ada Lovelace")
    assert service(db, actor="Ada Lovelace").find_deal("A-1").stage == "Qualified"
    assert service(db, actor="Mia Manager").move_deal("A-1", "Proposal").stage == "Proposal"
    assert service(db, actor="Mia Manager").add_deal("New", "Deal", "5", rep="Ada Lovelace").rep == "Ada Lovelace"


def test_a_stage_typo_is_refused_with_the_list_and_old_stages_keep_working(db: Database, build: Builder) -> None:
    ids = team(build)
    build.deal(ids["ada"], "Acme", "1000", "Discovery", date(2026, 11, 10), external_id="A-1")  # not in order
    ada = service(db, actor="Ada Lovelace")
    with pytest.raises(InvalidInput) as refused:
        ada.move_deal("A-1", "Qu")
    assert str(refused.value) == ("stage: 'Qu' is not a stage; the pipeline's stages are Prospecting, Discovery, "
                                  "Qualified, Proposal, Won, Lost")
    with pytest.raises(InvalidInput, match="'Qu' is not a stage"):
        ada.add_deal("B", "C", "1", stage="Qu")
    assert ada.find_deal("A-1").stage == "Discovery"
    assert ada.move_deal("A-1", "won").stage == "Won"


def test_stages_from_the_config_file(db: Database, build: Builder, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    team(build)
    config = tmp_path / "config.toml"
    config.write_text('stages = ["Lead", "Demo", "Contract"]\nwon_stage = "Closed Won"\n', encoding="utf-8")
    monkeypatch.setenv("KPITUI_CONFIG", str(config))
    ada = service(db, actor="Ada Lovelace")
    assert ada.pipeline() == Pipeline(("Lead", "Demo", "Contract"), "Closed Won", "Lost")
    added = ada.add_deal("Acme", "R", "10")
    assert added.stage == "Lead"
    with pytest.raises(InvalidInput, match="stages are Lead, Demo, Contract, Closed Won, Lost"):
        ada.move_deal(added.id, "Proposal")
    won = ada.move_deal(added.id, "closed won")
    assert (won.stage, won.outcome) == ("Closed Won", "won")


def test_naming_a_deal_by_id_external_id_name_or_account(db: Database, build: Builder) -> None:
    ids = team(build)
    one = build.deal(ids["ada"], "Acme", "1000", "Qualified", date(2026, 11, 10), external_id="A-1")
    two = build.deal(ids["ada"], "Initech", "2000", "Proposal", date(2026, 11, 11))
    build.deal(ids["ada"], "Globex", "10", "Qualified", date(2026, 11, 1))
    build.deal(ids["ada"], "Globex", "20", "Proposal", date(2026, 11, 2))
    build.deal(ids["ada"], "Initrode", "30", "Won", date(2026, 10, 1), closed=date(2026, 10, 5))
    build.deal(ids["ada"], "Initrode", "40", "Proposal", date(2026, 10, 1))
    ada = service(db, actor="Ada Lovelace")
    assert ada.find_deal("A-1").id == one
    assert ada.find_deal(str(two)).id == two and ada.find_deal(f"#{two}").id == two
    assert ada.find_deal("acme").id == one  # the account, any case
    assert ada.find_deal("Initech deal").id == two  # the deal's name
    with pytest.raises(InvalidInput) as ambiguous:
        ada.find_deal("Globex")
    text = str(ambiguous.value)
    assert text.startswith("deal: 2 deals match 'Globex': #") and text.endswith("give the id or the external id")
    assert "Globex · Globex deal (Ada Lovelace, Qualified)" in text and "(Ada Lovelace, Proposal)" in text
    assert ada.move_deal("Initrode", "Qualified").amount == Decimal("40.00")  # the one open Initrode
    assert ada.find_deal("inite").id == two  # a part of an account: Initech's open deal (Initrode has two)
    with pytest.raises(InvalidInput, match="deal: 3 deals match 'init'"):
        ada.find_deal("init")  # Initech and two Initrode deals: no state picks one
    with pytest.raises(NotFound):
        ada.find_deal("%")  # LIKE's wildcards are literal: not every deal
    with pytest.raises(NotFound, match="no deal 'Umbrella'"):
        ada.find_deal("Umbrella")  # Bob's: a rep looks up only their own deals by name
    logged = ada.log_activity("call", outcome="connected", deal="acme")
    assert logged.deal_id == one


def test_the_default_pipeline_orders_stages_by_how_soon_deals_reach_them() -> None:
    def aged(stage: str, *days: int) -> list[tuple[str, date]]:
        return [(stage, date.fromordinal(TODAY.toordinal() - d)) for d in days]

    # the sample's open deals: by median age Qualified (29) would come after Proposal (22)
    deals = (aged("Qualified", 53, 45, 37, 30, 35, 32, 29, 22, 15, 10, 11, 11, 9)
             + aged("Proposal", 38, 42, 22, 22, 22, 18, 21) + aged("Negotiation", 51, 31, 21)
             + aged("Prospecting", 9, 2, 4, 7, 3, 2, 4, 0, 0, 0))
    assert stages_by_age(deals, TODAY) == ["Prospecting", "Qualified", "Proposal", "Negotiation"]
    pipeline = pipeline_from({}, deals, [("won", "Won", 150), ("won", "won", 2), ("lost", "Lost", 3)], TODAY)
    assert pipeline == Pipeline(("Prospecting", "Qualified", "Proposal", "Negotiation"), "Won", "Lost")
    assert pipeline.stage_for("WON") == "Won" and pipeline.stage_for(" negotiation ") == "Negotiation"


def test_a_stage_its_last_deal_left_stays_in_the_pipeline_in_its_place(db: Database, build: Builder) -> None:
    team(build)  # Bob's open deals: Prospecting (2 days old), Qualified (19), Proposal (31)
    mia = service(db, actor="Mia Manager")
    assert mia.pipeline().stages == ("Prospecting", "Qualified", "Proposal")
    qualified = next(d for d in mia.deals("Bob Builder", open_only=True) if d.stage == "Qualified")
    mia.move_deal(qualified.id, "Proposal")  # Qualified's last deal moves on: only the change log knows it now
    proposal = next(d for d in mia.deals("Bob Builder", open_only=True) if d.account == "Umbrella")
    mia.win_deal(proposal.id)
    assert mia.pipeline().stages == ("Prospecting", "Qualified", "Proposal")
    with pytest.raises(InvalidInput, match="'Qu' is not a stage; the pipeline's stages are Prospecting, "
                                           "Qualified, Proposal, Won, Lost"):
        mia.move_deal(qualified.id, "Qu")


def test_closed_deals_come_newest_close_first_so_a_limit_keeps_the_recent_ones(db: Database, build: Builder) -> None:
    ids = team(build)
    for n, (stage, closed) in enumerate([("Lost", 3), ("Won", 9), ("Lost", 5), ("Won", 1)]):
        build.deal(ids["ada"], f"C{n}", "1", stage, date(2026, 9, 1), closed=date(2026, 10, closed))
    ada = service(db, actor="Ada Lovelace")
    assert [d.account for d in ada.deals(closed_only=True, limit=2)] == ["C1", "C2"]  # 9 Oct, 5 Oct
