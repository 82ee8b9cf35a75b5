"""What people type or import, validated: one pydantic model per CSV kind (DESIGN.md section 6).

The importer, `kpitui log` and the app's forms all go through these models, so a value is judged the same way
wherever it comes from. Messages are plain words and read well after the field name (`amount: can't be
negative`). Every text value is cleaned of escape sequences and control characters (`clean_text`).

Context, passed as `Model.model_validate(data, context={"zone": ZoneInfo, "today": date})`:
- `zone`: the time zone of an `occurred_at` written without a UTC offset (default: `settings.local_zone()`);
- `now`: the moment no activity may lie after (5 minutes' grace; default: `settings.now()`);
- `today`: the local date that relative periods such as `this-month` are taken from, and that no deal or score
  date may lie after (default: `now`'s date in `zone`).
Dates before 1970 or in the future are refused by `domain/when.py`'s rule, the one every entry point uses.

Modules: `checks` (limits, plain-words errors, `parse_input`, the context), `fields` (the field types and
their parsers), `models` (one model per kind); every public name is importable from here.
"""

from __future__ import annotations

from kpitui.domain.inputs.checks import (
    MAX_DURATION_MIN,
    MAX_NOTE,
    MONEY_DIGITS,
    REQUIRED,
    ROLES,
    TERMINAL_OUTCOMES,
    InvalidFields,
    M,
    field_problems,
    parse_input,
)
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
    own_external_id,
    own_row_id,
    parse_date,
    parse_decimal,
)
from kpitui.domain.inputs.models import (
    INPUT_MODELS,
    TARGET_ABOVE_ZERO,
    ActivityIn,
    DealIn,
    ForecastIn,
    NoteIn,
    RepIn,
    ScoreIn,
    TargetIn,
    deal_outcome,
)

__all__ = [
    "ActivityIn",
    "Day",
    "DealIn",
    "Email",
    "ExternalId",
    "ForecastIn",
    "INPUT_MODELS",
    "InvalidFields",
    "Label",
    "M",
    "MAX_DURATION_MIN",
    "MAX_NOTE",
    "MONEY_DIGITS",
    "Moment",
    "Money",
    "Name",
    "Note",
    "NoteIn",
    "OptDay",
    "OptMoney",
    "OptRepRef",
    "OptTeam",
    "REQUIRED",
    "ROLES",
    "RepIn",
    "RepRef",
    "ScoreIn",
    "TARGET_ABOVE_ZERO",
    "TERMINAL_OUTCOMES",
    "TargetIn",
    "TargetPeriod",
    "deal_outcome",
    "field_problems",
    "own_external_id",
    "own_row_id",
    "parse_date",
    "parse_decimal",
    "parse_input",
]
