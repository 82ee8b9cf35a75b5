"""Targets cascade by working days (DESIGN.md section 4): hand-worked numbers on plain values, then the same
through the services and the command line. Q4 2026 has 22 + 21 + 23 = 66 working days (Mon–Fri); 2026-W45 is
2–6 November; 2026-W49 is 30 November – 4 December (1 working day in November, 4 in December)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Builder, local, service
from kpitui.domain.calendar import WorkCalendar
from kpitui.domain.periods import Period, parse_period
from kpitui.domain.targets import Resolved, covering, resolve_target
from kpitui.store.db import Database
from test_cli import kpitui, write

TODAY = date(2026, 12, 6)
MON_FRI = WorkCalendar()
Q4, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)


def p(text: str) -> Period:
    return parse_period(text, TODAY)


def team(*rows: tuple[str, date, str]) -> list[tuple[str, dict[tuple[str, date], Decimal]]]:
    return [("team", {(kind, start): Decimal(value) for kind, start, value in rows})]


def test_a_quarter_of_66_meetings_gives_week_45_five() -> None:
    # November's share of Q4 is 66 × 21/66 = 21; W45 is 5 of November's 21 working days: 21 × 5/21 = 5
    assert resolve_target(p("2026-W45"), "meetings", team(("quarter", Q4, "66")), MON_FRI) == \
        Resolved(Decimal("5.00"), "derived:2026-Q4")
    assert resolve_target(p("2026-11"), "meetings", team(("quarter", Q4, "66")), MON_FRI) == \
        Resolved(Decimal("21.00"), "derived:2026-Q4")


def test_a_week_across_two_months_takes_each_months_share() -> None:
    # 21 in November (21 days): 1 day → 21 × 1/21 = 1; 46 in December (23 days): 4 days → 46 × 4/23 = 8
    got = resolve_target(p("2026-W49"), "calls", team(("month", NOV, "21"), ("month", DEC, "46")), MON_FRI)
    assert got == Resolved(Decimal("9.00"), "derived:2026-11+2026-12")


def test_a_set_target_always_wins_and_the_nearest_set_period_is_used() -> None:
    targets = team(("week", date(2026, 11, 2), "7"), ("month", NOV, "42"), ("quarter", Q4, "66"))
    assert resolve_target(p("2026-W45"), "calls", targets, MON_FRI) == Resolved(Decimal("7"), "team")
    # no week target: November's 42 wins over the quarter: 42 × 5/21 = 10
    assert resolve_target(p("2026-W46"), "calls", targets, MON_FRI) == Resolved(Decimal("10.00"), "derived:2026-11")


def test_a_reps_own_month_beats_the_teams_quarter_default() -> None:
    owners = [("rep", {("month", NOV): Decimal("42")}), ("team", {("quarter", Q4): Decimal("66")})]
    assert resolve_target(p("2026-W45"), "meetings", owners, MON_FRI) == Resolved(Decimal("10.00"),
                                                                                   "derived:2026-11")
    # a rep's own quarter beats even a team default set for the week: the rep's quota is what they carry
    owners = [("rep", {("quarter", Q4): Decimal("132")}), ("team", {("week", date(2026, 11, 2)): Decimal("3")})]
    assert resolve_target(p("2026-W45"), "meetings", owners, MON_FRI) == Resolved(Decimal("10.00"),
                                                                                   "derived:2026-Q4")


def test_where_the_rep_covers_only_part_the_team_fills_the_rest() -> None:
    # the rep's own November (21 → 1 for Monday 30th), December from the team's quarter (66 → 23 → 4 days = 4)
    owners = [("rep", {("month", NOV): Decimal("21")}), ("team", {("quarter", Q4): Decimal("66")})]
    assert resolve_target(p("2026-W49"), "meetings", owners, MON_FRI) == \
        Resolved(Decimal("5.00"), "derived:2026-11+2026-Q4")


def test_derived_values_are_quantized_to_cents_once_at_the_end() -> None:
    # 100 × 21/66 for November, × 5/21 for the week = 100 × 5/66 = 7.5757… → 7.58 (never 31.82 × 5/21 = 7.58)
    assert resolve_target(p("2026-W45"), "calls", team(("quarter", Q4, "100")), MON_FRI) == \
        Resolved(Decimal("7.58"), "derived:2026-Q4")
    # a year: Q4's share is 66 of 2026's 261 working days
    assert resolve_target(p("2026-Q4"), "revenue", team(("year", date(2026, 1, 1), "261000")), MON_FRI) == \
        Resolved(Decimal("66000.00"), "derived:2026")


def test_ratios_and_averages_carry_over_unchanged() -> None:
    assert resolve_target(p("2026-W45"), "win_rate", team(("quarter", Q4, "0.255")), MON_FRI) == \
        Resolved(Decimal("0.255"), "derived:2026-Q4")
    assert resolve_target(p("2026-W45"), "cycle_days", team(("year", date(2026, 1, 1), "30")), MON_FRI) == \
        Resolved(Decimal("30"), "derived:2026")
    # across two months: the month holding most of the week's working days (December, 4 of 5)
    got = resolve_target(p("2026-W49"), "win_rate", team(("month", NOV, "0.2"), ("month", DEC, "0.3")), MON_FRI)
    assert got == Resolved(Decimal("0.3"), "derived:2026-12")


def test_holidays_and_workdays_come_from_the_calendar() -> None:
    # Monday 2 November a holiday: Q4 has 65 working days, W45 4 → 66 × 4/65 = 4.0615… → 4.06
    with_holiday = WorkCalendar(holidays=frozenset({date(2026, 11, 2)}))
    assert resolve_target(p("2026-W45"), "meetings", team(("quarter", Q4, "66")), with_holiday) == \
        Resolved(Decimal("4.06"), "derived:2026-Q4")


def test_days_and_custom_ranges_derive_too_and_nothing_covers_nothing() -> None:
    targets = team(("month", NOV, "21"))
    assert resolve_target(p("2026-11-04"), "calls", targets, MON_FRI) == Resolved(Decimal("1.00"), "derived:2026-11")
    assert resolve_target(p("2026-11-02..2026-11-11"), "calls", targets, MON_FRI) == \
        Resolved(Decimal("8.00"), "derived:2026-11")
    # December has nothing: the week across both months has no target, rather than a partial one
    assert resolve_target(p("2026-W49"), "calls", targets, MON_FRI) is None
    assert resolve_target(p("2026-W45"), "calls", [], MON_FRI) is None
    assert {x.label for x in covering(p("2026-W49"))} == {"2026-W49", "2026-11", "2026-12", "2026-Q4", "2026"}


# -- through the services ---------------------------------------------------------------------------------------
NOW = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def north(build: Builder) -> dict[str, int]:
    north = build.team("North")
    ids = {"north": north, "ada": build.rep("Ada Ames", north), "bo": build.rep("Bo Brandt", north),
           "mia": build.rep("Mia Moss", north, role="manager")}
    build.target("meetings", "quarter", Q4, "66", team_id=north)
    build.target("meetings", "month", NOV, "42", rep_id=ids["bo"])
    for day in (2, 3):
        build.activity(ids["ada"], "meeting", local(2026, 11, day, 10))
    return ids


def test_scorecard_and_leaderboard_use_the_derived_target(db: Database, north: dict[str, int]) -> None:
    svc = service(db, now=NOW)
    week = svc.period("2026-W45")
    line = svc.scorecard(week, "Ada Ames").line("meetings")
    assert (line.target, line.target_source, line.attainment) == (Decimal("5.00"), "derived:2026-Q4", 0.4)
    assert line.as_json()["target_source"] == "derived:2026-Q4" and line.as_json()["target"] == 5.0
    bo = svc.scorecard(week, "Bo Brandt").line("meetings")
    assert (bo.target, bo.target_source) == (Decimal("10.00"), "derived:2026-11")
    rows = {r.rep: r for r in svc.leaderboard(week, team="North").rows}
    assert rows["Ada Ames"].targets["meetings"] == Decimal("5.00")
    assert rows["Ada Ames"].attainment["meetings"] == 0.4
    assert rows["Bo Brandt"].targets["meetings"] == Decimal("10.00")
    month = svc.scorecard(svc.period("2026-11"), "Bo Brandt").line("meetings")
    assert (month.target, month.target_source) == (Decimal("42"), "rep")
    quarter = svc.scorecard(svc.period("2026-Q4"), "Ada Ames").line("meetings")
    assert (quarter.target, quarter.target_source) == (Decimal("66"), "team")
    assert svc.scorecard(week, "Ada Ames").line("calls").target_source is None


def test_the_target_sheet_gives_derived_values_with_their_sources(db: Database, north: dict[str, int]) -> None:
    sheet = service(db, actor="mia@example.com", now=NOW).target_sheet("North", parse_period("2026-W45", TODAY))
    assert sheet.defaults == {} and sheet.own == {}  # nothing is set for the week itself
    assert sheet.effective(north["ada"], "meetings") == Decimal("5.00")
    assert sheet.source(north["ada"], "meetings") == "derived:2026-Q4"
    assert sheet.effective(north["bo"], "meetings") == Decimal("10.00")
    assert sheet.source(north["bo"], "meetings") == "derived:2026-11"
    assert sheet.default("meetings") == Resolved(Decimal("5.00"), "derived:2026-Q4")


def test_cli_scorecard_json_shows_target_source(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    kpitui(db, "init")
    kpitui(db, "import", "reps", str(write(tmp_path / "reps.csv", "name,email,team,role\n"
                                           "Ada Ames,ada@example.com,North,rep\n"
                                           "Mia Moss,mia@example.com,North,manager\n")))
    kpitui(db, "import", "targets", str(write(tmp_path / "targets.csv", (
        "rep,team,kpi,period,value\n"
        ",North,meetings,2026-Q4,66\n"
        "ada@example.com,,calls,2026-W45,30\n"))))
    card = json.loads(kpitui(db, "--as", "ada@example.com", "scorecard", "--period", "2026-W45", "--format",
                             "json").stdout)
    lines = {k["key"]: k for k in card["kpis"]}
    assert (lines["meetings"]["target"], lines["meetings"]["target_source"]) == (5.0, "derived:2026-Q4")
    assert (lines["calls"]["target"], lines["calls"]["target_source"]) == (30.0, "rep")
    assert lines["emails"]["target_source"] is None


def test_the_leaderboard_chart_marks_a_derived_target(db: Database, north: dict[str, int]) -> None:
    from kpitui.ui.widgets.kpi_bars import bars_of

    board = service(db, now=NOW).leaderboard(parse_period("2026-W45", TODAY), team="North", sort="meetings")
    assert {r.rep: r.target_sources["meetings"] for r in board.rows} == {
        "Ada Ames": "derived:2026-Q4", "Bo Brandt": "derived:2026-11"}
    bars = bars_of(board, "meetings")
    assert bars.targets == [5.0, 10.0] and bars.derived == [True, True]


def test_formatting_shows_a_fractional_derived_count() -> None:
    from kpitui.domain.formatting import format_kpi

    assert (format_kpi("calls", Decimal("7.58")), format_kpi("calls", Decimal("5.00")), format_kpi("calls", 5)) == (
        "7.6", "5", "5")
