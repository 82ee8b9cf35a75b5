"""Working days (DESIGN.md section 3): counted by hand on the 2026 calendar, configured through the config file
and the environment, and checked against a day-by-day count."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpitui import settings
from kpitui.domain.calendar import MONDAY_TO_FRIDAY, Elapsed, WorkCalendar, parse_workdays
from kpitui.domain.errors import ConfigError, InvalidInput
from kpitui.domain.periods import Period, parse_period

MON_FRI = WorkCalendar()
NOVEMBER = parse_period("2026-11", date(2026, 11, 4))


def test_november_2026_has_21_working_days_and_wednesday_the_4th_is_the_third() -> None:
    # 1 November 2026 is a Sunday; Mon 2 .. Mon 30: four whole weeks and the 30th.
    assert MON_FRI.days_in(NOVEMBER) == 21
    elapsed = MON_FRI.elapsed(NOVEMBER, date(2026, 11, 4))
    assert (elapsed.done, elapsed.total, elapsed.left) == (3, 21, 19)


def test_the_weekend_does_not_move_pace() -> None:
    friday = MON_FRI.elapsed(NOVEMBER, date(2026, 11, 6))
    saturday = MON_FRI.elapsed(NOVEMBER, date(2026, 11, 7))
    sunday = MON_FRI.elapsed(NOVEMBER, date(2026, 11, 8))
    assert friday.done == saturday.done == sunday.done == 5
    assert friday.left == 17  # Friday itself still counts as a day to work in
    assert saturday.left == sunday.left == 16


def test_a_period_begun_on_a_sunday_has_no_working_day_elapsed_yet() -> None:
    elapsed = MON_FRI.elapsed(NOVEMBER, date(2026, 11, 1))
    assert (elapsed.done, elapsed.fraction, elapsed.left) == (0, 0.0, 21)


def test_before_and_after_the_period() -> None:
    assert MON_FRI.elapsed(NOVEMBER, date(2026, 10, 31)) == MON_FRI.elapsed(NOVEMBER, date(2026, 1, 1))
    before = MON_FRI.elapsed(NOVEMBER, date(2026, 10, 31))
    after = MON_FRI.elapsed(NOVEMBER, date(2026, 12, 1))
    assert (before.done, before.left) == (0, 21)
    assert (after.done, after.left, after.fraction) == (21, 0, 1.0)


def test_holidays_are_not_working_days() -> None:
    christmas = WorkCalendar(MONDAY_TO_FRIDAY, frozenset({date(2026, 12, 24), date(2026, 12, 25),
                                                          date(2026, 12, 26)}))  # the 26th is a Saturday
    december = parse_period("2026-12", date(2026, 12, 1))
    assert MON_FRI.days_in(december) == 23
    assert christmas.days_in(december) == 21
    # Tue 1 .. Mon 28: 4 + 5 + 5 + (5 - 2 holidays) + 1 = 18 begun; 28, 29, 30, 31 left
    assert christmas.elapsed(december, date(2026, 12, 28)) == Elapsed(18, 21, 4)


def test_a_weekend_only_range_falls_back_to_calendar_days() -> None:
    weekend = parse_period("2026-11-07..2026-11-08", date(2026, 11, 7))
    assert not MON_FRI.counts_working_days(weekend)
    elapsed = MON_FRI.elapsed(weekend, date(2026, 11, 7))
    assert (elapsed.done, elapsed.total, elapsed.left) == (1, 2, 2)


@pytest.mark.parametrize(("text", "days"), [
    ("mon-fri", {0, 1, 2, 3, 4}), ("SUN-THU", {6, 0, 1, 2, 3}), ("mon,tue,thu", {0, 1, 3}),
    ("mon-wed, fri", {0, 1, 2, 4}), ("sat", {5}), ("fri-mon", {4, 5, 6, 0}),
])
def test_workdays_spellings(text: str, days: set[int]) -> None:
    assert parse_workdays(text) == frozenset(days)


@pytest.mark.parametrize("text", ["", "monday", "mon-funday", ",", "1-5"])
def test_bad_workdays_are_refused_with_the_value(text: str) -> None:
    with pytest.raises(InvalidInput, match="workdays"):
        parse_workdays(text)


@given(st.dates(date(1990, 1, 1), date(2100, 1, 1)), st.integers(0, 800),
       st.frozensets(st.integers(0, 6), min_size=1),
       st.frozensets(st.dates(date(1990, 1, 1), date(2102, 12, 31)), max_size=20))
def test_working_days_agree_with_a_day_by_day_count(first: date, span: int, workdays: frozenset[int],
                                                    holidays: frozenset[date]) -> None:
    calendar = WorkCalendar(workdays, holidays)
    end = first + timedelta(days=span)
    by_hand = sum(1 for i in range(span) if calendar.is_working(first + timedelta(days=i)))
    assert calendar.working_days(first, end) == by_hand


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.sampled_from(["week", "month", "quarter", "year"]))
def test_on_a_periods_last_day_every_day_has_elapsed(day: date, kind: str) -> None:
    period = Period.containing(kind, day)
    elapsed = MON_FRI.elapsed(period, period.last_day)
    assert elapsed.done == elapsed.total and elapsed.fraction == 1.0


def test_config_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('workdays = "sun-thu"\nholidays = [2026-12-24, "2026-12-31"]\n')
    monkeypatch.setenv("KPITUI_CONFIG", str(config))
    calendar = settings.work_calendar()
    assert calendar.workdays == frozenset({6, 0, 1, 2, 3})
    assert calendar.holidays == {date(2026, 12, 24), date(2026, 12, 31)}

    holidays = tmp_path / "holidays.txt"
    holidays.write_text("# company days off\n2026-12-28\n\n2026-12-29  # between the years\n")
    monkeypatch.setenv("KPITUI_WORKDAYS", "mon-fri")
    monkeypatch.setenv("KPITUI_HOLIDAYS", str(holidays))
    calendar = settings.work_calendar()
    assert calendar.workdays == MONDAY_TO_FRIDAY
    assert calendar.holidays == {date(2026, 12, 28), date(2026, 12, 29)}


def test_the_default_config_file_lives_in_the_platform_config_directory(tmp_path: Path) -> None:
    # conftest points XDG_CONFIG_HOME at tmp_path / "xdg-config"
    assert settings.config_path() == tmp_path / "xdg-config" / "kpitui" / "config.toml"
    settings.config_path().parent.mkdir(parents=True)
    settings.config_path().write_text('workdays = "mon-thu"\n')
    assert settings.work_calendar().workdays == frozenset({0, 1, 2, 3})


@pytest.mark.parametrize(("content", "message"), [
    ("workdays = 5\n", "workdays should be a str"),
    ('workday = "mon-fri"\n', "unknown setting 'workday'"),
    ('holidays = ["25.12.2026"]\n', "'25.12.2026' is not a date"),
    ("workdays = \n", "config file"),
])
def test_a_broken_config_file_is_named_in_the_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    content: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(content)
    monkeypatch.setenv("KPITUI_CONFIG", str(config))
    with pytest.raises(ConfigError, match=message) as raised:
        settings.work_calendar()
    assert str(config) in str(raised.value)


def test_a_bad_holidays_file_names_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holidays = tmp_path / "holidays.txt"
    holidays.write_text("2026-12-24\nChristmas\n")
    monkeypatch.setenv("KPITUI_HOLIDAYS", str(holidays))
    with pytest.raises(ConfigError, match=r"holidays.txt, line 2: 'Christmas' is not a date"):
        settings.work_calendar()


def test_the_cli_reports_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    env = {"PATH": str(Path(sys.executable).parent), "KPITUI_WORKDAYS": "funday", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "kpitui.cli", "--db", str(tmp_path / "k.db"), "init"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "KPITUI_WORKDAYS" in result.stderr and "Traceback" not in result.stderr
