"""Pure domain rules: attainment, pace, score, ranking, medians, diagnosis."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kpitui.domain.diagnosis import diagnose
from kpitui.domain.kpis import FUNNEL_STEPS, KPI_KEYS, KpiInputs, compute_kpis
from kpitui.domain.periods import parse_period
from kpitui.domain.scoring import (
    FunnelStep,
    attainment,
    competition_ranks,
    funnel_steps,
    median,
    pace_status,
    projected,
    scorecard_score,
)


def test_attainment_higher_and_lower_is_better() -> None:
    assert attainment("calls", 30, Decimal(40)) == 0.75
    assert attainment("cycle_days", 40.0, Decimal(30)) == 0.75  # target / actual
    assert attainment("response_hours", 12.0, Decimal(24)) == 2.0
    assert attainment("calls", 30, None) is None
    assert attainment("win_rate", None, Decimal("0.3")) is None


def test_pace_projects_cumulative_kpis_only() -> None:
    week = parse_period("2026-W43", date(2026, 10, 21))  # Monday 19 Oct .. Sunday 25 Oct
    wednesday = date(2026, 10, 21)  # 3 of 7 days elapsed, today included
    assert projected("calls", 30, week, wednesday) == pytest.approx(70)
    assert projected("revenue", Decimal("300.00"), week, wednesday) == Decimal("700.00")
    assert projected("win_rate", 0.5, week, wednesday) == 0.5
    assert projected("calls", 30, week, date(2026, 10, 18)) is None  # not started
    assert projected("calls", 30, week, date(2026, 11, 1)) == 30  # over
    assert pace_status("calls", 70, Decimal(60)) == "ahead"
    assert pace_status("calls", 59, Decimal(60)) == "on track"
    assert pace_status("calls", 50, Decimal(60)) == "behind"
    assert pace_status("cycle_days", 20.0, Decimal(30)) == "ahead"
    assert pace_status("calls", 50, None) is None


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
