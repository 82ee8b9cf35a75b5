"""Shared by every input model: limits, plain-words errors, `parse_input` and the validation context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NoReturn, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError

from kpitui.domain.errors import InvalidInput
from kpitui.domain.text import clean_text

ROLES: tuple[str, ...] = ("rep", "manager", "admin")
TERMINAL_OUTCOMES: tuple[str, ...] = ("won", "lost")
MAX_NOTE = 4000
MONEY_DIGITS = 14  # 999,999,999,999.99 at most
MAX_DURATION_MIN = 24 * 60


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
                today: dt.date | None = None, now: dt.datetime | None = None) -> M:
    """`model` validated from `data`, or `InvalidFields` naming each bad field (for the CLI and forms)."""
    try:
        return model.model_validate(data, context={"zone": zone, "today": today, "now": now})
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


def _now(info: ValidationInfo) -> dt.datetime:
    now = _context(info).get("now")
    if isinstance(now, dt.datetime) and now.tzinfo is not None:
        return now
    from kpitui.settings import now as current

    return current()


def _today(info: ValidationInfo) -> dt.date:
    today = _context(info).get("today")
    return today if isinstance(today, dt.date) else _now(info).astimezone(_zone(info)).date()
