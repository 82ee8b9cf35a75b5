"""A target is a positive number (DESIGN.md section 4): 0 is refused in the editor (set_target), at import and
when copying forward a 0 that an older kpitui let in; the message says to clear the target instead."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Builder, local, service
from kpitui.domain.errors import InvalidInput
from kpitui.domain.periods import parse_period
from kpitui.store.db import Database
from kpitui.store.import_report import ImportFailed

OCT = parse_period("2026-10", date(2026, 11, 20))
NOV = OCT.next()


def test_the_editor_refuses_a_zero_target(db: Database, build: Builder) -> None:
    north = build.team("North")
    build.rep("Ada Ames", north)
    svc = service(db)
    for zero in ("0", "0.00", "$0", "0%"):
        with pytest.raises(InvalidInput, match="value: a target must be above 0: clear it instead"):
            svc.set_target("calls" if zero != "0%" else "win_rate", OCT, zero, team="North")
    assert svc.target_sheet("North", OCT).defaults == {}
    svc.set_target("calls", OCT, "40", team="North")
    with pytest.raises(InvalidInput, match="above 0"):
        svc.set_target("calls", OCT, "0", team="North")
    assert svc.target_sheet("North", OCT).defaults == {"calls": Decimal("40")}
    svc.set_target("calls", OCT, "", team="North")  # clearing is how a target goes away
    assert svc.target_sheet("North", OCT).defaults == {}


def test_an_import_refuses_a_zero_target(db: Database, build: Builder, tmp_path: Path) -> None:
    build.team("North")
    path = tmp_path / "targets.csv"
    path.write_text("team,kpi,period,value\nNorth,calls,2026-10,40\nNorth,meetings,2026-10,0\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="line 3, value: a target must be above 0: clear it instead"):
        service(db).import_csv("targets", path)
    assert service(db).target_sheet("North", OCT).defaults == {}


def test_copy_forward_refuses_a_zero_an_older_version_stored(db: Database, build: Builder) -> None:
    north = build.team("North")
    ada = build.rep("Ada Ames", north)
    build.target("calls", "month", OCT.start, "40", team_id=north)
    build.target("meetings", "month", OCT.start, "0", rep_id=ada)  # as an older kpitui let it in
    svc = service(db)
    with pytest.raises(InvalidInput, match="the meetings target would be 0: a target must be above 0: clear it"):
        svc.copy_targets_forward("North", NOV)
    sheet = svc.target_sheet("North", NOV)
    assert (sheet.defaults, sheet.own) == ({}, {})  # all or nothing
    svc.set_target("meetings", OCT, "", rep="ada@example.com")
    assert svc.copy_targets_forward("North", NOV) == 1


def test_a_zero_an_older_version_stored_is_no_target_in_the_score(db: Database, build: Builder) -> None:
    north = build.team("North")
    ada = build.rep("Ada Ames", north)
    for day in (5, 6, 7, 8, 9):
        build.activity(ada, "call", local(2026, 10, day, 10), "connected")
    build.target("conversations", "month", OCT.start, "10", rep_id=ada)
    build.target("meetings", "month", OCT.start, "0", rep_id=ada)  # as an older kpitui let it in
    card = service(db).scorecard(OCT, "ada@example.com")
    lines = {line.key: line for line in card.lines}
    assert lines["meetings"].target is None and lines["meetings"].status is None
    assert lines["conversations"].attainment == 0.5
    assert card.score == 0.5  # only the conversations target counts: 5 of 10 (with the 0 as 0 %: 0.25)
