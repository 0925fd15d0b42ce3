"""The printed recovery kit: the unit's recovery code, large and in groups, with what to do.

Whoever holds this sheet and the laptop can open every case file of the unit, so the sheet
says so plainly, asks to be signed, sealed and kept apart from the laptop, and says that
making a new kit makes this one useless.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from app.i18n import _, format_datetime
from app.pdf import layout
from app.pdf.layout import CONTENT_WIDTH, PageInfo, para

GROUPS_PER_ROW = 4
# A monospaced standard font keeps similar characters (0/O, 1/I) apart; the groups are ASCII.
CODE_FONT = "Courier-Bold"


def _code_grid(groups: list[str]) -> Table:
    ascii_only = all(g.isascii() for g in groups)
    style = ParagraphStyle(
        "code",
        fontName=CODE_FONT if ascii_only else layout.styles().body.fontName,
        fontSize=20,
        leading=26,
        alignment=1,
    )
    rows = [groups[i : i + GROUPS_PER_ROW] for i in range(0, len(groups), GROUPS_PER_ROW)]
    rows[-1] = rows[-1] + [""] * (GROUPS_PER_ROW - len(rows[-1]))
    # ASCII groups are set in Courier as they are; others go through the CJK font runs.
    cells = [
        [Paragraph(escape(g), style) if ascii_only else para(g, style) for g in row] for row in rows
    ]
    table = Table(cells, colWidths=[CONTENT_WIDTH / GROUPS_PER_ROW] * GROUPS_PER_ROW)
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, layout.INK),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _instructions() -> list[str]:
    return [
        _("Print this page, check that the code is readable, and sign it below."),
        _(
            "Seal it in an envelope, write the unit's name on the envelope, and sign across the seal."
        ),
        _(
            "Keep the envelope locked away, apart from the laptop, for example in the "
            "director's safe. Never photograph it, scan it, or type the code into any "
            "other program."
        ),
        _(
            "Anyone who has this code and the laptop (or a backup) can open every case file "
            "of this unit. Treat it like the key to the filing cabinet."
        ),
        _(
            "Use the code only when no one can sign in any more, for example when every "
            "passphrase is forgotten. After using it, set new passphrases and make a new kit."
        ),
        _(
            "Making a new recovery kit makes this one useless: destroy this sheet then "
            "(shred it, do not just throw it away)."
        ),
    ]


def render_recovery_kit(
    *, unit_name: str, unit_code: str, recovery_code_groups: list[str], created_at: dt.datetime
) -> bytes:
    """The recovery kit as PDF bytes. The code appears in the page only, never in the
    document properties."""
    heading = _("Recovery kit")
    st = layout.styles()
    story: list[Flowable] = [
        layout.title(heading),
        layout.kv_table(
            [
                (_("Unit"), f"{unit_name} ({unit_code})"),
                (_("Made on"), format_datetime(created_at)),
            ]
        ),
        layout.gap(6),
        para(_("Recovery code"), st.h2),
        _code_grid(recovery_code_groups),
        layout.gap(2),
        para(
            _("Type the groups in this order: left to right, then the next line."),
            st.small,
        ),
        layout.heading(_("What to do with this sheet")),
    ]
    for number, text in enumerate(_instructions(), start=1):
        story += [para(f"{number}. {text}"), layout.gap(1.5)]
    signature = layout.kv_table(
        [
            (_("Kept by (name and signature)"), " "),
            (_("Witness (name and signature)"), " "),
            (_("Date"), " "),
        ],
        label_width=60 * mm,
        row_heights=[14 * mm, 14 * mm, 9 * mm],
    )
    story.append(KeepTogether([layout.gap(5), signature]))
    page = PageInfo(unit=f"{unit_name} · {unit_code}", title=heading)
    return layout.build_pdf(story, page, pdf_title=heading)
