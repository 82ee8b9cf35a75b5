"""Suggested targets (`kpitui targets suggest`, DESIGN.md section 4) against statistics.quantiles computed here
over hand-built weekly values.

Clock: Wednesday 11 November 2026, 15:00 Berlin. The last 12 complete ISO weeks: 2026-W34 (Mon 17 Aug) to
2026-W45 (Mon 2 – Sun 8 Nov); this week (W46) is not over. December 2026 has 23 working days.
- Ada: calls and connected calls per week as in CALLS / CONNECTED, won deals as in WON; 50 calls just before
  W34 (Sun 16 Aug 23:30 Berlin) and 50 in W46 must not count.
- Bob: first activity in W43: 3 weeks of history, no suggestion.
- Cy: first deal created in W42, calls only in W44 (6) and W45 (9): 4 weeks of history, zeros included.
- Dee: one call in W20, then 5 calls in three weeks of the twelve: 12 weeks of history, nine of them zeros.
"""

from __future__ import annotations

import json
import math
import statistics
from datetime import date, timedelta
from decimal import Decimal

import pytest

from conftest import Builder, local, service, statements_for_a_team
from kpitui.domain.errors import AccessDenied
from kpitui.domain.periods import Period
from kpitui.store.db import Database
from test_alerts import run

NOW = local(2026, 11, 11, 15)
DECEMBER = Period.month_of(date(2026, 12, 1))
MIA = "mia@example.com"
W34 = date(2026, 8, 17)
CALLS = [10, 12, 0, 15, 20, 9, 11, 14, 18, 7, 13, 16]
CONNECTED = [3, 4, 0, 5, 6, 2, 3, 4, 6, 1, 4, 5]
WON = {0: "1000.00", 5: "2500.50", 9: "333.33"}
DEE_WEEKS = (2, 6, 10)


def december_working_days() -> int:
    days = [date(2026, 12, 1) + timedelta(days=i) for i in range(31)]
    return sum(1 for d in days if d.weekday() < 5)


