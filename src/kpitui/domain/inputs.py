"""What people type or import, validated: one pydantic model per CSV kind (DESIGN.md section 6).

The importer, `kpitui log` and the app's forms all go through these models, so a value is judged the same way
wherever it comes from. Messages are plain words and read well after the field name (`amount: can't be
negative`). Every text value is cleaned of escape sequences and control characters (`clean_text`).

Context, passed as `Model.model_validate(data, context={"zone": ZoneInfo, "today": date})`:
- `zone`: the time zone of an `occurred_at` written without a UTC offset (default: `settings.local_zone()`);
- `today`: the local date that relative periods such as `this-month` are taken from (default: the system's).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    computed_field,
    field_validator,
)
from pydantic_core import PydanticCustomError

from kpitui.domain.errors import InvalidInput
from kpitui.domain.kpis import ACTIVITY_KINDS, CALL_OUTCOMES, KPI_KEYS, KPIS, SCORE_KINDS
from kpitui.domain.periods import TARGET_KINDS, Period, parse_period
from kpitui.domain.text import clean_text

ROLES: tuple[str, ...] = ("rep", "manager", "admin")
TERMINAL_OUTCOMES: tuple[str, ...] = ("won", "lost")
MAX_NOTE = 4000
MONEY_DIGITS = 14  # 999,999,999,999.99 at most
MAX_DURATION_MIN = 24 * 60

_CURRENCY = "$€£¥₹"
_NUMBER = re.compile(
    rf"^(?P<sign>[-+]?)\s*[{_CURRENCY}]?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)"
    rf"\s*[{_CURRENCY}]?\s*(?P<percent>%?)$"
)
_WHOLE = re.compile(r"^[-+]?\d+(?:\.0*)?$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# -- errors -----------------------------------------------------------------------------------------------------
def _fail(message: str, code: str = "kpitui") -> NoReturn:
    # no context is given, so braces in user values are never read as template fields
    raise PydanticCustomError(code, message)


def _show(value: object) -> str:
    text = clean_text(str(value))
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _one_of(values: Iterable[str]) -> str:
    items = list(values)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


REQUIRED = "required, but empty"


def field_problems(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) for each problem, in plain words; the field is "" for a problem with the whole row."""
    problems = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(part) for part in err["loc"])
        kind = err["type"]
        if kind == "missing":
            message = REQUIRED
        elif kind == "extra_forbidden":
            message = "is not a field here"
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
        problems.append((field, message))
    return problems


