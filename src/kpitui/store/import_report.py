"""What an import reports: the counts of a finished import (`ImportReport`), the problems of a failed one
(`RowError`, `ImportFailed`), and the exceptions that carry a row's problems or a dry run's rollback."""

from __future__ import annotations

from dataclasses import dataclass

from kpitui.domain.errors import InvalidInput

MAX_MESSAGES = 200
_NOUNS = {"reps": ("rep", "reps"), "deals": ("deal", "deals"), "activities": ("activity", "activities"),
          "targets": ("target", "targets"), "scores": ("score", "scores"), "forecasts": ("forecast", "forecasts")}
REIMPORTED = ("activities", "scores")  # matched by external_id, duplicates skipped (store/reimport.py)


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
    skipped: int = 0  # duplicates: rows equal to one already stored (activities and scores)
    dry_run: bool = False
    teams_created: int = 0
    ignored_columns: tuple[str, ...] = ()

    def summary(self) -> str:
        one, many = _NOUNS.get(self.kind, (self.kind, self.kind))

        def n(count: int, noun_one: str = one, noun_many: str = many) -> str:
            return f"{count} {noun_one if count == 1 else noun_many}"

        rows = f"{self.rows} row{'s' if self.rows != 1 else ''}"
        teams = n(self.teams_created, "new team", "new teams")
        duplicates = n(self.skipped, "duplicate", "duplicates")
        if self.dry_run:
            text = f"dry run, nothing written: {rows} checked, all good; would add {n(self.created)}"
            if self.kind in REIMPORTED:
                text += f", update {self.updated} and skip {duplicates}"
            else:
                text += f" and update {self.updated}"
            if self.teams_created:
                text += f", and create {teams}"
        else:
            text = f"imported {rows}: {n(self.created)} added, {self.updated} updated"
            if self.kind in REIMPORTED:
                text += f", {duplicates} skipped"
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

