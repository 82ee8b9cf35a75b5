"""Small random draws and calendar helpers shared by the simulation."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta

# working hours: weights for the hour an activity starts in
_HOURS = (7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)
_HOUR_WEIGHTS = (0.1, 0.5, 1.0, 1.2, 1.1, 0.5, 0.8, 1.1, 1.1, 0.9, 0.5, 0.15, 0.05)
_HOUR_CUM = tuple(sum(_HOUR_WEIGHTS[: i + 1]) for i in range(len(_HOUR_WEIGHTS)))
_WEEKEND_HOURS = (10, 11, 12, 13, 14, 15, 16)


def _weekday_on_or_after(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k = 0
    p = rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _clock(rng: random.Random, day: date) -> datetime:
    """A local (naive) moment in working hours on `day`."""
    if day.weekday() >= 5:
        hour = rng.choice(_WEEKEND_HOURS)
    else:
        hour = rng.choices(_HOURS, cum_weights=_HOUR_CUM)[0]
    return datetime.combine(day, time(hour)) + timedelta(seconds=rng.randrange(3600))



def _quarters_between(a: date, b: date) -> int:
    return (b.year - a.year) * 4 + (b.month - 1) // 3 - (a.month - 1) // 3
