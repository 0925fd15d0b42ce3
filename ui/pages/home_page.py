"""Home: the signed-in worker's day on one page, the first page after unlocking.

My caseload by status and group (a small chart; a bar opens the case list filtered to it),
my follow-ups overdue and due this week, closures waiting for my approval (supervisors),
referral packages waiting for a reply or for ours, and the cases I opened last. A click
(or Enter) on a line opens its case, on the tab the line is about. When something of mine
is overdue, a notice at the top says so: it is the first thing seen after signing in.

Everything comes from one service call (`Caseload.view`), made each time the page is shown
and after every change, so the counts match the case list and the follow-ups page.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import access
from app.codes import CaseState, ClosureReason, Group, Section, label
from app.i18n import _, format_date, format_number, ngettext
from app.services.caseload import CaseloadView
from app.services.workers import may_hold
from ui.models.followups_model import when_text
from ui.pages.base import Page
from ui.pages.case_list_page import case_changes

GROUP_COLOURS = {
    Group.GIRL: QColor("#c2577a"),
    Group.BOY: QColor("#3f7cc0"),
    Group.WOMAN: QColor("#8a63b8"),
    Group.OTHER: QColor("#8a9199"),
}
CARD_STYLE = (
    "QFrame#home_card { background: #ffffff; border: 1px solid #dde1e6; border-radius: 6px; }"
)
LIST_STYLE = (
    "QListWidget { border: none; background: transparent; outline: 0; }"
    " QListWidget::item { padding: 5px 4px; border-bottom: 1px solid #eef0f3; }"
    " QListWidget::item:hover { background: #eef3fa; }"
)


@dataclass(frozen=True)
class Bar:
    state: str
    segments: tuple[tuple[str, int], ...]  # (group, count), in Group order

    @property
    def total(self) -> int:
        return sum(n for _g, n in self.segments)


class CaseloadChart(QWidget):
    """One horizontal bar per state, in segments by group, with a legend; a click on a bar
    asks for the case list of that state (and group)."""

    chosen = Signal(str, object)  # state, group or None

    ROW, LABEL, GAP = 28, 150, 8

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("home_chart")
        self.bars: list[Bar] = []
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_counts(self, counts: list[tuple[str, str, int]]) -> None:
        self.bars = []
        for state in CaseState:
            segments = tuple(
                (group.value, n)
                for group in Group
                for s, g, n in counts
                if s == state and g == group and n
            )
            self.bars.append(Bar(state.value, segments))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, self.ROW * (len(CaseState) + 1) + self.GAP * 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, self.sizeHint().height())

    def _scale(self) -> float:
        most = max((bar.total for bar in self.bars), default=0)
        width = max(1, self.width() - self.LABEL - 60)
        return width / most if most else 0.0

    def _segments(self):
        """(rect, state, group) of every drawn segment, and each bar's label row."""
        scale, y = self._scale(), self.GAP
        for bar in self.bars:
            x = float(self.LABEL)
            for group, n in bar.segments:
                width = max(2.0, n * scale)
                yield QRectF(x, y + 4, width, self.ROW - 10), bar, group
                x += width
            y += self.ROW

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        y = self.GAP
        for bar in self.bars:
            painter.setPen(QColor("#2b2f36"))
            painter.drawText(
                QRectF(0, y, self.LABEL - 8, self.ROW),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                label(CaseState, bar.state),
            )
            y += self.ROW
        ends: dict[str, float] = {}
        for rect, bar, group in self._segments():
            painter.fillRect(rect, GROUP_COLOURS[Group(group)])
            ends[bar.state] = rect.right()
        y = self.GAP
        painter.setPen(QColor("#2b2f36"))
        for bar in self.bars:
            x = ends.get(bar.state, float(self.LABEL))
            painter.drawText(
                QRectF(x + 6, y, 60, self.ROW),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                format_number(bar.total),
            )
            y += self.ROW
        x = float(self.LABEL)  # the legend
        for group in Group:
            painter.fillRect(QRectF(x, y + 9, 10, 10), GROUP_COLOURS[group])
            text = label(Group, group)
            painter.drawText(
                QRectF(x + 14, y, 100, self.ROW),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
            x += 24 + painter.fontMetrics().horizontalAdvance(text)
        painter.end()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        for rect, bar, group in self._segments():
            if rect.contains(point):
                self.chosen.emit(bar.state, group)
                return
        row = int((point.y() - self.GAP) // self.ROW)
        if 0 <= row < len(self.bars) and point.x() < self.LABEL:
            self.chosen.emit(self.bars[row].state, None)


class HomeList(QFrame):
    """A titled card with a list whose lines open a case."""

    MAX_ROWS = 8

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("home_card")
        self.setStyleSheet(CARD_STYLE)
        self.title = QLabel(self, objectName=f"home_{name}_title")
        self.title.setStyleSheet("font-weight: 600; font-size: 11pt; border: none;")
        self.list = QListWidget(self, objectName=f"home_{name}")
        self.list.setStyleSheet(LIST_STYLE)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.empty = QLabel(self, objectName=f"home_{name}_empty")
        self.empty.setStyleSheet("color: #6b7280; border: none;")
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 10, 12, 10)
        column.addWidget(self.title)
        column.addWidget(self.list, 1)
        column.addWidget(self.empty)

    def fill(self, title: str, lines: list[tuple[str, dict]], empty: str) -> None:
        """`lines`: (text, the case_file argument to open)."""
        self.title.setText(f"{title} ({format_number(len(lines))})")
        self.list.clear()
        for text, target in lines:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, target)
            item.setToolTip(_("Open the case"))
            self.list.addItem(item)
        self.empty.setText(empty)
        self.empty.setVisible(not lines)
        self.list.setVisible(bool(lines))
        # As tall as its lines, up to MAX_ROWS (then it scrolls): the card fits its content.
        row = self.list.sizeHintForRow(0) if lines else 0
        self.list.setFixedHeight(
            min(len(lines), self.MAX_ROWS) * row + 2 * self.list.frameWidth() + 2
        )


