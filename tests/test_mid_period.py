"""Numbers in the middle of a period (DESIGN.md sections 3 and 4), worked out by hand.

Wednesday 4 November 2026 in Europe/Berlin: November begins on a Sunday and has 21 working days (Monday to
Friday); on the Wednesday 3 of them have begun (2, 3 and 4 November), 19 are left with today.
Ada: 15 calls on 2–4 November, 5 of them connected; in October 10 calls on 1–4 October and 20 more on the 20th.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Builder, local, service, statements_for_a_team
from kpitui.domain.kpis import KPIS
from kpitui.domain.periods import Period, parse_period
from kpitui.domain.scoring import change
from kpitui.store.db import Database
from test_cli import kpitui

WEDNESDAY = local(2026, 11, 4, 10)
NOVEMBER = parse_period("2026-11", date(2026, 11, 4))
DECEMBER = parse_period("2026-12", date(2026, 11, 4))


@pytest.fixture
def ada(db: Database, build: Builder) -> int:
    north = build.team("North")
    ada = build.rep("Ada Ames", north)
    build.rep("Mia Moss", north, role="manager")
    for day in (2, 3, 4):
        for i in range(5):
            build.activity(ada, "call", local(2026, 11, day, 9, i), "connected" if day == 2 else "no_answer")
    for day in (1, 2, 3, 4):  # 1–4 October: 10 calls
        for i in range(3 if day < 3 else 2):
            build.activity(ada, "call", local(2026, 10, day, 9, i), "voicemail")
    for i in range(20):
        build.activity(ada, "call", local(2026, 10, 20, 9, i), "voicemail")
    build.deal(ada, "Acme", "100.00", "Won", date(2026, 9, 1), date(2026, 10, 2))
    build.deal(ada, "Beta", "900.00", "Won", date(2026, 9, 1), date(2026, 10, 20))
    build.deal(ada, "Gamma", "150.00", "Won", date(2026, 10, 1), date(2026, 11, 3))
    for kpi, value in (("calls", "105"), ("conversations", "100"), ("revenue", "2100")):
        build.target(kpi, "month", date(2026, 11, 1), value, rep_id=ada)
        build.target(kpi, "month", date(2026, 12, 1), value, rep_id=ada)
    return ada


def test_pace_like_for_like_and_what_it_takes_by_hand(db: Database, ada: int) -> None:
    card = service(db, now=WEDNESDAY).scorecard(NOVEMBER, "Ada Ames")
    assert card.phase == "in progress"
    assert card.elapsed is not None and (card.elapsed.done, card.elapsed.total, card.elapsed.left) == (3, 21, 19)
    assert card.compared_with == Period.between(date(2026, 10, 1), date(2026, 10, 4))
    calls = card.line("calls")
    assert calls.value == 15
    assert calls.projected == pytest.approx(105)  # 15 / (3/21); calendar days would say 15 / (4/30) = 112.5
    assert calls.status == "on track"  # 105 of a 105 target
    assert calls.previous == 30  # all of October
    assert calls.previous_to_date == 10  # 1–4 October
    assert calls.change == pytest.approx(0.5)  # +50 %, not −50 % against the whole of October
    assert calls.tone == "steady"  # 14 % attained on day 3 of 21, on pace: not red
    conversations = card.line("conversations")
    assert conversations.value == 5
    assert conversations.due_today == 10  # ⌈100 × 3/21 − 5⌉ = ⌈9.29⌉
    assert conversations.per_day_left == pytest.approx(5.0)  # 95 / 19
    assert conversations.status == "behind" and conversations.tone == "poor"
    revenue = card.line("revenue")
    assert revenue.due_today == Decimal("150.00")  # 2100 × 3/21 − 150, in money
    assert revenue.per_day_left == Decimal("102.64")  # 1950 / 19 = 102.631…, up to the cent
    # revenue growth is like for like too: 150 against 1–4 October's 100, not against October's 1000
    growth = card.line("revenue_growth")
    assert growth.value == pytest.approx(0.5)
    assert card.line("calls").due_today == 0  # on pace: nothing more due today
    assert card.line("win_rate").due_today is None and card.line("calls").per_day_left == pytest.approx(90 / 19)


def test_a_period_not_begun_shows_not_started(db: Database, ada: int) -> None:
    card = service(db, now=WEDNESDAY).scorecard(DECEMBER, "Ada Ames")
    assert card.phase == "not started" and card.compared_with is None
    for line in card.lines:
        assert (line.projected, line.status, line.change, line.previous_to_date) == (None, None, None, None), \
            line.key
        assert line.due_today is None and line.per_day_left is None and line.tone == "none"
    assert card.line("revenue_growth").value is None  # never ▼100 %
    board = service(db, now=WEDNESDAY).leaderboard(DECEMBER, team="North", with_previous=True)
    assert board.phase == "not started" and board.rows[0].previous == {} and board.previous_totals == {}
    assert {board.tone(board.rows[0], key) for key in ("score", *KPIS)} == {"none"}


def test_a_saturday_keeps_fridays_pace_and_a_sunday_the_first_has_none(db: Database, ada: int) -> None:
    friday = service(db, now=local(2026, 11, 6, 23)).scorecard(NOVEMBER, "Ada Ames").line("calls")
    saturday = service(db, now=local(2026, 11, 7, 10)).scorecard(NOVEMBER, "Ada Ames").line("calls")
    assert friday.projected == saturday.projected == pytest.approx(15 * 21 / 5)
    assert friday.status == saturday.status == "behind"
    sunday = service(db, now=local(2026, 11, 1, 12)).scorecard(NOVEMBER, "Ada Ames")
    assert sunday.phase == "in progress"
    assert all(line.projected is None and line.status is None for line in sunday.lines)
    assert sunday.line("calls").previous_to_date == 3  # 1 October, the same one calendar day


def test_the_leaderboard_compares_like_for_like_and_colours_by_pace(db: Database, ada: int) -> None:
    board = service(db, now=WEDNESDAY).leaderboard(NOVEMBER, team="North", with_previous=True)
    row = board.rows[0]
    assert row.previous["calls"] == 10 and board.previous_totals["calls"] == 10
    assert row.kpis["revenue_growth"] == pytest.approx(0.5)
    assert board.tone(row, "calls") == "steady" and board.tone(row, "conversations") == "poor"
    plain = service(db, now=WEDNESDAY).leaderboard(NOVEMBER, team="North")
    assert plain.rows[0].kpis["revenue_growth"] == pytest.approx(0.5)
    assert plain.totals["revenue_growth"] == pytest.approx(0.5)
    over = service(db, now=local(2026, 12, 2, 10)).leaderboard(NOVEMBER, team="North", with_previous=True)
    assert over.rows[0].previous["calls"] == 30  # over: against the whole of October
    assert over.tone(over.rows[0], "calls") == "poor"  # 15 of 105 once November is over


def test_like_for_like_costs_a_fixed_number_of_statements(db: Database, build: Builder) -> None:
    def screens(team: str) -> None:
        service(db, now=WEDNESDAY).leaderboard(NOVEMBER, team=team, with_previous=True)
        service(db, now=WEDNESDAY).drilldown(NOVEMBER, f"R{team[1:]}-0")

    def count(reps: int) -> int:
        return statements_for_a_team(db, build, reps, screens)

    assert count(10) == count(40)  # (under ~400 rep-days activities take one sorted statement instead of two)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["week", "month", "quarter"]), day=st.dates(date(2026, 8, 1), date(2026, 11, 3)),
       later=st.integers(0, 60))
def test_like_for_like_on_a_finished_period_equals_the_whole_period_change(db: Database, ada: int, kind: str,
                                                                            day: date, later: int) -> None:
    period = Period.containing(kind, day)
    today = period.end + (date(2026, 1, 2) - date(2026, 1, 1)) * later
    card = service(db, now=datetime(today.year, today.month, today.day, 12, tzinfo=WEDNESDAY.tzinfo)).scorecard(
        period, "Ada Ames")
    assert card.phase == "over" and card.compared_with == period.previous()
    for line in card.lines:
        assert line.previous_to_date == line.previous, line.key
        assert line.change == change(line.key, line.value, line.previous), line.key


def test_scorecard_json_carries_the_mid_period_fields(db: Database, ada: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import test_cli

    monkeypatch.setitem(test_cli.ENV, "KPITUI_NOW", "2026-11-04T10:00:00+01:00")
    url = str(db.url.database) if db.is_sqlite else db.url.render_as_string(hide_password=False)
    data = json.loads(kpitui(url, "scorecard", "--rep", "Ada Ames", "--period", "2026-11", "--format",
                             "json").stdout)
    assert data["phase"] == "in progress"
    assert data["working_days"] == {"begun": 3, "total": 21, "left": 19}
    assert data["compared_with"] == {"label": "2026-10-01..2026-10-04", "start": "2026-10-01", "end": "2026-10-04"}
    kpis = {k["key"]: k for k in data["kpis"]}
    assert (kpis["calls"]["projected"], kpis["calls"]["status"]) == (105.0, "on track")
    assert (kpis["calls"]["previous"], kpis["calls"]["previous_to_date"], kpis["calls"]["change"]) == (30, 10, 0.5)
    assert (kpis["conversations"]["due_today"], kpis["conversations"]["per_day_left"]) == (10, 5.0)
    assert (kpis["revenue"]["due_today"], kpis["revenue"]["per_day_left"]) == (150.0, 102.64)
    assert kpis["win_rate"]["due_today"] is None and kpis["win_rate"]["per_day_left"] is None
    december = json.loads(kpitui(url, "scorecard", "--rep", "Ada Ames", "--period", "2026-12", "--format",
                                 "json").stdout)
    assert december["phase"] == "not started"
    assert all(k["projected"] is None and k["status"] is None and k["change"] is None for k in december["kpis"])
    table = kpitui(url, "scorecard", "--rep", "Ada Ames", "--period", "2026-12").stdout
    assert "not started" in table and "behind" not in table
