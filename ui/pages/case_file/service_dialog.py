"""Add or edit a service, with the detail fields of its kind.

A school enrolment is a service of kind schooling with the school and the grade; legal aid
has the lawyer, the firm and the stage; medical care the hospital (ui.models.entry_models
KIND_DETAILS). Changing the kind shows that kind's detail fields, and puts the directory's
organisations offering that kind first among the provider's suggestions. Detail keys the entry
holds that the form does not know (from an import, say) are kept as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

from app.codes import LegalStage, ServiceKind, ServiceStatus
from app.domain.model import Service
from app.i18n import N_, _
from ui.models.entry_models import DETAIL_LABELS, KIND_DETAILS, NUMBER_DETAILS, PROVIDER_DETAIL
from ui.pages.case_file.entry_dialogs import EntryDialog, text_box
from ui.pages.case_file.forms import blank_to_none, iso, parse_date
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import DateEdit


class StageCombo(CodeCombo):
    """The stage of a legal-aid case from a list; free text an older file holds is offered
    as it is, so opening and saving an entry never changes it."""

    def __init__(self, parent=None):
        super().__init__(LegalStage, blank=True, blank_text=N_("Not recorded"), parent=parent)
        self.changed = self.currentIndexChanged

    def form_value(self) -> str:
        return self.code() or ""

    def set_form_value(self, value: str | None) -> None:
        if value and self.findData(value) < 0:
            self._codes.append(value)
            self.addItem(value, value)
        self.setCurrentIndex(max(self.findData(value or None), 0))

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)


class ServiceDialog(EntryDialog):
    kind_name = "service"
    add_title = N_("Add a service")
    edit_title = N_("Edit the service")

    def __init__(
        self,
        case_number,
        save,
        entry=None,
        *,
        today,
        kinds: Iterable[str],
        kind=None,
        providers: Callable[[str | None], list[str]] | None = None,
        parent=None,
    ):
        super().__init__(case_number, save, entry, today=today, parent=parent)
        # Names from the directory of services, those offering the chosen kind first; the
        # provider stays free text, so a place not in the directory can still be typed.
        self._providers = providers
        self._provider_names = QStringListModel(self)
        self._kinds = list(kinds)
        self._first_kind = kind or self._kinds[0]
        self._extra = {
            k: v for k, v in (entry.details if entry else {}).items() if k not in DETAIL_LABELS
        }
        # A school, hospital, employer or law firm is the service's provider, asked once; an
        # older entry's different value there is kept as it was.
        if entry and (named := PROVIDER_DETAIL.get(entry.kind)):
            held = entry.details.get(named)
            if held and entry.provider and held != entry.provider:
                self._extra[named] = held
        form = self.form
        form.add_field(
            "kind", N_("Service"), CodeCombo(ServiceKind, codes=self._kinds, parent=self)
        )
        form.add_field("status", N_("Status"), CodeCombo(ServiceStatus, parent=self))
        form.add_field("started_on", N_("Started on"), DateEdit(self))
        form.add_field("ended_on", N_("Ended on"), DateEdit(self))
        provider = QLineEdit(self)
        completer = QCompleter(self._provider_names, provider)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        provider.setCompleter(completer)
        form.add_field("provider", N_("Provider"), provider)
        for key, text in DETAIL_LABELS.items():
            widget = StageCombo(self) if key == "stage" else QLineEdit(self)
            form.add_field(f"details.{key}", text, widget)
        form.add_field("notes", N_("Notes"), text_box(self))
        form.field("kind", CodeCombo).currentIndexChanged.connect(self._show_kind_details)
        self.finish_setup()
        self._show_kind_details()

    def _show_kind_details(self) -> None:
        kind = self.form.field("kind", CodeCombo).code()
        if self._providers is not None:
            self._provider_names.setStringList(self._providers(kind))
        named = PROVIDER_DETAIL.get(kind or "")
        shown = [k for k in KIND_DETAILS.get(kind or "", ()) if k != named]
        for key in DETAIL_LABELS:
            self.form.set_field_visible(f"details.{key}", key in shown)
        caption, _text = self.form._labels["provider"]
        text = DETAIL_LABELS[named] if named else N_("Provider")
        self.form._labels["provider"] = (caption, text)
        caption.setText(_(text))
        self.adjustSize()

    def state_of(self, entry: Service | None) -> dict[str, Any]:
        entry = entry or Service(kind=self._first_kind, status="ongoing", started_on=self.today)
        state = {
            "kind": entry.kind,
            "status": entry.status,
            "started_on": iso(entry.started_on),
            "ended_on": iso(entry.ended_on),
            "provider": entry.provider
            or str(entry.details.get(PROVIDER_DETAIL.get(entry.kind, ""), "")),
            "notes": entry.notes or "",
        }
        for key in DETAIL_LABELS:
            value = entry.details.get(key)
            state[f"details.{key}"] = "" if value is None else str(value)
        return state

    def build(self, state: dict[str, Any]) -> Service:
        details: dict[str, Any] = dict(self._extra)
        named = PROVIDER_DETAIL.get(state["kind"])
        for key in KIND_DETAILS.get(state["kind"], ()):
            if key == named:
                continue  # asked as the provider
            text = str(state[f"details.{key}"]).strip()
            if text:
                details[key] = int(text) if key in NUMBER_DETAILS and text.isdigit() else text
        return Service(
            kind=state["kind"],
            status=state["status"],
            started_on=parse_date(state["started_on"]),
            ended_on=parse_date(state["ended_on"]),
            provider=blank_to_none(state["provider"]),
            details=details,
            notes=blank_to_none(state["notes"]),
            id=self.entry_id,
        )
