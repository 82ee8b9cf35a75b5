"""Working days: which dates count when pace and targets are spread over time (DESIGN.md section 3).

Monday to Friday unless configured otherwise, less the configured holidays. A period with no working day at
all (a weekend-only custom range) falls back to calendar days, so it still has a pace. Today counts as elapsed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from kpitui.domain.errors import InvalidInput
from kpitui.domain.periods import Period

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONDAY_TO_FRIDAY = frozenset(range(5))


@dataclass(frozen=True)
class Elapsed:
    """How far a period has run on `today`, in the days that count (working days, or calendar days when the
    period has none)."""

    done: int  # days begun, today included
    total: int
    left: int  # days still to work in, today included when it counts

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


@dataclass(frozen=True)
class WorkCalendar:
    workdays: frozenset[int] = MONDAY_TO_FRIDAY  # date.weekday(): Monday = 0
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_working(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def working_days(self, first: date, end: date) -> int:
        """Working days in [first, end): whole weeks counted at once, so a year costs a handful of steps."""
        if end <= first:
            return 0
        span = (end - first).days
        weeks, rest = divmod(span, 7)
        count = weeks * len(self.workdays)
        count += sum(1 for i in range(rest) if (first + timedelta(days=weeks * 7 + i)).weekday() in self.workdays)
        count -= sum(1 for h in self.holidays if first <= h < end and h.weekday() in self.workdays)
        return count

    def counts_working_days(self, period: Period) -> bool:
        """False for a period without a single working day: it is measured in calendar days instead."""
        return self.working_days(period.start, period.end) > 0

    def days_in(self, period: Period) -> int:
        """The days that count in `period`: its working days, or its calendar days when it has none."""
        return self.working_days(period.start, period.end) or period.days

    def elapsed(self, period: Period, today: date) -> Elapsed:
        """Days of `period` begun by `today` (today included) out of all its days that count."""
        done_until = min(max(today + timedelta(days=1), period.start), period.end)
        left_from = min(max(today, period.start), period.end)
        if self.counts_working_days(period):
            return Elapsed(self.working_days(period.start, done_until), self.working_days(period.start, period.end),
                           self.working_days(left_from, period.end))
        return Elapsed((done_until - period.start).days, period.days, (period.end - left_from).days)


def parse_workdays(text: str) -> frozenset[int]:
    """`mon-fri`, `sun-thu`, `mon,tue,thu` or `mon-wed,fri` (case-insensitive) as weekday numbers."""
    days: set[int] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        first, sep, last = part.partition("-")
        if first not in DAY_NAMES or (sep and last not in DAY_NAMES):
            raise InvalidInput(f"workdays {text!r}: write days as mon, tue, wed, thu, fri, sat, sun, "
                               "ranges as mon-fri, separated by commas")
        start = DAY_NAMES.index(first)
        stop = DAY_NAMES.index(last) if sep else start
        span = (stop - start) % 7
        days.update((start + i) % 7 for i in range(span + 1))
    if not days:
        raise InvalidInput(f"workdays {text!r}: name at least one working day, e.g. mon-fri")
    return frozenset(days)


def parse_holidays(lines: Iterable[str], source: str) -> frozenset[date]:
    """One ISO date a line; blank lines and `#` comments are ignored. Errors name the source and line."""
    found: set[date] = set()
    for number, raw in enumerate(lines, start=1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            found.add(date.fromisoformat(text))
        except ValueError:
            raise InvalidInput(f"{source}, line {number}: {text!r} is not a date (YYYY-MM-DD)") from None
    return frozenset(found)
