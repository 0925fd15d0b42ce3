"""A case file as a PDF a court clerk or a doctor can take: one section per heading.

The caller passes the case already redacted for the reader's role and the set of sections
that role may read; a section outside that set is left out entirely (not even its heading
appears), so a printed file never hints at what a reader may not see. Services, notes and
the guardian are filed under the section that guards them in `app.access`: medical and
psychological care and medical notes under Medical, legal aid and legal notes under Legal,
the guardian and other services under Care plan, all other notes under Notes. The case's
header (number, status, dates and reason of closing) is shown to every reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from app import divisions, places
from app.access import section_of_note, section_of_service
from app.codes import (
    CaseStatus,
    ClosureReason,
    ConsentPurpose,
    Exploitation,
    GuardianStatus,
    IdentifiedBy,
    LegalStage,
    LivingConditions,
    ReferralStatus,
    ReferralTo,
    Relationship,
    Section,
    ServiceKind,
    ServiceStatus,
    Sex,
    label,
    prefecture_label,
)
from app.domain.model import Case, Note, Origin, Service
from app.i18n import N_, _, current_locale, format_date
from app.pdf import layout
from app.pdf.layout import PageInfo, kv_table, list_table, para

# Well-known keys of a service's `details`; other keys are printed as they are.
DETAIL_LABELS: dict[str, str] = {
    "school": N_("School"),
    "grade": N_("Grade"),
    "lawyer": N_("Lawyer"),
    "stage": N_("Stage"),
    "hospital": N_("Hospital"),
    "course": N_("Course"),
    "employer": N_("Employer"),
}


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def _date(value: dt.date | None) -> str:
    return format_date(value)


def _origin(origin: Origin) -> str:
    """The country and, in China, the place by name with its code (for offices that file
    by it): 中国 福建省 厦门市 (350200); Xiamen, Fujian (350200), China."""
    country = places.country_name(origin.country)
    place = divisions.label(origin.division, with_code=True)
    if current_locale().startswith("zh"):
        return " ".join(p for p in (country, place) if p)
    return ", ".join(p for p in (place, country) if p)


def _languages(tags: Iterable[str]) -> str:
    return _(", ").join(places.language_name(tag) for tag in tags)


def _notes_of(case: Case, section: str) -> list[Note]:
    return [n for n in case.notes if section_of_note(n.section) == section]


def _notes_subsection(notes: list[Note]) -> list[Flowable]:
    """The notes of a medical or legal section, under their own small heading."""
    if not notes:
        return []
    rows = [[_date(n.written_on), n.text] for n in sorted(notes, key=lambda n: n.written_on)]
    table = list_table([_("Date"), _("Note")], rows, [1, 5])
    return [KeepTogether([layout.subheading(_("Notes")), table])]


def _notes(case: Case) -> list[Flowable]:
    """The Notes section: every note not filed under Medical or Legal, with what it is about."""
    notes = sorted(_notes_of(case, Section.NOTES), key=lambda n: n.written_on)
    if not notes:
        return [layout.none_recorded()]
    rows = [[_date(n.written_on), label(Section, n.section), n.text] for n in notes]
    return [list_table([_("Date"), _("About"), _("Note")], rows, [1, 1, 4])]


def _detail_value(key: str, value: object) -> str:
    if key == "stage" and value in {s.value for s in LegalStage}:
        return label(LegalStage, str(value))
    return str(value)


def _details(service: Service) -> str:
    parts = [
        f"{_(DETAIL_LABELS[k]) if k in DETAIL_LABELS else k}: {_detail_value(k, v)}"
        for k, v in service.details.items()
        if v not in (None, "")
    ]
    if service.notes:
        parts.append(service.notes)
    return "\n".join(parts)


def _services_table(services: list[Service]) -> Flowable:
    if not services:
        return layout.none_recorded()
    rows = [
        [
            label(ServiceKind, s.kind),
            label(ServiceStatus, s.status),
            _date(s.started_on),
            _date(s.ended_on),
            s.provider or "",
            _details(s),
        ]
        for s in sorted(services, key=lambda s: (s.started_on or dt.date.max, s.kind))
    ]
    headers = [_("Service"), _("Status"), _("Started"), _("Ended"), _("Provider"), _("Details")]
    return list_table(headers, rows, [1.3, 0.95, 1.35, 1.35, 1.4, 2.2])


def _overview(case: Case) -> list[Flowable]:
    rows: list[tuple[str, object]] = [
        (_("Case number"), case.case_number),
        (_("Status"), label(CaseStatus, case.status)),
        (_("Opened on"), _date(case.opened_on)),
    ]
    if case.status == CaseStatus.CLOSED or case.closed_on:
        rows += [
            (_("Closed on"), _date(case.closed_on)),
            (_("Reason for closing"), label(ClosureReason, case.closure_reason)),
        ]
    return [kv_table(rows)]


def _profile(case: Case) -> list[Flowable]:
    p = case.person
    rows: list[tuple[str, object]] = [
        (_("Full name"), p.full_name),
        (_("Other names"), ", ".join(p.aliases)),
        (_("Sex"), label(Sex, p.sex)),
        (_("Date of birth"), _date(p.date_of_birth)),
    ]
    if p.date_of_birth is None:
        age = "" if p.age_at_intake is None else str(p.age_at_intake)
        rows.append((_("Age at intake"), age))
    rows += [
        (_("Identity or passport number"), p.id_number),
        (_("Phone"), p.phone),
        (_("Address"), p.address),
        (_("Origin"), _origin(p.origin)),
        (_("Languages"), _languages(p.languages)),
        (_("Disability"), _yes_no(p.disability)),
    ]
    return [kv_table(rows)]


def _care_plan(case: Case) -> list[Flowable]:
    out = [_services_table(_services_of(case, Section.CARE_PLAN))]
    if case.guardian is not None:
        guardian = kv_table(
            [
                (_("Guardian status"), label(GuardianStatus, case.guardian.status)),
                (_("Notes on the guardian"), case.guardian.notes),
            ]
        )
        out += [KeepTogether([layout.subheading(_("Guardian")), guardian])]
    return out


def _intake(case: Case) -> list[Flowable]:
    i = case.intake
    rows: list[tuple[str, object]] = [
        (_("Identified on"), _date(i.identified_on)),
        (_("Prefecture of identification"), prefecture_label(i.prefecture)),
        (_("Identified by"), label(IdentifiedBy, i.identified_by)),
        (_("Police case number"), i.police_case_number),
        (_("Forms of exploitation"), ", ".join(label(Exploitation, e) for e in i.exploitation)),
        (_("Relationship to the trafficker"), label(Relationship, i.relationship_to_trafficker)),
        (_("Crossed a border"), _yes_no(i.cross_border)),
        (_("What happened"), i.narrative),
    ]
    return [kv_table(rows)]


def _consents(case: Case) -> list[Flowable]:
    if not case.consents:
        return [layout.none_recorded()]
    rows = [
        [
            label(ConsentPurpose, c.purpose),
            _("Given") if c.given else _("Refused"),
            _date(c.recorded_on),
            _date(c.withdrawn_on),
        ]
        for c in case.consents
    ]
    headers = [_("Purpose"), _("Answer"), _("Recorded on"), _("Withdrawn on")]
    return [list_table(headers, rows, [2.5, 1, 1.2, 1.2])]


def _followups(case: Case) -> list[Flowable]:
    if not case.followups:
        return [layout.none_recorded()]
    rows = [
        [
            _date(f.due_on),
            _date(f.done_on),
            label(LivingConditions, f.living_conditions),
            f.notes or "",
        ]
        for f in sorted(case.followups, key=lambda f: f.due_on)
    ]
    headers = [_("Due on"), _("Done on"), _("Living conditions"), _("Notes")]
    return [list_table(headers, rows, [1.1, 1.1, 1.3, 3.5])]


def _referrals(case: Case) -> list[Flowable]:
    if not case.referrals:
        return [layout.none_recorded()]
    rows = [
        [
            _date(r.sent_on),
            label(ReferralTo, r.to),
            r.organisation or "",
            label(ReferralStatus, r.status),
            r.reason or "",
        ]
        for r in sorted(case.referrals, key=lambda r: r.sent_on)
    ]
    headers = [_("Sent on"), _("To"), _("Organisation"), _("Status"), _("Reason")]
    return [list_table(headers, rows, [1.1, 1.4, 1.6, 1, 2.5])]


def _services_of(case: Case, section: str) -> list[Service]:
    return [s for s in case.services if section_of_service(s.kind) == section]


def _signature_block() -> Flowable:
    rows = [(_("Checked by (name and signature)"), " "), (_("Date"), " ")]
    table = kv_table(rows, label_width=60 * mm, row_heights=[14 * mm, 9 * mm])  # room to sign
    return KeepTogether([layout.gap(6), table])


def section_story(case: Case, sections: set[str] | list[str]) -> list[Flowable]:
    """The case file's sections in their usual order, only those in `sections` (a case PDF
    shows what the role may read; a referral letter what was chosen and consented)."""
    story: list[Flowable] = []

    def add(section: str, body: list[Flowable]) -> None:
        if section in sections:
            story.extend(layout.section(label(Section, section), *body))

    add(Section.PROFILE, _profile(case))
    add(Section.INTAKE, _intake(case))
    add(Section.CONSENT, _consents(case))
    add(Section.CARE_PLAN, _care_plan(case))
    for guarded in (Section.MEDICAL, Section.LEGAL):
        services = _services_table(_services_of(case, guarded))
        add(guarded, [services, *_notes_subsection(_notes_of(case, guarded))])
    add(Section.FOLLOWUPS, _followups(case))
    add(Section.REFERRALS, _referrals(case))
    add(Section.NOTES, _notes(case))
    return story


def render_case_pdf(
    case: Case,
    *,
    unit_name: str,
    unit_code: str,
    printed_by: str,
    printed_at: dt.datetime,
    sections: set[str],
) -> bytes:
    """The case file as PDF bytes, with only the `sections` the reader's role may read."""
    heading = _("Case file {number}").format(number=case.case_number)
    story: list[Flowable] = [
        layout.title(heading),
        para(f"{unit_name} ({unit_code})", layout.styles().small),
        layout.gap(2),
        *_overview(case),
        *section_story(case, sections),
        _signature_block(),
    ]
    page = PageInfo(
        unit=f"{unit_name} · {unit_code}",
        title=heading,
        printed_by=printed_by,
        printed_at=printed_at,
    )
    # The document properties name the case number only, never the person.
    return layout.build_pdf(story, page, pdf_title=heading)
