"""Backups (supervisors and administrators): the backup files, "Back up now", restoring one
into a new folder, and the second backup folder (a USB stick).

The page only says what the person chose for the second folder; the shell stores it
(`second_folder_chosen`) and opens a restored vault (`open_vault_requested`), locking this one
first. The restored vault proves itself when it is unlocked with the same passphrases.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import access
from app import settings as app_settings
from app.i18n import _, format_datetime
from app.vault import auto_backup
from ui.models.backups_model import BackupsModel
from ui.pages.base import Page
from ui.runner import AUDIT

BACKUPS = "backups"  # the change name of an operation that wrote or removed backup files


def failure_lines(failures: list[auto_backup.Failure]) -> str:
    lines = []
    for failure in failures:
        place = (
            _("the backups folder of this vault")
            if failure.where == auto_backup.VAULT
            else _("the second backup folder {path}").format(path=failure.folder)
        )
        when = (
            format_datetime(dt.datetime.fromisoformat(failure.at).astimezone())
            if failure.at
            else ""
        )
        lines.append(
            "• "
            + (_("{place} ({when}): {reason}") if when else _("{place}: {reason}")).format(
                place=place, when=when, reason=failure.reason
            )
        )
    return "\n".join(lines)


class BackupsPage(Page):
    page_id = "backups"
    page_actions = (access.Action.BACK_UP,)

    second_folder_chosen = Signal(str)  # "" for none
    open_vault_requested = Signal(str)

    def __init__(self, ctx, runner, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)
        self.model = BackupsModel(self)
        self.table = QTableView(self, objectName="backups_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.heading = QLabel(self, objectName="backups_heading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet("color: #555;")
        self.problem_label = QLabel(self, objectName="backups_problems")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #9b1c1c;")
        self.backup_button = QPushButton(self, objectName="backup_now_button")
        self.restore_button = QPushButton(self, objectName="restore_button")
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)

        self.second_box = QGroupBox(self, objectName="backups_second_box")
        self._second_label = QLabel(self)
        self.second_value = QLabel(self, objectName="backups_second_folder")
        self.second_value.setWordWrap(True)
        self._second_help = QLabel(self)
        self._second_help.setWordWrap(True)
        self._second_help.setStyleSheet("color: #555;")
        self.choose_button = QPushButton(self, objectName="backups_choose_second")
        self.clear_button = QPushButton(self, objectName="backups_clear_second")
        self.choose_button.clicked.connect(self.choose_second_folder)
        self.clear_button.clicked.connect(self.clear_second_folder)
        second_buttons = QHBoxLayout()
        second_buttons.addWidget(self.choose_button)
        second_buttons.addWidget(self.clear_button)
        second_buttons.addStretch(1)
        form = QFormLayout(self.second_box)
        form.addRow(self._second_label, self.second_value)
        form.addRow("", self._second_help)
        form.addRow("", second_buttons)

        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.problem_label)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.second_box)
        self.retranslate_ui()
        self._update_buttons()

    @classmethod
    def title(cls) -> str:
        return _("Backups")

    def second_folder(self) -> str | None:
        return self.ctx.settings.get(app_settings.BACKUP_FOLDER)

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Backups"))
        self.explanation.setText(
            _(
                "Encrypted copies of this vault. One is made when the vault is locked or the "
                "program is closed after a change; the last 10 are kept, and the newest of each "
                "month. A backup opens only with this vault's passphrases or recovery code."
            )
        )
        self.backup_button.setText(_("Back up now"))
        self.restore_button.setText(_("Restore into a new folder..."))
        self.second_box.setTitle(_("Second backup folder"))
        self._second_label.setText(_("Folder"))
        self._second_help.setText(
            _(
                "For example a USB stick kept in a locked drawer. Each backup is copied there "
                "too; if it is not plugged in, the lock still happens and you are told at the "
                "next sign-in. This setting belongs to this computer."
            )
        )
        self.choose_button.setText(_("Choose..."))
        self.clear_button.setText(_("Do not use a second folder"))
        self.model.retranslate()
        self._show_second_folder()

    def _show_second_folder(self) -> None:
        folder = self.second_folder()
        self.second_value.setText(folder or _("None"))
        self.clear_button.setEnabled(bool(folder))

    def refresh(self) -> None:
        opened = self.ctx.opened
        self._show_second_folder()
        if opened is None or not opened.is_open:
            self.model.clear()
            self.problem_label.hide()
            self._update_buttons()
            return
        self.model.set_files(auto_backup.list_backups(opened, self.second_folder()))
        found = auto_backup.problems(opened.conn, self.second_folder())
        self.problem_label.setVisible(bool(found))
        if found:
            self.problem_label.setText(
                _("The last automatic backup did not reach every place:")
                + "\n"
                + failure_lines(found)
            )
        self._update_buttons()

    def on_changed(self, changes) -> None:
        if BACKUPS in changes:
            self.refresh()

    def selected_file(self) -> auto_backup.BackupFile | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.file(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected_file() is not None)

    # --- actions -----------------------------------------------------------------------------

    def back_up_now(self) -> None:
        if not self.ctx.is_unlocked:
            return
        backups, second = self.ctx.services.backups, self.second_folder()
        self.runner.run(
            lambda: backups.back_up_now(second),
            parent=self,
            label=_("Writing and checking the backup..."),
            on_success=self._backed_up,
            changes=[AUDIT, BACKUPS],
        )

    def _backed_up(self, outcome: auto_backup.Outcome) -> None:
        if outcome.failures:
            QMessageBox.warning(
                self,
                _("Back up now"),
                _("The backup did not reach every place:")
                + "\n"
                + failure_lines(list(outcome.failures)),
            )
        if outcome.written:
            self.status.emit(_("Backup written and checked."))

    def choose_second_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self,
            _("Second backup folder"),
            self.second_folder() or "",
            QFileDialog.Option.ShowDirsOnly | QFileDialog.Option.DontUseNativeDialog,
        )
        if chosen:
            self.second_folder_chosen.emit(chosen)
            self.refresh()

    def clear_second_folder(self) -> None:
        self.second_folder_chosen.emit("")
        self.refresh()

    def restore_selected(self) -> None:
        chosen = self.selected_file()
        if chosen is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self,
            _("Restore into a new folder"),
            str(Path(self.ctx.vault_folder).parent),
            QFileDialog.Option.ShowDirsOnly | QFileDialog.Option.DontUseNativeDialog,
        )
        if folder:
            self.restore_into(chosen.path, Path(folder))

    def restore_into(self, backup_file: Path, folder: Path) -> None:
        """Restore `backup_file` into `folder` if it is empty, else into a new folder in it."""
        target = folder
        if folder.is_dir() and any(folder.iterdir()):
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            target = folder / f"aftercare-restored-{stamp}"
        backups = self.ctx.services.backups
        self.runner.run(
            lambda: backups.restore(backup_file, target),
            parent=self,
            label=_("Restoring the backup..."),
            on_success=self._restored,
            changes=[AUDIT],
        )

    def _restored(self, target: Path) -> None:
        answer = QMessageBox.question(
            self,
            _("Restore into a new folder"),
            _(
                "The backup was restored into {path}. Open the restored vault now? This vault "
                "is locked first; sign in to the restored one with the same passphrase."
            ).format(path=target),
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
            QMessageBox.StandardButton.Open,
        )
        if answer == QMessageBox.StandardButton.Open:
            self.open_vault_requested.emit(str(target))


PAGE = BackupsPage
