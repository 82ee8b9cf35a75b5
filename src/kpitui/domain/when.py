"""Moments and days as people type them, and the one rule on when something can have happened.

`parse_when` reads what a rep types in the log form and in `kpitui log --at`: `now`, `14:00`, `9:30pm`,
`today 14:00`, `yesterday 9:30`, `monday 10:00` (the most recent Monday at 10:00 that is not in the future), `2h
ago`, `45 min ago`, `3 days ago`, or ISO 8601. Without an offset a moment is local time in the configured zone;
the result is always aware UTC.

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

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_WORD = {"today": 0, "yesterday": 1} | {name: None for name in WEEKDAYS} | {
    name[:3]: None for name in WEEKDAYS} | {"tues": None, "thur": None, "thurs": None}
_AT_TIME = re.compile(r"^(?:(?P<day>[a-z]+)\s+(?:at\s+)?)?(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<half>am|pm)?$",
                      re.IGNORECASE)
_AGO = re.compile(r"^(?P<count>\d{1,5})\s*(?P<unit>m|mins?|minutes?|h|hrs?|hours?|d|days?)\s+ago$", re.IGNORECASE)
WHEN_HELP = ("now, 14:00, 9:30pm, today 14:00, yesterday 9:30, monday 10:00, 2h ago, 45 min ago or ISO 8601 "
             "(2026-10-05T14:00, offset optional)")
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
    raw = " ".join((text or "now").split())
    word = raw.lower()
    if word == "now":
        return now.astimezone(UTC)
    if word in _DAY_WORD:
        example = "monday 10:00" if _DAY_WORD[word] is None else f"{word} 14:00"
        raise InvalidInput(f"{raw!r}: say the time too, e.g. '{example}'")
    if m := _AGO.match(raw):
        return _ago(int(m["count"]), m["unit"].lower()[0], now, zone)
    if m := _AT_TIME.match(raw):
        return _at_time(raw, m, now, zone)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{raw!r} is not a moment: use {WHEN_HELP}") from None
    return instant_of(moment, zone, now)


def _clock_time(raw: str, hour: int, minute: int, half: str | None) -> time:
    """The time of day written as 14:00, 9:30, 9:30pm or 12am."""
    if half:
        if not 1 <= hour <= 12 or minute > 59:
            raise InvalidInput(f"{raw!r}: {hour}:{minute:02d}{half} is not a time of day (1:00am to 12:59pm)")
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif hour > 23 or minute > 59:
        raise InvalidInput(f"{raw!r}: {hour}:{minute:02d} is not a time of day")
    return time(hour, minute)


def _at_time(raw: str, m: re.Match[str], now: datetime, zone: tzinfo) -> datetime:
    """`[today|yesterday|weekday] [at] H[:MM][am|pm]`. A weekday is the latest such day on which that time is not
    in the future: `monday 10:00` typed on a Monday at 9:00 is last week's Monday."""
    day_word = (m["day"] or "today").lower()
    if day_word not in _DAY_WORD:
        raise InvalidInput(f"{raw!r} is not a moment: use {WHEN_HELP}")
    at = _clock_time(raw, int(m["hour"]), int(m["minute"] or 0), (m["half"] or "").lower() or None)
    today = now.astimezone(zone).date()
    back = _DAY_WORD[day_word]
    if back is not None:
        return instant_of(datetime.combine(today - timedelta(days=back), at), zone, now)
    weekday = next(i for i, name in enumerate(WEEKDAYS) if name.startswith(day_word[:3]))
    day = today - timedelta(days=(today.weekday() - weekday) % 7)
    if to_instant(datetime.combine(day, at), zone) > now + FUTURE_GRACE:
        day -= timedelta(days=7)
    return instant_of(datetime.combine(day, at), zone, now)


def _ago(count: int, unit: str, now: datetime, zone: tzinfo) -> datetime:
    """`2h ago`, `45 min ago`: that long before now; `3 days ago`: the same wall-clock time three days back."""
    if unit == "d":
        local = now.astimezone(zone)
        earlier = local.date() - timedelta(days=min(count, 99_999))
        if earlier < EARLIEST_DAY:
            raise InvalidInput(f"{count} days ago is before 1970: check the number")
        return instant_of(datetime.combine(earlier, local.time().replace(second=0, microsecond=0)), zone, now)
    delta = timedelta(minutes=count) if unit == "m" else timedelta(hours=count)
    return instant_of((now - delta).astimezone(UTC).replace(second=0, microsecond=0), zone, now)
