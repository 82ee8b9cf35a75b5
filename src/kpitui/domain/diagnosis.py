"""Coaching diagnosis: the rep's funnel and results against the team median, in plain words with numbers.

Each rule names the bottleneck a manager would coach on. Thresholds are relative to the team median so a
whole team having a slow month does not flag everyone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kpitui.domain.kpis import KpiValue
from kpitui.domain.scoring import FunnelStep

ACTIVITY_KEYS = ("calls", "emails", "meetings", "demos", "proposals", "ideas")
LOW_VOLUME = 0.6  # below 60 % of the team median
HIGH_VOLUME = 1.2
WEAK_RATE = 0.7  # a step converting below 70 % of the team median
THIN = 0.7
LONG_CYCLE = 1.3
QUALITY_FLOOR = 3.5  # on the 1-5 scales: below it and below the team median
QUALITY_ALARM = 2.5  # below it whatever the team does
QUALITY_GAP = 0.5
CLOSING_GAP = 0.8  # win rate and proposal → won both below 80 % of the team median
MIN_PROPOSALS = 3  # fewer proposals say nothing about closing
SMALL_DEAL = 0.7  # average deal below 70 % of the team median


@dataclass(frozen=True)
class Finding:
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}"


def activity_volume(kpis: Mapping[str, KpiValue]) -> int:
    return sum(int(kpis[k] or 0) for k in ACTIVITY_KEYS)


def _money(value: float) -> str:
    return f"{value:,.0f}"


def diagnose(rep: Mapping[str, KpiValue], rep_funnel: Sequence[FunnelStep],
             team: Mapping[str, float | None], team_funnel: Sequence[FunnelStep],
             revenue_behind: bool | None = None) -> list[Finding]:
    """`team` holds the team median of each KPI plus `activity_volume`; funnels are step-aligned.
    `revenue_behind`: whether revenue is behind pace against its target (None without a target: then revenue
    below the team median counts as behind)."""
    findings: list[Finding] = []
    steps = {s.key: s for s in rep_funnel}
    medians = {s.key: s for s in team_funnel}
    volume = activity_volume(rep)
    team_volume = team.get("activity_volume")

    if team_volume and volume < LOW_VOLUME * team_volume:
        findings.append(Finding("low_activity", f"Low activity volume: {volume:,} activities against a team "
                                                f"median of {_num(team_volume)}."))
    if team_volume and volume >= HIGH_VOLUME * team_volume:
        for key, label, where in (("calls", "calls into conversations", "qualification or pitch"),
                                  ("conversations", "conversations into meetings", "the pitch")):
            mine, theirs = steps[key].conversion, medians[key].conversion
            if mine is not None and theirs and mine < WEAK_RATE * theirs:
                findings.append(Finding("low_conversion",
                                        f"High activity, low conversion: {volume:,} activities (team median "
                                        f"{_num(team_volume)}) but only {_pct(mine)} of {label} against "
                                        f"{_pct(theirs)} for the team; work on {where}."))
                break
    meet, theirs_meet = steps["meetings"].conversion, medians["meetings"].conversion
    if (steps["meetings"].value or 0) >= 3 and meet is not None and theirs_meet and meet < WEAK_RATE * theirs_meet:
        findings.append(Finding("weak_discovery",
                                f"Meetings do not turn into opportunities: {_pct(meet)} of meetings became new "
                                f"opportunities against {_pct(theirs_meet)} for the team; look at discovery."))
    win_rate, team_win = rep.get("win_rate"), team.get("win_rate")
    new_opps, team_opps = rep.get("new_opps") or 0, team.get("new_opps")
    pipeline, team_pipeline = rep.get("open_pipeline"), team.get("open_pipeline")
    strong_closer = win_rate is not None and team_win is not None and float(win_rate) >= team_win
    thin = (team_opps and float(new_opps) < THIN * team_opps) or (
        pipeline is not None and team_pipeline and float(pipeline) < THIN * team_pipeline)
    if strong_closer and thin:
        findings.append(Finding("thin_pipeline",
                                f"Strong closing, thin pipeline: win rate {_pct(float(win_rate))} (team "
                                f"{_pct(team_win)}) but {new_opps} new opportunities (team median "
                                f"{_num(team_opps or 0)}) and {_num(float(pipeline or 0))} open pipeline (team "
                                f"median {_num(team_pipeline or 0)}); time to prospect."))
    closing = _closing(rep, steps["proposals"], team, medians["proposals"])
    if closing is not None:
        findings.append(closing)
    elif not thin and team_volume and volume >= LOW_VOLUME * team_volume:
        small = _deal_size(rep, team, revenue_behind)
        if small is not None:
            findings.append(small)
    cycle, team_cycle = rep.get("cycle_days"), team.get("cycle_days")
    if cycle is not None and team_cycle and float(cycle) > LONG_CYCLE * team_cycle:
        findings.append(Finding("long_cycle", f"Long sales cycle: won deals took {_num(float(cycle))} days on "
                                              f"average against {_num(team_cycle)} for the team; look at deal "
                                              "velocity and stalled stages."))
    for key, label in (("csat", "CSAT"), ("call_review", "Call review")):
        mine_q, team_q = rep.get(key), team.get(key)
        if mine_q is None:
            continue
        mine_f = float(mine_q)
        below_floor = mine_f < QUALITY_FLOOR and (team_q is None or mine_f < team_q)
        if mine_f < QUALITY_ALARM or below_floor or (team_q is not None and mine_f < team_q - QUALITY_GAP):
            team_text = f" (team median {team_q:.1f})" if team_q is not None else ""
            findings.append(Finding("low_quality", f"Quality: {label} averages {float(mine_q):.1f} of 5"
                                                   f"{team_text}."))
    return findings


def _closing(rep: Mapping[str, KpiValue], proposals: FunnelStep, team: Mapping[str, float | None],
             team_proposals: FunnelStep) -> Finding | None:
    """Proposals that do not close: win rate and proposal → won both well below the team median."""
    win_rate, team_win = rep.get("win_rate"), team.get("win_rate")
    mine, theirs = proposals.conversion, team_proposals.conversion
    if (proposals.value or 0) < MIN_PROPOSALS or win_rate is None or not team_win or mine is None or not theirs:
        return None
    if float(win_rate) >= CLOSING_GAP * team_win or mine >= CLOSING_GAP * theirs:
        return None
    return Finding("closing", f"Proposals do not close: win rate {_pct(float(win_rate))} against {_pct(team_win)} "
                              f"for the team, and {_pct(mine)} of {int(proposals.value or 0)} proposals won against "
                              f"{_pct(theirs)} for the team; work on closing: objections, negotiation, next steps.")


def _deal_size(rep: Mapping[str, KpiValue], team: Mapping[str, float | None],
               revenue_behind: bool | None) -> Finding | None:
    """Revenue behind with a healthy funnel (enough activity and opportunities, deals won at the team's rate):
    the deals are small."""
    revenue, team_revenue = float(rep.get("revenue") or 0), team.get("revenue")
    size, team_size = rep.get("avg_deal_size"), team.get("avg_deal_size")
    won, team_won = int(rep.get("won_deals") or 0), team.get("won_deals")
    win_rate, team_win = rep.get("win_rate"), team.get("win_rate")
    if size is None or not team_size or float(size) >= SMALL_DEAL * team_size:
        return None
    behind = revenue_behind if revenue_behind is not None else bool(team_revenue and revenue < THIN * team_revenue)
    winning = won > 0 and (team_won is None or won >= THIN * team_won) and (
        win_rate is None or not team_win or float(win_rate) >= CLOSING_GAP * team_win)
    if not behind or not winning:
        return None
    pace = " is behind pace" if revenue_behind else ""
    deals = "1 deal was" if won == 1 else f"{won} deals were"
    return Finding("deal_size", f"Deals are small: revenue {_money(revenue)}{pace} (team median "
                                f"{_money(team_revenue or 0)}) although {deals} won (team median "
                                f"{_num(team_won or 0)}) at a {_pct(float(win_rate or 0))} win rate (team "
                                f"{_pct(team_win or 0)}); the average deal is {_money(float(size))} against "
                                f"{_money(team_size)} for the team; aim for larger "
                                "deals: qualify on budget, sell more seats, upsell.")
