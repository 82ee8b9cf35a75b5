"""Who needs attention (DESIGN.md sections 5 and 6: `kpitui alerts`, the manager's "Needs attention" panel).

The rules, decided here and written down in the README:
- `behind_pace`: a cumulative, higher-is-better KPI (calls, conversations, ... new opps, won deals, revenue,
  new customers) that has a target (set, team default or derived) and whose projection by working days is below
  95 % of it, once 20 % of the period's working days have begun (today counts). Ratios and averages (win rate,
  deal size, cycle) do not grow through a period, so they have no pace to fall behind. In a finished period the
  projection is the final value: the alert then says who missed.
- `no_activity`: nothing logged on the last 2 working days before today, nor today so far. Today itself is not
  one of the two: at 9 in the morning an empty today is no news.
- `stalled_deal`: an open deal whose last linked activity (or, without any, its creation) is 14 or more
  calendar days before today.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from kpitui.domain.calendar import Elapsed, WorkCalendar
from kpitui.domain.formatting import format_kpi, format_money
from kpitui.domain.kpis import CATALOGUE, KPIS, KpiValue
from kpitui.domain.periods import Period
from kpitui.domain.reports import json_number
from kpitui.domain.scoring import ON_TRACK_AT, attainment, projected

PACE_FROM = 0.2  # share of the period's working days begun before pace is judged
QUIET_WORKING_DAYS = 2
STALLED_DAYS = 14
LOOKBACK_DAYS = 60  # how far back the last activity is looked for, for the message ("none in 60 days")
CODES = ("behind_pace", "no_activity", "stalled_deal")
PACE_KPIS: tuple[str, ...] = tuple(k.key for k in CATALOGUE if k.cumulative and k.higher_is_better)


@dataclass(frozen=True)
class Alert:
    rep_id: int
    rep: str
    team: str | None
    code: str
    kpi: str | None
    message: str
    value: KpiValue = None  # behind_pace: the KPI's value; no_activity / stalled_deal: days since last activity
    target: Decimal | None = None
    projected: KpiValue = None
    deal_id: int | None = None  # stalled_deal: which deal (the panel's key; not in the JSON shape)

    def as_json(self) -> dict[str, object]:
        unit = KPIS[self.kpi].unit if self.kpi else None
        return {"rep": self.rep, "team": self.team, "code": self.code, "kpi": self.kpi, "message": self.message,
                "value": json_number(self.value, unit), "target": json_number(self.target, unit),
                "projected": json_number(self.projected, unit)}


@dataclass(frozen=True)
class AlertsReport:
    period: Period
    team: str | None
    alerts: list[Alert]

    def as_json(self) -> dict[str, object]:
        return {"period": self.period.as_json(), "alerts": [a.as_json() for a in self.alerts]}


@dataclass(frozen=True)
class Who:
    rep_id: int
    rep: str
    team: str | None


@dataclass(frozen=True)
class StalledDeal:
    deal_id: int
    rep_id: int
    external_id: str | None
    account: str
    name: str
    amount_cents: int | None
    created_on: date
    last_activity: datetime | None


def judges_pace(elapsed: Elapsed) -> bool:
    return elapsed.total > 0 and elapsed.fraction >= PACE_FROM


def behind_pace(who: Who, kpis: Mapping[str, KpiValue], targets: Mapping[str, Decimal],
                elapsed: Elapsed) -> list[Alert]:
    if not judges_pace(elapsed):
        return []
    found = []
    for key in PACE_KPIS:
        target = targets.get(key)
        if target is None:
            continue
        projection = projected(key, kpis.get(key), elapsed)
        ratio = attainment(key, projection, target)
        if ratio is None or ratio >= ON_TRACK_AT:
            continue
        label = KPIS[key].label
        message = (f"{label}: {format_kpi(key, kpis.get(key))} of {format_kpi(key, target)} after "
                   f"{elapsed.done} of {elapsed.total} working days, on pace for {format_kpi(key, projection)} "
                   f"({math.floor(ratio * 100)}% of target)")
        found.append(Alert(who.rep_id, who.rep, who.team, "behind_pace", key, message, kpis.get(key), target,
                           projection))
    return found


def quiet_days(calendar: WorkCalendar, today: date) -> list[date]:
    """The last QUIET_WORKING_DAYS working days before today, oldest first (fewer only if the calendar has a
    year of holidays)."""
    days: list[date] = []
    day = today
    for _ in range(366):
        day -= timedelta(days=1)
        if calendar.is_working(day):
            days.insert(0, day)
            if len(days) == QUIET_WORKING_DAYS:
                break
    return days


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b}"


def no_activity(who: Who, last: datetime | None, days: list[date], today: date, zone: ZoneInfo) -> Alert | None:
    """An alert when the rep's last activity (None: none in LOOKBACK_DAYS) falls before the first quiet day."""
    if not days:
        return None
    last_day = last.astimezone(zone).date() if last is not None else None
    if last_day is not None and last_day >= days[0]:
        return None
    span = " and ".join(_day(d) for d in days)
    since = (f"last activity {_day(last_day)}" if last_day is not None
             else f"nothing in the last {LOOKBACK_DAYS} days")
    message = f"Nothing logged on {span}; {since}"
    return Alert(who.rep_id, who.rep, who.team, "no_activity", None, message,
                 (today - last_day).days if last_day is not None else None)


def stalled_cutoff(today: date) -> date:
    """The latest day a deal's last touch may fall on for it to count as stalled."""
    return today - timedelta(days=STALLED_DAYS)


def stalled_deal(who: Who, deal: StalledDeal, today: date, zone: ZoneInfo) -> Alert:
    touched = deal.last_activity.astimezone(zone).date() if deal.last_activity is not None else None
    days = (today - (touched or deal.created_on)).days
    name = deal.name or deal.account or f"#{deal.deal_id}"
    ref = deal.external_id or f"#{deal.deal_id}"
    amount = f", {format_money(Decimal(deal.amount_cents) / 100)}" if deal.amount_cents is not None else ""
    where = f"last activity {_day(touched)}" if touched else f"no activity since it was created {_day(deal.created_on)}"
    message = f"{name} ({ref}{amount}) open with no activity for {days} days: {where}"
    return Alert(who.rep_id, who.rep, who.team, "stalled_deal", None, message, days, deal_id=deal.deal_id)


def ordered(alerts: list[Alert]) -> list[Alert]:
    """By rep name, then behind_pace / no_activity / stalled_deal; pace by catalogue order, deals oldest first."""
    def key(a: Alert) -> tuple[str, int, int, int, int]:
        kpi_order = PACE_KPIS.index(a.kpi) if a.kpi in PACE_KPIS else 0
        oldest = -int(a.value or 0) if a.code == "stalled_deal" else 0
        return a.rep.casefold(), a.rep_id, CODES.index(a.code), kpi_order, oldest

    return sorted(alerts, key=key)
