"""The shared A4 document of every Aftercare PDF: page furniture, paragraph styles, tables.

Every page carries a header (the unit, the document's title) and a footer ("Confidential",
who printed it and when, "Page N / M"). The page count is only known at the end, so the
canvas keeps each page's state and draws the furniture when the document is saved.

Documents are built into memory and returned as bytes; the caller writes them with
`app.fileio.atomic_write_bytes`, so no half-written PDF (nor any temp file holding a name)
is ever left on disk.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.i18n import _, format_datetime
from app.pdf import fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
LABEL_BG = colors.HexColor("#eeeeee")
HEAD_BG = colors.HexColor("#dde3ea")
ACCENT = colors.HexColor("#8b1a1a")  # the "Confidential" mark


@dataclass(frozen=True)
class PageInfo:
    """What the header and footer of every page say."""

    unit: str
    title: str
    printed_by: str | None = None
    printed_at: dt.datetime | None = None
    # False only for a sheet handed to a survivor, which holds no case data and must not
    # look like a file about her.
    confidential: bool = True


# --- text ----------------------------------------------------------------------------------


def markup(text: object) -> str:
    """Paragraph markup for plain `text`: XML-escaped, line breaks kept, and runs of
    characters the CJK font lacks (Latin letters in some fonts) set in the Latin font."""
    info = fonts.cjk_font()
    parts = []
    for font, piece in fonts.runs("" if text is None else str(text)):
        safe = escape(piece).replace("\n", "<br/>")
        parts.append(safe if font == info.name else f'<font name="{font}">{safe}</font>')
    return "".join(parts)


def draw_text(
    canv: rl_canvas.Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    align: str = "left",
    color: colors.Color = INK,
) -> None:
    """Draw one line of plain text on the canvas, switching fonts where glyphs need it."""
    width = fonts.string_width(text, size)
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    canv.setFillColor(color)
    for font, piece in fonts.runs(text):
        canv.setFont(font, size)
        canv.drawString(x, y, piece)
        x += canv.stringWidth(piece, font, size)


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    cell_num: ParagraphStyle


@functools.cache
def styles() -> Styles:
    name = fonts.cjk_font().name
    # wordWrap="CJK" breaks between Chinese characters and still keeps Latin words whole.
    base = ParagraphStyle(
        "body", fontName=name, fontSize=10, leading=14, textColor=INK, wordWrap="CJK"
    )
    return Styles(
        title=ParagraphStyle("title", parent=base, fontSize=17, leading=23, spaceAfter=4 * mm),
        h1=ParagraphStyle(
            "h1", parent=base, fontSize=13, leading=17, spaceBefore=5 * mm, spaceAfter=2 * mm
        ),
        h2=ParagraphStyle(
            "h2", parent=base, fontSize=11, leading=15, spaceBefore=3 * mm, spaceAfter=1.5 * mm
        ),
        body=base,
        small=ParagraphStyle("small", parent=base, fontSize=8.5, leading=11.5, textColor=MUTED),
        cell=ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        cell_head=ParagraphStyle("cell_head", parent=base, fontSize=9, leading=12),
        cell_num=ParagraphStyle("cell_num", parent=base, fontSize=9, leading=12, alignment=2),
    )


def para(text: object, style: ParagraphStyle | None = None) -> Paragraph:
    return Paragraph(markup(text), style or styles().body)


def title(text: str) -> Paragraph:
    return para(text, styles().title)


def heading(text: str) -> Paragraph:
    return para(text, styles().h1)


def subheading(text: str) -> Paragraph:
    return para(text, styles().h2)


def section(heading_text: str, *flowables: Flowable) -> list[Flowable]:
    """A heading kept on the same page as the start of what follows it."""
    if not flowables:
        return [heading(heading_text)]
    return [KeepTogether([heading(heading_text), flowables[0]]), *flowables[1:]]


def gap(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)


# --- tables --------------------------------------------------------------------------------

_GRID: list[tuple[Any, ...]] = [
    ("GRID", (0, 0), (-1, -1), 0.4, RULE),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
]


def kv_table(
    rows: Sequence[tuple[str, object]],
    label_width: float = 45 * mm,
    row_heights: Sequence[float] | None = None,
) -> Table:
    """A section as label / value pairs; empty values show as a dash so a blank is visible."""
    st = styles()
    data = [
        [para(label, st.cell), para(value if value not in (None, "") else "–", st.cell)]
        for label, value in rows
    ]
    table = Table(
        data, colWidths=[label_width, CONTENT_WIDTH - label_width], rowHeights=row_heights
    )
    table.setStyle(TableStyle([*_GRID, ("BACKGROUND", (0, 0), (0, -1), LABEL_BG)]))
    return table


def list_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    col_widths: Sequence[float] | None = None,
    *,
    numeric_cols: Sequence[int] = (),
    extra_style: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A header row and one row per item; the header repeats on every page it spans.

    `col_widths` are fractions of the content width (they need not sum to 1)."""
    st = styles()
    data: list[list[Paragraph]] = [
        [para(h, st.cell_num if j in numeric_cols else st.cell_head) for j, h in enumerate(headers)]
    ]
    for row in rows:
        data.append(
            [
                para(v if v is not None else "", st.cell_num if j in numeric_cols else st.cell)
                for j, v in enumerate(row)
            ]
        )
    widths = None
    if col_widths:
        total = sum(col_widths)
        widths = [CONTENT_WIDTH * w / total for w in col_widths]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([*_GRID, ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), *extra_style]))
    return table


