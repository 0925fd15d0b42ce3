"""Dialogs of the directory of services, shared by the Directory page, the case file (the
resources sheet) and the Refer dialog (a referral by letter).

They take plain functions (save, print) instead of pages, so that no page reaches into
another: the caller passes the service call, the dialog shows its refusal in words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.codes import ServiceKind, label
from app.directory.model import KIND_LABELS, Organisation, changed_fields, kind_label
from app.directory.sharing import MergePlan
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from ui.widgets.name_picker import DIVISIONS, LANGUAGES, ListPicker, NamePicker, split_list


def show_error(parent: QWidget, error: AftercareError) -> None:
    QMessageBox.warning(parent, _("Directory of services"), str(error))


def save_pdf(parent: QWidget, title: str, suggested: str, data: Callable[[], bytes]) -> Path | None:
    """Ask where to save, then make the PDF and write it; None when cancelled or refused."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, _("PDF files (*.pdf)"))
    if not path:
        return None
    target = Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")
    try:
        atomic_write_bytes(target, data())
    except AftercareError as error:
        show_error(parent, error)
        return None
    except OSError as exc:
        show_error(parent, AftercareError(_("Cannot write {file}: {reason}").format(
            file=target, reason=exc.strerror)))  # fmt: skip
        return None
    return target


class OrganisationDialog(QDialog):
    """Add or edit one organisation. `save` is the service call; its refusal is shown and
    the dialog stays open with what was typed."""

    def __init__(
        self,
        save: Callable[[Organisation], Organisation],
        entry: Organisation | None = None,
        parent: QWidget | None = None,
        *,
        contacts: Sequence[tuple[str, int]] = (),
    ):
        super().__init__(parent)
        self.setObjectName("organisation_dialog")
        self.setWindowTitle(_("Edit the organisation") if entry else _("Add an organisation"))
        self._save = save
        self._entry = entry or Organisation(name="", kind="hotline")
        self.saved: Organisation | None = None
        self.name = QLineEdit(self._entry.name, self, objectName="org_name")
        self.kind = QComboBox(self, objectName="org_kind")
        for code in KIND_LABELS:
            self.kind.addItem(kind_label(code), code)
        self.kind.setCurrentIndex(max(0, self.kind.findData(self._entry.kind)))
        self.services = QListWidget(self, objectName="org_services")
        for kind in ServiceKind:
            item = QListWidgetItem(label(ServiceKind, kind), self.services)
            item.setData(Qt.ItemDataRole.UserRole, kind.value)
            checked = kind.value in self._entry.services
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.services.setMaximumHeight(120)
        self.division = NamePicker(DIVISIONS, self)
        self.division.setObjectName("org_division")
        self.division.set_form_value(self._entry.division)
        self.address = QLineEdit(self._entry.address, self, objectName="org_address")
        self.phones = QLineEdit(", ".join(self._entry.phones), self, objectName="org_phones")
        self.hours = QLineEdit(self._entry.hours, self, objectName="org_hours")
        self.languages = ListPicker(LANGUAGES, self)
        self.languages.setObjectName("org_languages")
        self.languages.set_form_value(", ".join(self._entry.languages))
        # An organisation with an Aftercare vault is one of the contacts: referrals to it go
        # as packages, not letters.
        self.contact = QComboBox(self, objectName="org_contact")
        self.contact.addItem(_("No: referrals go by letter"), None)
        for name, contact_id in contacts:
            self.contact.addItem(name, contact_id)
        self.contact.setCurrentIndex(max(0, self.contact.findData(self._entry.contact_id)))
        self.notes = QPlainTextEdit(self._entry.notes, self, objectName="org_notes")
        self.notes.setMaximumHeight(80)
        self.problem = QLabel(self, objectName="org_problem")
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.setWordWrap(True)
        self.problem.hide()

        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Services offered"), self.services)
        form.addRow(_("Area served (empty: everywhere)"), self.division)
        form.addRow(_("Address"), self.address)
        form.addRow(_("Phones (separate with commas)"), self.phones)
        form.addRow(_("Opening hours"), self.hours)
        form.addRow(_("Languages spoken"), self.languages)
        form.addRow(_("Aftercare contact"), self.contact)
        form.addRow(_("Notes"), self.notes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept_if_saved)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(560, 620)

    def entry(self) -> Organisation:
        services = []
        for row in range(self.services.count()):
            item = self.services.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                services.append(item.data(Qt.ItemDataRole.UserRole))
        return replace(
            self._entry,
            name=self.name.text(),
            kind=self.kind.currentData(),
            services=tuple(services),
            division=self.division.form_value() or None,
            address=self.address.text(),
            phones=tuple(split_list(self.phones.text())),
            hours=self.hours.text(),
            languages=tuple(split_list(self.languages.form_value())),
            notes=self.notes.toPlainText(),
            contact_id=self.contact.currentData(),
        )

    def accept_if_saved(self) -> None:
        problem = self.division.input_problem() or self.languages.input_problem()
        if problem is None:
            try:
                self.saved = self._save(self.entry())
            except AftercareError as error:
                problem = str(error)
        if problem is not None:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.accept()


