"""activity counts read from the rollups (rollups.py): whole local months from activity_month, the other whole
local days from activity_day. queries.activity_counts calls `_rollup_counts` when the rollup answers for the
zone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, literal, select

from kpitui.store.buckets import Buckets, Facts, _bucket_case, _grouping, _scope, _scope_params, shaped
from kpitui.store.rollups import activity_day, activity_month

# One statement grouping by a bucket sorts the rows it reads; one statement per bucket reads the index in GROUP
# BY order. Sorting wins below about this many rep-days (one rep's 13-week trend or 8-month sparkline), losing
# above it (a team's drill-down over two quarters: 1.9 ms per bucket against 4.2 ms sorted, on the scale data).
FEW_REP_DAYS = 400
KIND_COLUMNS = {"call": "calls", "email": "emails", "meeting": "meetings", "demo": "demos", "proposal": "proposals",
                "idea": "ideas"}


@shaped
def _rollup_statement(inner_bounds: int, scoped: bool, columns: tuple[str, ...]) -> Any:
    r = activity_day.c
    bucket = _bucket_case(r.day, inner_bounds)
    return (select(r.rep_id, bucket.label("bucket"), *[func.sum(r[c]).label(c) for c in columns])
            .where(*_scope(r.rep_id, scoped), r.day >= bindparam("lo"), r.day < bindparam("hi"))
            .group_by(*_grouping(r.rep_id, inner_bounds=inner_bounds)))


@shaped
def _month_statement(scoped: bool, columns: tuple[str, ...]) -> Any:
    r = activity_month.c
    return (select(r.rep_id, literal(0).label("bucket"), *[func.sum(r[c]).label(c) for c in columns])
            .where(*_scope(r.rep_id, scoped), r.month >= bindparam("lo"), r.month < bindparam("hi"))
            .group_by(r.rep_id))


def _month_pieces(start: date, end: date) -> list[tuple[bool, date, date]]:
    """[start, end) as (whole months?, lo, hi) pieces: the whole local months inside it from activity_month, the
    ragged days before and after them from activity_day."""
    first = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    last = end.replace(day=1)
    if first >= last:
        return [(False, start, end)]
    pieces = [(False, start, first)] if start < first else []
    pieces.append((True, first, last))
    return pieces + ([(False, last, end)] if last < end else [])


def _rollup_counts(session: Connection, buckets: Buckets, rep_ids: Sequence[int] | None,
                   kinds: Iterable[str]) -> Facts:
    """activity_counts from the rollups (rollups.py): per rep, the whole local months of each bucket from
    activity_month (a quarter is three rows per rep, not ninety-one), its other days from activity_day."""
    wanted = set(kinds)
    columns = tuple(column for kind, column in KIND_COLUMNS.items() if kind in wanted)
    columns += ("conversations",) if "call" in wanted else ()
    if not columns:
        return {}
    base = _scope_params(rep_ids)
    scoped = rep_ids is not None
    if len(buckets.periods) > 1 and rep_ids is not None and len(rep_ids) * (buckets.end - buckets.start).days \
            <= FEW_REP_DAYS:
        runs = [(_rollup_statement(len(buckets.periods) - 1, True, columns), {**base, **buckets.date_params()},
                 None)]
    else:  # one statement per bucket and piece: the rows come in primary-key order, grouped without a sort
        runs = [(_month_statement(scoped, columns) if months else _rollup_statement(0, scoped, columns),
                 {**base, "lo": lo, "hi": hi}, i)
                for i, p in enumerate(buckets.periods) for months, lo, hi in _month_pieces(p.start, p.end)]
    sums: dict[tuple[int, int], list[int]] = {}
    for stmt, params, index in runs:
        for rep_id, bucket, *values in session.execute(stmt, params):
            key = (rep_id, bucket if index is None else index)
            if (before := sums.get(key)) is None:
                sums[key] = values
            else:
                sums[key] = [a + b for a, b in zip(before, values, strict=True)]
    return {key: dict(zip(columns, values, strict=True)) for key, values in sums.items()}
