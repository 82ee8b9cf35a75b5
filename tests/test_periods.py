from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kpitui.domain.errors import InvalidInput
from kpitui.domain.periods import parse_period

TODAY = date(2026, 11, 18)  # a Wednesday in 2026-W47


@pytest.mark.parametrize(
    ("text", "start", "end", "kind", "label"),
    [
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "year", "2026"),
        ("2026-Q3", date(2026, 7, 1), date(2026, 10, 1), "quarter", "2026-Q3"),
        ("2026-q4", date(2026, 10, 1), date(2027, 1, 1), "quarter", "2026-Q4"),
        ("2026-10", date(2026, 10, 1), date(2026, 11, 1), "month", "2026-10"),
        ("2026-02", date(2026, 2, 1), date(2026, 3, 1), "month", "2026-02"),
        ("2026-W43", date(2026, 10, 19), date(2026, 10, 26), "week", "2026-W43"),
        ("2026-W53", date(2026, 12, 28), date(2027, 1, 4), "week", "2026-W53"),  # 2026 has 53 ISO weeks
        ("2027-W01", date(2027, 1, 4), date(2027, 1, 11), "week", "2027-W01"),
        ("2025-W01", date(2024, 12, 30), date(2025, 1, 6), "week", "2025-W01"),  # week 1 starts in 2024
        ("2026-10-01..2026-10-15", date(2026, 10, 1), date(2026, 10, 16), "range", "2026-10-01..2026-10-15"),
        ("today", date(2026, 11, 18), date(2026, 11, 19), "day", "2026-11-18"),
        ("this-week", date(2026, 11, 16), date(2026, 11, 23), "week", "2026-W47"),
        ("this-month", date(2026, 11, 1), date(2026, 12, 1), "month", "2026-11"),
        ("this-quarter", date(2026, 10, 1), date(2027, 1, 1), "quarter", "2026-Q4"),
        ("this-year", date(2026, 1, 1), date(2027, 1, 1), "year", "2026"),
        ("last-week", date(2026, 11, 9), date(2026, 11, 16), "week", "2026-W46"),
        ("last-month", date(2026, 10, 1), date(2026, 11, 1), "month", "2026-10"),
        ("last-quarter", date(2026, 7, 1), date(2026, 10, 1), "quarter", "2026-Q3"),
    ],
)
def test_every_documented_form(text: str, start: date, end: date, kind: str, label: str) -> None:
    period = parse_period(text, TODAY)
    assert (period.start, period.end, period.kind, period.label) == (start, end, kind, label)
    assert parse_period(period.label, TODAY) == period  # labels read back


def test_last_week_across_new_year() -> None:
    assert parse_period("last-week", date(2027, 1, 6)).label == "2026-W53"
    assert parse_period("last-month", date(2027, 1, 6)).label == "2026-12"
    assert parse_period("last-quarter", date(2027, 1, 6)).label == "2026-Q4"


@pytest.mark.parametrize(
    ("text", "previous", "following"),
    [
        ("2026", "2025", "2027"),
        ("2026-Q1", "2025-Q4", "2026-Q2"),
        ("2026-01", "2025-12", "2026-02"),
        ("2026-03", "2026-02", "2026-04"),
        ("2027-W01", "2026-W53", "2027-W02"),
        ("2026-W01", "2025-W52", "2026-W02"),
        ("2026-10-01..2026-10-15", "2026-09-16..2026-09-30", "2026-10-16..2026-10-30"),
    ],
)
def test_previous_and_next(text: str, previous: str, following: str) -> None:
    period = parse_period(text, TODAY)
    assert period.previous().label == previous
    assert period.next().label == following
    assert period.previous().next() == period


def test_custom_range_previous_has_same_length() -> None:
    period = parse_period("2026-03-01..2026-03-31", TODAY)
    assert period.days == 31
    assert period.previous().days == 31
    assert period.previous().label == "2026-01-29..2026-02-28"


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-W54", "2025-W53", "2026-10-32..2026-11-01",
                                  "2026-11-01..2026-10-01", "next-week", "", "Q3", "2026-Q5", "2026-02-30"])
def test_bad_periods_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_period(text, TODAY)
    assert str(err.value)


def test_elapsed_fraction_counts_today() -> None:
    october = parse_period("2026-10", TODAY)
    assert october.elapsed_fraction(date(2026, 10, 1)) == pytest.approx(1 / 31)
    assert october.elapsed_fraction(date(2026, 10, 31)) == 1.0
    assert october.elapsed_fraction(date(2026, 9, 30)) == 0.0
    assert october.elapsed_fraction(date(2026, 12, 1)) == 1.0


def test_utc_bounds_follow_the_zone_and_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    lo, hi = parse_period("2026-10", TODAY).utc_bounds(berlin)
    assert lo == datetime(2026, 9, 30, 22, 0, tzinfo=UTC)  # CEST, UTC+2
    assert hi == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # CET after 25 October, UTC+1
    lo, hi = parse_period("2026-10", TODAY).utc_bounds(ZoneInfo("America/New_York"))
    assert lo == datetime(2026, 10, 1, 4, 0, tzinfo=UTC)


def test_as_json_gives_inclusive_end() -> None:
    assert parse_period("2026-W43", TODAY).as_json() == {"label": "2026-W43", "start": "2026-10-19",
                                                          "end": "2026-10-25"}
