"""The Import spreadsheet wizard: file and sheet, columns, preview, import.

    1 FilePage     the file (read into memory from where it is; never copied) and its sheet
    2 MappingPage  a recognised HTCDS template, or where each column goes; what the sheet lacks
    3 PreviewPage  every row as it will be imported, each problem at its row and cell; Import
                   is enabled once no row that is not skipped has a problem
    4 ResultPage   what was imported

Reading, detecting and previewing use `SheetImport` on the GUI thread (a shelter's sheet is a
few thousand rows at most); `commit`, the only step that writes, runs on the Runner, all or
nothing. Cancelling before Import writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from app import settings as app_settings
from app.context import AppContext
from app.errors import AftercareError
from app.i18n import _, format_number, ngettext
from app.interchange.mapping import Mapping
from app.interchange.sheets import Workbook
from app.services.base import Change
from app.services.sheet_import import Detection, Preview, SheetImport, SheetImportResult
from ui.pages.sheet_import.file_page import NOTE_STYLE, FilePage
from ui.pages.sheet_import.mapping_page import MappingPage
from ui.pages.sheet_import.preview_page import PreviewPage
from ui.runner import Runner, error_text


class ResultPage(QWizardPage):
    def __init__(self, wizard: SheetImportWizard):
        super().__init__(wizard)
        self.setObjectName("sheet_result_page")
        self._wizard = wizard
        self.text = QLabel(self, objectName="sheet_result_text")
        self.text.setWordWrap(True)
        self.text.setStyleSheet("font-size: 11pt;")
        self.detail = QLabel(self, objectName="sheet_result_detail")
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet(NOTE_STYLE)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.detail)
        layout.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(_("Imported"))
        self.setSubTitle("")
        self.initializePage()

    def initializePage(self) -> None:
        result = self._wizard.result
        if result is None:
            return
        text = _("{cases} imported from {rows}.").format(
            cases=ngettext("{n} case", "{n} cases", result.imported).format(
                n=format_number(result.imported)
            ),
            rows=ngettext("{n} row", "{n} rows", result.rows).format(n=format_number(result.rows)),
        )
        if result.skipped_rows:
            text += " " + _("Rows skipped: {rows}.").format(
                rows=", ".join(map(str, result.skipped_rows))
            )
        self.text.setText(text)
        self.detail.setText(
            _("The import is recorded in the audit trail with the file's SHA-256: {digest}").format(
                digest=result.sha256
            )
        )


class SheetImportWizard(QWizard):
    def __init__(
        self,
        ctx: AppContext,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        store_settings: Callable[[dict], None] | None = app_settings.save,
    ):
        super().__init__(parent)
        self.setObjectName("sheet_import_wizard")
        self.ctx = ctx
        self.runner = runner
        self.importer = SheetImport(ctx.vault, today=ctx.today)
        self._store = store_settings
        self.path: Path | None = None
        self.book: Workbook | None = None
        self.detection: Detection | None = None
        self.mapping: Mapping | None = None
        self.preview: Preview | None = None
        self.skip: set[int] = set()
        self.result: SheetImportResult | None = None

        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.result_page = ResultPage(self)
        for page in self._pages():
            self.addPage(page)
        self.setMinimumSize(960, 640)
        self.retranslate_ui()

    def _pages(self) -> tuple[QWizardPage, ...]:
        return (self.file_page, self.mapping_page, self.preview_page, self.result_page)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Import spreadsheet"))
        for page in self._pages():
            page.retranslate_ui()

    # --- the spreadsheet ---------------------------------------------------------------------

    def load_file(self, path: Path) -> str | None:
        """Read and detect `path`; the reason when it cannot be read, else None."""
        self.path = None
        self._set_book(None)
        try:
            with busy_cursor():
                book = self.importer.open(path)
                self._set_book(book)
        except AftercareError as exc:
            return str(exc)
        self.path = path
        return None

    def use_book(self, book: Workbook) -> None:
        """A workbook already in memory (the screenshot mode's invented sheet)."""
        self._set_book(book)

    def _set_book(self, book: Workbook | None) -> None:
        self.book = book
        self.detection = self.importer.detect(book) if book is not None else None
        self.preview = None
        self.skip = set()

    def choose_sheet(self, name: str) -> str | None:
        if self.book is None or (self.detection and self.detection.sheet == name):
            return None
        try:
            self.detection = self.importer.detect(self.book, name)
        except AftercareError as exc:
            return str(exc)
        self.preview = None
        self.skip = set()
        return None

    def reload_file(self) -> str | None:
        """Read the file again (fixed by the person), with the same sheet and mapping."""
        if self.path is None or self.mapping is None:
            return None
        try:
            with busy_cursor():
                self.book = self.importer.open(self.path)
        except AftercareError as exc:
            return str(exc)
        self.skip = set()  # rows may have moved: every skip is chosen again
        return self.make_preview(self.mapping)

    # --- preview and import ------------------------------------------------------------------

    def make_preview(self, mapping: Mapping) -> str | None:
        """The preview for `mapping` and the skipped rows; the reason when there is none."""
        if self.book is None:
            return None
        try:
            with busy_cursor():
                self.preview = self.importer.preview(self.book, mapping, skip_rows=self.skip)
        except AftercareError as exc:
            self.preview = None
            return str(exc)
        self.mapping = mapping
        return None

    def set_skipped(self, row: int, skip: bool) -> None:
        (self.skip.add if skip else self.skip.discard)(row)
        if self.mapping is not None:
            message = self.make_preview(self.mapping)
            self.preview_page.error.setText(message or "")
        self.preview_page.show_preview()

    def start_import(self) -> None:
        preview, importer = self.preview, self.importer
        if preview is None or not preview.ok or self.runner.busy:
            return

        def work() -> tuple[SheetImportResult, Change | None]:
            result = importer.commit(preview)
            first = preview.cases[0].case_number if preview.cases else None
            change = Change(first, importer.case_id(first), "imported") if first else None
            return result, change

        def failed(exc: BaseException) -> None:
            self.preview_page.error.setText(error_text(exc))
            self.preview_page.completeChanged.emit()

        self.preview_page.completeChanged.emit()  # Import is disabled while it runs
        self.runner.run(
            work,
            parent=self,
            label=ngettext(
                "Importing {n} case...",
                "Importing {n} cases...",
                len(preview.cases),
            ).format(n=format_number(len(preview.cases))),
            on_success=self._imported,
            on_error=failed,
            changes=lambda outcome: frozenset({outcome[1]}) if outcome[1] else frozenset(),
        )

    def _imported(self, outcome: tuple[SheetImportResult, Change | None]) -> None:
        self.result = outcome[0]
        self.book = None  # the sheet's cells are not kept once imported
        self.next()

    # --- settings and closing ----------------------------------------------------------------

    def store_settings(self) -> None:
        if self._store is None:
            return
        # A preference that could not be written is not worth stopping for.
        with suppress(OSError):
            self._store(self.ctx.settings)

    def reject(self) -> None:
        if self.runner.busy:  # the import is writing: it finishes, all or nothing
            return
        self.book = None
        super().reject()


@contextmanager
def busy_cursor() -> Iterator[None]:
    """A wait cursor while the sheet is read or previewed on the GUI thread."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
