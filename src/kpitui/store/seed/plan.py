"""Who is seeded: teams, people, their (unrecorded) profiles, start and leave dates."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from kpitui.domain.errors import InvalidInput
from kpitui.store.seed.draws import _weekday_on_or_after
from kpitui.store.seed.profiles import SPECIAL_PROFILES
from kpitui.store.seed.words import FIRST_NAMES, LAST_NAMES, TEAM_REGIONS, TEAM_SEGMENTS

CHUNK = 10_000
LAST_DAY_CUTOFF_HOUR = 16  # local: the demo's clock stands at 16:30 on the last day
DEFAULT_END = date(2026, 11, 20)
DEFAULT_ZONE = ZoneInfo("Europe/Berlin")

OPEN_STAGES: tuple[str, ...] = ("Prospecting", "Qualified", "Proposal", "Negotiation")
TARGET_KPIS: tuple[str, ...] = ("conversations", "meetings", "new_opps", "revenue", "calls", "win_rate")
TARGET_PERIOD_KINDS: tuple[str, ...] = ("week", "month", "quarter")


@dataclass(frozen=True)
class SeedSummary:
    """Rows written per table (`reps` counts every person: reps, managers and the admin)."""

    teams: int
    reps: int
    activities: int
    deals: int
    targets: int
    scores: int
    forecasts: int


@dataclass(frozen=True)
class PersonPlan:
    name: str
    email: str
    role: str  # rep | manager | admin
    team: int | None  # index into SeedPlan.teams
    profile: str | None  # None for managers and the admin
    start: date  # first day with data
    leave: date | None  # last day with data for a rep who left (inactive)

    @property
    def active(self) -> bool:
        return self.leave is None


@dataclass(frozen=True)
class SeedPlan:
    first: date  # first local date with data
    end: date  # last local date with data
    teams: tuple[str, ...]
    people: tuple[PersonPlan, ...]  # in insertion order: ids 1.. on an empty database


def _team_count(reps: int) -> int:
    return min(reps, max(3, math.ceil(reps / 12)))


def _team_names(n: int) -> list[str]:
    if n <= len(TEAM_SEGMENTS):
        return list(TEAM_SEGMENTS[:n])
    names = [f"{region} {segment}" for region in TEAM_REGIONS for segment in TEAM_SEGMENTS]
    round_no = 2
    while len(names) < n:
        names += [f"{region} {segment} {round_no}" for region in TEAM_REGIONS for segment in TEAM_SEGMENTS]
        round_no += 1
    return names[:n]


def _person_names(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """`n` unique (name, email) pairs."""
    combos = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(combos)
    people = [(f"{first} {last}", f"{first}.{last}@example.com".lower()) for first, last in combos[:n]]
    letter = 0
    while len(people) < n:  # more people than first x last names: add middle initials
        initial = chr(ord("A") + letter % 26) + ("" if letter < 26 else str(letter // 26))
        for first, last in combos[: n - len(people)]:
            people.append((f"{first} {initial}. {last}", f"{first}.{initial}.{last}@example.com".lower()))
        letter += 1
    return people


def seed_plan(*, reps: int = 14, days: int = 400, seed: int = 7, end: date = DEFAULT_END) -> SeedPlan:
    """Who is seeded, with which (unrecorded) profile, team, start and leave dates."""
    if reps < 1:
        raise InvalidInput(f"reps must be at least 1, not {reps}")
    if days < 1:
        raise InvalidInput(f"days must be at least 1, not {days}")
    rng = random.Random(f"kpitui-seed/{seed}/plan")
    first = end - timedelta(days=days - 1)
    n_teams = _team_count(reps)
    teams = tuple(_team_names(n_teams))
    names = _person_names(reps + n_teams + 1, rng)

    profiles = list(SPECIAL_PROFILES[:reps]) + ["average"] * min(max(0, reps - 6), 8)
    weights = [0.075] * len(SPECIAL_PROFILES) + [0.55]
    options = [*SPECIAL_PROFILES, "average"]
    profiles += rng.choices(options, weights=weights, k=reps - len(profiles))
    rng.shuffle(profiles)

    n_leavers = 0 if reps < 10 else max(1, reps // 60)
    leaver_slots = [i for i, p in enumerate(profiles) if p == "average"][:n_leavers]

    people: list[PersonPlan] = []
    names_iter = iter(names)
    name, email = next(names_iter)
    people.append(PersonPlan(name, email, "admin", None, None, first, None))
    managers = [next(names_iter) for _ in range(n_teams)]
    rep_plans: list[list[PersonPlan]] = [[] for _ in range(n_teams)]
    for i, profile in enumerate(profiles):
        name, email = next(names_iter)
        start, leave = first, None
        if profile == "new_hire":
            start = max(first, end - timedelta(days=rng.randint(80, 100)))
        if i in leaver_slots and days >= 14:
            leave = _weekday_on_or_after(first + timedelta(days=int(days * rng.uniform(0.35, 0.6))))
            leave = min(leave, end - timedelta(days=1))
        team = i % n_teams
        rep_plans[team].append(PersonPlan(name, email, "rep", team, profile, start, leave))
    for team in range(n_teams):
        name, email = managers[team]
        people.append(PersonPlan(name, email, "manager", team, None, first, None))
        people.extend(rep_plans[team])
    return SeedPlan(first=first, end=end, teams=teams, people=tuple(people))
