"""The import wizard on an invented sheet, for the screenshot mode (`aftercare gui --screenshot`).

The sheet exists only in memory and holds invented people: a shelter's own layout with
Chinese headers, one date that is not a date, and a blank row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from app.interchange.sheets import Table, Workbook
from ui.pages.sheet_import.wizard import SheetImportWizard

HEADERS = ["序号", "姓名", "性别", "出生日期", "籍贯", "接案日期", "状态", "备注"]
ROWS: list[list[Any]] = [
    [1, "林秀英", "女", "2003-04-02", "云南省", "2024-03-05", "在办", "由公安转介"],
    [2, "陈小梅", "女", "1998-02-30", "贵州省", "2024-03-11", "在办", None],
    [None] * 8,
    [3, "Nguyen Thi Hoa", "F", "1996/11/3", "越南", "2024年4月2日", "在办", "需要越南语翻译"],
    [4, "黄丽娟", "女", "1990-07-19", "广西", "2024-05-20", "在办", "已联系家属"],
    [5, "吴春燕", "女", "2001-01-08", "四川省", "2024-06-03", "在办", None],
]


def demo_book() -> Workbook:
    rows: list[tuple[int, list[Any]]] = [(1, list(HEADERS))]
    rows += [(n, cells) for n, cells in enumerate(ROWS, start=2)]
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    return Workbook("个案登记表.xlsx", digest, "xlsx", [Table("个案", rows)])


def wizard_shot(step: str) -> Callable[[QWidget], QWidget]:
    """Open the wizard over the case list on the invented sheet, at `step` (mapping, preview)."""

    def open_over(window) -> QWidget:
        wizard: SheetImportWizard = window.page("cases").sheet_actions.open_import()
        wizard._store = None  # the screenshot mode writes no settings
        wizard.resize(1100, 720)
        wizard.use_book(demo_book())
        wizard.next()
        if step == "preview":
            wizard.next()
        return wizard

    return open_over
