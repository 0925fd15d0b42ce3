"""Audit (supervisors and administrators): the trail with filters, and the chain check."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import access
from app import audit as audit_trail
from app.audit import ACTION_LABELS, action_label
from app.i18n import _, format_number, ngettext
from ui.models.audit_model import LIMIT, AuditModel, Column
from ui.pages.base import Page
from ui.widgets.date_edit import DateEdit

# Typing in a filter reloads after this pause, not on every key.
FILTER_DELAY_MS = 250


class AuditPage(Page):
    page_id = "audit"
    page_actions = (access.Action.READ_AUDIT,)

    def __init__(self, ctx, runner, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)
        self.model = AuditModel(self)
        self.table = QTableView(self, objectName="audit_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.DETAIL, QHeaderView.ResizeMode.Stretch)

        self.heading = QLabel(self, objectName="audit_heading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.action_filter = QComboBox(self, objectName="audit_action")
        self.user_filter = QLineEdit(self, objectName="audit_user")
        self.case_filter = QLineEdit(self, objectName="audit_case")
        self.since_filter = DateEdit(self)
        self.since_filter.setObjectName("audit_since")
        self.verify_button = QPushButton(self, objectName="audit_verify")
        self.verify_result = QLabel(self, objectName="audit_verify_result")
        self.verify_result.setWordWrap(True)
        self.count_label = QLabel(self, objectName="audit_count")
        self.count_label.setStyleSheet("color: #555;")

        self._verification: audit_trail.Verification | None = None
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(FILTER_DELAY_MS)
        self._reload_timer.timeout.connect(self.refresh)
        self.action_filter.currentIndexChanged.connect(self.refresh)
        for edit in (self.user_filter, self.case_filter):
            edit.setClearButtonEnabled(True)
            edit.textChanged.connect(self._reload_timer.start)
        self.since_filter.dateChanged.connect(self.refresh)
        self.verify_button.clicked.connect(self.verify)

        self._filter_labels = [QLabel(self) for _i in range(4)]
        filters = QHBoxLayout()
        for label, widget in zip(
            self._filter_labels,
            (self.action_filter, self.user_filter, self.case_filter, self.since_filter),
            strict=True,
        ):
            filters.addWidget(label)
            filters.addWidget(widget, 1)
        check = QHBoxLayout()
        check.addWidget(self.verify_button)
        check.addWidget(self.verify_result, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addLayout(check)
        self._fill_actions()
        self.retranslate_ui()

    @classmethod
    def title(cls) -> str:
        return _("Audit trail")

    def _fill_actions(self) -> None:
        self.action_filter.blockSignals(True)
        chosen = self.action_filter.currentData()
        self.action_filter.clear()
        self.action_filter.addItem(_("All actions"), None)
        for code in ACTION_LABELS:
            self.action_filter.addItem(action_label(code), code)
        index = self.action_filter.findData(chosen)
        self.action_filter.setCurrentIndex(max(index, 0))
        self.action_filter.blockSignals(False)

    def retranslate_ui(self) -> None:
        self.heading.setText(_("Audit trail"))
        for label, text in zip(
            self._filter_labels, (_("Action"), _("User"), _("Case"), _("Since")), strict=True
        ):
            label.setText(text)
        self.user_filter.setPlaceholderText(_("any user"))
        self.case_filter.setPlaceholderText(_("any case"))
        self.since_filter.retranslate_ui()
        self.verify_button.setText(_("Check the chain"))
        self._fill_actions()
        self.model.retranslate()
        self._show_count()
        if self._verification is not None:
            self._show_verification(self._verification)

    def filters(self) -> dict:
        return {
            "action": self.action_filter.currentData(),
            "user_name": self.user_filter.text().strip(),
            "case_number": self.case_filter.text().strip(),
            "since": self.since_filter.date(),
        }

    def refresh(self) -> None:
        opened = self.ctx.opened
        if opened is None or not opened.is_open or self.runner.busy:
            return
        self.model.load(self.ctx.services.audit_trail, **self.filters())
        self._show_count()

    def on_changed(self, changes) -> None:
        # Almost every operation writes an audit entry, so any change reloads the list.
        if changes:
            self.refresh()

    def _show_count(self) -> None:
        rows = self.model.rowCount()
        if self.model.truncated:
            text = _("Showing the latest {n} entries; narrow the filters to see older ones.")
            self.count_label.setText(text.format(n=format_number(LIMIT)))
        else:
            self.count_label.setText(
                ngettext("{n} entry", "{n} entries", rows).format(n=format_number(rows))
            )

    def verify(self) -> None:
        if not self.ctx.is_unlocked:
            return
        self.verify_result.clear()
        self._verification = None
        trail = self.ctx.services.audit_trail
        self.runner.run(
            trail.verify,
            parent=self,
            label=_("Checking the audit chain..."),
            on_success=self._show_verification,
            changes=[],
        )

    def _show_verification(self, result: audit_trail.Verification) -> None:
        self._verification = result
        if result.ok:
            self.verify_result.setStyleSheet("color: #1f6f3f;")
            self.verify_result.setText(
                ngettext(
                    "The chain is intact: {n} entry checked, none changed or missing.",
                    "The chain is intact: {n} entries checked, none changed or missing.",
                    result.entries,
                ).format(n=format_number(result.entries))
            )
        else:
            self.verify_result.setStyleSheet("color: #8a1c14; font-weight: 600;")
            self.verify_result.setText(
                _(
                    "The chain is broken at entry {id}: {reason}. Someone changed the vault "
                    "outside Aftercare; tell your supervisor."
                ).format(id=result.first_broken, reason=result.reason)
            )


PAGE = AuditPage
