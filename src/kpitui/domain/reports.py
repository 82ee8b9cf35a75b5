"""What the screens and the command line show: leaderboard, scorecard and funnel, with their JSON shapes
(DESIGN.md section 6). Money in JSON is a number in currency units with two decimals; ratios are fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kpitui.domain.calendar import Elapsed
from kpitui.domain.diagnosis import Finding
from kpitui.domain.kpis import KPIS, KpiValue
from kpitui.domain.periods import Period
from kpitui.domain.scoring import FunnelStep, Phase, Status, Tone, value_tone
from kpitui.domain.targets import Resolved


def json_number(value: object, unit: str | None = None) -> object:
    """A value as JSON: money to two decimals, everything else rounded only to hide float noise."""
    if value is None or isinstance(value, bool) or isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return float(value.quantize(Decimal("0.01")))
    if isinstance(value, float):
        return round(value, 2) if unit in ("money", "money_per_day", "days", "hours") else round(value, 6)
    return value


def kpis_json(kpis: dict[str, KpiValue]) -> dict[str, object]:
    return {key: json_number(value, KPIS[key].unit) for key, value in kpis.items()}


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int | None
    rep_id: int
    rep: str
    team: str | None
    score: float | None
    kpis: dict[str, KpiValue]
    targets: dict[str, Decimal] = field(default_factory=dict)
    attainment: dict[str, float | None] = field(default_factory=dict)
    previous: dict[str, KpiValue] = field(default_factory=dict)  # what the arrows compare with: like for like
    target_sources: dict[str, str] = field(default_factory=dict)  # rep | team | derived:2026-Q4
    score_tone: Tone = "none"

    def as_json(self) -> dict[str, object]:
        return {"rank": self.rank, "rep": self.rep, "team": self.team, "score": json_number(self.score),
                "kpis": kpis_json(self.kpis)}


@dataclass(frozen=True)
class Leaderboard:
    period: Period
    team: str | None
    sort: str
    rows: list[LeaderboardRow]
    totals: dict[str, KpiValue]
    previous_totals: dict[str, KpiValue] = field(default_factory=dict)
    phase: Phase = "over"
    elapsed: Elapsed | None = None
    total_score: float | None = None  # the team's score from summed facts (scoring.team_attainments)
    total_score_tone: Tone = "none"
    total_targets: dict[str, Decimal] = field(default_factory=dict)  # what the team's totals are measured against

    def total_tone(self, key: str) -> Tone:
        """A total's tone against the team's target (summed for cumulative KPIs)."""
        if self.elapsed is None:
            return "none"
        return value_tone(key, self.totals.get(key), self.total_targets.get(key), self.elapsed, self.phase)

    def tone(self, row: LeaderboardRow, key: str) -> Tone:
        """A cell's tone, worked out for the cells shown only (an admin's board has ~500 rows × 22 KPIs)."""
        if key == "score":
            return row.score_tone
        if self.elapsed is None:
            return "none"
        return value_tone(key, row.kpis.get(key), row.targets.get(key), self.elapsed, self.phase)

    def as_json(self) -> dict[str, object]:
        return {"period": self.period.as_json(), "team": self.team, "sort": self.sort,
                "rows": [r.as_json() for r in self.rows],
                "totals": {"score": json_number(self.total_score), "kpis": kpis_json(self.totals)}}


@dataclass(frozen=True)
class ScorecardLine:
    key: str
    label: str
    value: KpiValue
    target: Decimal | None
    attainment: float | None
    projected: KpiValue
    status: Status | None
    previous: KpiValue  # the whole previous period
    change: float | None  # against previous_to_date
    in_scorecard: bool
    target_source: str | None = None  # rep | team | derived:2026-Q4 (domain/targets.py); None without a target
    previous_to_date: KpiValue = None  # like for like: the previous period over the same elapsed days
    due_today: KpiValue = None  # still needed by the end of today to be on pace
    per_day_left: KpiValue = None  # still needed per working day left, today included
    tone: Tone = "none"

    def as_json(self) -> dict[str, object]:
        unit = KPIS[self.key].unit
        return {"key": self.key, "label": self.label, "value": json_number(self.value, unit),
                "target": json_number(self.target, unit), "attainment": json_number(self.attainment),
                "projected": json_number(self.projected, unit), "status": self.status,
                "previous": json_number(self.previous, unit),
                "previous_to_date": json_number(self.previous_to_date, unit),
                "change": json_number(self.change),
                "due_today": json_number(self.due_today, unit),
                "per_day_left": json_number(self.per_day_left, unit),
                "in_scorecard": self.in_scorecard, "target_source": self.target_source}


@dataclass(frozen=True)
class Scorecard:
    rep_id: int
    rep: str
    team: str | None
    period: Period
    score: float | None
    lines: list[ScorecardLine]
    phase: Phase = "over"
    elapsed: Elapsed | None = None  # working days of the period: begun (today included), all, left
    compared_with: Period | None = None  # the previous period's like-for-like span; None before the period begins

    def line(self, key: str) -> ScorecardLine:
        return next(line for line in self.lines if line.key == key)

    def as_json(self) -> dict[str, object]:
        days = self.elapsed
        return {"rep": self.rep, "team": self.team, "period": self.period.as_json(), "phase": self.phase,
                "working_days": None if days is None else {"begun": days.done, "total": days.total,
                                                           "left": days.left},
                "compared_with": None if self.compared_with is None else self.compared_with.as_json(),
                "score": json_number(self.score), "kpis": [line.as_json() for line in self.lines]}


@dataclass(frozen=True)
class FunnelReport:
    period: Period
    rep: str | None
    team: str | None
    steps: list[FunnelStep]
    team_median: list[FunnelStep]
    diagnosis: list[Finding]

    def as_json(self) -> dict[str, object]:
        def step(s: FunnelStep) -> dict[str, object]:
            return {"key": s.key, "value": json_number(s.value), "conversion": json_number(s.conversion)}

        return {"period": self.period.as_json(), "rep": self.rep, "team": self.team,
                "steps": [step(s) for s in self.steps], "team_median": [step(s) for s in self.team_median],
                "diagnosis": [f.as_json() for f in self.diagnosis]}


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    value: KpiValue
    target: Decimal | None


@dataclass(frozen=True)
class Trend:
    """One KPI of one rep across consecutive periods (weeks), with the target of each."""

    key: str
    rep: str
    points: list[TrendPoint]

    def as_json(self) -> dict[str, object]:
        unit = KPIS[self.key].unit
        return {"key": self.key, "rep": self.rep,
                "points": [{"period": p.period.as_json(), "value": json_number(p.value, unit),
                            "target": json_number(p.target, unit)} for p in self.points]}


@dataclass(frozen=True)
class TargetSheet:
    """One team's targets for one period: the team defaults and each rep's own set for it (which win), and
    what applies to each, derived by the cascade where nothing is set (domain/targets.py)."""

    team_id: int
    team: str
    period: Period
    reps: list[tuple[int, str]]  # (rep id, name), the quota-carrying members
    defaults: dict[str, Decimal]
    own: dict[int, dict[str, Decimal]]
    applied: dict[int, dict[str, Resolved]] = field(default_factory=dict)  # per rep: value and source
    team_applied: dict[str, Resolved] = field(default_factory=dict)  # the team row's, set or derived

    def effective(self, rep_id: int, key: str) -> Decimal | None:
        found = self.applied.get(rep_id, {}).get(key)
        if found is not None:
            return found.value
        return self.own.get(rep_id, {}).get(key, self.defaults.get(key))

    def source(self, rep_id: int, key: str) -> str | None:
        found = self.applied.get(rep_id, {}).get(key)
        return None if found is None else found.source

    def default(self, key: str) -> Resolved | None:
        """The team row's target: set, or derived from the team's larger periods."""
        if key in self.defaults:
            return Resolved(self.defaults[key], "team")
        return self.team_applied.get(key)

    def is_own(self, rep_id: int, key: str) -> bool:
        return key in self.own.get(rep_id, {})
