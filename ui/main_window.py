"""The main window: a thin shell that hosts the unlock screen and, once unlocked, the pages.

It owns no data. Pages (`ui.pages`) are built for the signed-in role on unlock and destroyed
on lock, which is what clears their models. The shell routes the Runner's "what changed"
signal, language changes and navigation between pages, and carries out a lock:

    1. every page with unsaved changes is asked (`save_or_discard_for_lock(auto)`); on a
       manual lock or quit a page may cancel; an automatic lock cannot be cancelled;
    2. open dialogs are rejected;
    3. the clipboard is cleared if it still holds what we copied;
    4. the pages (and their models) are destroyed;
    5. the unlock screen is shown; when something changed since the last backup, the open vault
       is handed to `auto_backup.BehindTheLock`, which backs it up on a thread of its own and
       then locks it, so the lock never waits for a backup; otherwise it is locked at once.
An automatic lock that arrives while a Runner call is working waits for it to finish. Quitting
waits for the backups still running, behind a progress dialog.

The title is "Aftercare" and, when unlocked, the unit's name: never anything about a case.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QWidget,
)

from app import settings as app_settings
from app import viewer_files
from app.codes import Role, label
from app.context import AppContext
from app.i18n import _
from app.vault import auto_backup
from app.vault.vault import is_vault
from ui.language import Language
from ui.pages import page_classes, preload
from ui.pages.backups_page import BackupsPage, failure_lines
from ui.pages.base import Page
from ui.pages.settings_page import SettingsPage
from ui.pages.unlock_page import UnlockPage
from ui.runner import PROGRESS_DELAY_MS, Runner
from ui.security import SessionGuard, clear_clipboard_if_ours, close_open_dialogs

NAV_STYLE = """
QListWidget#navigation { background: #f3f4f6; border: none; border-right: 1px solid #d9dce1;
    padding-top: 10px; font-size: 11pt; outline: 0; }
QListWidget#navigation::item { padding: 9px 16px; color: #2b2f36; }
QListWidget#navigation::item:selected { background: #dde6f3; color: #12325c;
    border-left: 3px solid #2f5d9b; }