class InvalidFields(InvalidInput):
    """One or more fields of a form or CLI command are wrong; `problems` lists (field, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" if field else message for field, message in problems))


M = TypeVar("M", bound=BaseModel)


def parse_input(model: type[M], data: dict[str, Any], *, zone: ZoneInfo | None = None,
                today: dt.date | None = None) -> M:
    """`model` validated from `data`, or `InvalidFields` naming each bad field (for the CLI and forms)."""
    try:
        return model.model_validate(data, context={"zone": zone, "today": today})
    except ValidationError as exc:
        raise InvalidFields(field_problems(exc)) from None


# -- context ----------------------------------------------------------------------------------------------------
def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context if isinstance(info.context, dict) else {}


def _zone(info: ValidationInfo) -> dt.tzinfo:
    zone = _context(info).get("zone")
    if isinstance(zone, str):
        return ZoneInfo(zone)
    if isinstance(zone, dt.tzinfo):
        return zone
    from kpitui.settings import local_zone

    return local_zone()


def _today(info: ValidationInfo) -> dt.date:
    today = _context(info).get("today")
    return today if isinstance(today, dt.date) else dt.date.today()


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


def to_instant(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """An aware UTC datetime; a naive `moment` is wall-clock time in `zone`.

    A wall-clock time skipped by a DST change (02:30 on the spring-forward night in Berlin) is refused; one that
    happens twice (02:30 on the fall-back night) is taken as the first, still on summer time — write the offset
    (`+01:00`) to mean the second.
    """
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment.astimezone(dt.UTC)
    local = moment.replace(tzinfo=zone, fold=0)
    instant = local.astimezone(dt.UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != moment.replace(fold=0):
        name = getattr(zone, "key", str(zone))
        _fail(f"{moment:%Y-%m-%d %H:%M} did not happen in {name} (the clocks went forward); "
              "write the time with its UTC offset, like +01:00")
    return instant


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
    return to_instant(moment, _zone(info))


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


# -- the models -------------------------------------------------------------------------------------------------
class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


_TRUE, _FALSE = ("true", "yes", "1", "y"), ("false", "no", "0", "n")


def _flag(value: object) -> bool | None:
    """true/false, yes/no, 1/0 (any case); empty is None: "as it is" (new people are active)."""
    if isinstance(value, bool) or value is None:
        return value
    text = _as_text(value).lower()
    if not text:
        return None
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    _fail(f"{_show(text)} is not true or false: use true, false, yes, no, 1 or 0")


class RepIn(_Input):
    name: Name
    email: Email = None
    team: OptTeam = None
    role: Annotated[str, BeforeValidator(_choice(ROLES, "a role", default="rep"))] = "rep"
    active: Annotated[bool | None, BeforeValidator(_flag)] = None


def deal_outcome(stage: str) -> str:
    """`won` / `lost` for the terminal stages (any case), else `open`."""
    key = stage.strip().lower()
    return key if key in TERMINAL_OUTCOMES else "open"


class DealIn(_Input):
    external_id: ExternalId = None
    rep: RepRef
    account: Label = ""
    name: Label = ""
    amount: OptMoney = None
    stage: Annotated[str, BeforeValidator(_text(100))]
    created_on: OptDay = None
    closed_on: OptDay = Field(default=None, validate_default=True)

    @field_validator("closed_on")
    @classmethod
    def _closed_after_created(cls, closed: dt.date | None, info: ValidationInfo) -> dt.date | None:
        stage = info.data.get("stage")
        if stage is None:
            return closed
        outcome = deal_outcome(stage)
        if outcome == "open":
            return None  # CRMs put the *expected* close date on open deals; it is not a close
        if closed is None:
            _fail(f"a {outcome} deal needs the date it closed")
        created = info.data.get("created_on")
        if created is not None and closed < created:
            _fail(f"closed on {closed}, before it was created ({created})")
        return closed

    @computed_field  # type: ignore[prop-decorator]
    @property
    def outcome(self) -> str:
        return deal_outcome(self.stage)

    @property
    def amount_cents(self) -> int | None:
        return None if self.amount is None else int(self.amount.scaleb(2))


def _call_outcome(value: object, info: ValidationInfo) -> str | None:
    text = "" if value is None else _as_text(value)
    if not text:
        return None
    kind = info.data.get("kind")
    if kind is not None and kind != "call":
        _fail(f"only calls have an outcome (this is {'an' if kind[0] in 'aeiou' else 'a'} {kind})")
    return _choice(CALL_OUTCOMES, "a call outcome")(text)


class ActivityIn(_Input):
    rep: RepRef
    kind: Annotated[str, BeforeValidator(_choice(ACTIVITY_KINDS, "an activity kind"))]
    occurred_at: Moment
    outcome: Annotated[str | None, BeforeValidator(_call_outcome)] = None
    duration_min: Annotated[int | None, BeforeValidator(_duration)] = None
    deal: ExternalId = None
    note: Note = ""


def _target_value(value: object, info: ValidationInfo) -> Decimal:
    if value is None or (isinstance(value, str) and not clean_text(value)):
        _fail(REQUIRED)
    key = info.data.get("kpi")
    unit = KPIS[key].unit if key in KPIS else None
    if unit == "ratio":
        number = parse_decimal(value, places=4, max_digits=16, percent=True)
        if key in ("win_rate", "forecast_accuracy") and number > 1:
            _fail(f"{key} is a share between 0 and 1: write 0.25 or 25% ({_show(value)} was given)")
        return number
    number = parse_decimal(value, places=2, max_digits=16, money=unit in ("money", "money_per_day"))
    if unit == "score" and number > 5:
        _fail(f"{key} scores go from 1 to 5 ({_show(value)} was given)")
    return number


class TargetIn(_Input):
    rep: OptRepRef = None
    team: OptTeam = Field(default=None, validate_default=True)
    kpi: Annotated[str, BeforeValidator(_choice(KPI_KEYS, "a KPI"))]
    period: TargetPeriod
    value: Annotated[Decimal, BeforeValidator(_target_value), Field(ge=0, max_digits=16)]

    @field_validator("team")
    @classmethod
    def _rep_or_team(cls, team: str | None, info: ValidationInfo) -> str | None:
        rep = info.data.get("rep")
        if rep and team:
            _fail("give a rep or a team, not both")
        if not rep and not team and "rep" in info.data:
            _fail("needs a rep or a team (a team's target is the default for its reps)")
        return team


class ScoreIn(_Input):
    rep: RepRef
    kind: Annotated[str, BeforeValidator(_choice(SCORE_KINDS, "a score kind"))]
    date: Day
    value: Annotated[int, BeforeValidator(_whole("a score from 1 to 5", 1, 5, optional=False))]
    note: Note = ""


class ForecastIn(_Input):
    rep: RepRef
    period: TargetPeriod
    amount: Money


INPUT_MODELS: dict[str, type[_Input]] = {
    "reps": RepIn,
    "deals": DealIn,
    "activities": ActivityIn,
    "targets": TargetIn,
    "scores": ScoreIn,
    "forecasts": ForecastIn,
}