def none_recorded() -> Paragraph:
    return para(_("None recorded."), styles().small)


# --- the document --------------------------------------------------------------------------


class _NumberedCanvas(rl_canvas.Canvas):
    """Keeps every page until the end, so each footer can say "N / M"."""

    def __init__(self, *args: Any, decorate: Callable[..., None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decorate = decorate
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # reportlab's, not in its stubs

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._decorate(self, number, total)
            super().showPage()
        super().save()


def _furniture(page: PageInfo, canv: rl_canvas.Canvas, number: int, total: int) -> None:
    canv.saveState()
    top = PAGE_HEIGHT - 14 * mm
    draw_text(canv, MARGIN_X, top, page.unit, 9, color=MUTED)
    draw_text(canv, PAGE_WIDTH - MARGIN_X, top, page.title, 9, align="right", color=MUTED)
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.5)
    canv.line(MARGIN_X, top - 2.5 * mm, PAGE_WIDTH - MARGIN_X, top - 2.5 * mm)

    bottom = 11 * mm
    canv.line(MARGIN_X, bottom + 4 * mm, PAGE_WIDTH - MARGIN_X, bottom + 4 * mm)
    if page.confidential:
        draw_text(canv, MARGIN_X, bottom, _("Confidential"), 9, color=ACCENT)
    if page.printed_by and page.printed_at:
        printed = _("Printed by {user} on {time}").format(
            user=page.printed_by, time=format_datetime(page.printed_at)
        )
        draw_text(canv, PAGE_WIDTH / 2, bottom, printed, 8, align="centre", color=MUTED)
    pages = _("Page {page} / {pages}").format(page=number, pages=total)
    draw_text(canv, PAGE_WIDTH - MARGIN_X, bottom, pages, 9, align="right", color=MUTED)
    canv.restoreState()


def build_pdf(story: Sequence[Flowable], page: PageInfo, *, pdf_title: str) -> bytes:
    """Lay `story` out on A4 pages with the header and footer, and return the PDF bytes.

    `pdf_title` goes into the document properties, which file browsers show: it must not
    name a person."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=pdf_title,
        author="",
        creator="Aftercare",
        producer="Aftercare",
        subject="",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    maker = functools.partial(_NumberedCanvas, decorate=functools.partial(_furniture, page))
    doc.build(list(story), canvasmaker=maker)
    return buffer.getvalue()


# --- charts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar of a share chart. `low`/`high` are shares 0..1; equal when exactly known,
    a range when only bounds are known, None when the share is withheld or undefined."""

    label: str
    low: float | None
    high: float | None
    text: str  # printed at the right of the bar, e.g. "45.0% (9 / 20)"


class ShareChart(Flowable):
    """Horizontal bars of shares from 0 to 100 %, drawn directly on the canvas so that
    Chinese labels use the same embedded font as the text."""

    ROW = 6.2 * mm
    LABEL_W = 58 * mm
    VALUE_W = 40 * mm

    def __init__(self, bars: Sequence[Bar], withheld_text: str) -> None:
        super().__init__()
        self.bars = list(bars)
        self.withheld_text = withheld_text
        self.width = CONTENT_WIDTH
        self.height = self.ROW * len(self.bars) + 6 * mm

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        x0 = self.LABEL_W + 2 * mm
        span = self.width - x0 - self.VALUE_W - 2 * mm
        top = self.height - 1 * mm
        bottom = 5 * mm
        canv.setLineWidth(0.3)
        for tick in (0, 0.25, 0.5, 0.75, 1.0):
            x = x0 + span * tick
            canv.setStrokeColor(RULE if tick in (0, 1.0) else colors.HexColor("#dddddd"))
            canv.line(x, bottom, x, top)
            draw_text(canv, x, 1 * mm, f"{round(tick * 100)}%", 7, align="centre", color=MUTED)
        for i, bar in enumerate(self.bars):
            y = top - (i + 1) * self.ROW
            mid = y + self.ROW / 2 - 2.6
            size = 8.0
            while size > 5.5 and fonts.string_width(bar.label, size) > self.LABEL_W:
                size -= 0.5
            draw_text(canv, self.LABEL_W, mid, bar.label, size, align="right")
            draw_text(canv, x0 + span + 2 * mm, mid, bar.text, 8, color=MUTED)
            bar_y, bar_h = y + 1.3 * mm, self.ROW - 2.6 * mm
            if bar.low is None or bar.high is None:
                # A withheld share: an empty dashed box across the scale, marked in words.
                canv.setStrokeColor(RULE)
                canv.setDash(2, 2)
                canv.rect(x0, bar_y, span, bar_h, stroke=1, fill=0)
                canv.setDash()
                draw_text(
                    canv, x0 + span / 2, mid, self.withheld_text, 7, align="centre", color=MUTED
                )
                continue
            low, high = (min(max(v, 0.0), 1.0) for v in (bar.low, bar.high))
            if high > low:  # only bounds known: the range is shown lighter
                canv.setFillColor(colors.HexColor("#b7c7d9"))
                canv.rect(x0 + span * low, bar_y, span * (high - low), bar_h, stroke=0, fill=1)
            canv.setFillColor(colors.HexColor("#3d6a99"))
            canv.rect(x0, bar_y, span * low, bar_h, stroke=0, fill=1)
