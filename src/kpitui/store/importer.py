"""CSV import: all rows or none (DESIGN.md sections 6 and 7).

One import is one write transaction. Every row is validated with the input models of `domain/inputs.py` and
its references (rep, team, deal) are resolved inside that same transaction; every problem is collected, with
the file's own physical line number (`csv.reader.line_num`, so quoted multi-line notes do not shift it), and if
there is any, `ImportFailed` is raised and the transaction is rolled back: nothing was written. A dry run does
all the work, counts what it did, then rolls back.

Activities and scores are safe to import again (`store/reimport.py`): matched by external_id, equal rows
skipped as duplicates, the report counts added / updated / skipped.

Files: UTF-8 (an Excel BOM is fine), `,` or `;` between values (guessed from the header line), header names
matched case-insensitively; `mapping` reads a canonical field from another column (`--map rep=sales_agent`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from kpitui.domain.errors import InvalidInput
from kpitui.domain.inputs import INPUT_MODELS, field_problems
from kpitui.domain.text import clean_text
from kpitui.store.db import Database, orm_session
from kpitui.store.exporter import unguarded
from kpitui.store.import_file import FIELDS, KINDS, _check_mapping, _columns, _rows, _scan
from kpitui.store.import_report import ImportFailed, ImportReport, _DryRun, _Problems, _RowProblem, _RowProblems
from kpitui.store.import_rows import _Writer, _writer

PROGRESS_EVERY = 1000  # rows
Progress = Callable[[int, int], None]


# -- the import -------------------------------------------------------------------------------------------------
def _records(reader: Any, problems: _Problems) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) for each record that is not blank."""
    line = reader.line_num
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add(line + 1, "", f"this is not valid CSV from here on ({exc}); is a quote not closed?")
            return
        start, line = line + 1, reader.line_num
        if any(cell.strip() for cell in record):
            yield start, record


def _check_row(model: type[BaseModel], writer: _Writer, cells: dict[str, str | None], context: dict[str, Any],
               *, write: bool) -> list[tuple[str, str]]:
    """Validate one row, resolve its references and (when `write`) apply it; returns its problems.

    A row whose values are bad still has its references looked up, so one pass names every problem."""
    try:
        item = model.model_validate(cells, context=context)
    except ValidationError as exc:
        found = field_problems(exc)
        bad = {name for name, _ in found}
        loose = {name: clean_text(value) for name, value in cells.items() if name not in bad and value}
        try:
            writer.resolve(loose)
        except _RowProblems as more:
            found += [(p.field, p.message) for p in more.problems]
        return found
    try:
        ids = writer.resolve({name: getattr(item, name, None) for name in writer.references})
        writer.apply(item, ids, cells, write)
    except _RowProblems as more:
        return [(p.field, p.message) for p in more.problems]
    except _RowProblem as problem:
        return [(problem.field, problem.message)]
    return []


def import_csv(db: Database, kind: str, path: Path, *, mapping: dict[str, str] | None = None,
               dry_run: bool = False, zone: ZoneInfo, today: date, now: datetime | None = None,
               progress: Progress | None = None) -> ImportReport:
    """Import `path` as `kind`; all rows or none. `progress(lines_read, lines_total)` is called now and then.

    Raises `ImportFailed` (an `InvalidInput`) listing every problem by line and field when any row is bad.
    """
    if kind not in INPUT_MODELS:
        raise InvalidInput(f"can't import {kind!r}: use one of {', '.join(KINDS)}")
    path = Path(path)
    model: type[BaseModel] = INPUT_MODELS[kind]
    fields = _check_mapping(kind, mapping)
    total_lines = _scan(path)
    context = {"zone": zone, "today": today, "now": now}  # no date after these (domain/when.py)
    order = {name: i for i, name in enumerate(FIELDS[kind])}

    def work(conn: Connection) -> ImportReport:
        with orm_session(conn) as session, path.open(encoding="utf-8-sig", newline="") as handle:
            reader, header = _rows(handle)
            columns = _columns(kind, header, fields)
            report = ImportReport(kind, dry_run=dry_run, ignored_columns=columns.ignored)
            writer = _writer(kind)(session, today)
            problems = _Problems()
            for line, record in _records(reader, problems):
                report.rows += 1
                if progress is not None and report.rows % PROGRESS_EVERY == 0:
                    progress(line, total_lines)
                if len(record) > columns.width and any(cell.strip() for cell in record[columns.width:]):
                    problems.add(line, "", f"this row has {len(record)} values but the header names "
                                           f"{columns.width} columns; does a value with a comma lack quotes?")
                    continue
                # a cell our export guarded against spreadsheets ('-left a voicemail) reads back as it was
                cells = {name: unguarded(record[i]) if i < len(record) else None
                         for name, i in columns.positions.items()}
                writer.line = line
                found = _check_row(model, writer, cells, context, write=not problems)
                for name, message in sorted(found, key=lambda problem: order.get(problem[0], -1)):
                    problems.add(line, name, message, columns.sources.get(name))
            if problems:
                raise ImportFailed(problems.errors, problems.total)
            writer.finish()
        if progress is not None:
            progress(total_lines, total_lines)
        report.created, report.updated, report.teams_created = writer.created, writer.updated, writer.teams_created
        report.skipped = writer.skipped
        if dry_run:
            raise _DryRun(report)
        return report

    try:
        return db.run_write(work)
    except _DryRun as done:
        return done.report
    except IntegrityError as exc:
        raise InvalidInput(f"the database refused the import, nothing was written: {exc.orig}") from None