"""


class MainWindow(QMainWindow):
    def __init__(
        self,
        ctx: AppContext,
        *,
        runner: Runner | None = None,
        language: Language | None = None,
        guard: SessionGuard | None = None,
        clock: Callable[[], float] = time.time,
        save_settings: bool = True,
    ):
        super().__init__()
        self.setObjectName("main_window")
        self.ctx = ctx
        viewer_files.remove_all()  # plain copies a crashed session left for a viewer
        self.runner = runner or Runner(self)
        self.language = language or Language(self)
        minutes = ctx.settings.get(app_settings.LOCK_MINUTES, app_settings.LOCK_MINUTES_DEFAULT)
        self.guard = guard or SessionGuard(minutes, parent=self)
        self._save_settings = save_settings
        self._lock_pending = False
        self._pages: list[Page] = []
        self._history: list[str] = []  # page ids shown before the current one
        self._return_to: tuple[str, str] | None = None  # see _open_case
        self.backups = ctx.backups  # the backups behind the lock (app.vault.auto_backup)

        self.unlock_page = UnlockPage(ctx, self.runner, self, clock=clock)
        self.unlock_page.unlocked.connect(self.show_unlocked)
        self.navigation = QListWidget(self, objectName="navigation")
        self.navigation.setFixedWidth(210)
        self.navigation.setIconSize(QSize(0, 0))
        self.navigation.setStyleSheet(NAV_STYLE)
        self.navigation.currentRowChanged.connect(self._nav_changed)
        self.navigation.clicked.connect(lambda index: self._nav_clicked(index.row()))
        self.page_stack = QStackedWidget(self, objectName="pages")
        workspace = QWidget(self, objectName="workspace")
        row = QHBoxLayout(workspace)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.navigation)
        row.addWidget(self.page_stack, 1)
        self.page_stack.setContentsMargins(16, 12, 16, 12)
        self.stack = QStackedWidget(self, objectName="shell")
        self.stack.addWidget(self.unlock_page)
        self.stack.addWidget(workspace)
        self.setCentralWidget(self.stack)

        self.user_label = QLabel(self, objectName="status_user")
        self.statusBar().addPermanentWidget(self.user_label)
        self._build_menus()

        self.runner.changed.connect(self._changed)
        self.runner.idle.connect(self._runner_idle)
        self.language.changed.connect(lambda _locale: self.retranslate_ui())
        self.guard.lock_requested.connect(self.lock)
        self.resize(1120, 720)
        self.retranslate_ui()
        if ctx.is_unlocked:  # straight from the first-run wizard
            self.show_unlocked()
        else:  # once the unlock page is up, the pages' modules load while she types
            QTimer.singleShot(0, preload)

    # --- menus -------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.open_action = QAction(self, objectName="action_open_vault")
        self.open_action.triggered.connect(self.open_vault)
        self.lock_action = QAction(self, objectName="action_lock")
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(lambda: self.lock(False))
        self.quit_action = QAction(self, objectName="action_quit")
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        for action in (self.open_action, self.lock_action):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.go_menu = bar.addMenu("")

    def _rebuild_go_menu(self) -> None:
        self.go_menu.clear()
        self.back_action = self.go_menu.addAction(_("Back"))
        self.back_action.setObjectName("action_back")
        self.back_action.setShortcuts(
            [QKeySequence("Alt+Left"), QKeySequence(QKeySequence.StandardKey.Back)]
        )
        self.back_action.triggered.connect(self.go_back)
        self.back_action.setEnabled(bool(self._history))
        self.go_menu.addSeparator()
        for index, page in enumerate(self._nav_pages()):
            action = self.go_menu.addAction(page.title())
            action.setObjectName(f"action_go_{page.page_id}")
            if index < 9:
                action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, p=page: self.show_page(p.page_id))
        self.go_menu.setEnabled(bool(self._pages))

    # --- language ----------------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        self.file_menu.setTitle(_("&File"))
        self.go_menu.setTitle(_("&Go"))
        self.open_action.setText(_("Open vault..."))
        self.lock_action.setText(_("Lock"))
        self.quit_action.setText(_("Quit"))
        self.unlock_page.retranslate_ui()
        for page in self._pages:
            page.retranslate_ui()
        for row, page in enumerate(self._nav_pages()):
            self.navigation.item(row).setText(page.title())
        self._rebuild_go_menu()
        self._update_title()

    def _update_title(self) -> None:
        opened = self.ctx.opened if self.ctx.is_unlocked else None
        if opened is None:
            self.setWindowTitle(_("Aftercare"))
            self.user_label.setText(_("Locked"))
            return
        self.setWindowTitle(_("Aftercare — {unit}").format(unit=opened.unit.name))
        self.user_label.setText(
            _("Signed in as {name} ({role})").format(
                name=opened.user.name, role=label(Role, opened.user.role)
            )
        )

    # --- pages -------------------------------------------------------------------------------

    def pages(self) -> list[Page]:
        return list(self._pages)

    def page(self, page_id: str) -> Page | None:
        return next((p for p in self._pages if p.page_id == page_id), None)

    def _nav_pages(self) -> list[Page]:
        return [p for p in self._pages if p.in_navigation]

    def show_page(self, page_id: str, argument: object = None) -> Page | None:
        page = self.page(page_id)
        if page is None:
            return None
        shown = self.page_stack.currentWidget()
        if isinstance(shown, Page) and shown is not page and shown in self._pages:
            self._history.append(shown.page_id)  # where Back (Alt+Left, Esc) returns to
            del self._history[:-20]
        nav = self._nav_pages()
        self.navigation.blockSignals(True)
        # A page outside the navigation (the case file) leaves no other page highlighted.
        self.navigation.setCurrentRow(nav.index(page) if page in nav else -1)
        if page not in nav:
            self.navigation.clearSelection()
        self.navigation.blockSignals(False)
        self.page_stack.setCurrentWidget(page)
        if hasattr(self, "back_action"):
            self.back_action.setEnabled(bool(self._history))
        if argument is not None:
            page.open(argument)
        page.refresh()
        return page

    def go_back(self) -> Page | None:
        """The page shown before this one (the case list or follow-ups, from a case)."""
        while self._history:
            previous = self._history.pop()
            if self.page(previous) is not None and previous != self._current_page_id():
                page = self.show_page(previous)
                self._history.pop()  # showing it pushed the page we left: not a way back
                self.back_action.setEnabled(bool(self._history))
                return page
        return None

    def _current_page_id(self) -> str | None:
        shown = self.page_stack.currentWidget()
        return shown.page_id if isinstance(shown, Page) else None

    def _nav_clicked(self, row: int) -> None:
        """A click on the sidebar shows its page, also when its row is current already (as
        after coming back from a case)."""
        nav = self._nav_pages()
        if 0 <= row < len(nav) and self._current_page_id() != nav[row].page_id:
            self.show_page(nav[row].page_id)

    def _nav_changed(self, row: int) -> None:
        nav = self._nav_pages()
        if 0 <= row < len(nav):
            self.show_page(nav[row].page_id)

    def _build_pages(self) -> None:
        role = self.ctx.vault.user.role
        for cls in page_classes():
            if cls.office or not cls.visible_for(role):
                continue
            page = cls(self.ctx, self.runner, self.page_stack)
            page.navigate.connect(self.show_page)
            page.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
            if isinstance(page, SettingsPage):
                page.language_chosen.connect(self.set_language)
                page.lock_minutes_chosen.connect(self.set_lock_minutes)
            if isinstance(page, BackupsPage):
                page.second_folder_chosen.connect(self.set_backup_folder)
                page.open_vault_requested.connect(self.open_restored_vault)
            self._pages.append(page)
            self.page_stack.addWidget(page)
            if page.in_navigation:
                self.navigation.addItem(QListWidgetItem(page.title()))

    def _destroy_pages(self) -> None:
        self.navigation.blockSignals(True)
        self.navigation.clear()
        self.navigation.blockSignals(False)
        for page in self._pages:
            self.page_stack.removeWidget(page)
            page.hide()
            page.deleteLater()
        self._pages = []
        self._history = []
        self._rebuild_go_menu()

    def _changed(self, changes: object) -> None:
        for page in self._pages:
            page.on_changed(changes)

    # --- unlock and lock ---------------------------------------------------------------------

    def show_unlocked(self) -> None:
        """Build the pages for the signed-in user (the context holds the open vault)."""
        self._build_pages()
        self._rebuild_go_menu()
        self.stack.setCurrentIndex(1)
        self.lock_action.setEnabled(True)
        nav = self._nav_pages()
        if nav:
            self.show_page(nav[0].page_id)
        back_to, self._return_to = self._return_to, None
        opened = self.ctx.opened
        if back_to is not None and opened is not None and back_to[0] == opened.user.name:
            self.show_page("case_file", back_to[1])  # where the lock found them
        self.guard.arm()
        self._update_title()
        self._report_backup_problems()

    def lock(self, auto: bool = False) -> bool:
        """Lock now; False when a page's question was cancelled or a call is still running."""
        if not self.ctx.is_unlocked:
            return True
        if self.runner.busy:
            self._lock_pending = self._lock_pending or auto
            return False
        for page in self._pages:
            if page.unsaved_changes() and not page.save_or_discard_for_lock(auto) and not auto:
                return False
        self._lock_pending = False
        self._return_to = self._open_case() if auto else None
        close_open_dialogs()
        clear_clipboard_if_ours()
        self.guard.disarm()
        self._destroy_pages()
        self._lock_behind_a_backup()
        self.unlock_page.reset()
        self.stack.setCurrentIndex(0)
        self.lock_action.setEnabled(False)
        self.statusBar().clearMessage()
        self._update_title()
        return True

    def _open_case(self) -> tuple[str, str] | None:
        """(user, case number) of the case file shown now, to return to after an automatic
        lock (the same user only: another one may not read it)."""
        page = self.page("case_file")
        number = getattr(page, "number", None)
        opened = self.ctx.opened
        if page is None or number is None or opened is None:
            return None
        if self.page_stack.currentWidget() is not page:
            return None
        return opened.user.name, number

    def _lock_behind_a_backup(self) -> None:
        """Lock, and when something changed, hand the vault to a backup that locks it after.
        Nothing here may stop the lock: a backup's failure is in the audit trail (auto_backup
        records it) and is shown at the next unlock."""
        second = self.ctx.settings.get(app_settings.BACKUP_FOLDER)
        try:
            wanted = auto_backup.needs_backup(self.ctx.vault, second)
        except Exception:  # a damaged vault: lock all the same
            wanted = False
        if not wanted:
            self.ctx.lock()
            return
        opened = self.ctx.hand_over()
        if opened is not None:
            self.backups.back_up_then_lock(opened, second)

    def _finish_backups(self) -> None:
        """Before the program ends: wait for the backups behind the lock, saying so when slow."""
        if self.backups.wait(PROGRESS_DELAY_MS / 1000):
            return
        progress = QProgressDialog(_("Finishing the backup of the vault..."), "", 0, 0, self)
        progress.setObjectName("backup_progress")
        progress.setWindowTitle(_("Please wait"))
        progress.setCancelButton(None)  # a half-written backup is worth nothing
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.show()
        while not self.backups.wait(0.05):
            QCoreApplication.processEvents()
        progress.hide()
        progress.deleteLater()

    def _report_backup_problems(self) -> None:
        found = auto_backup.problems(
            self.ctx.vault.conn, self.ctx.settings.get(app_settings.BACKUP_FOLDER)
        )
        if not found:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Automatic backup"),
            _("The last automatic backup did not reach every place:")
            + "\n"
            + failure_lines(found)
            + "\n\n"
            + _(
                "Plug in the backup drive, or ask a supervisor or administrator to choose "
                "another folder on the Backups page. It is tried again at the next lock."
            ),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("backup_problems")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not blocking: the person can read it and go on

    def _runner_idle(self) -> None:
        if self._lock_pending and not self.runner.busy:
            self.lock(True)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.lock(False):
            self.guard.disarm()
            self._finish_backups()
            event.accept()
        else:
            event.ignore()

    # --- settings ----------------------------------------------------------------------------

    def set_language(self, locale: str) -> None:
        self.language.set(locale)
        self.ctx.settings[app_settings.LANGUAGE] = self.language.locale
        self._store_settings()

    def set_lock_minutes(self, minutes: int) -> None:
        self.guard.set_timeout_minutes(minutes)
        self.ctx.settings[app_settings.LOCK_MINUTES] = minutes
        self._store_settings()

    def set_backup_folder(self, folder: str) -> None:
        self.ctx.settings[app_settings.BACKUP_FOLDER] = folder or None
        self._store_settings()

    def _store_settings(self) -> None:
        if self._save_settings:
            app_settings.save(self.ctx.settings)

    # --- another vault -----------------------------------------------------------------------

    def open_vault(self) -> None:
        if not self.lock(False):
            return
        chosen = QFileDialog.getExistingDirectory(
            self,
            _("Open vault"),
            str(Path(self.ctx.vault_folder).parent),
            QFileDialog.Option.ShowDirsOnly | QFileDialog.Option.DontUseNativeDialog,
        )
        if not chosen:
            return
        folder = Path(chosen)
        if is_vault(folder):
            self._use_folder(folder)
            return
        answer = QMessageBox.question(
            self,
            _("Open vault"),
            _("There is no vault in {path}. Create a new vault there?").format(path=folder),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        from ui.pages.first_run import FirstRunWizard

        previous = self.ctx.vault_folder
        self.ctx.vault_folder = folder
        wizard = FirstRunWizard(self.ctx, self.runner, self)
        if wizard.exec() == FirstRunWizard.DialogCode.Accepted and self.ctx.is_unlocked:
            self._use_folder(folder)
            self.show_unlocked()
        else:
            self.ctx.vault_folder = previous

    def open_restored_vault(self, folder: str) -> None:
        if self.lock(False):
            self._use_folder(Path(folder))

    def _use_folder(self, folder: Path) -> None:
        self.ctx.vault_folder = folder
        self.ctx.settings[app_settings.LAST_VAULT] = str(folder)
        self._store_settings()
        self.unlock_page.reset()
