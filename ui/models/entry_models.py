"""Table models over the lists of one case file: services, follow-ups, referrals, notes.

Each model shows the entries it is given (already redacted by the service) with a column
list chosen by the section's level: with `restricted` (LIST) only kind, status and dates,
never a column that would be empty because its content was withheld. `entry(row)` gives the
entry behind a row, for the edit and delete buttons. Rows are sorted by their date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.codes import (
    LegalStage,
    LivingConditions,
    ReferralStatus,
    ReferralTo,
    Section,
    ServiceKind,
    ServiceStatus,
    label,
)
from app.domain.model import Followup, Note, Referral, Service
from app.i18n import N_, _, format_date

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

# Kinds whose provider is named by a detail: the form asks once, under the detail's name.
PROVIDER_DETAIL: dict[str, str] = {
    ServiceKind.SCHOOLING: "school",
    ServiceKind.MEDICAL_CARE: "hospital",
    ServiceKind.EMPLOYMENT_SUPPORT: "employer",
    ServiceKind.LEGAL_AID: "firm",
}

# The detail fields a service of each kind offers (the demo data and spreadsheets use these
# keys); other keys an entry holds are kept and shown under their own names.
KIND_DETAILS: dict[str, tuple[str, ...]] = {
    ServiceKind.SCHOOLING: ("school", "grade"),
    ServiceKind.VOCATIONAL_TRAINING: ("course",),
    ServiceKind.LIFE_SKILLS_TRAINING: ("sessions",),
    ServiceKind.EMPLOYMENT_SUPPORT: ("employer", "position"),
    ServiceKind.FAMILY_TRACING: ("method",),
    ServiceKind.FAMILY_REUNIFICATION: ("escort",),
    ServiceKind.FINANCIAL_ASSISTANCE: ("type", "amount"),
    ServiceKind.MEDICAL_CARE: ("hospital",),
    ServiceKind.PSYCHOLOGICAL_CARE: ("sessions",),
    ServiceKind.LEGAL_AID: ("lawyer", "firm", "stage"),
}
NUMBER_DETAILS = frozenset({"sessions", "amount"})
DETAIL_LABELS: dict[str, str] = {
    "school": N_("School"),
    "grade": N_("Grade"),
    "course": N_("Course"),
    "sessions": N_("Sessions"),
    "employer": N_("Employer"),
    "position": N_("Position"),
    "method": N_("Method"),
    "escort": N_("Escort"),
    "type": N_("Type"),
    "amount": N_("Amount (yuan)"),
    "hospital": N_("Hospital"),
    "lawyer": N_("Lawyer"),
    "firm": N_("Law firm"),
    "stage": N_("Stage"),
}


def detail_label(key: str) -> str:
    return _(DETAIL_LABELS[key]) if key in DETAIL_LABELS else key


def detail_value(key: str, value: object) -> str:
    """A detail as a person reads it: a legal stage by its name, the rest as it is."""
    if key == "stage" and value in {s.value for s in LegalStage}:
        return label(LegalStage, str(value))
    return str(value)


def details_text(service: Service) -> str:
    parts = [
        _("{label}: {value}").format(label=detail_label(k), value=detail_value(k, v))
        for k, v in service.details.items()
        if v not in (None, "")
    ]
    if service.notes:
        parts.append(service.notes)
    return _("; ").join(parts)


Column = tuple[str, Callable[[Any], str]]  # (header, English source; the cell's text)


class EntryModel(QAbstractTableModel):
    """The entries of one list, in the columns `columns(restricted)` names, and last who
    recorded each and when (`stamps`, from the service: (table, entry id) -> (who, when))."""

    table = ""  # the list's table: services, followups, referrals, notes

    def __init__(self, restricted: bool = False, parent=None):
        super().__init__(parent)
        self.restricted = restricted
        self.stamps: dict[tuple[str, int], tuple[str, str]] = {}
        self._columns = [*self.columns(restricted), (N_("Recorded by"), self._recorded)]
        self._entries: list[Any] = []

    def _recorded(self, entry: Any) -> str:
        found = self.stamps.get((self.table, entry.id)) if entry.id is not None else None
        if found is None:
            return ""
        by, at = found
        when = dt.datetime.fromisoformat(at).astimezone()  # stored in UTC, shown in local time
        return _("{name}, {date}").format(name=by, date=format_date(when.date()))

    # --- what subclasses say ------------------------------------------------------------------

    def columns(self, restricted: bool) -> list[Column]:
        raise NotImplementedError

    def sort_key(self, entry: Any) -> Any:
        raise NotImplementedError

    # --- the model ------------------------------------------------------------------------------

    def set_entries(self, entries: Sequence[Any]) -> None:
        self.beginResetModel()
        self._entries = sorted(entries, key=self.sort_key, reverse=True)
        self.endResetModel()

    def entry(self, row: int) -> Any:
        return self._entries[row]

    def row_of(self, entry_id: int | None) -> int:
        return next((i for i, e in enumerate(self._entries) if e.id == entry_id), -1)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        text = self._columns[index.column()][1](entry)
        if role == Qt.ItemDataRole.DisplayRole:
            return text.replace("\n", " ")
        if role == Qt.ItemDataRole.ToolTipRole:
            return text or None
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return _(self._columns[section][0])

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._entries:
            last = self.index(len(self._entries) - 1, len(self._columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)


def _day(value: dt.date | None) -> str:
    return format_date(value)


class ServicesModel(EntryModel):
    table = "services"

    def columns(self, restricted: bool) -> list[Column]:
        shown: list[Column] = [
            (N_("Service"), lambda s: label(ServiceKind, s.kind)),
            (N_("Status"), lambda s: label(ServiceStatus, s.status)),
            (N_("Started"), lambda s: _day(s.started_on)),
            (N_("Ended"), lambda s: _day(s.ended_on)),
        ]
        if not restricted:
            shown += [
                (N_("Provider"), lambda s: s.provider or ""),
                (N_("Details"), details_text),
            ]
        return shown

    def sort_key(self, entry: Service) -> Any:
        return (entry.started_on or dt.date.max, entry.id or 0)


class FollowupsModel(EntryModel):
    table = "followups"

    def columns(self, restricted: bool) -> list[Column]:
        shown: list[Column] = [
            (N_("Due"), lambda f: _day(f.due_on)),
            (N_("Done"), lambda f: _day(f.done_on) if f.done_on else _("Not yet")),
            (N_("Living conditions"), lambda f: label(LivingConditions, f.living_conditions)),
        ]
        if not restricted:
            shown.append((N_("Notes"), lambda f: f.notes or ""))
        return shown

    def sort_key(self, entry: Followup) -> Any:
        return (entry.due_on, entry.id or 0)


class ReferralsModel(EntryModel):
    table = "referrals"

    def columns(self, restricted: bool) -> list[Column]:
        shown: list[Column] = [
            (N_("Referred to"), lambda r: label(ReferralTo, r.to)),
            (N_("Sent on"), lambda r: _day(r.sent_on)),
            (N_("Status"), lambda r: label(ReferralStatus, r.status)),
        ]
        if not restricted:
            shown += [
                (N_("Organisation"), lambda r: r.organisation or ""),
                (N_("Reason"), lambda r: r.reason or ""),
            ]
        return shown

    def sort_key(self, entry: Referral) -> Any:
        return (entry.sent_on, entry.id or 0)


class NotesModel(EntryModel):
    table = "notes"

    def columns(self, restricted: bool) -> list[Column]:
        shown: list[Column] = [
            (N_("Date"), lambda n: _day(n.written_on)),
            (N_("About"), lambda n: label(Section, n.section)),
        ]
        if not restricted:
            shown.append((N_("Note"), lambda n: n.text))
        return shown

    def sort_key(self, entry: Note) -> Any:
        return (entry.written_on, entry.id or 0)
