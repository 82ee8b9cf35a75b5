"""The reps a manager steps through (drill-down, standup), in leaderboard order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kpitui.domain.reports import Leaderboard

if TYPE_CHECKING:  # the UI talks to the service only; RepRow is what `svc.people()` returns
    from kpitui.store.people_queries import RepRow


@dataclass(frozen=True)
class RepRef:
    rep_id: int
    name: str  # as stored; shown through `plain` / `user_text`
    ref: str  # what the service accepts: the email, else the name
    team: str | None


def ref_of(row: RepRow) -> str:
    return row.email or row.name


def lineup(board: Leaderboard, people: dict[int, RepRow]) -> list[RepRef]:
    refs = []
    for row in board.rows:
        person = people.get(row.rep_id)
        refs.append(RepRef(row.rep_id, row.rep, ref_of(person) if person else row.rep, row.team))
    return refs
