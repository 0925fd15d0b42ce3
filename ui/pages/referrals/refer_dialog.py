"""Refer... from a case file: one verified contact, the sections to send, and the consent.

Only verified contacts can be chosen (those not yet verified are counted, with what to do);
only the sections the signed-in role may send are offered (`Referrals.sendable_sections`).
Without the survivor's referral consent the package cannot be saved, unless a supervisor
writes the reason, which goes into the audit trail. The service checks all of this again.

Organisations of the directory of services that have no vault are listed after the contacts,
"by letter": the same sections and consent make a printable referral letter instead of a
package (app/services/directory.py).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.access import Action, allowed
from app.codes import Section, label
from app.domain.model import Case
from app.i18n import _
from app.services.base import Change
from app.services.directory import Directory
from app.services.referrals import (
    PackageWritten,
    ReferralRecord,
    Referrals,
    referral_consent_given,
)
from ui.pages.directory.dialogs import save_pdf
from ui.pages.referrals import files
from ui.pages.referrals.contact_dialogs import hint

# Medical and legal notes travel with their own section; every other note with Notes.
NOTES_OF_THEIR_OWN = frozenset({Section.MEDICAL, Section.LEGAL})
CONSENT_GIVEN_STYLE = "background: #e8f3ec; color: #1d5b32; border-radius: 4px; padding: 8px 10px;"
CONSENT_MISSING_STYLE = (
    "background: #fdf3e1; color: #7a4b00; border-radius: 4px; padding: 8px 10px;"
)


LETTER = "letter"


class ReferDialog(QDialog):
    def __init__(
        self,
        referrals: Referrals,
        case: Case,
        parent: QWidget | None = None,
        *,
        directory: Directory | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("refer_dialog")
        self.setWindowTitle(_("Refer case {number}").format(number=case.case_number))
        self.setMinimumWidth(560)
        self.referrals = referrals
        self.number = case.case_number
        self.may_override = allowed(referrals.role, Action.OVERRIDE_REFERRAL_CONSENT)
        self.consent_given = referral_consent_given(case)
        self.written: PackageWritten | None = None
        # A referral by letter, to an organisation of the directory that has no vault.
        self.directory = directory
        self.letter_saved: tuple[Path, Change] | None = None
        contacts = referrals.contacts()
        verified = [c for c in contacts if c.verified]
        waiting = len(contacts) - len(verified)

        heading = QLabel(self.windowTitle(), self)
        heading.setStyleSheet("font-size: 14pt; font-weight: bold;")

        # --- to whom ---
        self.contact_combo = QComboBox(self, objectName="refer_contact")
        for contact in verified:
            self.contact_combo.addItem(
                f"{contact.name} ({contact.unit_code}) · {contact.role_label}", contact.name
            )
        self._fingerprints = {c.name: c.fingerprint for c in verified}
        letters = directory.letter_recipients() if directory is not None else []
        if letters and verified:
            self.contact_combo.insertSeparator(self.contact_combo.count())
        for org in letters:
            self.contact_combo.addItem(
                _("{name} · by letter").format(name=org.name), (LETTER, org.id)
            )
        self.contact_combo.setEnabled(bool(verified) or bool(letters))
        self.fingerprint = hint("", self, "refer_fingerprint")
        notes = []
        if not verified:
            notes.append(
                _(
                    "There is no verified contact yet. A supervisor or administrator adds the "
                    "other unit's card on the Contacts page and marks it verified after "
                    "comparing the fingerprint with them."
                )
            )
        elif waiting:
            notes.append(
                _(
                    "Contacts not verified yet are not listed ({count}): compare their "
                    "fingerprint first, on the Contacts page."
                ).format(count=waiting)
            )
        self.contact_note = hint(" ".join(notes), self, "refer_contact_note")
        self.contact_note.setVisible(bool(notes))
        self.contact_combo.currentIndexChanged.connect(self._update)

        # --- what ---
        sections_box = QGroupBox(_("Sections to send"), self)
        grid = QGridLayout(sections_box)
        self.section_boxes: dict[str, QCheckBox] = {}
        for i, section in enumerate(referrals.sendable_sections()):
            box = QCheckBox(label(Section, section), sections_box)
            box.setObjectName(f"refer_section_{section}")
            box.toggled.connect(self._update)
            self.section_boxes[section] = box
            grid.addWidget(box, i // 3, i % 3)
        grid.addWidget(
            hint(
                _("Send only what the survivor agreed to share and what the other unit needs."),
                sections_box,
            ),
            (len(self.section_boxes) + 2) // 3,
            0,
            1,
            3,
        )
        self.notes_note = hint("", sections_box, "refer_notes_note")
        grid.addWidget(self.notes_note, (len(self.section_boxes) + 2) // 3 + 1, 0, 1, 3)
        self.duplicate_note = hint("", self, "refer_duplicate_note")
        self.duplicate_note.setStyleSheet("color: #7a4b00;")

        # --- consent ---
        self.consent = QLabel(self, objectName="refer_consent")
        self.consent.setWordWrap(True)
        self.reason_edit = QPlainTextEdit(self, objectName="refer_override_reason")
        self.reason_edit.setPlaceholderText(
            _("Why the referral must be sent without the consent (kept in the audit trail)")
        )
        self.reason_edit.setFixedHeight(70)
        self.reason_edit.textChanged.connect(self._update)
        if self.consent_given:
            self.consent.setText(_("The survivor's referral consent is recorded."))
            self.consent.setStyleSheet(CONSENT_GIVEN_STYLE)
        else:
            text = _("There is no referral consent for this case, or it was withdrawn.")
            if self.may_override:
                text += " " + _("As a supervisor you may send it with a written reason.")
            else:
                text += " " + _("Only a supervisor may send it, with a written reason.")
            self.consent.setText(text)
            self.consent.setStyleSheet(CONSENT_MISSING_STYLE)
        self.reason_edit.setVisible(not self.consent_given and self.may_override)

        # --- how ---
        rule = QFrame(self)
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet("color: #d9dce1;")
        self.encryption_note = hint("", self, "refer_encryption_note")
        self.blocked = QLabel(self, objectName="refer_blocked")
        self.blocked.setStyleSheet("color: #7a4b00;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setText(_("Save package..."))
        self.save_button.setObjectName("refer_save")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        column = QVBoxLayout(self)
        column.setSpacing(10)
        column.addWidget(heading)
        column.addWidget(QLabel(_("Send to"), self))
        column.addWidget(self.contact_combo)
        column.addWidget(self.fingerprint)
        column.addWidget(self.contact_note)
        column.addWidget(self.duplicate_note)
        column.addWidget(sections_box)
        column.addWidget(self.consent)
        column.addWidget(self.reason_edit)
        column.addWidget(rule)
        column.addWidget(self.encryption_note)
        column.addWidget(self.blocked)
        column.addWidget(buttons)
        self._update()

    # --- state ----------------------------------------------------------------------------------

    def contact_name(self) -> str | None:
        data = self.contact_combo.currentData()
        return data if isinstance(data, str) else None

    def letter_to(self) -> int | None:
        """The directory organisation chosen for a referral by letter, if one is."""
        data = self.contact_combo.currentData()
        return data[1] if isinstance(data, tuple) else None

    def chosen_sections(self) -> list[str]:
        return [s for s, box in self.section_boxes.items() if box.isChecked()]

    def override_reason(self) -> str | None:
        if self.consent_given:
            return None
        return self.reason_edit.toPlainText().strip() or None

    def why_not(self) -> str:
        """Why the package cannot be saved yet; empty when it can."""
        if self.contact_name() is None and self.letter_to() is None:
            return _("Choose a verified contact.")
        if not self.chosen_sections():
            return _("Choose at least one section.")
        if not self.consent_given and not self.may_override:
            return _("It cannot be sent without the referral consent.")
        if not self.consent_given and not self.override_reason():
            return _("Write the reason for sending it without the consent.")
        return ""

    def notes_travelling(self) -> list[str]:
        """Sections not chosen whose notes go with the Notes section when it is chosen: notes
        are filed under a section, but only medical and legal notes travel with their own."""
        chosen = self.chosen_sections()
        if Section.NOTES not in chosen:
            return []
        return [
            s
            for s in self.section_boxes
            if s not in chosen and s not in NOTES_OF_THEIR_OWN and s != Section.NOTES
        ]

    def waiting(self) -> list[ReferralRecord]:
        name = self.contact_name()
        return [] if name is None else self.referrals.waiting_referrals(self.number, name)

    def _update(self) -> None:
        name = self.contact_name()
        travelling = self.notes_travelling()
        self.notes_note.setText(
            _(
                "Notes written under {sections} go with the Notes section, although those "
                "sections are not sent. Untick Notes to keep them here."
            ).format(sections=", ".join(label(Section, s) for s in travelling))
        )
        self.notes_note.setVisible(bool(travelling))
        waiting = self.waiting()
        self.duplicate_note.setText(
            _(
                "This case was already referred to {contact} on {day} (referral {id}) and "
                "they have not answered yet."
            ).format(contact=name, day=waiting[-1].created_at[:10], id=waiting[-1].short_id)
            if waiting
            else ""
        )
        self.duplicate_note.setVisible(bool(waiting))
        self.fingerprint.setVisible(name is not None)
        if name is not None:
            self.fingerprint.setText(
                _("Fingerprint {digits}").format(digits=self._fingerprints[name])
            )
        self.encryption_note.setText(
            _(
                "A letter on paper, with the chosen sections in plain text: print it, sign it "
                "and hand it over, and keep it as carefully as the case file."
            )
            if self.letter_to() is not None
            else _(
                "The package is encrypted to {contact} only: nobody else can open it, not even "
                "this vault. Its file name is random and says nothing about the person."
            ).format(contact=name or _("the contact you choose"))
        )
        reason = self.why_not()
        self.blocked.setText(reason)
        self.blocked.setVisible(bool(reason))
        self.save_button.setEnabled(not reason)

    # --- saving ---------------------------------------------------------------------------------

    def accept(self) -> None:
        name, chosen, reason = self.contact_name(), self.chosen_sections(), self.override_reason()
        if self.why_not():
            return
        letter_to = self.letter_to()
        if letter_to is not None and self.directory is not None:
            self._save_letter(self.directory, letter_to, chosen, reason)
            return
        if name is None:  # why_not() names a missing contact
            return
        again = bool(self.waiting())
        if again and not self._send_again():
            return
        written = files.write_package(
            self,
            _("Choose the folder to save the package in (a USB stick)"),
            lambda folder: self.referrals.send(
                self.number, name, chosen, folder, override_reason=reason, again=again
            ),
        )
        if written is None:
            return  # cancelled, or refused and shown: the dialog stays for another try
        self.written = written
        super().accept()

    def _save_letter(
        self, directory: Directory, letter_to: int, chosen: list[str], reason: str | None
    ) -> None:
        changes: list[Change] = []

        def letter() -> bytes:
            data, change = directory.referral_letter(
                self.number, letter_to, chosen, override_reason=reason
            )
            changes.append(change)
            return data

        saved = save_pdf(self, _("Save the referral letter"), "referral-letter.pdf", letter)
        if saved is None:
            return  # cancelled, or refused and shown: the dialog stays for another try
        self.letter_saved = (saved, changes[0])
        super().accept()

    def _send_again(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Send another referral?"),
            self.duplicate_note.text()
            + "\n\n"
            + _("Send another referral anyway? The first one stays open until it is withdrawn."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("refer_again_question")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes
