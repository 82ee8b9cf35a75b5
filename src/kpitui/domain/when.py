"""Moments and days as people type them, and the one rule on when something can have happened.

`parse_when` reads `now`, `today 14:00`, `yesterday 9:30`, `14:00`, or ISO 8601; without an offset a moment is
local time in the configured zone; the result is always aware UTC.

The rule (DESIGN.md section 7, Dates) lives here and only here: an activity's time, a deal's dates and a score's
date lie neither before 1970 nor in the future (5 minutes' grace for a moment, for a day: not after today in
the configured zone); a local time skipped by a clock change is refused. The input models of `inputs/` (so
the forms, imports and deal moves) and `kpitui log --at` all call `instant_of` and `check_day`, so every entry
point gives the same message. An action item's due date is the one date meant to lie ahead: `check_due_day`
(today up to a year ahead). Years that cannot be converted (0001, 9999) are judged before any arithmetic.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from kpitui.domain.errors import InvalidInput

_RELATIVE = re.compile(r"^(today|yesterday)?\s*(\d{1,2})(?::(\d{2}))?$", re.IGNORECASE)
WHEN_HELP = "now, today 14:00, yesterday 9:30, 14:00 or ISO 8601 (2026-10-05T14:00, offset optional)"
EARLIEST_DAY = date(1970, 1, 1)
FUTURE_GRACE = timedelta(minutes=5)
DUE_HORIZON = timedelta(days=366)  # an action item is due within a year (a year's date typed wrong is caught)


def _zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone)


def _written(moment: datetime) -> str:
    # isoformat, not strftime: strftime writes year 1 as "1"
    return f"{moment.date().isoformat()} {moment:%H:%M}"


def check_day(day: date, today: date) -> date:
    """`day` if something can have happened on it: from 1970 up to `today` (the local date)."""
    if day < EARLIEST_DAY:
        raise InvalidInput(f"{day.isoformat()} is before 1970: check the year")
    if day > today:
        raise InvalidInput(f"{day.isoformat()} is in the future (today is {today.isoformat()})")
    return day


def check_due_day(day: date, today: date) -> date:
    """`day` if an action item agreed today can be due on it: from `today` up to a year ahead. The one date
    that lies in the future on purpose; the past is refused (an item due yesterday is a typo, not a plan)."""
    if day < today:
        raise InvalidInput(f"{day.isoformat()} is in the past (today is {today.isoformat()}): an action item "
                           "is due today or later")
    if day > today + DUE_HORIZON:
        raise InvalidInput(f"{day.isoformat()} is more than a year ahead (today is {today.isoformat()}): "
                           "check the year")
    return day


def to_instant(moment: datetime, zone: tzinfo) -> datetime:
    """An aware UTC datetime; a naive `moment` is wall-clock time in `zone`.

    A wall-clock time skipped by a DST change (02:30 on the spring-forward night in Berlin) is refused; one that
    happens twice (02:30 on the fall-back night) is taken as the first, still on summer time — write the offset
    (`+01:00`) to mean the second.
    """
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment.astimezone(UTC)
    local = moment.replace(tzinfo=zone, fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != moment.replace(fold=0):
        raise InvalidInput(f"{moment:%Y-%m-%d %H:%M} did not happen in {_zone_name(zone)} (the clocks went "
                           "forward); write the time with its UTC offset, like +01:00")
    return instant


def instant_of(moment: datetime, zone: tzinfo, now: datetime) -> datetime:
    """`moment` as aware UTC (naive: local time in `zone`) if it can be the time of something that happened:
    not before 1970, not after `now` plus 5 minutes, and not in a DST gap."""
    today = now.astimezone(zone).date()
    # the date as written comes first: 0001-01-01 or 9999-12-31 with an offset overflow on conversion
    if moment.date() < EARLIEST_DAY:
        raise InvalidInput(f"{_written(moment)} is before 1970: check the year")
    late = moment.date() > today + timedelta(days=1)
    instant = None if late else to_instant(moment, zone)
    if instant is None or instant > now + FUTURE_GRACE:
        shown = _written(moment) if instant is None else _written(instant.astimezone(zone))
        raise InvalidInput(f"{shown} is in the future (it is now {_written(now.astimezone(zone))} in "
                           f"{_zone_name(zone)})")
    return instant


def parse_when(text: str | None, now: datetime, zone: tzinfo) -> datetime:
    """The moment `text` names, as aware UTC; refused (`InvalidInput`) when it is not a moment or breaks the
    rule of `instant_of`."""
    raw = (text or "now").strip()
    if raw.lower() == "now":
        return now.astimezone(UTC)
    local_today = now.astimezone(zone).date()
    for day_word in ("today", "yesterday"):
        if raw.lower() == day_word:
            raise InvalidInput(f"{raw!r}: say the time too, e.g. '{day_word} 14:00'")
    if m := _RELATIVE.match(raw):
        day = local_today - timedelta(days=1) if (m[1] or "").lower() == "yesterday" else local_today
        hour, minute = int(m[2]), int(m[3] or 0)
        if hour > 23 or minute > 59:
            raise InvalidInput(f"{raw!r}: {hour}:{minute:02d} is not a time of day")
        return instant_of(datetime.combine(day, time(hour, minute)), zone, now)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{raw!r} is not a moment: use {WHEN_HELP}") from None
    return instant_of(moment, zone, now)
