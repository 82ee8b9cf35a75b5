"""Column types and SQL expressions that behave the same on SQLite and PostgreSQL.

SQLite drops UTC offsets and stores Numeric as REAL (TRAPS.md), so instants are stored as naive UTC through
`UTCDateTime`, which refuses naive input, and exact decimals as text through `DecimalText`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"refusing a naive datetime {value!r}: instants must carry a time zone")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text, e.g. from an aggregate
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal stored as text (targets: counts, money and ratios alike)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect: Any) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: str | None, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class days_between(FunctionElement[float]):  # noqa: N801 - reads like the SQL function it emits
    """Whole days from date `a` to date `b` (b - a)."""

    type = Float()
    inherit_cache = True


@compiles(days_between)
def _days_between_default(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return f"(CAST({compiler.process(b, **kw)} AS DATE) - CAST({compiler.process(a, **kw)} AS DATE))"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return f"(julianday({compiler.process(b, **kw)}) - julianday({compiler.process(a, **kw)}))"


class epoch_seconds(FunctionElement[float]):  # noqa: N801
    """Seconds since 1970-01-01 of a naive-UTC timestamp or a date (taken as UTC midnight)."""

    type = Float()
    inherit_cache = True


@compiles(epoch_seconds)
def _epoch_default(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    (a,) = list(element.clauses)
    return f"EXTRACT(EPOCH FROM CAST({compiler.process(a, **kw)} AS TIMESTAMP))"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    (a,) = list(element.clauses)
    return f"((julianday({compiler.process(a, **kw)}) - 2440587.5) * 86400.0)"