class HomePage(Page):
    page_id = "home"

    def __init__(self, ctx, runner, parent: QWidget | None = None):
        super().__init__(ctx, runner, parent)
        self.view: CaseloadView | None = None
        self.heading = QLabel(self, objectName="home_heading")
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.notice = QLabel(self, objectName="home_notice")
        self.notice.setStyleSheet(
            "background: #fbecea; color: #a3261b; border-radius: 4px; padding: 8px 12px;"
            " font-weight: 600;"
        )
        self.notice.setWordWrap(True)
        self.notice.hide()

        self.caseload = QFrame(self, objectName="home_card")
        self.caseload.setStyleSheet(CARD_STYLE)
        self.caseload_title = QLabel(self.caseload, objectName="home_caseload_title")
        self.caseload_title.setStyleSheet("font-weight: 600; font-size: 11pt; border: none;")
        self.chart = CaseloadChart(self.caseload)
        self.chart.setFixedHeight(self.chart.sizeHint().height())
        self.chart.chosen.connect(self._show_list)
        card = QVBoxLayout(self.caseload)
        card.setContentsMargins(12, 10, 12, 10)
        card.addWidget(self.caseload_title)
        card.addWidget(self.chart)

        self.overdue = HomeList("overdue", self)
        self.this_week = HomeList("this_week", self)
        self.closures = HomeList("closures", self)
        self.referrals = HomeList("referrals", self)
        self.recent = HomeList("recent", self)
        for card_list in self._lists():
            card_list.list.itemClicked.connect(self._open_item)
            card_list.list.itemActivated.connect(self._open_item)

        left, right = QVBoxLayout(), QVBoxLayout()
        for column, cards in (
            (left, (self.caseload, self.recent, self.referrals)),
            (right, (self.overdue, self.this_week, self.closures)),
        ):
            column.setSpacing(12)
            for card_widget in cards:
                column.addWidget(card_widget)
            column.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.notice)
        layout.addLayout(columns, 1)
        self.retranslate_ui()

    def _lists(self) -> tuple[HomeList, ...]:
        return (self.overdue, self.this_week, self.closures, self.referrals, self.recent)

    # --- the Page contract ----------------------------------------------------------------

    @classmethod
    def title(cls) -> str:
        return _("Home")

    @classmethod
    def visible_for(cls, role: str) -> bool:
        # For whoever reads case files; administrators look after accounts, not cases.
        return any(access.section_level(role, s) >= access.Level.READ for s in Section)

    def retranslate_ui(self) -> None:
        self._show()

    def refresh(self) -> None:
        """Read the caseload again each time the page is shown: "overdue" moves with the day."""
        if not self.ctx.is_unlocked or self.runner.busy:
            return
        self.view = self.ctx.services.caseload.view()
        self._show()

    def on_changed(self, changes) -> None:
        if self.view is not None and case_changes(changes):
            self.refresh()

    # --- showing --------------------------------------------------------------------------

    def _show(self) -> None:
        view = self.view
        if view is None:
            self.heading.setText(_("Home"))
            return
        self.heading.setText(
            _("{name}'s day, {date}").format(name=view.user, date=format_date(view.today, "full"))
        )
        overdue = len(view.overdue)
        self.notice.setVisible(overdue > 0)
        if overdue:
            self.notice.setText(
                ngettext(
                    "{n} follow-up visit of your cases is overdue.",
                    "{n} follow-up visits of your cases are overdue.",
                    overdue,
                ).format(n=overdue)
            )
        holds_cases = may_hold(view.role)
        self.caseload.setVisible(holds_cases)
        self.caseload_title.setText(
            ngettext("My caseload: {n} case", "My caseload: {n} cases", view.total()).format(
                n=format_number(view.total())
            )
        )
        self.chart.set_counts(view.counts)
        followups = bool(view.overdue or view.due_this_week) or holds_cases
        for card_list in (self.overdue, self.this_week):
            card_list.setVisible(followups)

        def visit(d) -> tuple[str, dict]:
            text = f"{d.case_number}  {d.full_name}  ·  {format_date(d.due_on)} ({when_text(d.due_on, view.today)})"
            return text, {"case": d.case_number, "tab": "followups"}

        self.overdue.fill(
            _("Follow-ups overdue"),
            [visit(d) for d in view.overdue],
            _("Nothing overdue."),
        )
        self.this_week.fill(
            _("Follow-ups due this week"),
            [visit(d) for d in view.due_this_week],
            _("No visits due for the rest of the week."),
        )
        self.closures.setVisible(bool(view.closures) or view.role == "supervisor")
        self.closures.fill(
            _("Closures awaiting your approval"),
            [
                (
                    _("{number}  {name}  ·  {who} asks to close: {reason}").format(
                        number=c.case_number,
                        name=c.full_name,
                        who=c.requested_by,
                        reason=label(ClosureReason, c.reason),
                    ),
                    {"case": c.case_number, "tab": None},
                )
                for c in view.closures
            ],
            _("No closure is waiting for you."),
        )
        self.referrals.fill(
            _("Referral packages waiting"),
            [
                (
                    "  ".join(
                        part
                        for part in (
                            r.case_number or "",
                            r.full_name or "",
                            "·",
                            _("reply expected from {who}").format(who=r.counterpart)
                            if r.direction == "sent"
                            else _("to answer to {who}").format(who=r.counterpart),
                        )
                        if part
                    ),
                    {"case": r.case_number, "tab": "referrals"},
                )
                for r in view.referrals
            ],
            _("No referral package is waiting."),
        )
        self.recent.fill(
            _("Cases I opened last"),
            [(f"{r.case_number}  {r.full_name}", {"case": r.case_number}) for r in view.recent],
            _("The cases you open will be listed here."),
        )

    # --- acting on a line -----------------------------------------------------------------

    def _open_item(self, item: QListWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if target and target.get("case"):
            self.navigate.emit("case_file", target)

    def _show_list(self, state: str, group: str | None) -> None:
        """A bar of the chart: the case list of my cases in that state (and group)."""
        from app.storage.list_repo import CaseFilter

        self.navigate.emit(
            "cases",
            CaseFilter(status=state, group=group, holder_id=self.ctx.vault.user.id),
        )


PAGE = HomePage
