"""The pieces every KPI statement is built of: `Buckets` (contiguous periods as UTC instant bounds), the shape
cache `shaped`, expanding parameters, bucket CASEs and the period-key filter that targets and forecasts share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, and_, bindparam, case, func, literal, literal_column, or_

from kpitui.domain.periods import TARGET_KINDS, Period


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum_if(condition: ColumnElement[bool], value: Any) -> Any:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _values(name: str) -> Any:
    """An IN list bound at execution (an expanding parameter), so one cached statement serves any list."""
    return bindparam(name, expanding=True)


def _scope(column: Any, scoped: bool) -> list[ColumnElement[bool]]:
    return [column.in_(_values("rep_ids"))] if scoped else []


def _scope_params(rep_ids: Sequence[int] | None) -> dict[str, Any]:
    return {} if rep_ids is None else {"rep_ids": list(rep_ids)}


# Statements are built once per shape (how many buckets, whether scoped to reps) and cached: every value is a
# bound parameter. Building a SQLAlchemy statement costs more Python than running a small query in SQLite, so
# the drill-down and the trend would otherwise spend most of their time constructing the same SQL again.
shaped = lru_cache(maxsize=256)


@dataclass(frozen=True)
class Buckets:
    """Contiguous periods, oldest first (e.g. the previous and the current month, or 13 weeks).

    Every query groups by rep and bucket in one pass over the whole range, so a trend or a comparison with
    the previous period costs the same handful of statements as a single period.
    """

    periods: tuple[Period, ...]
    zone: ZoneInfo

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("no periods")
        for before, after in zip(self.periods, self.periods[1:], strict=False):
            if before.end != after.start:
                raise ValueError(f"periods {before} and {after} are not contiguous")

    @classmethod
    def of(cls, zone: ZoneInfo, *periods: Period) -> Buckets:
        return cls(tuple(periods), zone)

    @property
    def start(self) -> date:
        return self.periods[0].start

    @property
    def end(self) -> date:
        return self.periods[-1].end

    @cached_property
    def instants(self) -> tuple[datetime, ...]:
        """UTC bounds: bucket i is instants[i] <= t < instants[i + 1]."""
        days = [p.start for p in self.periods] + [self.end]
        return tuple(datetime.combine(d, time(0), self.zone).astimezone(UTC) for d in days)

    def date_params(self) -> dict[str, Any]:
        """Parameters of `_bucket_case` over dates: lo, hi and the inner bounds b1.. (each later bucket's start)."""
        return {"lo": self.start, "hi": self.end, **_bounds([p.start for p in self.periods[1:]])}


def _bounds(inner: Sequence[object]) -> dict[str, Any]:
    return {f"b{i + 1}": bound for i, bound in enumerate(inner)}


def _grouping(*keys: Any, inner_bounds: int) -> tuple[Any, ...]:
    """GROUP BY keys, then the bucket by its output name: repeating the CASE would bind every bound twice."""
    return (*keys, literal_column("bucket")) if inner_bounds else keys


def _bucket_case(column: Any, inner_bounds: int, first: int = 0) -> Any:
    """Bucket number of `column`: `first` below parameter b1, first + 1 below b2, ..., and the last above."""
    if not inner_bounds:
        return literal(first)
    whens = [(column < bindparam(f"b{i + 1}"), first + i) for i in range(inner_bounds)]
    return case(*whens, else_=first + inner_bounds)


Facts = dict[tuple[int, int], dict[str, Any]]  # (rep id, bucket) -> named sums


def _facts(session: Connection, stmt: Any, params: dict[str, Any]) -> Facts:
    """(rep id, bucket) -> the other columns by name; the statement selects rep_id and bucket first. The names
    are read once, each row as a plain tuple (a mapping per row cost more than the query at 500 reps)."""
    result = session.execute(stmt, params)
    names = tuple(result.keys())
    if names[:2] != ("rep_id", "bucket"):
        raise ValueError(f"a facts statement selects rep_id and bucket first, not {names[:2]}")
    names = names[2:]
    return {(row[0], row[1]): dict(zip(names, row[2:], strict=True)) for row in result}

def _targetable(buckets: Buckets) -> dict[tuple[str, date], int]:
    """(period kind, start) -> bucket, for buckets that are calendar periods (custom ranges have none)."""
    return {(p.kind, p.start): i for i, p in enumerate(buckets.periods) if p.kind in TARGET_KINDS}


def _period_keys(kind_column: Any, start_column: Any, kinds: int) -> Any:
    """`kind = k0 AND start IN (s0) OR ...`: ix_target_lookup is searched, where an OR of pairs scanned it."""
    return or_(*[and_(kind_column == bindparam(f"k{j}"), start_column.in_(_values(f"s{j}"))) for j in range(kinds)])


def _period_params(wanted: Iterable[tuple[str, date]]) -> dict[str, Any]:
    starts: dict[str, list[date]] = defaultdict(list)
    for kind, start in wanted:
        starts[kind].append(start)
    params: dict[str, Any] = {}
    for j, (kind, days) in enumerate(starts.items()):
        params |= {f"k{j}": kind, f"s{j}": days}
    return params
