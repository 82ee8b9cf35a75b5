"""Roles enforced in the service layer: each forbidden action is refused with a clear message and changes
nothing; what each role may do works."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import Builder, local, service
from kpitui.domain.errors import AccessDenied
from kpitui.domain.periods import parse_period
from kpitui.store.db import Database

OCT = parse_period("2026-10", date(2026, 11, 20))


@pytest.fixture
def org(build: Builder) -> dict[str, int]:
    north, south = build.team("North"), build.team("South")
    ids = {"ada": build.rep("Ada Ames", north), "bo": build.rep("Bo Brandt", north),
           "mia": build.rep("Mia Moss", north, role="manager"), "cy": build.rep("Cy Cole", south),
           "root": build.rep("Root Admin", None, role="admin")}
    ids["ada_call"] = build.activity(ids["ada"], "call", local(2026, 10, 5, 10), "connected")
    ids["cy_call"] = build.activity(ids["cy"], "call", local(2026, 10, 5, 11), "connected")
    ids["cy_deal"] = build.deal(ids["cy"], "Acme", "100", "Qualified", date(2026, 10, 1), external_id="C-1")
    return ids


def _rows(db: Database) -> int:
    return len(service(db).activities(rep="Ada Ames")) + len(service(db).activities(rep="Cy Cole"))


def test_a_rep_works_on_their_own_activities_only(db: Database, org: dict[str, int]) -> None:
    ada = service(db, actor="ada@example.com")
    before = _rows(db)
    for forbidden in (lambda: ada.log_activity("call", rep="cy@example.com"),
                      lambda: ada.update_activity(org["cy_call"], kind="email", when="2026-10-05T10:00"),
                      lambda: ada.delete_activity(org["cy_call"]),
                      lambda: ada.activities(rep="Cy Cole"),
                      lambda: ada.scorecard(OCT, "Bo Brandt"),
                      lambda: ada.funnel(OCT, rep="Bo Brandt"),
                      lambda: ada.deals(rep="Cy Cole"),
                      lambda: ada.move_deal(org["cy_deal"], "Won", amount="100"),
                      lambda: ada.set_target("calls", OCT, "10", rep="ada@example.com"),
                      lambda: ada.leaderboard(OCT, team="South")):
        with pytest.raises(AccessDenied) as refused:
            forbidden()
        assert "may not" in str(refused.value)
    assert _rows(db) == before
    ada.update_activity(org["ada_call"], kind="call", when="2026-10-05T10:30", outcome="voicemail")
    ada.delete_activity(org["ada_call"])
    assert [r.rep for r in ada.leaderboard(OCT).rows] == ["Ada Ames", "Bo Brandt"]  # her team's board


def test_a_manager_sees_and_writes_for_their_teams_only(db: Database, org: dict[str, int]) -> None:
    mia = service(db, actor="mia@example.com")
    assert mia.scorecard(OCT, "Ada Ames").rep == "Ada Ames"
    mia.log_activity("meeting", rep="bo@example.com", when="2026-10-06T10:00")
    with pytest.raises(AccessDenied):
        mia.scorecard(OCT, "Cy Cole")
    with pytest.raises(AccessDenied):
        mia.delete_activity(org["cy_call"])
    with pytest.raises(AccessDenied):
        mia.leaderboard(OCT, team="South")
    with pytest.raises(AccessDenied):
        mia.import_csv("reps", Path("/nonexistent.csv"))
    assert [t[1] for t in mia.teams()] == ["North"]


def test_an_admin_does_all(db: Database, org: dict[str, int]) -> None:
    root = service(db, actor="Root Admin")
    assert {r.rep for r in root.leaderboard(OCT).rows} == {"Ada Ames", "Bo Brandt", "Cy Cole"}
    root.delete_activity(org["cy_call"])
    root.set_target("calls", OCT, "30", team="South")
    assert root.move_deal(org["cy_deal"], "Won", amount="150.00", closed_on="2026-10-20").outcome == "won"
