"""Deterministic sample data (`kpitui seed`, `kpitui demo`, the benchmark).

Same arguments, same rows, byte for byte: every random choice comes from `random.Random` streams seeded from
`seed` (one per rep and purpose, so the order in which reps are visited never shifts another rep's data), dates
are computed from `end`, never from the clock, and nothing iterates a set.

The story: a handful of teams (about twelve reps each, at least three teams), a manager per team and one admin.
Reps follow a behaviour profile that is recorded nowhere but in what they do (`seed_plan` tells tests and
demos who is who):

- `high_volume`: the most calls by far, but few connect and few conversations become meetings or wins.
- `closer`: few new opportunities, the best win rate, big deals.
- `steady`: even weeks, average-to-good rates, forecasts that land close to the actual number.
- `new_hire`: joined about 90 days before `end`; nothing before, activity ramps up over ten weeks.
- `quality_star`: the highest CSAT and call-review scores, quick first response, many proactive ideas.
- `enterprise`: few, very large deals with long cycles.
- `average`: everyone else, each with their own jitter around the team norm.

With ten or more reps one (about one in sixty at scale) left during the range: inactive, older history only.

Data covers the local dates `(end - days, end]` in `zone`; on `end` itself nothing happens after 16:00 local
(the demo freezes its clock at 16:30 on that day, so nothing is "in the future").

The simulation walks the range a week at a time: first the week's new deals (inserted with RETURNING, so
their ids are known, portably to PostgreSQL), then every rep's activities of that week, including the touches
planned on open deals, in bulk Core inserts of about ten thousand rows. Memory stays bounded: one week of rows,
the open deals and their planned touches.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlmodel import Session

from kpitui.domain.errors import InvalidInput
from kpitui.domain.periods import Period
from kpitui.store.db import Database
from kpitui.store.models import Activity, Deal, Forecast, Rep, Score, Target, Team, TeamManager

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


# -- profiles ---------------------------------------------------------------------------------------------------


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


# -- names ------------------------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Elena", "Felix", "Greta", "Hannah", "Isaac", "Jonas", "Julia", "Karim",
    "Laura", "Lukas", "Maria", "Marco", "Nina", "Oskar", "Paula", "Priya", "Rafael", "Sara", "Simon", "Sofia",
    "Tobias", "Uma", "Viktor", "Wei", "Yara", "Zoe", "Amir", "Bianca", "Chen", "Diana", "Emil", "Fatima",
    "Georg", "Ines", "Jakob", "Kenji", "Lea", "Mateo", "Noah", "Olivia", "Pedro", "Rosa", "Tariq", "Vera",
)
LAST_NAMES = (
    "Adler", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hoffmann", "Ivanova", "Jansen",
    "Keller", "Larsen", "Meyer", "Novak", "Okafor", "Petersen", "Quinn", "Richter", "Schmidt", "Tanaka",
    "Ulrich", "Vogel", "Weber", "Yilmaz", "Zimmermann", "Bauer", "Castillo", "Duarte", "Engel", "Fontaine",
    "Graf", "Horvat", "Ito", "Jovanovic", "Kowalski", "Lindqvist", "Moreau", "Nielsen", "Ortega", "Park",
    "Rossi", "Santos", "Torres", "Varga", "Walsh", "Wagner", "Khan", "Murphy",
)
COMPANY_WORDS = (
    "Northwind", "Bluepeak", "Ironbridge", "Silverline", "Greenfield", "Redwood", "Brightwater", "Stonegate",
    "Clearview", "Highland", "Oakridge", "Summit", "Riverbend", "Lakeside", "Fairhaven", "Goldcrest",
    "Westbrook", "Eastwood", "Harbor", "Pinecrest", "Maple", "Cedar", "Falcon", "Beacon", "Horizon", "Vertex",
    "Nimbus", "Polaris", "Orion", "Atlas", "Zenith", "Keystone", "Cobalt", "Amber", "Granite", "Willow",
    "Sterling", "Crescent", "Meridian", "Evergreen", "Copper", "Lumen", "Quantum", "Nova", "Helix", "Apex",
    "Cascade", "Tidal", "Alder", "Juniper", "Sequoia", "Aurora", "Boreal", "Corvus", "Delta", "Ember",
    "Fjord", "Glacier", "Heron", "Indigo",
)
COMPANY_TRADES = (
    "Logistics", "Foods", "Robotics", "Health", "Energy", "Analytics", "Textiles", "Pharma", "Insurance",
    "Media", "Retail", "Systems", "Engineering", "Construction", "Telecom", "Motors", "Labs", "Software",
    "Consulting", "Chemicals", "Hotels", "Aviation", "Marine", "Packaging", "Furniture", "Optics", "Finance",
    "Agritech", "Security", "Printing",
)
COMPANY_FORMS = ("GmbH", "AG", "Ltd", "Inc", "B.V.", "S.A.", "AB", "Group")
PRODUCTS = (
    "Platform licence", "Analytics add-on", "Reporting suite", "Onboarding package", "Integration bundle",
    "Pilot project", "Data migration", "Premium support", "Training programme", "Workflow automation",
    "Mobile rollout", "Security module",
)
EXPANSIONS = ("Licence expansion", "Renewal", "Upgrade to Enterprise", "Additional seats", "Second region rollout")
SEATS = (10, 25, 50, 100, 250, 500)
TEAM_SEGMENTS = ("Inside Sales", "Mid-Market", "Enterprise")
TEAM_REGIONS = (
    "DACH", "Nordics", "Benelux", "France", "UK & Ireland", "Iberia", "Italy", "CEE", "US East", "US West",
    "US Central", "Canada", "LATAM", "ANZ", "APAC", "India", "Middle East", "Africa",
)

CALL_NOTES = (
    "", "", "Intro call, interested in a pilot", "Discussed pricing for next year", "Asked for a case study",
    "Gatekeeper put me through to the ops lead", "Not a fit right now, call back in spring",
    "Booked a discovery meeting", "Champion wants a demo for the team", "Reviewed renewal terms",
    "Checked in after onboarding", "Budget is frozen until next quarter", "Follow-up on last week's email",
)
VOICEMAIL_NOTES = ("", "Left voicemail", "Left voicemail, will email", "Left voicemail")
NO_ANSWER_NOTES = ("", "", "", "No answer, try Thursday morning")
EMAIL_NOTES = (
    "", "", "Sent case study", "Follow-up after call", "Shared pricing sheet", "Intro email",
    "Sent meeting recap", "Re: contract questions", "Shared customer reference",
)
MEETING_NOTES = (
    "", "Discovery meeting", "Intro meeting with the ops team", "Coffee with champion", "On-site visit",
    "Quarterly business review", "Met the new head of purchasing",
)
DEMO_NOTES = ("", "Product demo for the team", "Demo of the reporting module", "Technical deep dive with IT",
              "Follow-up demo for finance")
PROPOSAL_NOTES = ("Proposal sent", "Revised proposal with volume discount", "Proposal v2 after legal review",
                  "Sent quote")
IDEA_NOTES = (
    "Idea: automate their monthly reporting", "Idea: bundle support with the renewal",
    "Shared a benchmark from a similar customer", "Suggested a cost-saving workflow",
    "Idea: pilot in a second region", "",
)
CSAT_GOOD = ("", "Very responsive", "Solved our issue quickly", "Great understanding of our needs",
             "Helpful demo", "")
CSAT_BAD = ("", "Slow to follow up", "Felt pushy", "Did not answer our question", "")
REVIEW_NOTES = ("", "Strong discovery questions", "Talk less, listen more", "Good objection handling",
                "Missed the next step", "Clear agenda", "Rushed the close", "")

# working hours: weights for the hour an activity starts in
_HOURS = (7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)
_HOUR_WEIGHTS = (0.1, 0.5, 1.0, 1.2, 1.1, 0.5, 0.8, 1.1, 1.1, 0.9, 0.5, 0.15, 0.05)
_HOUR_CUM = tuple(sum(_HOUR_WEIGHTS[: i + 1]) for i in range(len(_HOUR_WEIGHTS)))
_WEEKEND_HOURS = (10, 11, 12, 13, 14, 15, 16)
_HOLIDAYS = ((1, 1), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31))


# -- the plan: who works here ---------------------------------------------------------------------------------


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


# -- small helpers ----------------------------------------------------------------------------------------------


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


def _chunks(rows: list[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


# -- the simulation ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _DealSim:
    id: int | None = None


@dataclass(slots=True)
class _RepSim:
    index: int  # position in SeedPlan.people: seeds this rep's random streams
    plan: PersonPlan
    profile: Profile
    rep_id: int
    rng_deals: random.Random
    rng_acts: random.Random
    off_days: frozenset[date]
    territory: list[str]
    customers: dict[str, None] = field(default_factory=dict)  # accounts won (insertion-ordered)
    future_customers: list[tuple[date, int, str]] = field(default_factory=list)  # heap: (closed_on, seq, account)
    pending: list[tuple[Any, ...]] = field(default_factory=list)  # heap of planned deal touches
    won_planned: dict[tuple[str, date], int] = field(default_factory=dict)  # (kind, start) -> cents
    week_factor: float = 1.0

    def presence(self, d: date) -> float:
        """How much of a normal working day this rep works on `d` (0 = absent)."""
        plan = self.plan
        if d < plan.start or (plan.leave is not None and d > plan.leave) or d in self.off_days:
            return 0.0
        wd = d.weekday()
        factor = 1.0 if wd < 5 else (0.05 if wd == 5 else 0.02)
        if (d.month, d.day) in _HOLIDAYS:
            factor *= 0.05
        elif d.month == 8:
            factor *= 0.85
        elif d.month == 12 and d.day > 20:
            factor *= 0.6
        if self.profile.name == "new_hire":
            factor *= min(1.0, 0.15 + 0.85 * (d - plan.start).days / 75)
        return factor


def _off_days(rng: random.Random, plan: PersonPlan, first: date, end: date) -> frozenset[date]:
    """Holidays (blocks of 4-10 days, about 2.5 a year) and a few single sick days."""
    span = (end - first).days + 1
    days: set[date] = set()
    for _ in range(round(span / 365 * 2.5)):
        start = first + timedelta(days=rng.randrange(span))
        for k in range(rng.randint(4, 10)):
            days.add(start + timedelta(days=k))
    for _ in range(round(span / 365 * 5)):
        days.add(first + timedelta(days=rng.randrange(span)))
    if plan.profile == "new_hire":  # no holiday in the first weeks
        days = {d for d in days if d > plan.start + timedelta(days=60)}
    return frozenset(days)


class _Seeder:
    def __init__(self, session: Session, plan: SeedPlan, seed: int, zone: ZoneInfo) -> None:
        self.session = session
        self.plan = plan
        self.seed = seed
        self.zone = zone
        self.first = plan.first
        self.end = plan.end
        self.deal_no = 0
        self.seq = 0
        self.team_ids: list[int] = []
        self.counts = dict.fromkeys(("teams", "reps", "activities", "deals", "targets", "scores", "forecasts"), 0)

    # -- writing --------------------------------------------------------------------------------------------------
    def _insert(self, table: Any, rows: list[dict[str, Any]], key: str) -> None:
        for chunk in _chunks(rows):
            self.session.execute(insert(table), chunk)
        self.counts[key] += len(rows)

    def _insert_returning_ids(self, table: Any, rows: list[dict[str, Any]], key: str) -> list[int]:
        ids: list[int] = []
        for chunk in _chunks(rows):
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids.extend(self.session.execute(stmt, chunk).scalars().all())
        self.counts[key] += len(rows)
        return ids

    def _utc(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.zone).astimezone(UTC)

    # -- people -----------------------------------------------------------------------------------------------
    def people(self) -> list[_RepSim]:
        plan = self.plan
        team_ids = self._insert_returning_ids(Team.__table__, [{"name": n} for n in plan.teams], "teams")
        rows = [{"name": p.name, "email": p.email, "team_id": None if p.team is None else team_ids[p.team],
                 "role": p.role, "active": p.active} for p in plan.people]
        rep_ids = self._insert_returning_ids(Rep.__table__, rows, "reps")
        self.session.execute(insert(TeamManager.__table__), [
            {"rep_id": rep_id, "team_id": team_ids[p.team]}
            for p, rep_id in zip(plan.people, rep_ids, strict=True) if p.role == "manager" and p.team is not None
        ])
        self.team_ids = team_ids

        pool = [f"{w} {t} {f}" for w in COMPANY_WORDS for t in COMPANY_TRADES for f in COMPANY_FORMS]
        random.Random(f"kpitui-seed/{self.seed}/companies").shuffle(pool)
        pool = pool[: max(300, 30 * sum(p.role == "rep" for p in plan.people))]

        sims = []
        for index, (p, rep_id) in enumerate(zip(plan.people, rep_ids, strict=True)):
            if p.role != "rep" or p.profile is None:
                continue
            rng_plan = random.Random(f"kpitui-seed/{self.seed}/rep/{index}/plan")
            profile = _jittered_average(rng_plan) if p.profile == "average" else PROFILES[p.profile]
            sims.append(_RepSim(
                index=index, plan=p, profile=profile, rep_id=rep_id,
                rng_deals=random.Random(f"kpitui-seed/{self.seed}/rep/{index}/deals"),
                rng_acts=random.Random(f"kpitui-seed/{self.seed}/rep/{index}/activities"),
                off_days=_off_days(rng_plan, p, self.first, self.end),
                territory=rng_plan.sample(pool, min(len(pool), 40)),
            ))
        return sims

    # -- deals ------------------------------------------------------------------------------------------------
    def new_deals(self, sim: _RepSim, day: date, rows: list[dict[str, Any]], refs: list[_DealSim]) -> None:
        n = _poisson(sim.rng_deals, sim.profile.opps * sim.presence(day))
        for _ in range(n):
            rows.append(self._deal(sim, day, refs))

    def _deal(self, sim: _RepSim, created: date, refs: list[_DealSim]) -> dict[str, Any]:
        rng, p, end = sim.rng_deals, sim.profile, self.end
        while sim.future_customers and sim.future_customers[0][0] < created:
            sim.customers[heapq.heappop(sim.future_customers)[2]] = None
        if sim.customers and rng.random() < 0.3:
            account = rng.choice(list(sim.customers))
            product = rng.choice(EXPANSIONS)
        else:
            account = rng.choice(sim.territory)
            product = rng.choice(PRODUCTS)
        name = product if rng.random() < 0.5 else f"{product} ({rng.choice(SEATS)} seats)"
        units = min(400_000.0, max(1_500.0, rng.lognormvariate(math.log(p.amount), 0.5)))
        amount_cents = int(round(units / 50) * 50) * 100
        cycle = max(5.0, rng.lognormvariate(math.log(p.cycle), 0.4))
        won = rng.random() < p.win
        reached = 1.0 if won else rng.uniform(0.2, 1.0)
        close = _weekday_on_or_after(created + timedelta(days=max(2, round(cycle * reached))))
        leave = sim.plan.leave
        if leave is not None and close > leave:  # left the company: what was open is lost
            close, won = max(created, leave), False
            reached = min(reached, max(0.0, (close - created).days / cycle))
        if won:
            for kind in ("month", "quarter"):
                key = (kind, Period.containing(kind, close).start)
                sim.won_planned[key] = sim.won_planned.get(key, 0) + amount_cents

        self.deal_no += 1
        row: dict[str, Any] = {"external_id": f"D-{self.deal_no:06d}", "rep_id": sim.rep_id, "account": account,
                               "name": name, "amount_cents": amount_cents, "created_on": created}
        if close <= end:
            row.update(stage="Won" if won else "Lost", outcome="won" if won else "lost", closed_on=close)
            if won:
                self.seq += 1
                heapq.heappush(sim.future_customers, (close, self.seq, account))
        else:
            progress = (end - created).days / cycle
            stage = OPEN_STAGES[0 if progress < 0.2 else 1 if progress < 0.55 else 2 if progress < 0.85 else 3]
            if stage == "Prospecting" and rng.random() < 0.5:
                row["amount_cents"] = None  # no estimate yet
            row.update(stage=stage, outcome="open", closed_on=None)
        ref = _DealSim()
        refs.append(ref)
        self._plan_touches(sim, ref, created, close, cycle, reached, won)
        return row

    def _working_moment(self, rng: random.Random, moment: datetime, off_days: frozenset[date]) -> datetime:
        """`moment`, or the next time the rep is at work."""
        for _ in range(60):
            day = moment.date()
            if day.weekday() >= 5 or day in off_days or moment.hour >= 18:
                moment = datetime.combine(day + timedelta(days=1), time(8)) + timedelta(minutes=rng.randrange(90))
            elif moment.hour < 8:
                moment = datetime.combine(day, time(8)) + timedelta(minutes=rng.randrange(90))
            else:
                break
        return moment

    def _plan_touches(self, sim: _RepSim, deal: _DealSim, created: date, close: date, cycle: float,
                      reached: float, won: bool) -> None:
        """The activities linked to a deal over its life; those after `end` are never written."""
        rng, p = sim.rng_deals, sim.profile
        life_h = max(2.0, (close - created).days * 24 * 0.5)
        delay = min(rng.lognormvariate(math.log(p.response_h), 0.7), 96.0, life_h)
        first = self._working_moment(rng, datetime.combine(created, time()) + timedelta(hours=delay), sim.off_days)
        if first.date() > close:
            first = datetime.combine(close, time(rng.randint(9, 16), rng.randrange(60)))
        r = rng.random()
        if r < 0.45:
            touches = [(first, "call", "connected", rng.randint(5, 20), rng.choice(CALL_NOTES))]
        elif r < 0.8:
            touches = [(first, "email", None, rng.randint(2, 8), rng.choice(EMAIL_NOTES))]
        else:
            touches = [(first, "meeting", None, rng.choice((30, 30, 45, 60)), rng.choice(MEETING_NOTES))]

        later: list[tuple[float, str, str | None, int, str]] = []
        if rng.random() < 0.85:
            later.append((rng.uniform(0.1, 0.25), "meeting", None, rng.choice((30, 45, 60)), "Discovery meeting"))
        if rng.random() < 0.75:
            later.append((rng.uniform(0.25, 0.45), "demo", None, rng.randint(30, 90), rng.choice(DEMO_NOTES)))
        for _ in range(rng.randint(0, 3)):
            later.append((rng.uniform(0.1, 0.95), "email", None, rng.randint(2, 8), rng.choice(EMAIL_NOTES)))
        for _ in range(int(cycle // 30)):
            if rng.random() < 0.6:
                later.append((rng.uniform(0.3, 0.95), "meeting", None, rng.choice((30, 45, 60)),
                              rng.choice(MEETING_NOTES)))
        later.append((rng.uniform(0.55, 0.75), "proposal", None, rng.randint(30, 120), rng.choice(PROPOSAL_NOTES)))
        if rng.random() < 0.7:
            later.append((rng.uniform(0.8, 0.95), "call", "connected", rng.randint(8, 20), "Negotiation call"))
        for frac, kind, outcome, duration, note in later:
            if frac > reached:
                continue
            day = _weekday_on_or_after(created + timedelta(days=round(frac * cycle)))
            if day <= first.date():
                day = _weekday_on_or_after(first.date() + timedelta(days=1))
            if day > close or day in sim.off_days:
                continue
            touches.append((_clock(rng, day), kind, outcome, duration, note))
        if won and close > first.date():
            if rng.random() < 0.5:
                touches.append((_clock(rng, close), "call", "connected", rng.randint(5, 20), "Contract signed"))
            else:
                touches.append((_clock(rng, close), "meeting", None, rng.choice((15, 30, 45)), "Contract signed"))
        last = min(close, self.end)
        for moment, kind, outcome, duration, note in touches:
            if moment.date() <= last:
                self.seq += 1
                heapq.heappush(sim.pending, (moment, self.seq, kind, outcome, duration, note, deal))

    # -- activities -----------------------------------------------------------------------------------------
    def activities(self, sim: _RepSim, day: date, rows: list[dict[str, Any]]) -> None:
        rng, p, rep_id = sim.rng_acts, sim.profile, sim.rep_id
        if day.weekday() == 0 or day == self.first:
            sim.week_factor = max(0.3, rng.gauss(1.0, p.week_noise))
        presence = sim.presence(day)
        made: list[tuple[datetime, str, str | None, int | None, int | None, str]] = []
        if presence > 0:
            f = presence * sim.week_factor * max(0.2, rng.gauss(1.0, p.day_noise))
            for _ in range(_poisson(rng, p.calls * f)):
                r = rng.random()
                if r < p.connect:
                    made.append((_clock(rng, day), "call", "connected", int(rng.triangular(2, 20, 6)), None,
                                 rng.choice(CALL_NOTES)))
                elif r < p.connect + (1 - p.connect) * 0.45:
                    made.append((_clock(rng, day), "call", "voicemail", rng.randint(1, 2), None,
                                 rng.choice(VOICEMAIL_NOTES)))
                else:
                    made.append((_clock(rng, day), "call", "no_answer", 1, None, rng.choice(NO_ANSWER_NOTES)))
            for _ in range(_poisson(rng, p.emails * f)):
                made.append((_clock(rng, day), "email", None, rng.randint(2, 10), None, rng.choice(EMAIL_NOTES)))
            for _ in range(_poisson(rng, p.calls * p.connect * p.meet_per_conv * f)):
                made.append((_clock(rng, day), "meeting", None, rng.choice((15, 30, 30, 30, 45, 60)), None,
                             rng.choice(MEETING_NOTES)))
            for _ in range(_poisson(rng, p.ideas * f)):
                made.append((_clock(rng, day), "idea", None, rng.randint(10, 30), None, rng.choice(IDEA_NOTES)))
            for _ in range(_poisson(rng, 0.03 * f)):
                made.append((_clock(rng, day), "demo", None, rng.randint(30, 60), None, "Webinar demo"))
        pending = sim.pending
        while pending and pending[0][0].date() <= day:
            moment, _, kind, outcome, duration, note, deal = heapq.heappop(pending)
            made.append((moment, kind, outcome, duration, deal.id, note))
        made.sort(key=lambda item: item[0])
        if day == self.end:  # the last day is "today", seen in the afternoon: nothing logged after 16:00 yet
            made = [item for item in made if item[0].hour < LAST_DAY_CUTOFF_HOUR]
        to_utc = self._utc
        for moment, kind, outcome, duration, deal_id, note in made:
            rows.append({"rep_id": rep_id, "kind": kind, "occurred_at": to_utc(moment), "outcome": outcome,
                         "duration_min": duration, "deal_id": deal_id, "note": note})

    # -- targets, scores, forecasts ---------------------------------------------------------------------------
    def _periods(self, kind: str, lo: date, hi: date) -> Iterator[Period]:
        period = Period.containing(kind, lo)
        while period.start <= hi:
            yield period
            period = period.next()

    def targets(self, sims: list[_RepSim]) -> None:
        rng = random.Random(f"kpitui-seed/{self.seed}/targets")
        base_week = {"calls": 22, "conversations": 6, "meetings": 3, "new_opps": 0.8, "revenue": 3_000}
        first_quarter = Period.containing("quarter", self.first)
        team_factor = [rng.uniform(0.9, 1.15) for _ in self.team_ids]

        def value(kpi: str, kind: str, period: Period, factor: float) -> Decimal:
            if kpi == "win_rate":
                return Decimal(str(min(0.6, 0.30 * (0.8 + 0.2 * factor)))).quantize(Decimal("0.01"))
            growth = 1 + 0.03 * _quarters_between(first_quarter.start, period.start)
            weekly = base_week[kpi] * factor * growth
            amount = weekly * {"week": 1, "month": 52 / 12, "quarter": 13}[kind]
            if kpi == "revenue":
                step = {"week": 100, "month": 500, "quarter": 1_000}[kind]
                return Decimal(max(step, round(amount / step) * step))
            return Decimal(max(1, round(amount)))

        rows = []
        for kind in TARGET_PERIOD_KINDS:
            for period in self._periods(kind, self.first, self.end):
                for team, team_id in enumerate(self.team_ids):
                    for kpi in TARGET_KPIS:
                        rows.append({"rep_id": None, "team_id": team_id, "kpi": kpi, "period_kind": kind,
                                     "period_start": period.start, "value": value(kpi, kind, period,
                                                                                  team_factor[team])})
        overrides = {"closer": {"revenue": 3.0, "new_opps": 0.5},
                     "enterprise": {"revenue": 4.0, "new_opps": 0.4, "meetings": 0.8}}
        for sim in sims:
            plan = sim.plan
            if plan.team is None or not plan.active:
                continue
            factor = team_factor[plan.team]
            for kind in TARGET_PERIOD_KINDS:
                for period in self._periods(kind, plan.start, self.end):
                    if plan.profile == "new_hire":
                        months_in = (period.start - plan.start).days / 30
                        ramp = 0.4 if months_in < 1 else 0.6 if months_in < 2 else 0.8
                        mults = {k: ramp for k in ("calls", "conversations", "meetings", "new_opps", "revenue")}
                    else:
                        mults = overrides.get(plan.profile or "", {})
                    for kpi, mult in mults.items():
                        rows.append({"rep_id": sim.rep_id, "team_id": None, "kpi": kpi, "period_kind": kind,
                                     "period_start": period.start, "value": value(kpi, kind, period, factor * mult)})
        self._insert(Target.__table__, rows, "targets")

    def scores(self, sim: _RepSim) -> list[dict[str, Any]]:
        plan, p = sim.plan, sim.profile
        rng = random.Random(f"kpitui-seed/{self.seed}/rep/{sim.index}/scores")
        last = plan.leave or self.end
        rows = []
        for month in self._periods("month", plan.start, last):
            lo, hi = max(month.start, plan.start), min(month.last_day, last)
            share = ((hi - lo).days + 1) / month.days
            for kind, mean, per_month in (("csat", p.csat, 4.0), ("call_review", p.review, 2.0)):
                for _ in range(_poisson(rng, per_month * share)):
                    on = _weekday_on_or_after(lo + timedelta(days=rng.randrange((hi - lo).days + 1)))
                    if on > hi:
                        on = hi
                    score = min(5, max(1, round(rng.gauss(mean, 0.75))))
                    if kind == "csat":
                        note = rng.choice(CSAT_GOOD if score >= 4 else CSAT_BAD if score <= 2 else ("",))
                    else:
                        note = rng.choice(REVIEW_NOTES)
                    rows.append({"rep_id": sim.rep_id, "kind": kind, "on": on, "value": score, "note": note})
        return rows

    def forecasts(self, sim: _RepSim) -> list[dict[str, Any]]:
        plan, p = sim.plan, sim.profile
        rng = random.Random(f"kpitui-seed/{self.seed}/rep/{sim.index}/forecasts")
        last = plan.leave or self.end
        typical_month = p.opps * 21 * p.win * p.amount * 100  # expected monthly revenue, cents
        rows = []
        for kind, scale in (("month", 1.0), ("quarter", 3.0)):
            for period in self._periods(kind, max(self.first, plan.start), last):
                actual = sim.won_planned.get((kind, period.start), 0)
                if actual:
                    committed = actual * (1 + p.forecast_bias + rng.gauss(0, p.forecast_noise / math.sqrt(scale)))
                else:
                    committed = typical_month * scale * rng.uniform(0.4, 0.9)
                cents = max(50_000, round(committed / 50_000) * 50_000)  # committed in steps of 500 units
                if cents == actual:
                    cents += 50_000
                rows.append({"rep_id": sim.rep_id, "period_kind": kind, "period_start": period.start,
                             "amount_cents": cents})
        return rows


def _quarters_between(a: date, b: date) -> int:
    return (b.year - a.year) * 4 + (b.month - 1) // 3 - (a.month - 1) // 3


def seed_database(db: Database, *, reps: int = 14, days: int = 400, seed: int = 7, end: date = DEFAULT_END,
                  zone: ZoneInfo = DEFAULT_ZONE, progress: Callable[[int, int], None] | None = None) -> SeedSummary:
    """Fill an empty database (schema at head) with `days` days of sample data ending on `end`, in one write."""
    plan = seed_plan(reps=reps, days=days, seed=seed, end=end)
    weeks = math.ceil(days / 7)
    total = weeks + 2

    def report(done: int) -> None:
        if progress is not None:
            progress(done, total)

    with db.write() as session:
        existing = session.execute(select(func.count()).select_from(Rep.__table__)).scalar_one()
        existing += session.execute(select(func.count()).select_from(Team.__table__)).scalar_one()
        if existing:
            raise InvalidInput("seed needs an empty database: this one already has teams or reps")
        report(0)
        seeder = _Seeder(session, plan, seed, zone)
        sims = seeder.people()
        seeder.targets(sims)
        report(1)
        buffer: list[dict[str, Any]] = []
        for week in range(weeks):
            lo = plan.first + timedelta(days=7 * week)
            window = [lo + timedelta(days=k) for k in range(7) if lo + timedelta(days=k) <= plan.end]
            deal_rows: list[dict[str, Any]] = []
            refs: list[_DealSim] = []
            for sim in sims:
                for day in window:
                    seeder.new_deals(sim, day, deal_rows, refs)
            for ref, deal_id in zip(refs, seeder._insert_returning_ids(Deal.__table__, deal_rows, "deals"),
                                    strict=True):
                ref.id = deal_id
            for sim in sims:
                for day in window:
                    seeder.activities(sim, day, buffer)
                if len(buffer) >= CHUNK:
                    seeder._insert(Activity.__table__, buffer, "activities")
                    buffer = []
            report(1 + week + 1)
        seeder._insert(Activity.__table__, buffer, "activities")
        scores: list[dict[str, Any]] = []
        forecasts: list[dict[str, Any]] = []
        for sim in sims:
            scores += seeder.scores(sim)
            forecasts += seeder.forecasts(sim)
            if len(scores) >= CHUNK:
                seeder._insert(Score.__table__, scores, "scores")
                scores = []
            if len(forecasts) >= CHUNK:
                seeder._insert(Forecast.__table__, forecasts, "forecasts")
                forecasts = []
        seeder._insert(Score.__table__, scores, "scores")
        seeder._insert(Forecast.__table__, forecasts, "forecasts")
        report(total)
    return SeedSummary(**seeder.counts)
