"""Pure domain rules: attainment, pace, score, ranking, medians, diagnosis."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpitui.domain.calendar import WorkCalendar
from kpitui.domain.diagnosis import diagnose
from kpitui.domain.kpis import FUNNEL_STEPS, KPI_KEYS, KpiInputs, compute_kpis
from kpitui.domain.periods import Period, parse_period
from kpitui.domain.scoring import (
    FunnelStep,
    attainment,
    competition_ranks,
    due_today,
    funnel_steps,
    like_for_like,
    median,
    pace_status,
    per_day_left,
    phase,
    projected,
    score_tone,
    scorecard_score,
    tone,
)


def test_attainment_higher_and_lower_is_better() -> None:
    assert attainment("calls", 30, Decimal(40)) == 0.75
    assert attainment("cycle_days", 40.0, Decimal(30)) == 0.75  # target / actual
    assert attainment("response_hours", 12.0, Decimal(24)) == 2.0
    assert attainment("calls", 30, None) is None
    assert attainment("win_rate", None, Decimal("0.3")) is None


MON_FRI = WorkCalendar()
WEEK = parse_period("2026-W43", date(2026, 10, 21))  # Monday 19 Oct .. Sunday 25 Oct
NOVEMBER = parse_period("2026-11", date(2026, 11, 4))  # begins on a Sunday; 21 working days


def test_pace_projects_cumulative_kpis_by_working_days() -> None:
    wednesday = MON_FRI.elapsed(WEEK, date(2026, 10, 21))  # 3 of 5 working days begun, today included
    assert projected("calls", 30, wednesday) == pytest.approx(50)
    assert projected("revenue", Decimal("300.00"), wednesday) == Decimal("500.00")
    assert projected("win_rate", 0.5, wednesday) == 0.5
    assert projected("calls", 30, MON_FRI.elapsed(WEEK, date(2026, 10, 18))) is None  # not started
    assert projected("calls", 30, MON_FRI.elapsed(WEEK, date(2026, 11, 1))) == 30  # over
    # Wednesday 4 November: 3 of November's 21 working days begun; 15 calls -> 105
    assert projected("calls", 15, MON_FRI.elapsed(NOVEMBER, date(2026, 11, 4))) == pytest.approx(105)


def test_a_weekend_keeps_fridays_pace_and_a_sunday_the_first_has_none() -> None:
    friday, saturday = date(2026, 10, 23), date(2026, 10, 24)
    assert projected("calls", 17, MON_FRI.elapsed(WEEK, saturday)) == projected("calls", 17,
                                                                                 MON_FRI.elapsed(WEEK, friday))
    assert pace_status("calls", projected("calls", 17, MON_FRI.elapsed(WEEK, saturday)), Decimal(17),
                       MON_FRI.elapsed(WEEK, saturday)) == "on track"
    sunday_first = MON_FRI.elapsed(NOVEMBER, date(2026, 11, 1))
    assert sunday_first.done == 0
    assert projected("calls", 2, sunday_first) is None
    assert pace_status("calls", None, Decimal(100), sunday_first) is None
    assert pace_status("win_rate", None, Decimal("0.3"), sunday_first) is None


def test_pace_status_thresholds() -> None:
    begun = MON_FRI.elapsed(WEEK, date(2026, 10, 21))
    assert pace_status("calls", 70, Decimal(60), begun) == "ahead"
    assert pace_status("calls", 59, Decimal(60), begun) == "on track"
    assert pace_status("calls", 50, Decimal(60), begun) == "behind"
    assert pace_status("cycle_days", 20.0, Decimal(30), begun) == "ahead"
    assert pace_status("calls", 50, None, begun) is None
    assert pace_status("calls", None, Decimal(60), MON_FRI.elapsed(WEEK, date(2026, 10, 1))) is None  # not begun


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2990, 1, 1)),
       kind=st.sampled_from(["week", "month", "quarter", "year", "day"]),
       workdays=st.frozensets(st.integers(0, 6), min_size=1),
       holidays=st.frozensets(st.dates(min_value=date(1990, 1, 1), max_value=date(2991, 1, 1)), max_size=20),
       actual=st.integers(0, 10_000), cents=st.integers(0, 10**9), after=st.integers(0, 400))
def test_on_and_after_the_last_day_working_day_pace_equals_the_actual(
        start: date, kind: str, workdays: frozenset[int], holidays: frozenset[date], actual: int, cents: int,
        after: int) -> None:
    period = Period.containing(kind, start)
    calendar = WorkCalendar(workdays, holidays)
    for day in (period.last_day, period.last_day + timedelta(days=after)):
        elapsed = calendar.elapsed(period, day)
        assert projected("calls", actual, elapsed) == actual
        money = Decimal(cents) / 100
        assert projected("revenue", money, elapsed) == money


def test_like_for_like_compares_the_same_elapsed_span() -> None:
    assert like_for_like(NOVEMBER, date(2026, 11, 4)) == Period.between(date(2026, 10, 1), date(2026, 10, 4))
    wednesday = like_for_like(WEEK, date(2026, 10, 21))
    assert wednesday == Period.between(date(2026, 10, 12), date(2026, 10, 14))  # last Monday–Wednesday
    assert like_for_like(NOVEMBER, date(2026, 12, 1)) == NOVEMBER.previous()  # over: the whole previous period
    march = parse_period("2026-03", date(2026, 3, 31))
    assert like_for_like(march, date(2026, 3, 31)) == march.previous()  # 31 days > February's 28
    assert like_for_like(march, date(2026, 3, 28)) == march.previous()  # 28 days: all of February
    assert like_for_like(march, date(2026, 3, 27)) == Period.between(date(2026, 2, 1), date(2026, 2, 27))
    assert like_for_like(NOVEMBER, date(2026, 10, 30)) is None  # not begun: nothing to compare
    assert phase(NOVEMBER, date(2026, 10, 31)) == "not started"
    assert phase(NOVEMBER, date(2026, 11, 30)) == "in progress"
    assert phase(NOVEMBER, date(2026, 12, 1)) == "over"


def test_what_it_takes_by_hand() -> None:
    wednesday = MON_FRI.elapsed(NOVEMBER, date(2026, 11, 4))  # 3 of 21 working days, 19 left (today included)
    assert (wednesday.done, wednesday.total, wednesday.left) == (3, 21, 19)
    # 5 calls of a 100 target: ⌈100 × 3/21 − 5⌉ = ⌈9.29⌉ = 10 due today; 95 / 19 = 5.0 a day
    assert due_today("calls", 5, Decimal(100), wednesday, "in progress") == 10
    assert per_day_left("calls", 5, Decimal(100), wednesday, "in progress") == 5.0
    # exactly on pace: 21 × 3/21 = 3, not 3.0000000000000004 rounded up to 4
    assert due_today("calls", 0, Decimal(21), wednesday, "in progress") == 3
    assert due_today("calls", 3, Decimal(21), wednesday, "in progress") == 0
    assert due_today("calls", 50, Decimal(100), wednesday, "in progress") == 0  # ahead: nothing due, never < 0
    assert per_day_left("calls", 150, Decimal(100), wednesday, "in progress") == 0.0
    # money is due in money, up to the cent: 1000 × 3/21 − 100 = 42.857… -> 42.86
    assert due_today("revenue", Decimal("100.00"), Decimal(1000), wednesday, "in progress") == Decimal("42.86")
    assert per_day_left("revenue", Decimal("100.00"), Decimal(1000), wednesday, "in progress") == Decimal("47.37")
    # nothing for lower-is-better or non-cumulative KPIs, without a target, or outside a running period
    assert due_today("cycle_days", 10.0, Decimal(20), wednesday, "in progress") is None
    assert due_today("win_rate", 0.1, Decimal("0.3"), wednesday, "in progress") is None
    assert due_today("calls", 5, None, wednesday, "in progress") is None
    assert due_today("calls", 5, Decimal(100), wednesday, "over") is None
    assert per_day_left("calls", 5, Decimal(100), wednesday, "not started") is None


def test_tone_follows_pace_while_running_and_attainment_once_over() -> None:
    assert tone("on track", 0.3, "in progress") == "steady"  # 30 % on day 3 of 21, on pace: not red
    assert tone("ahead", 0.2, "in progress") == "good"
    assert tone("behind", 0.9, "in progress") == "poor"
    assert tone(None, 0.3, "in progress") == "none"
    assert tone("on track", 1.0, "over") == "good"
    assert tone("behind", 0.85, "over") == "close"
    assert tone("behind", 0.5, "over") == "poor"
    assert tone("behind", 0.0, "not started") == "none"
    weights = {"calls": Decimal(1)}
    assert score_tone({"calls": 0.3}, {"calls": 1.0}, {"calls": Decimal(10)}, weights, "in progress") == "steady"
    assert score_tone({"calls": 0.3}, {"calls": 0.3}, {"calls": Decimal(10)}, weights, "over") == "poor"


def test_score_caps_attainment_and_counts_only_targeted_kpis() -> None:
    weights = {"conversations": Decimal(1), "meetings": Decimal(1), "new_opps": Decimal(1), "revenue": Decimal(1)}
    targets = {"conversations": Decimal(10), "meetings": Decimal(5), "revenue": Decimal(1000)}
    attained = {"conversations": 3.0, "meetings": 0.5, "new_opps": 2.0, "revenue": None}
    # conversations capped at 1.5, meetings 0.5, revenue targeted but no value -> 0; new_opps has no target
    assert scorecard_score(attained, targets, weights) == pytest.approx((1.5 + 0.5 + 0) / 3)
    weighted = {**weights, "revenue": Decimal(2)}
    assert scorecard_score({"revenue": 1.0}, {"revenue": Decimal(1)}, weighted) == 1.0
    assert scorecard_score(attained, {}, weights) is None


def test_competition_ranking() -> None:
    items = [("Cy", 5), ("ann", 7), ("Bo", 5), ("Di", None), ("Al", 5), ("Ed", 1)]
    ranked = competition_ranks(items, lambda i: i[1], lambda i: i[0])
    assert [(rank, name) for rank, (name, _) in ranked] == [
        (1, "ann"), (2, "Al"), (2, "Bo"), (2, "Cy"), (5, "Ed"), (None, "Di")]
    ascending = competition_ranks(items, lambda i: i[1], lambda i: i[0], higher_is_better=False)
    assert [name for _, (name, _) in ascending][:2] == ["Ed", "Al"]


def test_ranking_compares_values_as_shown() -> None:
    # two scores that both read 58 %: float noise from summing weights in another order must not split them
    noisy = (0.1 + 0.2 + 0.4 + 0.46) / 2
    assert noisy != 0.58 and noisy > 0.58
    items = [("Zed", noisy), ("Amy", 0.58), ("Bob", 0.57996), ("Cat", 0.9), ("Dan", 0.5799)]
    ranked = competition_ranks(items, lambda i: i[1], lambda i: i[0])
    assert [(rank, name) for rank, (name, _) in ranked] == [
        (1, "Cat"), (2, "Amy"), (2, "Bob"), (2, "Zed"), (5, "Dan")]


def test_median_ignores_missing_values() -> None:
    assert median([3, None, 1, 2]) == 2
    assert median([1, 2, 3, 4]) == 2.5
    assert median([None]) is None


def test_every_kpi_has_a_value_or_none_for_empty_inputs() -> None:
    empty = compute_kpis(KpiInputs())
    assert set(empty) == set(KPI_KEYS)
    assert empty["win_rate"] is None and empty["avg_deal_size"] is None and empty["cycle_days"] is None
    assert empty["revenue_growth"] is None and empty["pipeline_velocity"] is None
    assert empty["calls"] == 0 and empty["revenue"] == Decimal("0.00")


def test_forecast_accuracy_floors_at_zero() -> None:
    inputs = KpiInputs.of_rep({"won_deals": 1, "revenue_cents": 10_000}, forecast_cents=50_000)
    assert compute_kpis(inputs)["forecast_accuracy"] == 0.0
    inputs = KpiInputs.of_rep({"won_deals": 1, "revenue_cents": 10_000}, forecast_cents=9_000)
    assert compute_kpis(inputs)["forecast_accuracy"] == pytest.approx(0.9)


def _funnel(values: list[int]) -> list[FunnelStep]:
    return funnel_steps(dict(zip(FUNNEL_STEPS, values, strict=True)))


def _kpis(**values: object) -> dict[str, object]:
    base = {k: 0 for k in KPI_KEYS} | {"win_rate": None, "cycle_days": None, "csat": None, "call_review": None,
                                      "open_pipeline": Decimal(0)}
    return base | values


def test_diagnosis_high_activity_low_conversion() -> None:
    rep = _kpis(calls=300, conversations=15, meetings=5, new_opps=2, proposals=1, won_deals=1)
    team = {"activity_volume": 120.0, "win_rate": None, "new_opps": 3.0, "open_pipeline": None, "cycle_days": None}
    findings = diagnose(rep, _funnel([300, 15, 5, 2, 1, 1]), team, _funnel([100, 30, 10, 3, 2, 1]))
    codes = [f.code for f in findings]
    assert "low_conversion" in codes
    message = next(f.message for f in findings if f.code == "low_conversion")
    assert "5%" in message and "30%" in message  # 15/300 vs 30/100


def test_diagnosis_strong_closer_thin_pipeline_and_quality() -> None:
    rep = _kpis(calls=100, conversations=30, meetings=10, new_opps=1, won_deals=4, win_rate=0.8,
                open_pipeline=Decimal(1000), csat=3.1)
    team = {"activity_volume": 110.0, "win_rate": 0.4, "new_opps": 5.0, "open_pipeline": 20000.0,
            "cycle_days": None, "csat": 4.4}
    codes = [f.code for f in diagnose(rep, _funnel([100, 30, 10, 1, 0, 4]), team, _funnel([100, 30, 10, 3, 2, 2]))]
    assert "thin_pipeline" in codes and "low_quality" in codes and "weak_discovery" in codes
    assert "low_activity" not in codes


def test_diagnosis_low_volume_and_long_cycle() -> None:
    rep = _kpis(calls=20, meetings=2, cycle_days=80.0)
    team = {"activity_volume": 120.0, "cycle_days": 40.0}
    codes = [f.code for f in diagnose(rep, _funnel([20, 5, 2, 1, 1, 1]), team, _funnel([100, 30, 10, 3, 2, 1]))]
    assert codes[:1] == ["low_activity"] and "long_cycle" in codes


def test_quality_at_the_team_median_is_not_flagged_even_when_low() -> None:
    team_funnel = _funnel([100, 30, 10, 3, 2, 1])
    at_median = diagnose(_kpis(calls=100, call_review=3.0), team_funnel, {"call_review": 3.0}, team_funnel)
    assert "low_quality" not in [f.code for f in at_median]
    below = diagnose(_kpis(calls=100, call_review=2.8), team_funnel, {"call_review": 3.0}, team_funnel)
    assert "low_quality" in [f.code for f in below]  # under 3.5 and under the team
    gap = diagnose(_kpis(calls=100, csat=3.9), team_funnel, {"csat": 4.6}, team_funnel)
    assert "low_quality" in [f.code for f in gap]  # well below the team, though above 3.5


def test_change_is_relative_except_for_ratios_which_change_in_points() -> None:
    from kpitui.domain.formatting import format_change
    from kpitui.domain.scoring import change

    assert change("calls", 12, 10) == pytest.approx(0.2)
    assert change("calls", 5, 0) is None
    assert change("win_rate", 0.33, 0.17) == pytest.approx(0.16)
    assert change("win_rate", 0.2, 0.0) == pytest.approx(0.2)  # from nothing is still a change in points
    assert format_change(0.16, "win_rate") == "▲ 16 pts"
    assert format_change(-0.25, "calls") == "▼ 25%"
