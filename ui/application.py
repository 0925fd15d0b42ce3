"""The QApplication: a font that has Chinese, Qt's own translations, a calm style.

`create_application()` is called once by the entry point (`aftercare gui`) before any
widget exists. Then `run_window()` shows the first-run wizard when there is no vault, and the
main window.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog

from app import paths
from app.context import AppContext
from app.vault.vault import is_vault
from ui.language import Language
from ui.runner import Runner

# Tried in order after any font shipped in resources/fonts: Windows, macOS, then Linux.
CJK_FAMILIES = (
    "Microsoft YaHei",
    "Microsoft YaHei UI",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
)
FONT_SUFFIXES = (".ttf", ".ttc", ".otf")


def _bundled_families() -> list[str]:
    folder = paths.resource_path("resources", "fonts")
    families: list[str] = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in FONT_SUFFIXES:
                font_id = QFontDatabase.addApplicationFont(str(path))
                if font_id >= 0:
                    families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


def choose_cjk_family() -> str | None:
    """The first family that can write Simplified Chinese, or None when there is none."""
    installed = set(QFontDatabase.families())
    for family in [*_bundled_families(), *CJK_FAMILIES]:
        if family in installed and QFontDatabase.WritingSystem.SimplifiedChinese in (
            QFontDatabase.writingSystems(family)
        ):
            return family
    for family in sorted(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)):
        return family
    return None


def running_application() -> QApplication:
    """The QApplication that create_application made."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("no QApplication is running")
    return app


def create_application(
    argv: list[str] | None = None, *, locale: str
) -> tuple[QApplication, Language]:
    running = QApplication.instance()
    app = (
        running
        if isinstance(running, QApplication)
        else QApplication(argv if argv is not None else sys.argv[:1])
    )
    app.setApplicationName("Aftercare")
    app.setApplicationDisplayName("Aftercare")
    app.setStyle("Fusion")
    family = choose_cjk_family()
    if family:
        font = QFont(app.font())
        # The system's Latin font first where it has the glyph, the CJK family for the rest.
        font.setFamilies([app.font().family(), family])
        font.setPointSize(max(app.font().pointSize(), 10))
        app.setFont(font)
    language = Language(app)
    language.set(locale)
    return app, language


def run_window(ctx: AppContext, language: Language) -> int:
    """Show the wizard if there is no vault yet, then the main window; return the exit code."""
    from ui.main_window import MainWindow
    from ui.pages.first_run import FirstRunWizard

    app = running_application()
    runner = Runner(app)
    if not is_vault(ctx.vault_folder):
        wizard = FirstRunWizard(ctx, runner)
        if wizard.exec() != QDialog.DialogCode.Accepted:
            return 0
    window = MainWindow(ctx, runner=runner, language=language)
    window.show()
    return app.exec()
