"""The CSV file of an import: its encoding checked, its delimiter guessed, its header matched to the fields of
each kind (case-insensitively, with `--map` renames)."""

from __future__ import annotations

import codecs
import csv
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from kpitui.domain.errors import InvalidInput
from kpitui.domain.inputs import INPUT_MODELS
from kpitui.domain.text import clean_text
from kpitui.store.import_report import ImportFailed, RowError, _Problems

KINDS: tuple[str, ...] = tuple(INPUT_MODELS)
FIELDS: dict[str, tuple[str, ...]] = {kind: tuple(model.model_fields) for kind, model in INPUT_MODELS.items()}
REQUIRED: dict[str, tuple[str, ...]] = {
    kind: tuple(name for name, info in model.model_fields.items() if info.is_required())
    for kind, model in INPUT_MODELS.items()
}


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

