"""Reports (supervisors and administrators): the de-identified summary for the PJC Office.

Pick the period and the protection, preview, then save. The preview shows the signed
document that `Reports.build_summary` returned, and "Save summary..." writes that same
document (JSON and its PDF) with `Reports.write_summary`: what was seen is what is sent.
Changing the period or the protection drops the preview, so nothing unseen can be saved.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import access
from app.codes import prefecture_label
from app.errors import AftercareError
from app.fileio import atomic_write_bytes
from app.i18n import _
from app.services.reports import Reports
from app.summary_labels import SUPPRESSED, period_text
from ui.pages.base import Page
from ui.pages.reports.period_choice import PeriodChooser
from ui.pages.reports.preview import NOTE_STYLE, DocumentPreview
from ui.runner import AUDIT, error_text

DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3  # summary-v1: suppression needs k >= 3
HEADING_STYLE = "font-size: 16pt; font-weight: 600;"
ERROR_STYLE = "color: #8a1c14;"
DONE_STYLE = "color: #1f6f3f;"


def summary_file_name(unit_code: str, period_label: str, suffix: str = ".json") -> str:
    """summary-<unit>-<period>.json: the unit code and period say nothing about a person."""
    return f"summary-{unit_code}-{period_label}{suffix}"


def cannot_write(path: Path, exc: OSError) -> AftercareError:
    """A full disk or a read-only folder, said in words instead of an internal error."""
    return AftercareError(
        _("Cannot write {file}: {reason}").format(file=path, reason=exc.strerror or exc)
    )


def unit_key_bytes(record: dict[str, str]) -> bytes:
    """The unit-key file, as `aftercare unit-key --out` writes it."""
    return (json.dumps(record, indent=1, sort_keys=True) + "\n").encode()


class ReportsPage(Page):
    page_id = "reports"
    page_actions = (access.Action.EXPORT_SUMMARY,)

    def __init__(self, ctx, runner, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)
        self.doc: dict[str, Any] | None = None  # the previewed, signed document
        self.release_text = ""  # what the ledger of releases says about it
        self.last_saved: tuple[Path, Path, str] | None = None  # json, pdf, sha256
        self.save_folder = Path.home()

        self.heading = QLabel(self, objectName="reports_heading")
        self.heading.setStyleSheet(HEADING_STYLE)
        self.intro = QLabel(self, objectName="reports_intro")
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet(NOTE_STYLE)

        self.period_box = QGroupBox(self, objectName="reports_period_box")
        self.period_chooser = PeriodChooser(self.period_box)
        self.period_text = QLabel(self.period_box, objectName="reports_period_text")
        self.period_text.setWordWrap(True)
        self.period_text.setStyleSheet(NOTE_STYLE)
        period_column = QVBoxLayout(self.period_box)
        period_column.addWidget(self.period_chooser)
        period_column.addWidget(self.period_text)

        self.protection_box = QGroupBox(self, objectName="reports_protection_box")
        self.exact_radio = QRadioButton(self.protection_box, objectName="reports_exact")
        self.suppress_radio = QRadioButton(self.protection_box, objectName="reports_suppress")
        self.suppress_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.exact_radio)
        group.addButton(self.suppress_radio)
        self.threshold_spin = QSpinBox(self.protection_box, objectName="reports_threshold")
        self.threshold_spin.setRange(MIN_THRESHOLD, 99)
        self.threshold_spin.setValue(DEFAULT_THRESHOLD)
        self.threshold_label = QLabel(self.protection_box)
        self.protection_text = QLabel(self.protection_box, objectName="reports_protection_text")
        self.protection_text.setWordWrap(True)
        self.protection_text.setStyleSheet(NOTE_STYLE)
        threshold_row = QHBoxLayout()
        threshold_row.setContentsMargins(24, 0, 0, 0)
        threshold_row.addWidget(self.threshold_label)
        threshold_row.addWidget(self.threshold_spin)
        threshold_row.addStretch(1)
        protection_column = QVBoxLayout(self.protection_box)
        protection_column.addWidget(self.suppress_radio)
        protection_column.addLayout(threshold_row)
        protection_column.addWidget(self.exact_radio)
        protection_column.addWidget(self.protection_text)

        self.preview_button = QPushButton(self, objectName="reports_preview")
        self.preview_button.setDefault(True)
        self.save_button = QPushButton(self, objectName="reports_save")
        self.save_result = QLabel(self, objectName="reports_save_result")
        self.save_result.setWordWrap(True)
        self.key_box = QGroupBox(self, objectName="reports_key_box")
        self.key_text = QLabel(self.key_box)
        self.key_text.setWordWrap(True)
        self.key_text.setStyleSheet(NOTE_STYLE)
        self.key_button = QPushButton(self.key_box, objectName="reports_save_key")
        key_column = QVBoxLayout(self.key_box)
        key_column.addWidget(self.key_text)
        key_column.addWidget(self.key_button)

        self.preview_title = QLabel(self, objectName="reports_preview_title")
        self.preview_title.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.preview_facts = QLabel(self, objectName="reports_preview_facts")
        self.preview_facts.setWordWrap(True)
        self.preview_facts.setStyleSheet(NOTE_STYLE)
        self.preview = DocumentPreview(self, name="reports_preview_area")

        controls = QVBoxLayout()
        controls.addWidget(self.period_box)
        controls.addWidget(self.protection_box)
        controls.addWidget(self.preview_button)
        controls.addWidget(self.save_button)
        controls.addWidget(self.save_result)
        controls.addStretch(1)
        controls.addWidget(self.key_box)
        left = QWidget(self)
        left.setLayout(controls)
        left.setFixedWidth(340)
        right = QVBoxLayout()
        right.addWidget(self.preview_title)
        right.addWidget(self.preview_facts)
        right.addWidget(self.preview, 1)
        body = QHBoxLayout()
        body.setSpacing(20)
        body.addWidget(left)
        body.addLayout(right, 1)
        page = QVBoxLayout(self)
        page.addWidget(self.heading)
        page.addWidget(self.intro)
        page.addLayout(body, 1)

        self.period_chooser.changed.connect(self._choice_changed)
        self.exact_radio.toggled.connect(self._choice_changed)
        self.threshold_spin.valueChanged.connect(self._choice_changed)
        self.preview_button.clicked.connect(self.build_preview)
        self.save_button.clicked.connect(self._save_clicked)
        self.key_button.clicked.connect(self._save_key_clicked)
        self.retranslate_ui()
        self._choice_changed()

    @classmethod
    def title(cls) -> str:
        return _("Reports")

    # --- the choice ------------------------------------------------------------------------

    def period_label(self) -> str:
        return self.period_chooser.label()

    def threshold(self) -> int | None:
        """The suppression threshold k, or None for exact counts."""
        return None if self.exact_radio.isChecked() else self.threshold_spin.value()

    def set_choice(self, period_label: str, threshold: int | None) -> None:
        self.period_chooser.set_label(period_label)
        if threshold is None:
            self.exact_radio.setChecked(True)
        else:
            self.suppress_radio.setChecked(True)
            self.threshold_spin.setValue(threshold)

    def _choice_changed(self, *_args: object) -> None:
        self.threshold_spin.setEnabled(self.suppress_radio.isChecked())
        self._show_period_text()
        self._show_protection_text()
        if self.doc is not None:
            self.doc = None
            self.save_result.clear()
        self._show_preview()

    def _show_period_text(self) -> None:
        period = self.period_chooser.period()
        text = period_text(period.as_dict())
        if period.end >= dt.date.today():
            text += " " + _("This period is not over yet: the counts go up to today.")
        self.period_text.setText(text)

    def _show_protection_text(self) -> None:
        k = self.threshold_spin.value()
        if self.threshold() is None:
            text = _(
                "Exact counts, for the PJC Office only: small numbers could point to a person, "
                "so this file must not be passed on."
            )
        else:
            text = _(
                "Counts from 1 to {k_below} are withheld (shown as {mark}), and so is any "
                "count from which one could be worked out; the file may be passed on."
            ).format(k_below=k - 1, mark=SUPPRESSED)
        self.protection_text.setText(text)

    # --- preview ---------------------------------------------------------------------------

    def build_preview(self) -> None:
        """Compute and sign the summary off the GUI thread, then show it."""
        opened = self.ctx.opened
        if opened is None or self.runner.busy:
            return
        label, threshold = self.period_label(), self.threshold()
        self.save_result.clear()

        def build() -> tuple[dict[str, Any], str]:
            reports = Reports(opened)
            doc = reports.build_summary(label, threshold)
            return doc, self._release_text(reports, label, threshold)

        self.runner.run(
            build,
            parent=self,
            label=_("Computing the summary of {period}...").format(period=label),
            on_success=self._preview_ready,
            on_error=self._show_error,
        )

    @staticmethod
    def _release_text(reports: Reports, label: str, threshold: int | None) -> str:
        """What the ledger of releases (summary-v1, A2) says about this summary."""
        if threshold is None:
            return ""
        released = reports.released_on(label, threshold)
        if released is not None:
            return _("Released on {date}: this is that file again, unchanged.").format(
                date=released
            )
        earlier = reports.protected_against(label, threshold)
        if not earlier:
            return ""
        return _("Protected together with the summaries already released: {list}.").format(
            list=", ".join(
                _("{period} (threshold {k}, released {date})").format(
                    period=r["period"], k=r["threshold"], date=r["released_on"]
                )
                for r in earlier
            )
        )

    def _preview_ready(self, result: tuple[dict[str, Any], str]) -> None:
        # The choice cannot change while the progress dialog is modal, but a quick call may
        # finish before it shows: keep the document only if it is still what is chosen.
        doc, self.release_text = result
        threshold = doc["protection"]["threshold"]
        if doc["period"]["label"] != self.period_label() or threshold != self.threshold():
            return
        self.doc = doc
        self._show_preview()

    def _show_preview(self) -> None:
        doc = self.doc
        self.save_button.setEnabled(doc is not None)
        if doc is None:
            self.preview_title.setText(_("Preview"))
            self.preview_facts.setText("")
            self.preview.clear(
                _(
                    "Choose the period and the protection, then Preview. The summary is saved "
                    "exactly as previewed: these tables and indicators, and nothing else."
                )
            )
            return
        unit = doc["unit"]
        self.preview_title.setText(
            _("Summary {period} of unit {unit}").format(
                period=doc["period"]["label"], unit=unit["code"]
            )
        )
        facts = [
            prefecture_label(unit.get("prefecture")),
            period_text(doc["period"]),
            self.protection_text.text(),
            _("Signed with key {key_id}.").format(key_id=doc["signature"]["key_id"]),
            self.release_text,
        ]
        self.preview_facts.setText(" · ".join(f for f in facts if f))
        self.preview.show_document(doc["tables"], doc["indicators"])

    # --- saving ----------------------------------------------------------------------------

    def _save_clicked(self) -> None:
        if self.doc is None:
            return
        name = summary_file_name(self.doc["unit"]["code"], self.doc["period"]["label"])
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save summary"),
            str(self.save_folder / name),
            _("Summary files (*.json)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if path:
            self.save_summary_to(Path(path))

    def save_summary_to(self, path: Path, pdf: Path | None = None) -> None:
        """Write the previewed document to `path` and its PDF beside it (same name, .pdf)."""
        opened, doc = self.ctx.opened, self.doc
        if opened is None or doc is None or self.runner.busy:
            return
        path = path if path.suffix.lower() == ".json" else path.with_name(path.name + ".json")
        pdf = pdf or path.with_suffix(".pdf")
        self.save_folder = path.parent

        def saved(digest: str) -> None:
            self.last_saved = (path, pdf, digest)
            self.save_result.setStyleSheet(DONE_STYLE)
            self.save_result.setText(
                _("Saved {json} and {pdf}. SHA-256: {digest}").format(
                    json=path.name, pdf=pdf.name, digest=digest
                )
            )
            self.status.emit(_("Summary saved to {folder}").format(folder=path.parent))

        def write() -> str:
            try:
                return Reports(opened).write_summary(doc, path, pdf)
            except OSError as exc:
                raise cannot_write(path, exc) from None

        self.runner.run(
            write,
            parent=self,
            label=_("Saving the summary and its PDF..."),
            on_success=saved,
            on_error=self._show_error,
            changes=[AUDIT],
        )

    def _save_key_clicked(self) -> None:
        if self.ctx.opened is None:
            return
        name = f"unit-key-{self.ctx.opened.unit.code}.json"
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save unit key"),
            str(self.save_folder / name),
            _("Unit key files (*.json)"),
            options=QFileDialog.Option.DontUseNativeDialog,
        )
        if path:
            self.save_unit_key_to(Path(path))

    def save_unit_key_to(self, path: Path) -> None:
        """The unit's public key for the PJC Office's trust list (no secret is in it)."""
        opened = self.ctx.opened
        if opened is None:
            return
        try:
            record = Reports(opened).unit_key()
            atomic_write_bytes(path, unit_key_bytes(record), mode=0o644)
        except OSError as exc:
            self._show_error(cannot_write(path, exc))
            return
        self.save_folder = path.parent
        self.save_result.setStyleSheet(DONE_STYLE)
        self.save_result.setText(
            _("Unit key {key_id} saved to {file}; send it to the PJC Office.").format(
                key_id=record["key_id"], file=path.name
            )
        )

    def _show_error(self, exc: BaseException) -> None:
        self.save_result.setStyleSheet(ERROR_STYLE)
        self.save_result.setText(error_text(exc))

    # --- the shell's hooks -----------------------------------------------------------------

    def open(self, argument: Any) -> None:
        """ "preview": preview the chosen period; a period label: choose it and preview."""
        if isinstance(argument, str) and argument != "preview":
            self.period_chooser.set_label(argument)
        self.build_preview()

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Summary for the PJC Office"))
        self.intro.setText(
            _(
                "A summary holds only counts over broad groups for one period: no names, "
                "numbers, dates or notes about any person. It is signed with this unit's key."
            )
        )
        self.period_box.setTitle(_("Period"))
        self.period_chooser.retranslate_ui()
        self.protection_box.setTitle(_("Protection"))
        self.suppress_radio.setText(_("Withhold small counts"))
        self.threshold_label.setText(_("Threshold"))
        self.exact_radio.setText(_("None: exact counts, for the PJC Office only"))
        self.preview_button.setText(_("Preview"))
        self.save_button.setText(_("Save summary..."))
        self.key_box.setTitle(_("Unit key"))
        self.key_text.setText(
            _(
                "The PJC Office registers this unit's public key once, to check that its "
                "summaries really come from here."
            )
        )
        self.key_button.setText(_("Save unit key..."))
        self._show_period_text()
        self._show_protection_text()
        self._show_preview()


PAGE = ReportsPage
