"""The field types of the input models: cleaned text, choices, emails, exact numbers, dates and periods."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, Field, PlainSerializer, PlainValidator, ValidationInfo

from kpitui.domain.errors import InvalidInput
from kpitui.domain.inputs.checks import (
    MAX_DURATION_MIN,
    MAX_NOTE,
    MONEY_DIGITS,
    REQUIRED,
    _fail,
    _now,
    _one_of,
    _show,
    _today,
    _zone,
)
from kpitui.domain.periods import TARGET_KINDS, Period, parse_period
from kpitui.domain.text import clean_text
from kpitui.domain.when import check_day, instant_of

_CURRENCY = "$€£¥₹"
_NUMBER = re.compile(
    rf"^(?P<sign>[-+]?)\s*[{_CURRENCY}]?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)"
    rf"\s*[{_CURRENCY}]?\s*(?P<percent>%?)$"
)
_WHOLE = re.compile(r"^[-+]?\d+(?:\.0*)?$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# -- text -------------------------------------------------------------------------------------------------------
def _as_text(value: object, *, multiline: bool = False) -> str:
    if isinstance(value, str):
        return clean_text(value, multiline=multiline)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    _fail("must be text")


def _text(max_length: int, *, optional: bool = False, empty: str | None = None,
          multiline: bool = False) -> Callable[[object], str | None]:
    """Cleaned text; an empty value is None when `optional`, `empty` when given, else an error."""

    def check(value: object) -> str | None:
        text = "" if value is None else _as_text(value, multiline=multiline)
        if not text:
            if optional:
                return None
            if empty is not None:
                return empty
            _fail(REQUIRED)
        if len(text) > max_length:
            _fail(f"too long: {len(text)} characters, at most {max_length}")
        return text

    return check


def _choice(allowed: tuple[str, ...], what: str, *, default: str | None = None) -> Callable[[object], str]:
    """One of `allowed`, case-insensitive; spaces and hyphens read as underscores ("No answer" = no_answer)."""

    def check(value: object) -> str:
        text = "" if value is None else _as_text(value)
        if not text:
            if default is not None:
                return default
            _fail(REQUIRED)
        key = re.sub(r"[\s-]+", "_", text.lower())
        if key not in allowed:
            _fail(f"{_show(text)} is not {what}: use {_one_of(allowed)}")
        return key

    return check


Name = Annotated[str, BeforeValidator(_text(200))]
RepRef = Annotated[str, BeforeValidator(_text(320))]  # a rep's email or name
OptRepRef = Annotated[str | None, BeforeValidator(_text(320, optional=True))]
OptTeam = Annotated[str | None, BeforeValidator(_text(200, optional=True))]
ExternalId = Annotated[str | None, BeforeValidator(_text(100, optional=True))]
Label = Annotated[str, BeforeValidator(_text(300, empty=""))]

_OWN_ID = re.compile(r"^kpitui-([1-9]\d{0,17})$")


def own_external_id(row_id: int) -> str:
    """What an export writes as the external_id of an activity or score that came in without one: its own id,
    in a form no CRM writes, so a re-import finds that row again (and a CRM's "17" is never taken for it)."""
    return f"kpitui-{row_id}"


def own_row_id(external_id: str | None) -> int | None:
    """The row id in an external_id that `own_external_id` wrote, else None."""
    match = _OWN_ID.match(external_id or "")
    return int(match[1]) if match else None
Note = Annotated[str, BeforeValidator(_text(MAX_NOTE, empty="", multiline=True))]


def _email(value: object) -> str | None:
    text = "" if value is None else _as_text(value)
    if not text:
        return None
    if not _EMAIL.match(text):
        _fail(f"{_show(text)} is not an email address")
    if len(text) > 320:
        _fail(f"too long: {len(text)} characters, at most 320")
    return text.lower()


Email = Annotated[str | None, BeforeValidator(_email)]


# -- numbers ----------------------------------------------------------------------------------------------------
def parse_decimal(value: object, *, places: int, max_digits: int, money: bool = False,
                  percent: bool = False) -> Decimal:
    """A non-negative exact decimal from text such as `1234.5`, `1,234.50`, `$1,234.50` (and `25%` when
    `percent`). NaN, infinity, exponents and ambiguous separators (`1,5`) are refused, never guessed."""
    what = "an amount of money (write it like 1234.50)" if money else "a number"
    if isinstance(value, bool) or isinstance(value, float):
        _fail("must be given as text or a Decimal, not a floating-point number")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            _fail(f"{_show(value)} is not {what}")
        number = value
    elif isinstance(value, str):
        text = clean_text(value)
        if not text:
            _fail(REQUIRED)
        match = _NUMBER.match(text)
        if not match or (match["percent"] and not percent):
            _fail(f"{_show(text)} is not {what}")
        try:
            number = Decimal(match["num"].replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            _fail(f"{_show(text)} is not {what}")
        if match["sign"] == "-":
            number = -number
        if match["percent"]:
            number = number / 100
    else:
        _fail(f"{_show(value)} is not {what}")
    if number < 0:
        _fail(f"can't be negative ({_show(value)})")
    if number and number.adjusted() >= max_digits - places:
        _fail(f"{_show(value)} is too large")
    quantum = Decimal(1).scaleb(-places)
    if number != number.quantize(quantum):
        _fail(f"{_show(value)} has more than {places} decimal places")
    return number.quantize(quantum)


def _money(*, optional: bool) -> Callable[[object], Decimal | None]:
    def check(value: object) -> Decimal | None:
        if value is None or (isinstance(value, str) and not clean_text(value)):
            if optional:
                return None
            _fail(REQUIRED)
        return parse_decimal(value, places=2, max_digits=MONEY_DIGITS, money=True)

    return check


_MoneyValue = Annotated[Decimal, Field(ge=0, max_digits=MONEY_DIGITS, decimal_places=2)]
Money = Annotated[_MoneyValue, BeforeValidator(_money(optional=False))]
OptMoney = Annotated[_MoneyValue | None, BeforeValidator(_money(optional=True))]


def _whole(what: str, low: int, high: int, *, optional: bool, unit: str = "") -> Callable[[object], int | None]:
    def check(value: object) -> int | None:
        if isinstance(value, str):
            value = clean_text(value)
        if value is None or value == "":
            if optional:
                return None
            _fail(REQUIRED)
        if isinstance(value, bool):
            _fail(f"{_show(value)} is not {what}")
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and _WHOLE.match(value):
            number = int(Decimal(value))
        elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
            number = int(value)
        else:
            _fail(f"{_show(value)} is not {what}")
        if number < 0 and low >= 0:
            _fail(f"can't be negative ({number}{unit})")
        if not low <= number <= high:
            _fail(f"must be from {low} to {high} ({number}{unit} was given)")
        return number

    return check


def _duration(value: object) -> int | None:
    minutes = _whole("a whole number of minutes", 0, 10**9, optional=True)(value)
    if minutes is not None and minutes > MAX_DURATION_MIN:
        _fail(f"{minutes} minutes is longer than a day (at most {MAX_DURATION_MIN})")
    return minutes


# -- dates and times --------------------------------------------------------------------------------------------
def parse_date(value: object) -> dt.date:
    """A calendar date written YYYY-MM-DD; a date-time in that form counts by the date it is written with."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _as_text(value) if value is not None else ""
    if not text:
        _fail(REQUIRED)
    match = _DATE.match(text)
    try:
        if match:
            return dt.date.fromisoformat(match[1])
    except ValueError:
        _fail(f"{_show(text)} is not a real date")
    _fail(f"{_show(text)} is not a date (write it as YYYY-MM-DD, like 2026-10-25)")


def _opt_date(value: object) -> dt.date | None:
    if value is None or (isinstance(value, str) and not clean_text(value)):
        return None
    return parse_date(value)


Day = Annotated[dt.date, BeforeValidator(parse_date)]
OptDay = Annotated[dt.date | None, BeforeValidator(_opt_date)]


def _occurred_at(value: object, info: ValidationInfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        _fail("needs a time as well as a date")
    else:
        text = "" if value is None else _as_text(value)
        if not text:
            _fail(REQUIRED)
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            day = _DATE.match(text[:10])
            if day:
                parse_date(day[1])  # names an impossible date such as 2026-10-32
            _fail(f"{_show(text)} is not a date and time (write it like 2026-10-25 14:30, "
                  "or 2026-10-25T14:30+02:00 with an offset)")
    try:
        return instant_of(moment, _zone(info), _now(info))
    except InvalidInput as exc:
        _fail(str(exc))


def _happened_on(day: dt.date | None, info: ValidationInfo) -> dt.date | None:
    """A day something happened on (a deal created or closed, a score given): `check_day`'s rule."""
    if day is None:
        return None
    try:
        return check_day(day, _today(info))
    except InvalidInput as exc:
        _fail(str(exc))


Moment = Annotated[dt.datetime, BeforeValidator(_occurred_at)]


def _period(value: object, info: ValidationInfo) -> Period:
    """A target/forecast period: one week, month, quarter or year."""
    if isinstance(value, Period):
        period = value
    else:
        text = "" if value is None else _as_text(value)
        if not text:
            _fail(REQUIRED)
        try:
            period = parse_period(text, _today(info))
        except InvalidInput as exc:
            _fail(str(exc))
    if period.kind not in TARGET_KINDS:
        _fail(f"{_show(period.label)} is not a week, month, quarter or year: "
              "write it like 2026-W43, 2026-10, 2026-Q3 or 2026")
    return period


TargetPeriod = Annotated[Period, PlainValidator(_period), PlainSerializer(lambda p: p.label, return_type=str)]
