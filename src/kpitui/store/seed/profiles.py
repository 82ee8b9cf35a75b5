"""How each kind of rep behaves: the seed's profiles (see the package docstring)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Profile:
    name: str
    calls: float  # calls per full working day
    connect: float  # share of calls that connect
    meet_per_conv: float  # prospecting meetings booked per conversation
    emails: float  # emails per working day
    ideas: float  # proactive ideas per working day
    opps: float  # new deals per working day
    win: float  # share of closed deals won
    amount: float  # median deal size, currency units
    cycle: float  # median days from creation to a win
    response_h: float  # median hours from a deal's creation to its first touch
    csat: float  # mean CSAT (1-5)
    review: float  # mean call review (1-5)
    forecast_bias: float  # committed / actual - 1
    forecast_noise: float
    week_noise: float  # good weeks and bad weeks
    day_noise: float


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("high_volume", calls=14.0, connect=0.13, meet_per_conv=0.10, emails=3.0, ideas=0.04, opps=0.15,
                win=0.16, amount=9_000, cycle=25, response_h=5, csat=3.4, review=2.9, forecast_bias=0.25,
                forecast_noise=0.15, week_noise=0.20, day_noise=0.25),
        Profile("closer", calls=3.0, connect=0.36, meet_per_conv=0.30, emails=1.5, ideas=0.20, opps=0.08,
                win=0.68, amount=36_000, cycle=30, response_h=14, csat=4.2, review=4.1, forecast_bias=-0.10,
                forecast_noise=0.10, week_noise=0.20, day_noise=0.25),
        Profile("steady", calls=6.0, connect=0.30, meet_per_conv=0.28, emails=2.2, ideas=0.20, opps=0.20,
                win=0.33, amount=14_000, cycle=35, response_h=8, csat=4.0, review=3.8, forecast_bias=0.0,
                forecast_noise=0.04, week_noise=0.04, day_noise=0.08),
        Profile("new_hire", calls=6.0, connect=0.22, meet_per_conv=0.20, emails=2.5, ideas=0.05, opps=0.14,
                win=0.20, amount=9_000, cycle=35, response_h=26, csat=3.6, review=3.1, forecast_bias=0.30,
                forecast_noise=0.20, week_noise=0.20, day_noise=0.25),
        Profile("quality_star", calls=4.5, connect=0.30, meet_per_conv=0.28, emails=2.5, ideas=0.45, opps=0.18,
                win=0.34, amount=15_000, cycle=35, response_h=4, csat=4.75, review=4.7, forecast_bias=0.05,
                forecast_noise=0.08, week_noise=0.15, day_noise=0.20),
        Profile("enterprise", calls=3.5, connect=0.30, meet_per_conv=0.30, emails=2.0, ideas=0.25, opps=0.10,
                win=0.30, amount=70_000, cycle=110, response_h=30, csat=4.0, review=3.7, forecast_bias=0.12,
                forecast_noise=0.15, week_noise=0.15, day_noise=0.20),
        Profile("average", calls=5.0, connect=0.27, meet_per_conv=0.24, emails=2.0, ideas=0.15, opps=0.18,
                win=0.27, amount=12_000, cycle=40, response_h=18, csat=3.9, review=3.5, forecast_bias=0.0,
                forecast_noise=0.12, week_noise=0.20, day_noise=0.25),
    )
}
SPECIAL_PROFILES: tuple[str, ...] = ("high_volume", "closer", "steady", "new_hire", "quality_star", "enterprise")


def _jittered_average(rng: random.Random) -> Profile:
    base = PROFILES["average"]

    def j(value: float, spread: float) -> float:
        return value * rng.uniform(1 - spread, 1 + spread)

    return replace(
        base, calls=j(base.calls, 0.2), connect=j(base.connect, 0.15), meet_per_conv=j(base.meet_per_conv, 0.2),
        emails=j(base.emails, 0.3), ideas=j(base.ideas, 0.5), opps=j(base.opps, 0.2), win=j(base.win, 0.15),
        amount=j(base.amount, 0.25), cycle=j(base.cycle, 0.25), response_h=j(base.response_h, 0.4),
        csat=j(base.csat, 0.05), review=j(base.review, 0.08), forecast_bias=rng.uniform(-0.15, 0.2),
    )
