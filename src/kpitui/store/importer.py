"""CSV import: all rows or none (DESIGN.md sections 6 and 7).

One import is one write transaction. Every row is validated with the input models of `domain/inputs.py` and
its references (rep, team, deal) are resolved inside that same transaction; every problem is collected, with
the file's own physical line number (`csv.reader.line_num`, so quoted multi-line notes do not shift it), and if
there is any, `ImportFailed` is raised and the transaction is rolled back: nothing was written. A dry run does
all the work, counts what it did, then rolls back.

Files: UTF-8 (an Excel BOM is fine), `,` or `;` between values (guessed from the header line), header names
matched case-insensitively; `mapping` reads a canonical field from another column (`--map rep=sales_agent`).
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from kpitui.domain.errors import InvalidInput
from kpitui.domain.inputs import (
    INPUT_MODELS,
    ActivityIn,
    DealIn,
    ForecastIn,
    RepIn,
    ScoreIn,
    TargetIn,
    field_problems,
)
from kpitui.domain.text import clean_text, name_key
from kpitui.store.db import Database, orm_session
from kpitui.store.models import Activity, Deal, Forecast, Rep, Score, Target, Team, TeamManager

KINDS: tuple[str, ...] = tuple(INPUT_MODELS)
FIELDS: dict[str, tuple[str, ...]] = {kind: tuple(model.model_fields) for kind, model in INPUT_MODELS.items()}
REQUIRED: dict[str, tuple[str, ...]] = {
    kind: tuple(name for name, info in model.model_fields.items() if info.is_required())
    for kind, model in INPUT_MODELS.items()
}
MAX_MESSAGES = 200
BATCH = 5000  # rows per bulk insert
PROGRESS_EVERY = 1000  # rows
_NOUNS = {"reps": ("rep", "reps"), "deals": ("deal", "deals"), "activities": ("activity", "activities"),
          "targets": ("target", "targets"), "scores": ("score", "scores"), "forecasts": ("forecast", "forecasts")}

Progress = Callable[[int, int], None]


# -- results and errors -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowError:
    """One problem: the file's physical line (the header is line 1), the canonical field, plain words."""

    line: int
    field: str
    message: str
    column: str | None = None  # the file's column, when --map named another one

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.field:
            where += f", {self.field}"
            if self.column:
                where += f" (column {self.column!r})"
        return f"{where}: {self.message}"


class ImportFailed(InvalidInput):
    """The file has problems; nothing was written. `errors` holds the first MAX_MESSAGES, `total` counts all."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = list(errors)
        self.total = max(total or 0, len(self.errors))
        count = f"{self.total} problem{'s' if self.total != 1 else ''}"
        lines = [f"nothing was imported ({count}):", *(str(e) for e in self.errors)]
        if self.total > len(self.errors):
            lines.append(f"... and {self.total - len(self.errors)} more")
        super().__init__("\n".join(lines))


@dataclass
class ImportReport:
    kind: str
    rows: int = 0  # data rows read (blank lines are skipped)
    created: int = 0
    updated: int = 0
    dry_run: bool = False
    teams_created: int = 0
    ignored_columns: tuple[str, ...] = ()

    def summary(self) -> str:
        one, many = _NOUNS.get(self.kind, (self.kind, self.kind))

        def n(count: int, noun_one: str = one, noun_many: str = many) -> str:
            return f"{count} {noun_one if count == 1 else noun_many}"

        rows = f"{self.rows} row{'s' if self.rows != 1 else ''}"
        teams = n(self.teams_created, "new team", "new teams")
        if self.dry_run:
            text = (f"dry run, nothing written: {rows} checked, all good; would add {n(self.created)}"
                    f" and update {self.updated}")
            if self.teams_created:
                text += f", and create {teams}"
        else:
            text = f"imported {rows}: {n(self.created)} added, {self.updated} updated"
            if self.teams_created:
                text += f"; {teams}"
        if self.ignored_columns:
            text += f" (ignored columns: {', '.join(self.ignored_columns)})"
        return text


class _RowProblem(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _RowProblems(Exception):
    def __init__(self, problems: list[_RowProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class _DryRun(Exception):  # noqa: N818 - control flow, not an error: rolls the transaction back
    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


class _Problems:
    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.total = 0

    def add(self, line: int, field: str, message: str, column: str | None = None) -> None:
        self.total += 1
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(RowError(line, field, message, column))

    def __bool__(self) -> bool:
        return self.total > 0


# -- the file ---------------------------------------------------------------------------------------------------
def _scan(path: Path) -> int:
    """Count the file's lines and make sure it is UTF-8, naming the line of the first bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines = 0
    last = b""
    try:
        with path.open("rb") as raw:
            while chunk := raw.read(1 << 20):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line = lines + chunk[: max(exc.start, 0)].count(b"\n") + 1
                    message = ("this is not UTF-8 text: save the file as 'CSV UTF-8' "
                               "(in Excel: Save As, CSV UTF-8) and import it again")
                    raise ImportFailed([RowError(line, "", message)]) from None
                lines += chunk.count(b"\n")
                last = chunk[-1:]
            decoder.decode(b"", final=True)
    except OSError as exc:
        raise InvalidInput(f"can't read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ImportFailed([RowError(lines + 1, "", "the file ends in the middle of a character: "
                                     "it is not UTF-8 text")]) from None
    return lines + (1 if last not in (b"", b"\n") else 0)


