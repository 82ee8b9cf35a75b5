"""One pydantic model per CSV kind (reps, deals, activities, targets, scores, forecasts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, computed_field, field_validator

from kpitui.domain.errors import InvalidInput
from kpitui.domain.inputs.checks import MAX_NOTE, REQUIRED, ROLES, TERMINAL_OUTCOMES, _fail, _show, _today
from kpitui.domain.inputs.fields import (
    Day,
    Email,
    ExternalId,
    Label,
    Moment,
    Money,
    Name,
    Note,
    OptDay,
    OptMoney,
    OptRepRef,
    OptTeam,
    RepRef,
    TargetPeriod,
    _as_text,
    _choice,
    _duration,
    _happened_on,
    _text,
    _whole,
    parse_decimal,
)
from kpitui.domain.kpis import ACTIVITY_KINDS, CALL_OUTCOMES, KPI_KEYS, KPIS, SCORE_KINDS
from kpitui.domain.text import clean_text
from kpitui.domain.when import check_due_day


# -- the models -------------------------------------------------------------------------------------------------
class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True, defer_build=True)


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

    @field_validator("created_on")
    @classmethod
    def _created_when_possible(cls, created: dt.date | None, info: ValidationInfo) -> dt.date | None:
        return _happened_on(created, info)

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
        _happened_on(closed, info)
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
    external_id: ExternalId = None
    rep: RepRef
    kind: Annotated[str, BeforeValidator(_choice(ACTIVITY_KINDS, "an activity kind"))]
    occurred_at: Moment
    outcome: Annotated[str | None, BeforeValidator(_call_outcome)] = None
    duration_min: Annotated[int | None, BeforeValidator(_duration)] = None
    deal: ExternalId = None
    note: Note = ""


TARGET_ABOVE_ZERO = "a target must be above 0: clear it instead"


def _target_value(value: object, info: ValidationInfo) -> Decimal:
    """A target is a positive number (DESIGN.md section 4): 0 would read as "—" yet score as 0 %."""
    number = _target_number(value, info)
    if number <= 0:
        _fail(TARGET_ABOVE_ZERO)
    return number


def _target_number(value: object, info: ValidationInfo) -> Decimal:
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
    value: Annotated[Decimal, BeforeValidator(_target_value), Field(gt=0, max_digits=16)]

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
    external_id: ExternalId = None
    rep: RepRef
    kind: Annotated[str, BeforeValidator(_choice(SCORE_KINDS, "a score kind"))]
    date: Day
    value: Annotated[int, BeforeValidator(_whole("a score from 1 to 5", 1, 5, optional=False))]
    note: Note = ""

    @field_validator("date")
    @classmethod
    def _given_when_possible(cls, day: dt.date, info: ValidationInfo) -> dt.date:
        return _happened_on(day, info)  # type: ignore[return-value]


class ForecastIn(_Input):
    rep: RepRef
    period: TargetPeriod
    amount: Money


class NoteIn(_Input):
    """A 1:1 note or action item (the drill-down form and `kpitui notes add`): text of up to MAX_NOTE
    characters, line breaks kept, control characters and escape sequences gone; a due date makes it an action
    item, and lies from today up to a year ahead (`check_due_day`)."""

    rep: RepRef
    text: Annotated[str, BeforeValidator(_text(MAX_NOTE, multiline=True))]
    action: bool = False
    due: OptDay = None

    @field_validator("due")
    @classmethod
    def _due_ahead(cls, day: dt.date | None, info: ValidationInfo) -> dt.date | None:
        if day is None:
            return None
        try:
            return check_due_day(day, _today(info))
        except InvalidInput as exc:
            _fail(str(exc))

    @property
    def is_action(self) -> bool:
        return self.action or self.due is not None


INPUT_MODELS: dict[str, type[_Input]] = {
    "reps": RepIn,
    "deals": DealIn,
    "activities": ActivityIn,
    "targets": TargetIn,
    "scores": ScoreIn,
    "forecasts": ForecastIn,
}
