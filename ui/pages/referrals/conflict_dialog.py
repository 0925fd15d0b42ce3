"""Both versions of a section, side by side, when a reply changed what this vault changed too.

Nothing was overwritten when the reply was imported: the case kept this vault's version and
the conflict waits here. For each conflict the caseworker keeps this vault's version or
takes the other unit's (`Referrals.resolve_conflict`). Entries that are not the same on both
sides are shaded, so the difference is found without reading every line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.codes import GuardianStatus, LivingConditions, Section, ServiceKind, ServiceStatus, label
from app.errors import AftercareError
from app.i18n import N_, _, format_date
from app.referrals.differences import differences, named_entry
from app.services.base import Change
from app.services.referrals import KEEP_MINE, KEEP_THEIRS, Conflict

PART_TITLES = {
    "guardian": N_("Guardian"),
    "services": N_("Services"),
    "notes": N_("Notes"),
    "followups": N_("Follow-ups"),
}
DIFFERENT = "background-color: #fff3d1;"  # soft amber: differs from the other version


def _when(stamp: str | None) -> str:
    """A stored UTC time as the day and minute, or a dash."""
    return stamp[:16].replace("T", " ") if stamp else "-"


def _date(value: Any) -> str:
    try:
        return format_date(dt.date.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return str(value)


def _details(details: Any) -> str:
    if not isinstance(details, dict) or not details:
        return ""
    return "; ".join(f"{key}: {value}" for key, value in details.items() if value not in ("", None))


def entry_lines(part: str, entry: Any) -> tuple[str, str]:
    """An entry as a main line and a quieter second line (notes, details)."""
    if not isinstance(entry, dict):
        return str(entry), ""
    if part == "services":
        dates = " – ".join(
            d for d in (_date(entry.get("started_on")), _date(entry.get("ended_on"))) if d
        )
        main = " · ".join(
            x
            for x in (
                label(ServiceKind, entry.get("kind")),
                label(ServiceStatus, entry.get("status")),
                dates,
                entry.get("provider") or "",
            )
            if x
        )
        extra = " · ".join(
            x for x in (_details(entry.get("details")), entry.get("notes") or "") if x
        )
        return main, extra
    if part == "notes":
        return _date(entry.get("written_on")), entry.get("text") or ""
    if part == "followups":
        main = _("due {date}").format(date=_date(entry.get("due_on")))
        if entry.get("done_on"):
            main += " · " + _("done {date}").format(date=_date(entry.get("done_on")))
        if entry.get("living_conditions"):
            main += " · " + label(LivingConditions, entry["living_conditions"])
        return main, entry.get("notes") or ""
    if part == "guardian":
        return label(GuardianStatus, entry.get("status")), entry.get("notes") or ""
    return ", ".join(f"{k}: {v}" for k, v in entry.items()), ""


def version_html(content: dict[str, Any], other: dict[str, Any]) -> str:
    """One side of a conflict as HTML; what the other side does not hold the same is shaded."""
    blocks = []
    for part, value in content.items():
        title = _(PART_TITLES[part]) if part in PART_TITLES else part
        entries = value if isinstance(value, list) else [value]
        theirs = other.get(part)
        others = theirs if isinstance(theirs, list) else [theirs]
        rows = []
        for entry in entries:
            if entry is None:
                continue
            main, extra = entry_lines(part, entry)
            style = "" if entry in others else DIFFERENT
            second = f"<br><span style='color:#5f6368'>{escape(extra)}</span>" if extra else ""
            rows.append(f"<p style='margin:4px 0; padding:3px; {style}'>{escape(main)}{second}</p>")
        if not rows:
            rows.append(f"<p style='color:#5f6368'>{escape(_('(none)'))}</p>")
        blocks.append(
            f"<p style='font-weight:bold; margin-top:8px'>{escape(title)}</p>" + "".join(rows)
        )
    return "".join(blocks)


class ConflictDialog(QDialog):
    """One box per conflict: this vault's version beside the other unit's, and a choice."""

    def __init__(
        self,
        conflicts: list[Conflict],
        counterparts: dict[str, str],
        resolve: Callable[[int, str], Change],
        intro: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("conflict_dialog")
        self.setWindowTitle(_("Choose between two versions"))
        self.resize(980, 560)
        self._resolve = resolve
        self.conflicts = list(conflicts)
        self.choices: dict[int, QButtonGroup] = {}
        self.changes: list[Change] = []

        column = QVBoxLayout(self)
        column.setSpacing(10)
        text = _(
            "The reply changed entries that were also changed here since the referral; "
            "everything else was merged. Nothing has been overwritten: the case keeps this "
            "vault's version of each entry until you choose. Shaded entries are not the same "
            "in both versions."
        )
        lead = QLabel((intro + "\n\n" if intro else "") + text, self, objectName="conflict_intro")
        lead.setWordWrap(True)
        column.addWidget(lead)

        inner = QWidget(self)
        boxes = QVBoxLayout(inner)
        boxes.setContentsMargins(0, 0, 8, 0)
        for conflict in self.conflicts:
            boxes.addWidget(self._conflict_box(conflict, counterparts, inner))
        boxes.addStretch(1)
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setWidget(inner)
        column.addWidget(area, 1)

        self.problem = QLabel(self, objectName="conflict_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a3261b;")
        self.problem.hide()
        column.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Apply my choices"))
        self.ok.setObjectName("conflict_apply")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Decide later"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)
        self._update()

    def _conflict_box(
        self, conflict: Conflict, counterparts: dict[str, str], parent: QWidget
    ) -> QGroupBox:
        title = _("{section}, case {number}").format(
            section=label(Section, conflict.section), number=conflict.case_number or "-"
        )
        if conflict.part is not None:
            title += ": " + named_entry(conflict.part, conflict.mine, conflict.theirs)
        box = QGroupBox(title, parent)
        box.setObjectName(f"conflict_{conflict.id}")
        other = counterparts.get(conflict.referral_id, _("the other unit"))
        grid = QGridLayout(box)
        group = QButtonGroup(box)
        sides = (
            (
                _("This vault's version (saved {time})").format(time=_when(conflict.mine_at)),
                conflict.mine,
                conflict.theirs,
                KEEP_MINE,
            ),
            (
                _("Version from {unit} (reply {seq}, {time})").format(
                    unit=other, seq=conflict.seq, time=_when(conflict.their_at)
                ),
                conflict.theirs,
                conflict.mine,
                KEEP_THEIRS,
            ),
        )
        if conflict.part is not None:
            changed = differences(conflict.part, conflict.mine, conflict.theirs)
            lines = [
                (f"{d.field}: " if d.field else "") + f"{d.mine}  ⇄  {d.theirs}" for d in changed
            ]
            diff = QLabel(
                _("What differs:") + "\n" + "\n".join(lines),
                box,
                objectName=f"conflict_{conflict.id}_diff",
            )
            diff.setWordWrap(True)
            diff.setStyleSheet(DIFFERENT + " padding: 4px;")
            grid.addWidget(diff, 3, 0, 1, 2)
        choices = {KEEP_MINE: _("Keep this vault's version"), KEEP_THEIRS: _("Take this version")}
        for col, (title, content, against, keep) in enumerate(sides):
            heading = QLabel(title, box)
            heading.setStyleSheet("font-weight: bold;")
            view = QTextBrowser(box, objectName=f"conflict_{conflict.id}_{keep}")
            view.setOpenLinks(False)
            view.setMinimumHeight(170)
            view.setHtml(version_html(content, against))
            button = QRadioButton(
                choices[keep], box, objectName=f"conflict_{conflict.id}_keep_{keep}"
            )
            button.setProperty("keep", keep)
            group.addButton(button)
            grid.addWidget(heading, 0, col)
            grid.addWidget(view, 1, col)
            grid.addWidget(button, 2, col)
        group.buttonToggled.connect(lambda *_args: self._update())
        self.choices[conflict.id] = group
        return box

    def choose(self, conflict_id: int, keep: str) -> None:
        for button in self.choices[conflict_id].buttons():
            if button.property("keep") == keep:
                button.setChecked(True)

    def _update(self) -> None:
        self.ok.setEnabled(all(g.checkedButton() is not None for g in self.choices.values()))

    def accept(self) -> None:
        for conflict in list(self.conflicts):
            chosen = self.choices[conflict.id].checkedButton()
            if chosen is None:  # the OK button waits for a choice in every conflict
                continue
            try:
                self.changes.append(self._resolve(conflict.id, chosen.property("keep")))
            except AftercareError as error:
                self.problem.setText(str(error))
                self.problem.show()
                return
            self.conflicts.remove(conflict)
            if (choice_row := chosen.parentWidget()) is not None:
                choice_row.setEnabled(False)  # settled: no second choice
        super().accept()
