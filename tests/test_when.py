"""Natural times as a rep types them (domain/when.py), against moments worked out by hand.

The clock: Wednesday 21 Oct 2026, 15:00 in Berlin (13:00 UTC, summer time, +02:00)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conftest import BERLIN, local
from kpitui.domain.errors import InvalidInput
from kpitui.domain.when import parse_when

NOW = local(2026, 10, 21, 15).astimezone(UTC)


def when(text: str, now: datetime = NOW) -> datetime:
    moment = parse_when(text, now, BERLIN)
    assert moment.tzinfo is UTC
    return moment.astimezone(BERLIN)


@pytest.mark.parametrize(("text", "expected"), [
    ("9:30am", local(2026, 10, 21, 9, 30)),
    ("9:30 AM", local(2026, 10, 21, 9, 30)),
    ("2pm", local(2026, 10, 21, 14)),
    ("12pm", local(2026, 10, 21, 12)),            # noon
    ("12:15am", local(2026, 10, 21, 0, 15)),      # a quarter past midnight
    ("yesterday 9:30pm", local(2026, 10, 20, 21, 30)),
    ("yesterday at 9:30", local(2026, 10, 20, 9, 30)),
])
def test_twelve_hour_clock(text: str, expected: datetime) -> None:
    assert when(text) == expected


def test_a_time_later_today_is_in_the_future() -> None:
    with pytest.raises(InvalidInput, match="21:30 is in the future"):
        when("9:30pm")


@pytest.mark.parametrize(("text", "expected"), [
    ("monday 10:00", local(2026, 10, 19, 10)),     # this week's Monday
    ("Mon 10:00", local(2026, 10, 19, 10)),
    ("tuesday 17:45", local(2026, 10, 20, 17, 45)),
    ("wednesday 14:00", local(2026, 10, 21, 14)),  # today, an hour ago
    ("wednesday 16:00", local(2026, 10, 14, 16)),  # today's 16:00 is still to come: last week's
    ("thursday 9:00", local(2026, 10, 15, 9)),     # the latest Thursday is last week's
    ("sunday 11am", local(2026, 10, 18, 11)),
    ("thurs 8:15pm", local(2026, 10, 15, 20, 15)),
])
def test_a_weekday_is_the_most_recent_one_not_in_the_future(text: str, expected: datetime) -> None:
    assert when(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2h ago", local(2026, 10, 21, 13)),
    ("2 hours ago", local(2026, 10, 21, 13)),
    ("45 min ago", local(2026, 10, 21, 14, 15)),
    ("90m ago", local(2026, 10, 21, 13, 30)),
    ("1 day ago", local(2026, 10, 20, 15)),
    ("3 days ago", local(2026, 10, 18, 15)),
])
def test_so_long_ago(text: str, expected: datetime) -> None:
    assert when(text) == expected


def test_days_ago_keep_the_wall_clock_across_a_clock_change() -> None:
    # Monday 26 Oct 10:00 CET (+01:00); Saturday 24 Oct was still summer time: 10:00 there is 08:00 UTC
    monday = local(2026, 10, 26, 10).astimezone(UTC)
    assert when("2 days ago", monday) == local(2026, 10, 24, 10)
    assert when("48h ago", monday) == local(2026, 10, 24, 11)  # 48 hours are exact: 11:00 summer time


def test_today_and_yesterday_still_read() -> None:
    assert when("today 14:00") == local(2026, 10, 21, 14)
    assert when("yesterday 9:30") == local(2026, 10, 20, 9, 30)
    assert when("14:00") == local(2026, 10, 21, 14)
    assert when("now") == local(2026, 10, 21, 15)


@pytest.mark.parametrize(("text", "message"), [
    ("monday", "say the time too, e.g. 'monday 10:00'"),
    ("yesterday", "say the time too, e.g. 'yesterday 14:00'"),
    ("13:00pm", "13:00pm is not a time of day"),
    ("0am", "0:00am is not a time of day"),
    ("someday 10:00", "is not a moment"),
    ("2 weeks ago", "is not a moment"),
    ("99999 days ago", "before 1970"),
    ("25:00", "25:00 is not a time of day"),
])
def test_what_is_not_a_moment_says_why(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        when(text)


def test_a_local_time_skipped_by_the_clock_change_is_refused() -> None:
    # Sunday 29 March 2026: Berlin's clocks jump from 02:00 to 03:00
    after = local(2026, 3, 30, 12).astimezone(UTC)
    with pytest.raises(InvalidInput, match="did not happen"):
        when("sunday 2:30am", after)
