"""CSV that is safe to open in a spreadsheet.

A text cell starting with `=`, `+`, `-`, `@`, tab, carriage return or NUL would be run as a formula by Excel,
LibreOffice or Google Sheets (CSV injection, OWASP); such cells get a leading `'`. Numbers the app formats
itself (int, float, Decimal values) are written as they are, so `-12.50` stays a number. The guard looks past
leading spaces and invisible format characters (`\ufeff=HYPERLINK(...)` is still a formula to a spreadsheet).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import TextIO

from kpitui.domain.text import visible_start

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def safe_cell(value: object) -> str:
    """The text of one cell: numbers and dates as they are, other text neutralised if it could be a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")  # never 1E+2
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = str(value)
    risky = text.startswith(FORMULA_STARTS) or visible_start(text).startswith(FORMULA_STARTS)
    return "'" + text if risky else text


def write_csv(rows: Iterable[Sequence[object]], header: Sequence[str], out: TextIO) -> int:
    """Write `header` and `rows` to `out` (open it with newline=""); returns the number of data rows."""
    writer = csv.writer(out)
    writer.writerow([safe_cell(name) for name in header])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    return count
