"""Every rep's activities of a day, including the touches planned on open deals."""

from __future__ import annotations

import heapq
from datetime import date, datetime
from typing import Any

from kpitui.store.seed.base import _SeederBase
from kpitui.store.seed.draws import _clock, _poisson
from kpitui.store.seed.plan import LAST_DAY_CUTOFF_HOUR
from kpitui.store.seed.sim import _RepSim
from kpitui.store.seed.words import CALL_NOTES, EMAIL_NOTES, IDEA_NOTES, MEETING_NOTES, NO_ANSWER_NOTES, VOICEMAIL_NOTES


class _ActivitiesMixin(_SeederBase):
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