def p80(values: list[int]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[7]


def expected_count(values: list[int]) -> int:
    return math.ceil(p80(values) * december_working_days() / 5)


@pytest.fixture
def ids(build: Builder) -> dict[str, int]:
    north = build.team("North")
    ada, bob = build.rep("Ada Ames", north), build.rep("Bob Brandt", north)
    cy, dee = build.rep("Cy Cole", north), build.rep("Dee Dunn", north)
    build.rep("Mia Moss", north, role="manager")
    for week, (calls, connected) in enumerate(zip(CALLS, CONNECTED, strict=True)):
        tuesday = W34 + timedelta(weeks=week, days=1)
        for i in range(calls):
            build.activity(ada, "call", local(tuesday.year, tuesday.month, tuesday.day, 9, i),
                           "connected" if i < connected else "no_answer")
    for i in range(50):
        build.activity(ada, "call", local(2026, 8, 16, 23, 30, i))
        build.activity(ada, "call", local(2026, 11, 9, 0, 30, i))
    for week, amount in WON.items():
        closed = W34 + timedelta(weeks=week, days=3)
        build.deal(ada, f"Won{week}", amount, "won", date(2026, 6, 1), closed=closed)
    build.activity(bob, "call", local(2026, 10, 19, 9))
    build.deal(cy, "Early", "100", "Discovery", date(2026, 10, 14))
    for day, n in ((28, 6), (4, 9)):
        month = 10 if day == 28 else 11
        for i in range(n):
            build.activity(cy, "call", local(2026, month, day, 9, i))
    build.activity(dee, "email", local(2026, 5, 12, 9))
    for week in DEE_WEEKS:
        tuesday = W34 + timedelta(weeks=week, days=1)
        for i in range(5):
            build.activity(dee, "call", local(tuesday.year, tuesday.month, tuesday.day, 9, i))
    return {"north": north, "ada": ada, "bob": bob, "cy": cy, "dee": dee}


def values_of(report, rep: str) -> dict[str, Decimal]:  # noqa: ANN001
    return {s.kpi: s.value for s in report.suggestions if s.rep == rep}


def test_p80_of_twelve_weeks_scaled_by_working_days(db: Database, ids) -> None:  # noqa: ANN001
    report = service(db, actor=MIA, now=NOW).suggest_targets(DECEMBER)
    assert [w.label for w in (report.weeks[0], report.weeks[-1])] == ["2026-W34", "2026-W45"]
    ada = values_of(report, "Ada Ames")
    assert december_working_days() == 23
    assert ada["calls"] == expected_count(CALLS) == 73  # p80 15.8 × 23 / 5 = 72.68, rounded up
    assert ada["conversations"] == expected_count(CONNECTED)
    assert ada["won_deals"] == expected_count([1 if w in WON else 0 for w in range(12)])
    cents = [int(Decimal(WON[w]) * 100) if w in WON else 0 for w in range(12)]
    assert ada["revenue"] == Decimal(math.ceil(p80(cents) * 23 / 5)) / 100 == Decimal("1226.66")
    assert set(ada) == {"calls", "conversations", "won_deals", "revenue"}  # nothing else was ever logged
    basis = {s.basis for s in report.suggestions if s.rep == "Ada Ames"}
    assert basis == {"p80 of 12 weeks (2026-W34..2026-W45)"}


def test_history_begins_with_the_first_activity_or_deal(db: Database, ids) -> None:  # noqa: ANN001
    report = service(db, actor=MIA, now=NOW).suggest_targets(DECEMBER)
    assert values_of(report, "Bob Brandt") == {}  # 3 weeks of history: nothing
    cy = [s for s in report.suggestions if s.rep == "Cy Cole"]
    # new opps [1, 0, 0, 0]: p80 0.4 × 23 / 5 = 1.84 → 2
    assert {s.kpi: s.value for s in cy} == {"calls": expected_count([0, 0, 6, 9]),
                                              "new_opps": expected_count([1, 0, 0, 0])}
    assert expected_count([1, 0, 0, 0]) == 2
    assert cy[0].basis == "p80 of 4 weeks (2026-W42..2026-W45)"
    dee = [0] * 12
    for week in DEE_WEEKS:
        dee[week] = 5
    assert values_of(report, "Dee Dunn") == {"calls": expected_count(dee)}  # 0.8 × 5 = 4 a week → 19


def test_a_week_period_is_five_working_days(db: Database, ids) -> None:  # noqa: ANN001
    week = Period.week_of(date(2026, 11, 16))
    report = service(db, actor=MIA, now=NOW).suggest_targets(week)
    assert values_of(report, "Ada Ames")["calls"] == math.ceil(p80(CALLS)) == 16


def test_apply_writes_audited_targets_in_one_go(db: Database, ids) -> None:  # noqa: ANN001
    svc = service(db, actor=MIA, now=NOW)
    report = svc.suggest_targets(DECEMBER)
    with pytest.raises(AccessDenied):
        service(db, actor="ada@example.com", now=NOW).apply_suggestions(report)
    assert svc.target_history("North") == []
    assert svc.apply_suggestions(report) == len(report.suggestions) == 7  # Ada 4, Cy 2, Dee 1
    sheet = svc.target_sheet("North", DECEMBER)
    assert sheet.own[ids["ada"]]["calls"] == Decimal(73)
    assert sheet.own[ids["ada"]]["revenue"] == Decimal("1226.66")
    history = svc.target_history("North")
    assert len(history) == 7 and {(c.actor, c.action) for c in history} == {("Mia Moss", "create")}
    # applying again changes nothing, and writes no history entry
    assert svc.apply_suggestions(svc.suggest_targets(DECEMBER)) == 0
    assert len(svc.target_history("North")) == 7


def test_suggestions_cost_a_fixed_handful_of_statements(db: Database, build: Builder) -> None:
    svc = service(db, now=NOW)
    few = statements_for_a_team(db, build, 2, lambda team: svc.suggest_targets(DECEMBER, team=team))
    many = statements_for_a_team(db, build, 12, lambda team: svc.suggest_targets(DECEMBER, team=team))
    assert few == many


def test_cli_suggest_json_and_apply(db: Database, ids) -> None:  # noqa: ANN001
    done = run(db, "--as", MIA, "targets", "suggest", "--period", "2026-12", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == ["period", "suggestions"]
    assert data["period"]["label"] == "2026-12"
    assert {"rep": "Ada Ames", "kpi": "calls", "value": 73, "basis": "p80 of 12 weeks (2026-W34..2026-W45)"} in \
        data["suggestions"]
    assert {"rep": "Ada Ames", "kpi": "revenue", "value": 1226.66,
            "basis": "p80 of 12 weeks (2026-W34..2026-W45)"} in data["suggestions"]
    assert all(list(s) == ["rep", "kpi", "value", "basis"] for s in data["suggestions"])
    missing = run(db, "--as", MIA, "targets", "suggest")
    assert missing.returncode == 2 and "--period" in missing.stderr
    applied = run(db, "--as", MIA, "targets", "suggest", "--period", "2026-12", "--apply")
    assert applied.returncode == 0, applied.stderr
    assert "7 targets set for 2026-12" in applied.stderr
    assert service(db, actor=MIA, now=NOW).target_sheet("North", DECEMBER).own[ids["cy"]]["calls"] == \
        expected_count([0, 0, 6, 9])
