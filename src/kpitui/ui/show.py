"""How the app shows user text and moments: never as markup, never with escape sequences (TRAPS.md).

Names, teams, notes, deal names and accounts go through `clean_text` again at display and become `Text` /
`Content` objects, so `[bold]` stays literal and ESC never reaches the terminal.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.content import Content

from kpitui.domain.periods import Period
from kpitui.domain.text import clean_text


def plain(value: object) -> str:
    """User text as one clean line ("" for None)."""
    return clean_text("" if value is None else str(value))


def user_text(value: object, style: str = "", limit: int | None = None, kind: type[Text] = Text) -> Text:
    """A Rich `Text` (or subclass `kind`) for a DataTable cell or a Rich table: literal, single line, optionally
    shortened."""
    text = plain(value)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return kind(text, style=style, no_wrap=True, overflow="ellipsis")


def user_content(value: object) -> Content:
    """A Textual `Content` for a Static or Label: literal, never parsed as markup."""
    return Content(plain(value))


def local_moment(moment: datetime, zone: ZoneInfo, period: Period | None = None, compact: bool = False) -> str:
    """Short local time: weekday and time within a week, the date otherwise."""
    local = moment.astimezone(zone)
    if period is not None and period.kind in ("day", "week"):
        return local.strftime("%a %H:%M" if compact else "%a %d %H:%M")
    return local.strftime("%d %b %H:%M")


def period_span(period: Period) -> str:
    """'19–25 Oct', '1–31 Oct', 'Oct–Dec 2026': the label alone does not say which days W43 is."""
    first, last = period.start, period.last_day
    if period.kind == "day":
        return first.strftime("%a %d %b %Y")
    if period.kind == "quarter":
        return f"{first:%b}–{last:%b %Y}"
    if period.kind == "year":
        return f"{first:%b}–{last:%b %Y}"
    if first == last:  # a one-day span (Monday against last Monday)
        return f"{first.day} {first:%b}"
    if first.month == last.month and first.year == last.year:
        return f"{first.day}–{last.day} {last:%b}"
    return f"{first.day} {first:%b}–{last.day} {last:%b}"


def problem(exc: BaseException) -> str:
    """What went wrong, for a notification or a form: our own errors as they are, anything else named."""
    from kpitui.domain.errors import KpituiError

    if isinstance(exc, KpituiError):
        return plain(str(exc))
    return plain(f"Something went wrong ({type(exc).__name__}): {exc}")
