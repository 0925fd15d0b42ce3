"""The evaluation over periods (evaluation.json, summary-v1 A4) as a PDF report.

For each indicator: a line over the periods for the province, a range drawn where the inputs
were suppressed (the share is only known to lie between two values), nothing where a period
is missing (a gap in the line, never a zero); then the baseline period against the latest,
with the change, for the province and each prefecture. Drawn on the canvas like the other
charts, so that Chinese labels use the embedded font.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.codes import prefecture_label
from app.i18n import _, format_percent
from app.pdf import layout
from app.pdf.layout import CONTENT_WIDTH, MUTED, RULE, PageInfo, draw_text, list_table, para
from app.summary_labels import indicator_title

LINE = colors.HexColor("#3d6a99")
RANGE = colors.HexColor("#b7c7d9")


def share_text(value: Any) -> str:
    """A share as a percentage, a range "a–b", or a dash where there is none."""
    if value is None:
        return "—"
    if isinstance(value, list):
        low, high = value
        if abs(high - low) < 1e-9:
            return format_percent(low)
        return f"{format_percent(low)}–{format_percent(high)}"
    return format_percent(value)


def change_text(value: Any) -> str:
    """A change of share in percentage points, signed."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return f"{value[0] * 100:+.1f}…{value[1] * 100:+.1f} " + _("points")
    return f"{value * 100:+.1f} " + _("points")


class SeriesChart(Flowable):
    """Shares (0-100 %) over periods: points joined where neighbours both have a value,
    ranges as vertical bars, missing periods marked on the axis and left empty."""

    HEIGHT = 48 * mm
    LEFT = 12 * mm
    BOTTOM = 9 * mm

    def __init__(self, periods: list[str], points: list[dict[str, Any]], missing_text: str):
        super().__init__()
        self.periods, self.points, self.missing_text = periods, points, missing_text
        self.width, self.height = CONTENT_WIDTH, self.HEIGHT

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        x0, y0 = self.LEFT, self.BOTTOM
        w, h = self.width - x0 - 4 * mm, self.height - y0 - 3 * mm
        canv.setLineWidth(0.3)
        for tick in (0, 0.25, 0.5, 0.75, 1.0):
            y = y0 + h * tick
            canv.setStrokeColor(RULE if tick == 0 else colors.HexColor("#dddddd"))
            canv.line(x0, y, x0 + w, y)
            draw_text(
                canv,
                x0 - 1.5 * mm,
                y - 1.2,
                f"{round(tick * 100)}%",
                6.5,
                align="right",
                color=MUTED,
            )
        n = len(self.periods)
        step = w / max(n, 1)

        def x_of(i: int) -> float:
            return x0 + step * (i + 0.5)

        def y_of(v: float) -> float:
            return y0 + h * min(max(v, 0.0), 1.0)

        previous: tuple[float, float] | None = None
        for i, (label, point) in enumerate(zip(self.periods, self.points, strict=True)):
            draw_text(canv, x_of(i), y0 - 4 * mm, label, 6.5, align="centre", color=MUTED)
            value = point["value"]
            if value is None:
                note = self.missing_text if point.get("missing") else "—"
                draw_text(canv, x_of(i), y0 + 1.5 * mm, note, 6, align="centre", color=MUTED)
                previous = None  # a gap: the line does not cross it
                continue
            low, high = (value, value) if not isinstance(value, list) else value
            mid = (low + high) / 2
            if high > low:
                canv.setFillColor(RANGE)
                canv.rect(
                    x_of(i) - 1.6 * mm,
                    y_of(low),
                    3.2 * mm,
                    y_of(high) - y_of(low),
                    stroke=0,
                    fill=1,
                )
            canv.setStrokeColor(LINE)
            canv.setFillColor(LINE)
            canv.setLineWidth(1.2)
            if previous is not None:
                canv.line(previous[0], previous[1], x_of(i), y_of(mid))
            canv.circle(x_of(i), y_of(mid), 0.9 * mm, stroke=0, fill=1)
            canv.setLineWidth(0.3)
            previous = (x_of(i), y_of(mid))


def _comparison(doc: dict[str, Any], indicator_id: str) -> Flowable:
    scopes = [(_("Province"), doc["province"])]
    scopes += [(prefecture_label(code), scope) for code, scope in doc["prefectures"].items()]
    rows = []
    for name, scope in scopes:
        base = scope["baseline"].get(indicator_id)
        last = scope["latest"].get(indicator_id)
        rows.append(
            [
                name,
                f"{share_text(base['value'])} ({base['period']})" if base else "—",
                f"{share_text(last['value'])} ({last['period']})" if last else "—",
                change_text(scope["change"].get(indicator_id)),
            ]
        )
    headers = [_("Area"), _("Baseline"), _("Latest"), _("Change")]
    return list_table(headers, rows, [1.6, 1.6, 1.6, 1.6])


def render_evaluation_pdf(doc: dict[str, Any]) -> bytes:
    periods = doc["periods"]
    heading = _("Evaluation {first} to {last}").format(first=periods[0], last=periods[-1])
    story: list[Flowable] = [
        layout.title(heading),
        para(
            _(
                "Each indicator over the periods for the province: a range where some units "
                "withheld counts, a gap where no file was given for a period. Then the "
                "baseline period against the latest, with the change, by prefecture."
            )
        ),
    ]
    for indicator_id, points in doc["province"]["indicators"].items():
        story += layout.section(
            indicator_title(indicator_id),
            SeriesChart(periods, points, _("no data")),
            layout.gap(2),
            _comparison(doc, indicator_id),
        )
    page = PageInfo(unit=_("PJC Office"), title=heading)
    return layout.build_pdf(story, page, pdf_title=heading)
