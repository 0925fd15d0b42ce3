"""Switching the language while the program runs.

Our own strings come from gettext (`app.i18n`); Qt's own (standard buttons, context menus of
text fields, the file dialog) come from PySide6's `qtbase_<locale>.qm`, which the wheel ships.
`Language.set` switches both, then emits `changed`; the window asks every page to
`retranslate_ui()`.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QFileDialog

from app import i18n


class FileDialogLabels(QObject):
    """Qt 6's file dialog asks for "&Look in:" and "Files of &type:", which the
    qtbase_zh_CN.qm in the PySide6 wheel lacks (it has them without the "&"): every file
    dialog the program shows gets those two labels from our own catalog as it appears."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if event.type() == QEvent.Type.Show and isinstance(watched, QFileDialog):
            watched.setLabelText(QFileDialog.DialogLabel.LookIn, i18n._("Look in:"))
            watched.setLabelText(QFileDialog.DialogLabel.FileType, i18n._("Files of type:"))
        return False


def qt_translations_dir() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


class Language(QObject):
    changed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._translator: QTranslator | None = None
        self._labels = FileDialogLabels(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self._labels)

    @property
    def locale(self) -> str:
        return i18n.current_locale()

    def set(self, locale: str) -> None:
        i18n.set_locale(locale)
        locale = i18n.current_locale()  # an unknown one falls back to the default
        QLocale.setDefault(QLocale(locale))
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator = None
        if locale != "en":
            translator = QTranslator(self)
            if translator.load(f"qtbase_{locale}", qt_translations_dir()):
                QCoreApplication.installTranslator(translator)
                self._translator = translator
        self.changed.emit(locale)

    @property
    def qt_translator_loaded(self) -> bool:
        return self._translator is not None
