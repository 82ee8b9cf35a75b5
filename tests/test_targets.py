"""Targets: set by the team's managers (rep's own or the team default), copied forward, audited."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from conftest import Builder, service
from kpitui.domain.errors import AccessDenied, InvalidInput
from kpitui.domain.periods import parse_period
from kpitui.store.db import Database

OCT = parse_period("2026-10", date(2026, 11, 20))
NOV = OCT.next()


@pytest.fixture
def people(build: Builder) -> dict[str, int]:
    north, south = build.team("North"), build.team("South")
    return {"ada": build.rep("Ada Ames", north), "bo": build.rep("Bo Brandt", north),
            "mia": build.rep("Mia Moss", north, role="manager"), "cy": build.rep("Cy Cole", south),
            "sam": build.rep("Sam Stone", south, role="manager"), "north": north}


def test_manager_sets_defaults_and_own_targets_and_the_own_one_wins(db: Database, people: dict[str, int]) -> None:
    mia = service(db, actor="mia@example.com")
    mia.set_target("revenue", OCT, "3000", team="North")
    mia.set_target("revenue", OCT, "1,500.50", rep="ada@example.com")
    mia.set_target("win_rate", OCT, "30%", team="North")
    sheet = mia.target_sheet("North", OCT)
    assert sheet.effective(people["ada"], "revenue") == Decimal("1500.50")
    assert sheet.is_own(people["ada"], "revenue")
    assert sheet.effective(people["bo"], "revenue") == Decimal("3000")
    assert sheet.effective(people["bo"], "win_rate") == Decimal("0.30")
    card = service(db).scorecard(OCT, "Bo Brandt")
    assert card.line("revenue").target == Decimal("3000")


def test_targets_are_refused_outside_ones_own_teams(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(AccessDenied):
        service(db, actor="ada@example.com").set_target("calls", OCT, "40", rep="ada@example.com")
    with pytest.raises(AccessDenied):
        service(db, actor="sam@example.com").set_target("calls", OCT, "40", team="North")
    with pytest.raises(AccessDenied):
        service(db, actor="sam@example.com").target_sheet("North", OCT)
    with pytest.raises(InvalidInput, match="share between 0 and 1"):
        service(db, actor="mia@example.com").set_target("win_rate", OCT, "1.5", team="North")
    with pytest.raises(InvalidInput):
        service(db, actor="mia@example.com").set_target("calls", OCT, "-3", team="North")
    assert service(db).target_sheet("North", OCT).defaults == {}


def test_copy_forward_fills_only_what_is_missing(db: Database, people: dict[str, int]) -> None:
    mia = service(db, actor="mia@example.com")
    mia.set_target("calls", OCT, "40", team="North")
    mia.set_target("revenue", OCT, "3000", team="North")
    mia.set_target("calls", OCT, "55", rep="Bo Brandt")
    mia.set_target("revenue", NOV, "3500", team="North")  # already set: kept
    assert mia.copy_targets_forward("North", NOV) == 2
    sheet = mia.target_sheet("North", NOV)
    assert sheet.defaults == {"calls": Decimal("40"), "revenue": Decimal("3500")}
    assert sheet.own == {people["bo"]: {"calls": Decimal("55")}}
    assert mia.copy_targets_forward("North", NOV) == 0


def test_every_change_is_in_the_history(db: Database, people: dict[str, int]) -> None:
    mia = service(db, actor="mia@example.com")
    mia.set_target("calls", OCT, "40", team="North")
    mia.set_target("calls", OCT, "45", team="North")
    mia.set_target("calls", OCT, "50", rep="ada@example.com")
    mia.set_target("calls", OCT, "", rep="ada@example.com")  # removed
    history = mia.target_history("North")
    assert [c.action for c in history] == ["delete", "create", "update", "create"]
    assert {c.actor for c in history} == {"Mia Moss"}
    update = history[2]
    assert Decimal(json.loads(update.before or "{}")["value"]) == 40
    assert Decimal(json.loads(update.after or "{}")["value"]) == 45
    assert service(db, actor="sam@example.com").changes(entity="target") == []  # another team's manager


def test_copy_forward_keeps_a_target_set_after_it_was_asked_for(db: Database, people: dict[str, int]) -> None:
    """Issue 13: copy forward decided what to copy before its write transaction and then overwrote a target
    another manager set in between. Here a second service on the same database sets November's calls default
    at the last moment before the copy's transaction: the copy must keep it (and still copy the rest)."""
    mia = service(db, actor="mia@example.com")
    mia.set_target("calls", OCT, "40", team="North")
    mia.set_target("revenue", OCT, "3000", team="North")
    other = Database(db.url)  # another process's connection to the same file / server
    try:
        meanwhile = service(other, actor="mia@example.com")
        copy_write = db.run_write

        def set_meanwhile_then_write(work: Any, *args: Any, **kwargs: Any) -> Any:
            meanwhile.set_target("calls", NOV, "99", team="North")
            return copy_write(work, *args, **kwargs)

        db.run_write = set_meanwhile_then_write  # type: ignore[method-assign]
        try:
            copied = mia.copy_targets_forward("North", NOV)
        finally:
            del db.run_write
    finally:
        other.dispose()
    assert mia.target_sheet("North", NOV).defaults == {"calls": Decimal("99"), "revenue": Decimal("3000")}
    assert copied == 1
    assert [c.action for c in mia.target_history("North")][:2] == ["create", "create"]  # nothing updated
