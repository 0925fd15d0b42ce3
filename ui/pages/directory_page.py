"""Directory: organisations to call, refer to and hand out (app/services/directory.py).

Everyone reads it; the roles with EDIT_DIRECTORY add, change and remove entries; supervisors
and administrators export it as a signed file and merge files from other units (with a
preview of every change and who signed it). The national hotlines are marked and fixed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import divisions
from app.access import Action, allowed
from app.codes import ServiceKind, label
from app.directory.model import KIND_LABELS, Organisation, kind_label
from app.errors import AftercareError
from app.i18n import N_, _
from ui.pages.base import Page
from ui.pages.directory.dialogs import (
    ImportPreviewDialog,
    OrganisationDialog,
    ResourcesSheetDialog,
    save_pdf,
    show_error,
)
from ui.runner import AUDIT
from ui.widgets.name_picker import DIVISIONS, NamePicker

DIRECTORY = "directory"  # the change name of this page's own calls
_Index = QModelIndex | QPersistentModelIndex


class DirectoryModel(QAbstractTableModel):
    HEADERS = (N_("Organisation"), N_("Kind"), N_("Phones"), N_("Area served"), N_("Services"), "")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.entries: list[Organisation] = []
        self.contacts: dict[int, str] = {}  # contact id -> name, for the linked ones

    def set_entries(self, entries: list[Organisation], contacts: dict[int, str]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.contacts = contacts
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.HEADERS[section]) if self.HEADERS[section] else ""
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        org = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == len(self.HEADERS) - 1 and org.contact_id in self.contacts:
                return _("Aftercare contact: {name}").format(name=self.contacts[org.contact_id])
            return self._text(org, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and org.national:
            return QColor("#12325c")
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(p for p in (org.address, org.hours, org.notes) if p) or None
        return None

    @staticmethod
    def _text(org: Organisation, column: int) -> str:
        if column == 0:
            return org.name
        if column == 1:
            return kind_label(org.kind)
        if column == 2:
            return ", ".join(org.phones)
        if column == 3:
            return divisions.label(org.division) if org.division else _("Everywhere")
        if column == 4:
            return ", ".join(label(ServiceKind, s) for s in org.services)
        if org.national:
            return _("National hotline")
        return _("From another unit") if org.imported else ""


class DirectoryPage(Page):
    page_id = "directory"

    def __init__(self, ctx: Any, runner: Any, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)
        role = ctx.opened.user.role
        self.editor = allowed(role, Action.EDIT_DIRECTORY)
        self.sharer = allowed(role, Action.SHARE_DIRECTORY)
        self.dialog: QDialog | None = None  # the dialog open now (tests find it here)
        self.heading = QLabel(self, objectName="directory_heading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet("color: #555;")

        self.kind_filter = QComboBox(self, objectName="directory_kind_filter")
        self.place_filter = NamePicker(DIVISIONS, self)
        self.place_filter.setObjectName("directory_place_filter")
        self.text_filter = QLineEdit(self, objectName="directory_text_filter")
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.place_filter.changed.connect(self._place_typed)
        self.text_filter.textChanged.connect(lambda _t: self.refresh())

        self.model = DirectoryModel(self)
        self.table = QTableView(self, objectName="directory_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())

        self.add_button = QPushButton(self, objectName="directory_add")
        self.edit_button = QPushButton(self, objectName="directory_edit")
        self.remove_button = QPushButton(self, objectName="directory_remove")
        self.sheet_button = QPushButton(self, objectName="directory_sheet")
        self.export_button = QPushButton(self, objectName="directory_export")
        self.import_button = QPushButton(self, objectName="directory_import")
        self.add_button.clicked.connect(self.add_entry)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.sheet_button.clicked.connect(self.print_sheet)
        self.export_button.clicked.connect(self.export_file)
        self.import_button.clicked.connect(self.import_file)
        for button in (self.add_button, self.edit_button, self.remove_button):
            button.setVisible(self.editor)
        for button in (self.export_button, self.import_button):
            button.setVisible(self.sharer)

        filters = QHBoxLayout()
        self.filter_labels = (QLabel(self), QLabel(self), QLabel(self))
        for caption, widget in zip(
            self.filter_labels, (self.kind_filter, self.place_filter, self.text_filter), strict=True
        ):
            filters.addWidget(caption)
            filters.addWidget(widget, 1)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button, self.sheet_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.retranslate_ui()

    # --- the Page contract ----------------------------------------------------------------------

    @classmethod
    def title(cls) -> str:
        return _("Directory")

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Directory of services"))
        self.explanation.setText(
            _(
                "Hotlines, appointed hospitals, legal aid centres, schools and other "
                "organisations to call, refer to and hand out. The national hotlines are in "
                "every vault; a province's list is merged from the file its office signs."
            )
        )
        for caption, text in zip(
            self.filter_labels, (_("Kind"), _("Place"), _("Search")), strict=True
        ):
            caption.setText(text)
        current = self.kind_filter.currentData()
        self.kind_filter.blockSignals(True)
        self.kind_filter.clear()
        self.kind_filter.addItem(_("All kinds"), None)
        for code in KIND_LABELS:
            self.kind_filter.addItem(kind_label(code), code)
        self.kind_filter.setCurrentIndex(max(0, self.kind_filter.findData(current)))
        self.kind_filter.blockSignals(False)
        self.place_filter.retranslate_ui()
        self.add_button.setText(_("Add..."))
        self.edit_button.setText(_("Edit..."))
        self.remove_button.setText(_("Remove..."))
        self.sheet_button.setText(_("Resources sheet..."))
        self.export_button.setText(_("Export signed file..."))
        self.import_button.setText(_("Import file..."))
        self.refresh()

    def refresh(self) -> None:
        if not self.ctx.is_unlocked:
            self.model.set_entries([], {})
            return
        place = self.place_filter.form_value() if self.place_filter.input_problem() is None else ""
        try:
            entries = self.ctx.services.directory.entries(
                kind=self.kind_filter.currentData(), division=place or None,
                text=self.text_filter.text(),
            )  # fmt: skip
        except AftercareError as error:
            self.status.emit(str(error))
            return
        contacts = {c.id: c.name for c in self.ctx.services.referrals.contacts()}
        self.model.set_entries(entries, contacts)
        self._update_buttons()

    def on_changed(self, changes: Any) -> None:
        if DIRECTORY in changes:
            self.refresh()

    # --- selection ------------------------------------------------------------------------------

    def selected(self) -> Organisation | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entries[rows[0].row()] if rows else None

    def select_id(self, entry_id: int | None) -> None:
        for row, org in enumerate(self.model.entries):
            if org.id == entry_id:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        org = self.selected()
        changeable = org is not None and not org.national
        self.edit_button.setEnabled(changeable)
        self.remove_button.setEnabled(changeable)

    def _place_typed(self) -> None:
        if self.place_filter.input_problem() is None:
            self.refresh()

    def _announce(self, text: str) -> None:
        self.status.emit(text)
        self.runner.changed.emit(frozenset({DIRECTORY, AUDIT}))

    # --- actions --------------------------------------------------------------------------------

    def add_entry(self) -> None:
        self._edit(None)

    def edit_selected(self) -> None:
        org = self.selected()
        if org is not None and not org.national and self.editor:
            self._edit(org)

    def _edit(self, org: Organisation | None) -> None:
        directory = self.ctx.services.directory
        contacts = [(c.name, c.id) for c in self.ctx.services.referrals.contacts() if c.verified]
        save = directory.edit if org else directory.add
        dialog = OrganisationDialog(save, org, self, contacts=contacts)
        self.dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return
        self._announce(_("“{name}” saved in the directory.").format(name=dialog.saved.name))
        self.select_id(dialog.saved.id)

    def remove_selected(self) -> None:
        org = self.selected()
        if org is None or org.national:
            return
        answer = QMessageBox.question(
            self,
            _("Remove an organisation"),
            _("Remove “{name}” from the directory? Services that name it keep the name.").format(
                name=org.name
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes or not self.ctx.is_unlocked:
            return
        try:
            self.ctx.services.directory.remove(org.id or 0)
        except AftercareError as error:
            show_error(self, error)
            return
        self._announce(_("“{name}” removed from the directory.").format(name=org.name))

    def print_sheet(self) -> None:
        place = self.place_filter.form_value() if self.place_filter.input_problem() is None else ""
        dialog = ResourcesSheetDialog(place or None, (), self)
        self.dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        division, languages = dialog.chosen()
        directory = self.ctx.services.directory
        saved = save_pdf(
            self,
            _("Save the resources sheet"),
            "resources.pdf",
            lambda: directory.resources_sheet(division, languages=languages),
        )
        if saved is not None:
            self._announce(_("Resources sheet saved to {file}.").format(file=saved))

    def export_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Export the directory"), "directory.json", _("Directory files (*.json)")
        )
        if not path:
            return
        try:
            count = self.ctx.services.directory.export_file(path)
        except AftercareError as error:
            show_error(self, error)
            return
        self._announce(
            _("Directory written to {path}, signed by this vault (organisations: {n}).").format(
                path=path, n=count
            )
        )

    def import_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Import a directory file"), "", _("Directory files (*.json)")
        )
        if path:
            self.import_path(path)

    def import_path(self, path: str) -> None:
        directory = self.ctx.services.directory
        try:
            incoming, signer = directory.read_import(path)
        except AftercareError as error:
            show_error(self, error)
            return
        publisher = f"{incoming.publisher_name} ({incoming.publisher_unit})"
        plan = directory.plan_import(incoming)
        dialog = ImportPreviewDialog(publisher, signer, incoming.key_id, plan, self)
        self.dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or not self.ctx.is_unlocked:
            return
        try:
            # The person saw the key in the preview and chose to merge: that is the acceptance.
            done = directory.apply_import(incoming, signer=signer, accept_key=incoming.key_id)
        except AftercareError as error:
            show_error(self, error)
            return
        self._announce(
            _("Directory merged: {added} added, {updated} updated, {removed} removed.").format(
                added=len(done.added), updated=len(done.updated), removed=len(done.removed)
            )
        )


PAGE = DirectoryPage
