"""Activities in a DataTable: every user-entered cell is a `Text` of cleaned text, never markup."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import DataTable

from kpitui.domain.periods import Period
from kpitui.domain.records import ActivityRecord
from kpitui.ui.show import local_moment, user_text
from kpitui.ui.widgets.fit_columns import fit_column

OUTCOME_SHORT = {"connected": "connected", "voicemail": "voicemail", "no_answer": "no answer"}
OUTCOME_MARK = {"connected": "✓", "voicemail": "vm", "no_answer": "✗"}
NOTE_CELL = 60  # the note column's width where the table has no more room (it grows with the table)
NOTE_TEXT = 1000  # as much of a note as a row ever shows (the column cuts it with …)
COMPACT_NOTE_CELL = 8  # the least: below it the home's recent list would scroll sideways


class ActivityTable(DataTable[Text]):
    """Rows keyed by the activity id (as text), newest first, as the service returns them."""

    # Fixed widths: auto-sized columns were measured at whatever moment rows arrived, so the same data could
    # lay out differently from one run to the next (seen as flaky snapshots under load).
    COLUMNS = (("When", "when", 12), ("Kind", "kind", 8), ("Outcome", "outcome", 9), ("Min", "minutes", 4),
               ("Deal", "deal", 16), ("Note", "note", NOTE_CELL))
    COMPACT = (("When", "when", 9), ("Kind", "kind", 10), ("Deal", "deal", 10), ("Note", "note", COMPACT_NOTE_CELL))

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.compact = compact
        self.records: dict[str, ActivityRecord] = {}

    def on_mount(self) -> None:
        for label, key, width in self.COMPACT if self.compact else self.COLUMNS:
            self.add_column(label, key=key, width=width)

    def on_resize(self) -> None:
        fit_column(self, "note", COMPACT_NOTE_CELL if self.compact else NOTE_CELL)

    def show(self, records: list[ActivityRecord], zone: ZoneInfo, period: Period | None) -> None:
        """Replace the rows, keeping the cursor on the same activity when it is still listed."""
        selected = self.selected_id
        self.clear()
        self.records = {str(r.id): r for r in records}
        for record in records:
            self.add_row(*self._cells(record, zone, period), key=str(record.id))
        if selected is not None and str(selected) in self.records:
            self.move_cursor(row=self.get_row_index(str(selected)))

    def _cells(self, record: ActivityRecord, zone: ZoneInfo, period: Period | None) -> list[Text]:
        kind = record.kind
        outcome = OUTCOME_SHORT.get(record.outcome or "", record.outcome or "")
        when = Text(local_moment(record.occurred_at, zone, period, compact=self.compact))
        note = user_text(record.note.replace("\n", " ⏎ "), limit=NOTE_TEXT)
        if self.compact:
            mark = OUTCOME_MARK.get(record.outcome or "", record.outcome or "")
            what = f"{kind} {mark}" if mark else kind
            return [when, Text(what), user_text(record.deal or "", limit=10), note]
        minutes = Text("" if record.duration_min is None else str(record.duration_min), justify="right")
        return [when, Text(kind), Text(outcome), minutes, user_text(record.deal or "", limit=24), note]

    @property
    def selected_id(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    @property
    def selected(self) -> ActivityRecord | None:
        selected = self.selected_id
        return None if selected is None else self.records.get(str(selected))
