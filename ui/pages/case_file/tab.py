"""One tab of the case file: the forms and lists of one section, and a line on what is hidden.

The page asks a tab for its `forms` (saved with the page's Save button, compared for unsaved
changes) and its `lists` (whose buttons the page answers), loads the case into it, and
retranslates it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from app.access import Level
from app.domain.model import Case
from app.i18n import _
from ui.pages.case_file.entry_list import EntryList
from ui.pages.case_file.forms import hint_label
from ui.pages.case_file.section_form import SectionForm


class CaseTab(QWidget):
    def __init__(self, section: str, level: Level, hint: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"tab_{section}")
        self.section = section
        self.level = level
        self.forms: list[SectionForm] = []
        self.lists: list[EntryList] = []
        self.panels: list[QWidget] = []  # attachments and the photo: load(case_number)
        self._beside_form: QHBoxLayout | None = None
        self._hint_text = hint
        self.hint = hint_label(f"hint_{section}", self)
        self.hint.setVisible(bool(hint))
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(12, 12, 12, 12)
        self.column.setSpacing(12)
        self.column.addWidget(self.hint)
        self.column.addStretch(0)  # below everything: the room empty lists do not take

    def add_form(self, form: SectionForm, *, scroll: bool = True) -> SectionForm:
        self.forms.append(form)
        form.setMaximumWidth(860)
        if not scroll:
            self.column.insertWidget(self.column.count() - 1, form)
            return form
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget(area)
        inner_column = QVBoxLayout(inner)
        inner_column.setContentsMargins(0, 0, 8, 0)
        inner_column.addWidget(form)
        inner_column.addStretch(1)
        area.setWidget(inner)
        row = QHBoxLayout()
        row.addWidget(area, 1)
        self.column.insertLayout(self.column.count() - 1, row, 1)
        self._beside_form = self._beside_form or row
        return form

    def add_list(self, entries: EntryList) -> EntryList:
        self.lists.append(entries)
        self.column.insertWidget(self.column.count() - 1, entries, 1)
        return entries

    def add_panel(self, panel: QWidget, *, beside_form: bool = False) -> QWidget:
        """A panel with `load(case_number)` and `retranslate_ui()`: to the right of the first
        form (the photo), or below the forms and lists."""
        self.panels.append(panel)
        if beside_form and self._beside_form is not None:
            self._beside_form.addWidget(panel, 0, Qt.AlignmentFlag.AlignTop)
        else:
            self.column.insertWidget(self.column.count() - 1, panel)
        return panel

    def load(self, case: Case) -> None:
        for form in self.forms:
            form.load(case)
        for entries in self.lists:
            entries.load(case)
        for panel in self.panels:
            panel.load(case.case_number)  # type: ignore[attr-defined]

    def retranslate_ui(self) -> None:
        self.hint.setText(_(self._hint_text) if self._hint_text else "")
        for form in self.forms:
            form.retranslate_ui()
        for entries in self.lists:
            entries.retranslate_ui()
        for panel in self.panels:
            panel.retranslate_ui()  # type: ignore[attr-defined]
