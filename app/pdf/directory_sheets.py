"""Two documents made from the directory of services.

- The resources sheet: one page of whom to call near where a survivor goes, handed to her
  when she leaves. It holds no case data, and on purpose not the shelter's name either, nor
  the word "confidential": a sheet found on her must not say where she has been. It is in
  Chinese, with English beside it when she reads English (the program has no catalogs for
  other languages; her languages are printed against each organisation that speaks them).
- The referral letter: a case referred to an organisation without an Aftercare vault, on
  paper, with only the sections chosen (and consented), marked confidential like a case PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from reportlab.platypus import Flowable

from app import divisions, places
from app.codes import LABELS, Section, ServiceKind, label
from app.directory.model import KIND_LABELS, Organisation
from app.domain.model import Case
from app.i18n import N_, _, format_date, gettext_in
from app.pdf import layout
from app.pdf.case_file import section_story
from app.pdf.layout import PageInfo, para

# On one page: the hotlines, then at most this many local organisations (nearest first).
MAX_LOCAL_ENTRIES = 18


def _bilingual(english: bool) -> Callable[[str], str]:
    """Chinese, and the English after it when she reads English."""

    def text(message: str) -> str:
        chinese = gettext_in("zh_CN", message)
        return f"{chinese} / {message}" if english and chinese != message else chinese

    return text


def _nearest_first(entries: list[Organisation], division: str) -> list[Organisation]:
    """County before prefecture before province: the closer the area served, the earlier."""
    depth = {d.code: i for i, d in enumerate(divisions.path(division))}
    return sorted(entries, key=lambda o: (-depth.get(o.division or "", -1), o.kind, o.name))


def render_resources_sheet(
    entries: list[Organisation], *, division: str, languages: tuple[str, ...] = ()
) -> bytes:
    english = "en" in {tag.split("-")[0] for tag in languages}
    t = _bilingual(english)
    st = layout.styles()
    hotlines = [o for o in entries if o.division is None]
    local = _nearest_first([o for o in entries if o.division is not None], division)
    place = divisions.label(division, locale="zh_CN")
    if english:
        place += " / " + divisions.label(division, locale="en")
    heading = t(N_("Where to get help"))
    story: list[Flowable] = [
        layout.title(heading),
        para(place, st.small),
        layout.gap(2),
        layout.subheading(t(N_("In an emergency, call (free, from any phone)"))),
        layout.list_table(
            [t(N_("Number")), t(N_("Who answers")), t(N_("Hours"))],
            [(", ".join(o.phones), o.name, o.hours) for o in hotlines],
            [1, 4, 2],
        ),
        layout.gap(4),
        layout.subheading(t(N_("Services near you"))),
    ]
    if local:
        spoken = set(languages)
        rows = [_local_row(o, t, english, spoken) for o in local[:MAX_LOCAL_ENTRIES]]
        story.append(
            layout.list_table(
                [t(N_("Organisation")), t(N_("Phone")), t(N_("Address and hours"))],
                rows,
                [4, 2, 4],
            )
        )
    else:
        story.append(
            para(t(N_("No organisation near this place is in the directory yet.")), st.small)
        )
    if len(local) > MAX_LOCAL_ENTRIES:
        story.append(
            para(t(N_("More organisations are listed in the shelter's directory.")), st.small)
        )
    page = PageInfo(unit="", title=heading, confidential=False)
    return layout.build_pdf(story, page, pdf_title=heading)


def _local_row(
    org: Organisation, t: Callable[[str], str], english: bool, spoken: set[str]
) -> tuple[str, str, str]:
    kind = t(KIND_LABELS.get(org.kind, N_("Other")))
    services = ", ".join(t(_service_label_message(s)) for s in org.services)
    speaks = [
        places.language_name(tag, "en" if english else "zh_CN")
        for tag in org.languages
        if tag in spoken
    ]
    lines = [org.name, kind]  # plain text: the table cell keeps the line breaks
    if services:
        lines.append(services)
    if speaks:
        lines.append(t(N_("Speaks")) + ": " + ", ".join(speaks))
    where = "\n".join(p for p in (org.address, org.hours) if p)
    return "\n".join(lines), "\n".join(org.phones), where


def _service_label_message(kind: str) -> str:
    """The untranslated label of a service kind, so it can be put into Chinese and English."""
    return LABELS.get(ServiceKind, {}).get(kind, kind)


def render_referral_letter(
    case: Case,
    org: Organisation,
    *,
    sections: list[str],
    unit_name: str,
    unit_code: str,
    sent_by: str,
    printed_at: dt.datetime,
) -> bytes:
    heading = _("Referral letter for case {number}").format(number=case.case_number)
    st = layout.styles()
    to_rows = [
        (_("To"), org.name),
        (_("Address"), org.address),
        (_("Phone"), ", ".join(org.phones)),
        (_("From"), f"{unit_name} ({unit_code}), {sent_by}"),
        (_("Date"), format_date(printed_at.date())),
        (_("Case number"), case.case_number),
        (_("Sections enclosed"), ", ".join(label(Section, s) for s in sections)),
    ]
    story: list[Flowable] = [
        layout.title(heading),
        layout.kv_table(to_rows),
        layout.gap(3),
        para(
            _(
                "We refer the person whose case file is enclosed to you, with their consent, for "
                "the services you offer. Only the sections listed above are enclosed. Please "
                "keep this letter confidential, and tell us by telephone whether you can take "
                "the referral."
            ),
            st.body,
        ),
        layout.gap(3),
        *section_story(case, sections),
    ]
    page = PageInfo(
        unit=f"{unit_name} · {unit_code}", title=heading, printed_by=sent_by, printed_at=printed_at
    )
    return layout.build_pdf(story, page, pdf_title=heading)
