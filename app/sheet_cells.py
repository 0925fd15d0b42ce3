"""Every cell the program writes into a workbook goes through here: text stays text.

A spreadsheet program runs a cell whose text starts with `=` as a formula, and Excel and
WPS also take `+`, `-` and `@` for one when a person edits the cell, or a tab or carriage
return before them when the text is pasted; openpyxl makes any string starting with `=` a
formula cell itself, and a string such as `#N/A` an error cell. A survivor's name, an
address or the unit code of a rejected file is data someone else typed, so: a string is
always stored as a string cell (type `s`), and one that starts with any of those marks also
gets Excel's quote prefix, so that editing it keeps it text. The value itself is unchanged,
so importing the workbook gives back exactly the text that was exported.

The program writes no CSV. One that is ever added must prefix such a field with `'`, as
spreadsheet programs do, and do it here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet program may read as the start of a formula.
FORMULA_MARKS = ("=", "+", "-", "@", "\t", "\r")


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write `value` into the cell at (row, column), text as text; returns the cell."""
    cell = sheet.cell(row=row, column=column)
    if not isinstance(cell, Cell):
        raise ValueError(f"{cell.coordinate} lies inside merged cells")
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never "f" (formula) or "e" (error)
        if value.startswith(FORMULA_MARKS):
            cell.quotePrefix = True
    return cell


def append(sheet: Worksheet, values: Iterable[Any]) -> list[Cell]:
    """`sheet.append(values)` (an empty list leaves a blank row), text as text."""
    values = list(values)
    sheet.append(values)
    if not values:
        return []
    # The row append wrote (it made a cell for every value, None too): openpyxl keeps it in
    # `_current_row`. Not `max_row`, which scans every cell of the sheet each time: the
    # roll-up's 20,000-row sheet of files took minutes.
    row: int = vars(sheet)["_current_row"]
    return [put(sheet, row, column, value) for column, value in enumerate(values, start=1)]