def _normal(name: str) -> str:
    return " ".join(clean_text(name.replace("\ufeff", "")).split()).lower()


def _rows(handle: TextIO) -> tuple[Any, list[str]]:
    first = handle.readline()
    if not first.strip():
        raise ImportFailed([RowError(1, "", "the first line should name the columns, but it is empty")])
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(itertools.chain([first], handle), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportFailed([RowError(1, "", f"the header line is not valid CSV ({exc})")]) from None
    return reader, header


@dataclass
class _Columns:
    positions: dict[str, int]  # canonical field -> column index
    sources: dict[str, str]  # canonical field -> the file's column name, where it is another name
    ignored: tuple[str, ...]
    width: int


def _columns(kind: str, header: list[str], mapping: dict[str, str]) -> _Columns:
    problems = _Problems()
    positions: dict[str, int] = {}
    seen: dict[str, int] = {}
    doubled: set[str] = set()
    for index, name in enumerate(header):
        key = _normal(name)
        if key in seen:
            doubled.add(key)
        seen.setdefault(key, index)
    sources: dict[str, str] = {}
    for name in FIELDS[kind]:
        source = mapping.get(name, name)
        key = _normal(source)
        if key in seen:
            if key in doubled:
                problems.add(1, name, f"the file has more than one column named {source!r}")
            positions[name] = seen[key]
            if key != name:
                sources[name] = clean_text(header[seen[key]])
        elif name in mapping:
            problems.add(1, name, f"the file has no column {source!r} (from --map {name}={source}); "
                                  f"its columns are: {', '.join(clean_text(h) for h in header)}")
        elif name in REQUIRED[kind]:
            problems.add(1, name, f"the file has no {name!r} column: name a column {name}, "
                                  f"or say which one it is with --map {name}=COLUMN")
    if kind == "targets" and "rep" not in positions and "team" not in positions:
        problems.add(1, "rep", "the file needs a 'rep' or a 'team' column (or both)")
    if problems:
        raise ImportFailed(problems.errors, problems.total)
    used = set(positions.values())
    ignored = tuple(clean_text(h) for i, h in enumerate(header) if i not in used and clean_text(h))
    return _Columns(positions, sources, ignored, len(header))


def _check_mapping(kind: str, mapping: dict[str, str] | None) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, column in (mapping or {}).items():
        key = _normal(name)
        if key not in FIELDS[kind]:
            raise InvalidInput(f"--map {clean_text(name)}={clean_text(column)}: {kind} have no field "
                               f"{clean_text(name)!r}; the fields are {', '.join(FIELDS[kind])}")
        checked[key] = column
    return checked


# -- references -------------------------------------------------------------------------------------------------
class _Directory:
    """Reps and teams by the names people use for them: a rep by email or by name, compared by `name_key`
    (NFKC, case-folded, invisible characters ignored)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.reps_by_email: dict[str, Rep] = {}
        self.reps_by_name: dict[str, list[Rep]] = defaultdict(list)
        for rep in session.scalars(select(Rep)):
            self._index(rep)
        self.teams: dict[str, Team] = {t.name.lower(): t for t in session.scalars(select(Team))}

    def _index(self, rep: Rep) -> None:
        if rep.email:
            self.reps_by_email[name_key(rep.email)] = rep
        self.reps_by_name[name_key(rep.name)].append(rep)

    def rep(self, ref: str, field: str = "rep") -> Rep:
        key = name_key(ref)
        if key in self.reps_by_email:
            return self.reps_by_email[key]
        named = self.reps_by_name.get(key, [])
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise _RowProblem(field, f"{len(named)} reps are named {ref!r}: use the rep's email instead")
        raise _RowProblem(field, f"no rep named {ref!r}")

    def team(self, name: str, field: str = "team") -> Team:
        team = self.teams.get(name.lower())
        if team is None:
            raise _RowProblem(field, f"no team named {name!r}")
        return team


# -- what each kind writes --------------------------------------------------------------------------------------
class _Writer:
    references: tuple[str, ...] = ()  # the fields that name a rep, a team or a deal
    line = 0  # the physical line of the row being checked, for problems that name another line

    def __init__(self, session: Session, today: date) -> None:
        self.session = session
        self.today = today
        self.directory = _Directory(session)
        self.created = 0
        self.updated = 0
        self.teams_created = 0

    def resolve(self, values: dict[str, Any]) -> dict[str, int]:
        """The ids of the references that have a value; `_RowProblems` names every one that matches nothing."""
        ids: dict[str, int] = {}
        problems: list[_RowProblem] = []
        for name in self.references:
            ref = values.get(name)
            if not ref:
                continue
            try:
                ids[name] = self.lookup(name, ref)
            except _RowProblem as problem:
                problems.append(problem)
        if problems:
            raise _RowProblems(problems)
        return ids

    def lookup(self, name: str, ref: str) -> int:
        if name == "team":
            return self.directory.team(ref).id  # type: ignore[return-value]
        return self.directory.rep(ref, name).id  # type: ignore[return-value]

    def apply(self, item: Any, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Flush what is still batched."""


class _RepsWriter(_Writer):
    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.links = {(rid, tid) for rid, tid in session.execute(select(TeamManager.rep_id, TeamManager.team_id))}
        self.emails_in_file: dict[str, int] = {}  # name_key(email) -> first line
        self.names_in_file: dict[str, tuple[int, str | None]] = {}  # name_key(name) -> (first line, its email)
        self.logins: dict[str, bool] = {}  # PostgreSQL login role -> may log in, for people (de)activated here

    def _team(self, name: str, write: bool) -> Team | None:
        team = self.directory.teams.get(name.lower())
        if team is None and write:
            team = Team(name=name)
            self.session.add(team)
            self.session.flush()
            self.directory.teams[name.lower()] = team
            self.teams_created += 1
        return team

    def _check_identity(self, item: RepIn, rep: Rep | None) -> None:
        """One row per email in a file (a second would silently merge into the first), and no name that is
        another person's email, nor an email that is another person's name: `--as` takes either, and would
        sign the wrong person in."""
        name = name_key(item.name)
        email = name_key(item.email) if item.email else None
        if email is not None:
            first = self.emails_in_file.setdefault(email, self.line)
            if first != self.line:
                raise _RowProblem("email", f"{clean_text(item.email or '')!r} is also on line {first}: one row "
                                           "per person (emails are compared ignoring case)")
            named = [r for r in self.directory.reps_by_name.get(email, []) if r is not rep and r.email != item.email]
            in_file = self.names_in_file.get(email)
            if named or (in_file is not None and in_file[1] != item.email):
                raise _RowProblem("email", f"{clean_text(item.email or '')!r} is another person's name: a "
                                           "person's email may not be someone else's name")
        if name != email:
            owner = self.directory.reps_by_email.get(name)
            in_file_line = self.emails_in_file.get(name)
            if (owner is not None and owner is not rep) or (in_file_line is not None and in_file_line != self.line):
                raise _RowProblem("name", f"{item.name!r} is another person's email: a name may not be an email "
                                          "someone else signs in with")
        self.names_in_file.setdefault(name, (self.line, item.email))

    def apply(self, item: RepIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        directory = self.directory
        rep = directory.reps_by_email.get(name_key(item.email)) if item.email else None
        if rep is None:
            # the same person without an email yet, or (with no email given) the one rep of that name
            named = [r for r in directory.reps_by_name.get(name_key(item.name), [])
                     if item.email is None or r.email is None]
            if len(named) > 1:
                raise _RowProblem("name", f"{len(named)} reps are named {item.name!r}: add the email to say which")
            rep = named[0] if named else None
        self._check_identity(item, rep)
        role_given = bool(clean_text(cells.get("role") or ""))
        if not write:
            return
        team = self._team(item.team, write) if item.team else None
        if rep is None:
            rep = Rep(name=item.name, email=item.email, team_id=team.id if team else None, role=item.role,
                      active=item.active is not False)
            self.session.add(rep)
            self.created += 1
        else:
            old_name = name_key(rep.name)
            rep.name = item.name
            if item.email:
                rep.email = item.email
            if team is not None and team.id != rep.team_id:
                self._leave_team(rep)
                rep.team_id = team.id
            if role_given:
                rep.role = item.role
            if item.active is not None and item.active != rep.active:
                rep.active = item.active
                if rep.db_role:
                    self.logins[rep.db_role] = item.active
            self.updated += 1
            if old_name != name_key(rep.name):
                directory.reps_by_name[old_name] = [r for r in directory.reps_by_name[old_name] if r is not rep]
                directory.reps_by_name[name_key(rep.name)].append(rep)
        self.session.flush()
        if rep.email:
            directory.reps_by_email[name_key(rep.email)] = rep
        if rep not in directory.reps_by_name[name_key(rep.name)]:
            directory.reps_by_name[name_key(rep.name)].append(rep)
        if rep.role == "manager" and rep.team_id is not None and (rep.id, rep.team_id) not in self.links:
            self.session.add(TeamManager(rep_id=rep.id, team_id=rep.team_id))
            self.links.add((rep.id, rep.team_id))

    def _leave_team(self, rep: Rep) -> None:
        """A manager moved by the file stops managing the team they leave (as `kpitui people move`)."""
        if rep.team_id is not None and (rep.id, rep.team_id) in self.links:
            self.session.execute(delete(TeamManager).where(TeamManager.rep_id == rep.id,
                                                           TeamManager.team_id == rep.team_id))
            self.links.discard((rep.id, rep.team_id))

    def finish(self) -> None:
        """On PostgreSQL, a person the file deactivates loses LOGIN (and one it reactivates gets it back)."""
        if not self.logins or self.session.get_bind().dialect.name != "postgresql":
            return
        from kpitui.store.postgres_roles import set_login

        connection = self.session.connection()
        for role_name, allowed in sorted(self.logins.items()):
            set_login(connection, role_name, allowed)


class _DealsWriter(_Writer):
    """Upsert by external_id; a deal without one is always new. An update keeps the stored created_on when
    the file has none."""

    references = ("rep",)

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.stored: dict[str, date] = {
            ext: created for ext, created in session.execute(
                select(Deal.external_id, Deal.created_on).where(Deal.external_id.is_not(None)))}
        self.pending: list[dict[str, Any]] = []
        self.pending_by_ext: dict[str, dict[str, Any]] = {}

    def apply(self, item: DealIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        ext = item.external_id
        values: dict[str, Any] = {"rep_id": ids["rep"], "account": item.account, "name": item.name,
                                  "amount_cents": item.amount_cents, "stage": item.stage,
                                  "outcome": item.outcome, "closed_on": item.closed_on}
        earlier = self.pending_by_ext.get(ext) if ext else None
        known = earlier["created_on"] if earlier else self.stored.get(ext) if ext else None
        if item.created_on is not None:
            created = item.created_on
        elif known is not None:
            created = known
        else:  # the import date, unless the deal closed before it (a deal can't close before it exists)
            created = min(self.today, item.closed_on) if item.closed_on else self.today
        if item.closed_on is not None and item.closed_on < created:
            raise _RowProblem("closed_on", f"closed on {item.closed_on}, before the deal was created ({created})")
        if not write:
            return
        values["created_on"] = created
        if earlier is not None:
            earlier.update(values)
            self.updated += 1
        elif ext is not None and ext in self.stored:
            self.session.execute(update(Deal).where(Deal.external_id == ext).values(**values))
            self.stored[ext] = created
            self.updated += 1
        else:
            row = {"external_id": ext, **values}
            self.pending.append(row)
            if ext is not None:
                self.pending_by_ext[ext] = row
            self.created += 1
            if len(self.pending) >= BATCH:
                self.finish()

    def finish(self) -> None:
        if self.pending:
            self.session.execute(insert(Deal.__table__), self.pending)
            self.stored.update({ext: row["created_on"] for ext, row in self.pending_by_ext.items()})
            self.pending, self.pending_by_ext = [], {}


class _BulkWriter(_Writer):
    """Rows that are only ever added (activities, scores), inserted in batches."""

    table: Any = None

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.pending: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self.pending.append(row)
        self.created += 1
        if len(self.pending) >= BATCH:
            self.finish()

    def finish(self) -> None:
        if self.pending:
            self.session.execute(insert(self.table), self.pending)
            self.pending = []


class _ActivitiesWriter(_BulkWriter):
    table = Activity.__table__
    references = ("rep", "deal")

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.deals: dict[str, int] = {
            ext: deal_id for ext, deal_id in session.execute(
                select(Deal.external_id, Deal.id).where(Deal.external_id.is_not(None)))}

    def lookup(self, name: str, ref: str) -> int:
        if name != "deal":
            return super().lookup(name, ref)
        if ref not in self.deals:
            raise _RowProblem("deal", f"no deal with the id {ref!r}")
        return self.deals[ref]

    def apply(self, item: ActivityIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        if write:
            self.add({"rep_id": ids["rep"], "kind": item.kind, "occurred_at": item.occurred_at,
                      "outcome": item.outcome, "duration_min": item.duration_min, "deal_id": ids.get("deal"),
                      "note": item.note})


class _ScoresWriter(_BulkWriter):
    table = Score.__table__
    references = ("rep",)

    def apply(self, item: ScoreIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        if write:
            self.add({"rep_id": ids["rep"], "kind": item.kind, "on": item.date, "value": item.value,
                      "note": item.note})


class _TargetsWriter(_Writer):
    """Upsert on (rep or team, kpi, period kind, period start)."""

    references = ("rep", "team")

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        t = Target.__table__.c
        self.stored: dict[tuple[Any, ...], int] = {
            (r.rep_id, r.team_id, r.kpi, r.period_kind, r.period_start): r.id
            for r in session.execute(select(t.id, t.rep_id, t.team_id, t.kpi, t.period_kind, t.period_start))}

    def apply(self, item: TargetIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        rep_id, team_id = ids.get("rep"), ids.get("team")
        key = (rep_id, team_id, item.kpi, item.period.kind, item.period.start)
        if not write:
            return
        if key in self.stored:
            self.session.execute(update(Target).where(Target.id == self.stored[key]).values(value=item.value))
            self.updated += 1
        else:
            result = self.session.execute(insert(Target.__table__).values(
                rep_id=rep_id, team_id=team_id, kpi=item.kpi, period_kind=item.period.kind,
                period_start=item.period.start, value=item.value))
            self.stored[key] = result.inserted_primary_key[0]
            self.created += 1


class _ForecastsWriter(_Writer):
    """Upsert on (rep, period kind, period start)."""

    references = ("rep",)

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        f = Forecast.__table__.c
        self.stored: dict[tuple[Any, ...], int] = {
            (r.rep_id, r.period_kind, r.period_start): r.id
            for r in session.execute(select(f.id, f.rep_id, f.period_kind, f.period_start))}

    def apply(self, item: ForecastIn, ids: dict[str, int], cells: dict[str, str | None], write: bool) -> None:
        rep_id = ids["rep"]
        key = (rep_id, item.period.kind, item.period.start)
        cents = int(item.amount.scaleb(2))
        if not write:
            return
        if key in self.stored:
            self.session.execute(update(Forecast).where(Forecast.id == self.stored[key]).values(amount_cents=cents))
            self.updated += 1
        else:
            result = self.session.execute(insert(Forecast.__table__).values(
                rep_id=rep_id, period_kind=item.period.kind, period_start=item.period.start, amount_cents=cents))
            self.stored[key] = result.inserted_primary_key[0]
            self.created += 1


_WRITERS: dict[str, type[_Writer]] = {
    "reps": _RepsWriter,
    "deals": _DealsWriter,
    "activities": _ActivitiesWriter,
    "targets": _TargetsWriter,
    "scores": _ScoresWriter,
    "forecasts": _ForecastsWriter,
}


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
               dry_run: bool = False, zone: ZoneInfo, today: date,
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
    context = {"zone": zone, "today": today}
    order = {name: i for i, name in enumerate(FIELDS[kind])}

    def work(conn: Connection) -> ImportReport:
        with orm_session(conn) as session, path.open(encoding="utf-8-sig", newline="") as handle:
            reader, header = _rows(handle)
            columns = _columns(kind, header, fields)
            report = ImportReport(kind, dry_run=dry_run, ignored_columns=columns.ignored)
            writer = _WRITERS[kind](session, today)
            problems = _Problems()
            for line, record in _records(reader, problems):
                report.rows += 1
                if progress is not None and report.rows % PROGRESS_EVERY == 0:
                    progress(line, total_lines)
                if len(record) > columns.width and any(cell.strip() for cell in record[columns.width:]):
                    problems.add(line, "", f"this row has {len(record)} values but the header names "
                                           f"{columns.width} columns; does a value with a comma lack quotes?")
                    continue
                cells = {name: record[i] if i < len(record) else None for name, i in columns.positions.items()}
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
        if dry_run:
            raise _DryRun(report)
        return report

    try:
        return db.run_write(work)
    except _DryRun as done:
        return done.report
    except IntegrityError as exc:
        raise InvalidInput(f"the database refused the import, nothing was written: {exc.orig}") from None