def plan_lines(plan: MergePlan) -> list[str]:
    """The changes of an import, one line each, as the command prints them."""
    lines = [_("New: {name}").format(name=o.name) for o in plan.added]
    for old, new in plan.updated:
        changed = changed_fields(old, new)
        lines.append(
            _("Changed: {name} ({fields})").format(name=new.name, fields=", ".join(changed))
        )
    lines += [_("No longer listed, removed: {name}").format(name=o.name) for o in plan.removed]
    lines += [_("Yours, kept as it is: {name}").format(name=o.name) for o in plan.kept_ours]
    return lines or [_("Nothing changes: the directory already matches the file.")]


class ImportPreviewDialog(QDialog):
    """What a directory file would change, who signed it, and the one button that merges it."""

    def __init__(self, publisher: str, signer: str | None, key_id: str, plan: MergePlan,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.setObjectName("directory_import_dialog")
        self.setWindowTitle(_("Import a directory file"))
        if signer is not None:
            who = _("Signed by your contact “{name}”.").format(name=signer)
        else:
            who = _(
                "Signed with key {key}, which is not one of your contacts. Import only if the "
                "publisher confirms this key by telephone."
            ).format(key=key_id)
        head = QLabel(f"{publisher}\n{who}", self, objectName="directory_import_signer")
        head.setWordWrap(True)
        changes = QPlainTextEdit("\n".join(plan_lines(plan)), self)
        changes.setObjectName("directory_import_changes")
        changes.setReadOnly(True)
        buttons = QDialogButtonBox(self)
        merge = buttons.addButton(
            _("Merge into my directory"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        merge.setObjectName("directory_import_merge")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(changes, 1)
        layout.addWidget(buttons)
        self.resize(560, 420)


class ResourcesSheetDialog(QDialog):
    """Where she goes and which languages she reads: the two things a resources sheet needs."""

    def __init__(
        self, division: str | None, languages: tuple[str, ...], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("resources_sheet_dialog")
        self.setWindowTitle(_("Resources sheet for leaving"))
        explanation = QLabel(
            _(
                "A one-page list of hotlines and services near where she goes, to take with "
                "her. It holds nothing about her or her case, and not the shelter's name."
            ),
            self,
        )
        explanation.setWordWrap(True)
        self.division = NamePicker(DIVISIONS, self)
        self.division.setObjectName("sheet_division")
        self.division.set_form_value(division)
        self.languages = ListPicker(LANGUAGES, self)
        self.languages.setObjectName("sheet_languages")
        self.languages.set_form_value(", ".join(languages))
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()
        form = QFormLayout()
        form.addRow(_("Where she goes"), self.division)
        form.addRow(_("Languages she reads"), self.languages)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[str, tuple[str, ...]]:
        return self.division.form_value(), tuple(split_list(self.languages.form_value()))

    def _check(self) -> None:
        problem = self.division.input_problem() or self.languages.input_problem()
        if problem is None and not self.division.form_value():
            problem = _("Choose the place she goes to.")
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.accept()
