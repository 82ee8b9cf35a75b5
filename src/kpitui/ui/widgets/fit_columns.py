"""A DataTable's text column (a note, a change's detail) takes the width the other columns leave, so a wide
terminal shows whole notes instead of cutting them at a fixed width beside empty space."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable


def fit_column(table: DataTable[Any], key: str, minimum: int) -> None:
    """Column `key` gets the table's width left after every other column (and the cell padding and the
    scrollbar), never less than `minimum` (then the table scrolls sideways)."""
    column = table.columns.get(key)  # type: ignore[call-overload]
    if column is None or not table.size.width:
        return
    others = sum(c.get_render_width(table) for k, c in table.columns.items() if k != key)
    padding = 2 * table.cell_padding
    room = table.size.width - others - padding - table.styles.scrollbar_size_vertical
    width = max(minimum, room)
    if column.width != width:
        column.width = width
        column.auto_width = False
        # DataTable has no public "resize a column": its render caches hold the old width
        table._clear_caches()
        table._require_update_dimensions = True
        table.refresh(layout=True)


class FittedTable(DataTable[Any]):
    """A DataTable whose column `fit` takes the width left by the others (see `fit_column`)."""

    def __init__(self, fit: str, minimum: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fit = fit
        self.minimum = minimum

    def on_resize(self) -> None:
        fit_column(self, self.fit, self.minimum)
