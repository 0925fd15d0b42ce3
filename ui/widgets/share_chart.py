"""The indicators' bar chart of the summary PDF, drawn in the window: one horizontal bar per
indicator from 0 to 100 %, a lighter range where only bounds are known, a dashed empty box
where the share is withheld. The bars are the PDF's own (app.pdf.summary.indicator_bar)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.pdf.layout import Bar

ROW_PX = 24
LABEL_PX = 240
VALUE_PX = 170
AXIS_PX = 18
DARK, LIGHT, RULE, MUTED = "#3d6a99", "#b7c7d9", "#999999", "#5f6368"


class ShareChartWidget(QWidget):
    def __init__(self, bars: Sequence[Bar], withheld_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.bars = list(bars)
        self.withheld_text = withheld_text
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(ROW_PX * len(self.bars) + AXIS_PX + 8)

    def sizeHint(self) -> QSize:
        return QSize(LABEL_PX + VALUE_PX + 300, self.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x0 = LABEL_PX + 8
        span = max(self.width() - x0 - VALUE_PX - 8, 40)
        bottom = ROW_PX * len(self.bars) + 4
        for tick in (0, 0.25, 0.5, 0.75, 1.0):
            x = x0 + span * tick
            painter.setPen(QPen(QColor(RULE if tick in (0, 1.0) else "#dddddd"), 1))
            painter.drawLine(int(x), 2, int(x), bottom)
            painter.setPen(QColor(MUTED))
            painter.drawText(
                QRectF(x - 30, bottom + 2, 60, AXIS_PX),
                Qt.AlignmentFlag.AlignCenter,
                f"{round(tick * 100)}%",
            )
        for i, bar in enumerate(self.bars):
            top = 4 + i * ROW_PX
            row = QRectF(0, top, LABEL_PX, ROW_PX)
            painter.setPen(QColor("#1f2a37"))
            painter.drawText(
                row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, bar.label
            )
            painter.setPen(QColor(MUTED))
            painter.drawText(
                QRectF(x0 + span + 8, top, VALUE_PX, ROW_PX),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                bar.text,
            )
            box = QRectF(x0, top + 5, span, ROW_PX - 10)
            if bar.low is None or bar.high is None:
                painter.setPen(QPen(QColor(RULE), 1, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(box)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.withheld_text)
                continue
            low, high = (min(max(v, 0.0), 1.0) for v in (bar.low, bar.high))
            painter.setPen(Qt.PenStyle.NoPen)
            if high > low:
                painter.setBrush(QColor(LIGHT))
                painter.drawRect(
                    QRectF(x0 + span * low, box.top(), span * (high - low), box.height())
                )
            painter.setBrush(QColor(DARK))
            painter.drawRect(QRectF(x0, box.top(), span * low, box.height()))
        painter.end()
