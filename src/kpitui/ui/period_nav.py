"""Moving through periods with the keyboard: `[` / `]` step, `w` changes the kind week -> month -> quarter."""

from __future__ import annotations

from datetime import date

from kpitui.domain.periods import CYCLE_KINDS, Period


def next_kind(period: Period, today: date) -> Period:
    """The next kind in the cycle, around today when today is in view, else around the viewed period's start."""
    kind = CYCLE_KINDS[(CYCLE_KINDS.index(period.kind) + 1) % len(CYCLE_KINDS)] if period.kind in CYCLE_KINDS \
        else CYCLE_KINDS[0]
    anchor = today if today in period else period.start
    return Period.containing(kind, anchor)


def current(period: Period, today: date) -> Period:
    """The period of the same kind that contains today (the `t` key)."""
    kind = period.kind if period.kind in CYCLE_KINDS else CYCLE_KINDS[0]
    return Period.containing(kind, today)
