"""This vault's contact card and its contacts: add from a card, verify the fingerprint, remove.

A card proves nothing by itself; nothing is sent to, or accepted from, a contact until the
fingerprints were compared and it is marked verified.
"""

from __future__ import annotations

from typing import Any

from app.access import Action
from app.errors import AftercareError
from app.i18n import _
from app.referrals import keys
from app.services.referrals.base import Contact, ReferralBase, utc_now

CONTACT_COLUMNS = (
    "id, name, unit_code, role, fingerprint, verified, verified_by, verified_at, added_at,"
    " signing_key, receiving_key"
)


class ContactBook(ReferralBase):
    # --- this vault's card -------------------------------------------------------------------

    def own_fingerprint(self) -> str:
        return keys.fingerprint(self._own_signing_public(), self._own_receiving_public())

    def own_card(self, role: str = "shelter", name: str | None = None) -> bytes:
        """This vault's contact card, to give to the units it works with."""
        unit = self.opened.unit
        return keys.make_card(
            unit.code,
            (name or unit.name).strip(),
            keys.require_role(role),
            self.opened.signing_key(),
            self._own_receiving_public(),
        )

    def _own_signing_public(self) -> bytes:
        return keys.raw_public(self.opened.signing_key())

    def _own_receiving_public(self) -> bytes:
        return keys.raw_public(keys.receiving_private_key(self.conn))

    # --- contacts ----------------------------------------------------------------------------

    def read_card(self, raw: bytes, source: str = "card") -> keys.ContactCard:
        """The card's unit, name, role and fingerprint, to show before adding it."""
        return keys.read_card(raw, source)

    def add_contact(
        self,
        raw_card: bytes,
        *,
        name: str | None = None,
        role: str | None = None,
        source: str = "card",
    ) -> Contact:
        """Add a contact from its card, unverified until the fingerprints are compared."""
        self.require(Action.MANAGE_CONTACTS)
        card = keys.read_card(raw_card, source)
        name = (name or card.name).strip()
        role = keys.require_role(role) if role else card.role
        if not name:
            raise AftercareError(_("The contact's name must not be empty."))
        if card.signing_key == self._own_signing_public():
            raise AftercareError(_("{source} is this vault's own card.").format(source=source))
        known = self.conn.execute(
            "SELECT name FROM contacts WHERE signing_key = ?", (card.signing_key,)
        ).fetchone()
        if known:
            raise AftercareError(
                _("This card is already in your contacts as “{name}”.").format(name=known[0])
            )
        if self._contact_row(name):
            raise AftercareError(
                _("A contact named “{name}” already exists; choose another name.").format(name=name)
            )
        with self.opened.write() as conn:
            conn.execute(
                "INSERT INTO contacts (name, name_key, unit_code, role, signing_key,"
                " receiving_key, fingerprint, verified, added_at) VALUES (?,?,?,?,?,?,?,0,?)",
                (
                    name,
                    name.casefold(),
                    card.unit_code,
                    role,
                    card.signing_key,
                    card.receiving_key,
                    card.fingerprint,
                    utc_now(),
                ),
            )
            self.opened.audit(
                "contact_added",
                detail={"contact": name, "unit": card.unit_code, "fingerprint": card.fingerprint},
            )
        return self.contact(name)

    def contacts(self) -> list[Contact]:
        return [
            self._contact_from(r)
            for r in self.conn.execute(f"SELECT {CONTACT_COLUMNS} FROM contacts ORDER BY name_key")
        ]

    def contact(self, name: str) -> Contact:
        row = self._contact_row(name)
        if row is None:
            raise AftercareError(
                _("There is no contact named “{name}”; see `aftercare contact list`.").format(
                    name=name
                )
            )
        return self._contact_from(row)

    def verify_contact(self, name: str, fingerprint: str) -> Contact:
        """Mark a contact verified once the fingerprint read out by the other side matches."""
        self.require(Action.MANAGE_CONTACTS)
        contact = self.contact(name)
        if keys.fingerprint_digits(fingerprint) != keys.fingerprint_digits(contact.fingerprint):
            self._refuse(
                "contact_verify_failed",
                None,
                {"contact": contact.name, "unit": contact.unit_code},
                _(
                    "The fingerprint does not match the card of “{name}”; it was not marked verified. Check the digits with the other unit again, or get a new card."
                ).format(name=contact.name),
            )
        with self.opened.write() as conn:
            conn.execute(
                "UPDATE contacts SET verified = 1, verified_by = ?, verified_at = ? WHERE id = ?",
                (self.opened.user.name, utc_now(), contact.id),
            )
            self.opened.audit(
                "contact_verified",
                detail={"contact": contact.name, "fingerprint": contact.fingerprint},
            )
        return self.contact(name)

    def remove_contact(self, name: str) -> None:
        self.require(Action.MANAGE_CONTACTS)
        contact = self.contact(name)
        with self.opened.write() as conn:
            conn.execute("DELETE FROM contacts WHERE id = ?", (contact.id,))
            self.opened.audit(
                "contact_removed", detail={"contact": contact.name, "unit": contact.unit_code}
            )

    def _contact_row(self, name: str) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.conn.execute(
            f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE name_key = ?",
            (name.strip().casefold(),),
        ).fetchone()
        return row

    def _contact_by_id(self, contact_id: int | None) -> Contact | None:
        row = self.conn.execute(
            f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = ?", (contact_id,)
        ).fetchone()
        return self._contact_from(row) if row else None

    @staticmethod
    def _contact_from(row: tuple[Any, ...]) -> Contact:
        return Contact(
            id=row[0],
            name=row[1],
            unit_code=row[2],
            role=row[3],
            fingerprint=row[4],
            verified=bool(row[5]),
            verified_by=row[6],
            verified_at=row[7],
            added_at=row[8],
            signing_key=bytes(row[9]),
            receiving_key=bytes(row[10]),
        )

    def _verified_recipient(self, name: str, case_number: str | None) -> Contact:
        contact = self.contact(name)
        if not contact.verified:
            self._refuse(
                "referral_refused",
                case_number,
                {"reason": "unverified_contact", "contact": contact.name},
                _(
                    "“{name}” is not verified: compare the fingerprint with them by phone or on paper and mark it verified first. Nothing was sent."
                ).format(name=contact.name),
            )
        return contact
