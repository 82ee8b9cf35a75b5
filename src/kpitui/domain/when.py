"""Moments as people type them: `now`, `today 14:00`, `yesterday 9:30`, `14:00`, or ISO 8601.

Without an offset a moment is local time in the configured zone; the result is always aware UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kpitui.domain.errors import InvalidInput

_RELATIVE = re.compile(r"^(today|yesterday)?\s*(\d{1,2})(?::(\d{2}))?$", re.IGNORECASE)
WHEN_HELP = "now, today 14:00, yesterday 9:30, 14:00 or ISO 8601 (2026-10-05T14:00, offset optional)"


def parse_when(text: str | None, now: datetime, zone: ZoneInfo) -> datetime:
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
        return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{raw!r} is not a moment: use {WHEN_HELP}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)
