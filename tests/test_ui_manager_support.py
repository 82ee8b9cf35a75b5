"""Shared by the manager UI tests (no tests here): two teams whose numbers can be worked out by hand.

Clock: Wednesday 2026-10-21 15:00 Berlin, so this week is 2026-W43 (Mon 19 – Sun 25 Oct), last week W42.
North (managed by Mia) — deals closed in W43 and the team default targets (conversations 4, meetings 2,
new_opps 1, revenue 4000):

| rep | conversations | meetings | new opps | won (amount) | lost | win rate | score |
|-----|---------------|----------|----------|--------------|------|----------|-------|
| Ada | 4 (W42: 2)    | 2        | 0        | 1 (1000)     | 3    | 25 %     | (1 + 1 + 0 + 0.25) / 4 = 56 % |
| Bob | 1             | 0        | 0        | 2 (5000)     | 0    | 100 %    | (0.25 + 0 + 0 + 1.25) / 4 = 38 % |
| Cy  | 2             | 1        | 1        | 1 (500)      | 1    | 50 %     | (0.5 + 0.5 + 1 + 0.125) / 4 = 53 % |

So by score: Ada, Cy, Bob; by win rate: Bob, Cy, Ada; the team's win rate is 4 / 8 = 50 % (not the mean
of the rows, 58 %). South (managed by Sue) has Sam; Al is an admin in no team.
"""

from __future__ import annotations

from datetime import date

from conftest import Builder, local

MIA = "mia@example.com"
SUE = "sue@example.com"
AL = "al@example.com"
W43 = date(2026, 10, 19)


def fill_teams(build: Builder) -> dict[str, int]:
    north = build.team("North")
    south = build.team("South")
    ada = build.rep("Ada Lovelace", north)
    bob = build.rep("Bob Builder", north)
    cy = build.rep("Cy Young", north)
    build.rep("Mia Manager", north, role="manager")
    sam = build.rep("Sam South", south)
    build.rep("Sue Manager", south, role="manager")
    build.rep("Al Admin", None, role="admin")
    for key, value in (("conversations", "4"), ("meetings", "2"), ("new_opps", "1"), ("revenue", "4000")):
        build.target(key, "week", W43, value, team_id=north)
    sept = date(2026, 9, 1)
    # W43 closes
    build.deal(ada, "Acme", "1000", "won", sept, closed=date(2026, 10, 20))
    for n in range(3):
        build.deal(ada, f"Lost{n}", "100", "lost", sept, closed=date(2026, 10, 21))
    build.deal(bob, "Big", "2000", "won", sept, closed=date(2026, 10, 19))
    build.deal(bob, "Bigger", "3000", "won", sept, closed=date(2026, 10, 20))
    build.deal(cy, "Small", "500", "won", sept, closed=date(2026, 10, 20))
    build.deal(cy, "Gone", "700", "lost", sept, closed=date(2026, 10, 21))
    build.deal(cy, "Fresh", "900", "Discovery", date(2026, 10, 20))
    # W43 activities
    for hour in (9, 10, 11, 12):
        build.activity(ada, "call", local(2026, 10, 19, hour), outcome="connected")
    build.activity(ada, "call", local(2026, 10, 19, 13), outcome="voicemail")
    build.activity(ada, "meeting", local(2026, 10, 20, 10))
    build.activity(ada, "meeting", local(2026, 10, 20, 11))
    build.activity(bob, "call", local(2026, 10, 20, 9), outcome="connected")
    build.activity(cy, "call", local(2026, 10, 20, 9), outcome="connected")
    build.activity(cy, "call", local(2026, 10, 20, 10), outcome="connected")
    build.activity(cy, "meeting", local(2026, 10, 21, 10), note="[/] not markup")
    build.score(cy, "csat", date(2026, 10, 20), 2)  # for the diagnosis: "Quality: CSAT averages 2.0 of 5"
    build.activity(sam, "call", local(2026, 10, 20, 9), outcome="connected")
    # W42 and W41, for the arrows and the trend
    build.activity(ada, "call", local(2026, 10, 13, 9), outcome="connected")
    build.activity(ada, "call", local(2026, 10, 14, 9), outcome="connected")
    for day in (5, 6, 7):
        build.activity(cy, "call", local(2026, 10, day, 9), outcome="connected")
    return {"north": north, "south": south, "ada": ada, "bob": bob, "cy": cy, "sam": sam}
