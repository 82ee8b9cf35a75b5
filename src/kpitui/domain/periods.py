"""Periods: half-open ranges of local dates, parsed from the forms DESIGN.md section 3 lists.

A period knows its kind (so targets and forecasts can be matched), its previous and next period, how much of
it has elapsed on a given day (for pace) and the UTC instants that bound it in a time zone (so the database
can compare stored UTC timestamps against an index).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from kpitui.domain.errors import InvalidInput

PeriodKind = Literal["day", "week", "month", "quarter", "year", "range"]
TARGET_KINDS: tuple[str, ...] = ("week", "month", "quarter", "year")
CYCLE_KINDS: tuple[str, ...] = ("week", "month", "quarter")

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")

PERIOD_HELP = ("2026, 2026-Q3, 2026-10, 2026-W43, 2026-10-01..2026-10-15, today, this-week, this-month, "
               "this-quarter, this-year, last-week, last-month, last-quarter")


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """Local dates start <= d < end."""

    start: date
    end: date
    kind: PeriodKind

    # -- constructors -------------------------------------------------------------------------------------------
    @classmethod
    def day(cls, d: date) -> Period:
        return cls(d, d + timedelta(days=1), "day")

    @classmethod
    def week_of(cls, d: date) -> Period:
        monday = d - timedelta(days=d.weekday())
        return cls(monday, monday + timedelta(days=7), "week")

    @classmethod
    def month_of(cls, d: date) -> Period:
        first = d.replace(day=1)
        return cls(first, _add_months(first, 1), "month")

    @classmethod
    def quarter_of(cls, d: date) -> Period:
        first = date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
        return cls(first, _add_months(first, 3), "quarter")

    @classmethod
    def year_of(cls, d: date) -> Period:
        return cls(date(d.year, 1, 1), date(d.year + 1, 1, 1), "year")

    @classmethod
    def containing(cls, kind: str, d: date) -> Period:
        """The period of `kind` (day/week/month/quarter/year) that contains local date `d`."""
        makers = {"day": cls.day, "week": cls.week_of, "month": cls.month_of, "quarter": cls.quarter_of,
                  "year": cls.year_of}
        if kind not in makers:
            raise InvalidInput(f"unknown period kind {kind!r}: use one of {', '.join(makers)}")
        return makers[kind](d)

    @classmethod
    def between(cls, first: date, last: date) -> Period:
        """A custom range, both ends inclusive as the user writes them."""
        if last < first:
            raise InvalidInput(f"period {first}..{last} ends before it starts")
        return cls(first, last + timedelta(days=1), "range")

    # -- navigation ---------------------------------------------------------------------------------------------
    def previous(self) -> Period:
        if self.kind == "range":
            return Period(self.start - timedelta(days=self.days), self.start, "range")
        return Period.containing(self.kind, self.start - timedelta(days=1))

    def next(self) -> Period:
        if self.kind == "range":
            return Period(self.end, self.end + timedelta(days=self.days), "range")
        return Period.containing(self.kind, self.end)

    def shifted(self, steps: int) -> Period:
        period = self
        for _ in range(abs(steps)):
            period = period.next() if steps > 0 else period.previous()
        return period

    def ending_here(self, count: int) -> list[Period]:
        """The `count` periods of this kind that end with this one, oldest first (a trend's weeks)."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]

    # -- facts --------------------------------------------------------------------------------------------------
    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d < self.end

    @property
    def label(self) -> str:
        s = self.start
        if self.kind == "year":
            return f"{s.year}"
        if self.kind == "quarter":
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{s.year}-{s.month:02d}"
        if self.kind == "week":
            iso = s.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if self.kind == "day":
            return s.isoformat()
        return f"{s.isoformat()}..{self.last_day.isoformat()}"

    def elapsed_fraction(self, today: date) -> float:
        """Share of the period's calendar days that have begun by `today` (today counts as elapsed)."""
        if today < self.start:
            return 0.0
        if today >= self.end:
            return 1.0
        return ((today - self.start).days + 1) / self.days

    def utc_bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The UTC instants of local midnight at start and end: a moment is in the period iff lo <= t < hi."""
        lo = datetime.combine(self.start, time(0), zone).astimezone(UTC)
        hi = datetime.combine(self.end, time(0), zone).astimezone(UTC)
        return lo, hi

    def as_json(self) -> dict[str, str]:
        """`end` is the last day included, as people read a range."""
        return {"label": self.label, "start": self.start.isoformat(), "end": self.last_day.isoformat()}

    def __str__(self) -> str:
        return self.label


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a real date (YYYY-MM-DD)") from None


MIN_YEAR, MAX_YEAR = 1970, 2999


def parse_period(text: str, today: date) -> Period:
    """Parse any form of DESIGN.md section 3; relative forms are taken relative to local `today`."""
    period = _parse_period((text or "").strip(), today)
    if not (MIN_YEAR <= period.start.year and period.last_day.year <= MAX_YEAR):
        raise InvalidInput(f"period {period.label!r}: years from {MIN_YEAR} to {MAX_YEAR} only")
    return period


def _parse_period(raw: str, today: date) -> Period:
    try:
        return _parse_period_form(raw, today)
    except ValueError:  # a date the calendar does not have, e.g. year 0
        raise InvalidInput(f"{raw!r} is not a period on the calendar: use {PERIOD_HELP}") from None


def _parse_period_form(raw: str, today: date) -> Period:
    word = raw.lower()
    relative = {
        "today": lambda: Period.day(today),
        "yesterday": lambda: Period.day(today - timedelta(days=1)),
        "this-week": lambda: Period.week_of(today),
        "this-month": lambda: Period.month_of(today),
        "this-quarter": lambda: Period.quarter_of(today),
        "this-year": lambda: Period.year_of(today),
        "last-week": lambda: Period.week_of(today).previous(),
        "last-month": lambda: Period.month_of(today).previous(),
        "last-quarter": lambda: Period.quarter_of(today).previous(),
        "last-year": lambda: Period.year_of(today).previous(),
    }
    if word in relative:
        return relative[word]()
    if m := _YEAR.match(raw):
        return Period.year_of(date(int(m[1]), 1, 1))
    if m := _QUARTER.match(raw):
        return Period.quarter_of(date(int(m[1]), 3 * int(m[2]) - 2, 1))
    if m := _MONTH.match(raw):
        if not 1 <= int(m[2]) <= 12:
            raise InvalidInput(f"period {raw!r}: month {m[2]} does not exist")
        return Period.month_of(date(int(m[1]), int(m[2]), 1))
    if m := _WEEK.match(raw):
        try:
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise InvalidInput(f"period {raw!r}: {m[1]} has no ISO week {int(m[2])}") from None
        return Period.week_of(monday)
    if m := _RANGE.match(raw):
        return Period.between(_date(m[1]), _date(m[2]))
    if _DAY.match(raw):
        return Period.day(_date(raw))
    raise InvalidInput(f"{raw!r} is not a period: use {PERIOD_HELP}")
