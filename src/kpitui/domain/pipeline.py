"""The sales pipeline: the open stages in the order deals pass through them, and the won / lost stages.

Configured in the config file (`stages = ["Prospecting", "Qualified", "Proposal", "Negotiation"]`, optional
`won_stage` / `lost_stage`); without it, taken from the data: the open stages ordered by how soon deals reach
them, the lower quartile of the age of their open deals, youngest first. Deal cycles differ a lot, so a stage's
mean or median age mixes quick and slow deals (on the sample, Qualified's median age, 29 days, is above
Proposal's, 22); but a deal must have lived through the earlier stages to be in a later one, so the young end
of each stage's ages rises along the pipeline (sample: Prospecting 2, Qualified 11, Proposal 21.5, Negotiation
26 days). The quartile rather than the minimum keeps one deal created straight into a late stage from moving
that stage. Imported deals have no history, so age is what every database has; the change log adds the
stages no open deal is in any more (moved on, closed), next to the stage deals moved between. The won and
lost stages keep the data's spelling (the sample says `Won`), matched in any case.

A stage typed by a person must be one of these (any case): a typo such as "Qu" is refused with the list, never
stored as a new stage. Stages already in the data that the pipeline does not name keep working (a deal may stay
where it is).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import quantiles

from kpitui.domain.errors import InvalidInput
from kpitui.domain.text import clean_text

WON, LOST = "won", "lost"
DEFAULT_STAGES = ("Prospecting", "Qualified", "Proposal", "Negotiation")


@dataclass(frozen=True)
class Pipeline:
    stages: tuple[str, ...]  # the open stages, in order
    won: str = "Won"
    lost: str = "Lost"

    @property
    def all_stages(self) -> tuple[str, ...]:
        return (*self.stages, self.won, self.lost)

    def outcome_of(self, stage: str) -> str:
        """`won` / `lost` for the terminal stages (any case, and the words themselves), else `open`."""
        key = stage.strip().casefold()
        if key in (WON, self.won.casefold()):
            return WON
        if key in (LOST, self.lost.casefold()):
            return LOST
        return "open"

    def stage_for(self, text: str, *, also: Iterable[str] = ()) -> str:
        """The pipeline's spelling of the stage `text` names (any case); `also`: stages accepted besides the
        pipeline's (a deal's current stage). Anything else is refused with the list of stages."""
        key = clean_text(text).strip().casefold()
        outcome = self.outcome_of(key) if key else "open"
        if outcome == WON:
            return self.won
        if outcome == LOST:
            return self.lost
        for stage in (*self.stages, *also):
            if stage.casefold() == key:
                return stage
        shown = clean_text(text).strip()
        said = f"{shown!r} is not a stage" if shown else "say which stage"
        raise InvalidInput(f"stage: {said}; the pipeline's stages are {', '.join(self.all_stages)}")

    def order_key(self, stage: str) -> tuple[int, str]:
        """Sort key: pipeline order, stages it does not name after them (alphabetically), won, lost last."""
        outcome = self.outcome_of(stage)
        if outcome != "open":
            return (len(self.stages) + 1 + (outcome == LOST), "")
        try:
            return (self.stages.index(stage), "")
        except ValueError:
            folded = [s.casefold() for s in self.stages]
            if stage.casefold() in folded:
                return (folded.index(stage.casefold()), "")
            return (len(self.stages), stage.casefold())


def how_soon(ages: Sequence[int]) -> float:
    """The lower quartile of a stage's deal ages (days): how soon deals typically reach the stage."""
    if len(ages) == 1:
        return float(ages[0])
    return float(quantiles(ages, n=4, method="inclusive")[0])


def stages_by_age(open_deals: Iterable[tuple[str, date]], today: date) -> list[str]:
    """Open stages in pipeline order from (stage, created_on) of open deals: by `how_soon` deals reach them,
    soonest first; ties by name. Stages differing only in case are one stage (the first spelling seen)."""
    ages: dict[str, list[int]] = {}
    spelled: dict[str, str] = {}
    for stage, created_on in open_deals:
        key = stage.casefold()
        spelled.setdefault(key, stage)
        ages.setdefault(key, []).append((today - created_on).days)
    return [spelled[key] for key in sorted(ages, key=lambda k: (how_soon(ages[k]), k))]


def with_history(stages: Sequence[str], moves: Iterable[tuple[str | None, str | None]]) -> list[str]:
    """`stages` plus the open stages only the change log knows (its last deal left them): one a deal left
    joins just before the stage it moved to, one a deal entered just after the stage it came from, else at the
    end. `moves`: (stage before, stage after) of open deals' changes, oldest first, None where a side is not an
    open stage (a creation, a close)."""
    order = list(stages)

    def place(stage: str | None, neighbour: str | None, offset: int) -> None:
        folded = [s.casefold() for s in order]
        if not stage or stage.casefold() in folded:
            return
        known = neighbour is not None and neighbour.casefold() in folded
        order.insert(folded.index(neighbour.casefold()) + offset if known else len(order), stage)  # type: ignore[union-attr]

    for before, after in moves:
        place(before, after, 0)
        place(after, before, 1)
    return order


def most_common(spellings: Sequence[tuple[str, int]], default: str) -> str:
    """The spelling used by most deals, from (stage, count) pairs; `default` when there are none."""
    best = max(spellings, key=lambda pair: (pair[1], pair[0]), default=None)
    return best[0] if best else default


def pipeline_from(config: dict[str, object], open_deals: Iterable[tuple[str, date]],
                  closed_spellings: Sequence[tuple[str, str, int]], today: date,
                  moves: Iterable[tuple[str | None, str | None]] = ()) -> Pipeline:
    """The pipeline: the configured stages, else those of the data (`stages_by_age`, then `with_history`: a
    stage does not vanish from the list when its last deal moves on), else the defaults. `closed_spellings`:
    (outcome, stage, count) of closed deals, for the won / lost spelling."""
    won = config.get("won_stage") or most_common([(s, n) for o, s, n in closed_spellings if o == WON], "Won")
    lost = config.get("lost_stage") or most_common([(s, n) for o, s, n in closed_spellings if o == LOST], "Lost")
    configured = config.get("stages")
    if configured:
        stages = tuple(str(s) for s in configured)  # type: ignore[attr-defined]
    else:
        stages = tuple(with_history(stages_by_age(open_deals, today), moves)) or DEFAULT_STAGES
    closed = (WON, LOST, str(won).casefold(), str(lost).casefold())
    stages = tuple(s for s in stages if s.casefold() not in closed)
    return Pipeline(stages or tuple(s for s in DEFAULT_STAGES if s.casefold() not in closed), str(won), str(lost))


def check_configured(config: dict[str, object], origin: str) -> None:
    """Config errors in words: stages is a list of distinct, non-empty names."""
    stages = config.get("stages")
    if stages is None:
        return
    names = [clean_text(str(s)).strip() for s in stages]  # type: ignore[attr-defined]
    if not all(isinstance(s, str) for s in stages) or not all(names):  # type: ignore[attr-defined]
        raise InvalidInput(f"{origin}: stages should be a list of stage names, like [\"Prospecting\", "
                           "\"Qualified\"]")
    folded = [n.casefold() for n in names]
    twice = sorted({n for n in names if folded.count(n.casefold()) > 1})
    if twice:
        raise InvalidInput(f"{origin}: stages names {', '.join(twice)} twice")
