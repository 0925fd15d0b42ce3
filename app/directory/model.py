"""The directory of services: organisations a caseworker calls, refers to or hands out.

An organisation is not a person: the directory holds no case data. It lives in the vault
(table `directory`, app/storage/directory_repo.py) so that it travels with backups, and its
changes are audited like everything else.

Each entry has a `uid` that stays the same in every vault it is shared to, so that a
province's list merged into a shelter's vault updates the same entries next time
(app/directory/sharing.py). `source` says where an entry came from: None for the vault's own
(typed here, or edited here after it was imported), the publisher's key id for an entry
merged from a signed directory file, and NATIONAL for the hotlines every vault starts with.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from enum import StrEnum

from app import divisions, places
from app.codes import ServiceKind
from app.errors import AftercareError
from app.i18n import N_, _

NATIONAL = "national"
MAX_TEXT = 2000  # characters in a free-text field: an address, hours, a note


class OrgKind(StrEnum):
    HOTLINE = "hotline"
    APPOINTED_MEDICAL = "appointed_medical"
    COUNSELLING = "counselling"
    LEGAL_AID_CENTRE = "legal_aid_centre"
    SCHOOL = "school"
    VOCATIONAL_TRAINING = "vocational_training"
    EMPLOYMENT_SERVICE = "employment_service"
    SHELTER = "shelter"
    POLICE = "police"
    WOMENS_FEDERATION = "womens_federation"
    NGO = "ngo"
    OTHER = "other"


KIND_LABELS: dict[str, str] = {
    OrgKind.HOTLINE: N_("Hotline"),
    OrgKind.APPOINTED_MEDICAL: N_("Hospital or clinic appointed for rescued persons"),
    OrgKind.COUNSELLING: N_("Psychological counselling"),
    OrgKind.LEGAL_AID_CENTRE: N_("Legal aid centre"),
    OrgKind.SCHOOL: N_("School"),
    OrgKind.VOCATIONAL_TRAINING: N_("Vocational training centre"),
    OrgKind.EMPLOYMENT_SERVICE: N_("Employment service"),
    OrgKind.SHELTER: N_("Shelter"),
    OrgKind.POLICE: N_("Police"),
    OrgKind.WOMENS_FEDERATION: N_("Women's federation"),
    OrgKind.NGO: N_("NGO"),
    OrgKind.OTHER: N_("Other"),
}


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


@dataclass(frozen=True)
class Organisation:
    name: str
    kind: str
    services: tuple[str, ...] = ()
    division: str | None = None  # GB/T 2260 code of the area served; None: everywhere
    address: str = ""
    phones: tuple[str, ...] = ()
    hours: str = ""
    languages: tuple[str, ...] = ()  # BCP 47 tags
    notes: str = ""
    contact_id: int | None = None  # the Aftercare contact (vault) it is, if any
    uid: str = field(default_factory=lambda: secrets.token_hex(8))
    source: str | None = None
    updated_on: str = ""
    id: int | None = None

    @property
    def national(self) -> bool:
        return self.source == NATIONAL

    @property
    def imported(self) -> bool:
        return self.source not in (None, NATIONAL)

    def shared_fields(self) -> dict[str, object]:
        """What a directory file carries: no local id, link, source or date of change."""
        return {
            "uid": self.uid,
            "name": self.name,
            "kind": self.kind,
            "services": list(self.services),
            "division": self.division,
            "address": self.address,
            "phones": list(self.phones),
            "hours": self.hours,
            "languages": list(self.languages),
            "notes": self.notes,
        }


def changed_fields(old: Organisation, new: Organisation) -> list[str]:
    """The shared fields `new` changes in `old`, in the file's order: for the audit entry of
    an edit and for the preview of an import, in the command and the window alike."""
    before = old.shared_fields()
    return [key for key, value in new.shared_fields().items() if before[key] != value]


def _text(value: object, what: str, *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise AftercareError(_("The {what} of an organisation is required.").format(what=_(what)))
    if len(text) > MAX_TEXT:
        raise AftercareError(
            _("The {what} is longer than {limit} characters.").format(what=_(what), limit=MAX_TEXT)
        )
    return text


def _codes(values: object, allowed: set[str], what: str) -> tuple[str, ...]:
    items = [str(v).strip() for v in (values or ()) if str(v).strip()]  # type: ignore[attr-defined]
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise AftercareError(
            _("Unknown {what} “{value}”; use some of: {allowed}.").format(
                what=_(what), value=unknown[0], allowed=", ".join(sorted(allowed))
            )
        )
    return tuple(dict.fromkeys(items))


def checked(org: Organisation) -> Organisation:
    """`org` with its text trimmed, or AftercareError saying which field is wrong and why."""
    name = _text(org.name, N_("name"), required=True)
    if org.kind not in KIND_LABELS:
        raise AftercareError(
            _("Unknown kind of organisation “{kind}”; use one of: {kinds}.").format(
                kind=org.kind, kinds=", ".join(KIND_LABELS)
            )
        )
    division = (org.division or "").strip() or None
    if division is not None and divisions.get(division) is None:
        raise AftercareError(
            _("“{code}” is not a division code of China (GB/T 2260).").format(code=division)
        )
    languages: list[str] = []
    for typed in (v.strip() for v in org.languages if v.strip()):
        tag = places.find_language(typed)
        if tag is None:
            raise AftercareError(_("“{tag}” is not a known language.").format(tag=typed))
        languages.append(tag)
    phones = tuple(p for p in (_text(p, N_("phone")) for p in org.phones) if p)
    return replace(
        org,
        name=name,
        services=_codes(org.services, {k.value for k in ServiceKind}, N_("service")),
        division=division,
        address=_text(org.address, N_("address")),
        phones=phones,
        hours=_text(org.hours, N_("opening hours")),
        languages=tuple(dict.fromkeys(languages)),
        notes=_text(org.notes, N_("notes")),
    )


def serves(org: Organisation, division: str | None) -> bool:
    """Whether `org` serves someone in `division`: national entries serve everywhere; an
    entry for a province or prefecture serves every county in it."""
    if org.division is None:
        return True
    if division is None:
        return False
    return any(d.code == org.division for d in divisions.path(division))


# Hotlines that apply everywhere in China, in every new vault (schema step that creates the
# directory). Their names are proper names and stay in Chinese; the notes say in English what
# they are, for English-speaking staff.
NATIONAL_HOTLINES: tuple[Organisation, ...] = (
    Organisation(
        uid="national-110",
        name="110 公安报警",
        kind=OrgKind.POLICE,
        phones=("110",),
        hours="24小时 / 24 hours",
        notes="Police emergency, free of charge from any phone.",
        source=NATIONAL,
    ),
    Organisation(
        uid="national-120",
        name="120 医疗急救",
        kind=OrgKind.HOTLINE,
        services=(ServiceKind.MEDICAL_CARE,),
        phones=("120",),
        hours="24小时 / 24 hours",
        notes="Medical emergency (ambulance), free of charge from any phone.",
        source=NATIONAL,
    ),
    Organisation(
        uid="national-12338",
        name="12338 妇女维权公益服务热线",
        kind=OrgKind.HOTLINE,
        services=(ServiceKind.LEGAL_AID, ServiceKind.PSYCHOLOGICAL_CARE),
        phones=("12338",),
        notes="Women's rights hotline of the All-China Women's Federation.",
        source=NATIONAL,
    ),
    Organisation(
        uid="national-12355",
        name="12355 青少年服务台",
        kind=OrgKind.HOTLINE,
        services=(ServiceKind.PSYCHOLOGICAL_CARE, ServiceKind.LEGAL_AID),
        phones=("12355",),
        notes="Youth service line of the Communist Youth League: counselling and legal advice.",
        source=NATIONAL,
    ),
    Organisation(
        uid="national-12348",
        name="12348 公共法律服务热线",
        kind=OrgKind.HOTLINE,
        services=(ServiceKind.LEGAL_AID,),
        phones=("12348",),
        notes="Public legal service hotline of the justice administration: free legal advice.",
        source=NATIONAL,
    ),
)
