"""What the case-file forms and entry dialogs share: fields keyed by the domain's key paths.

A `FieldForm` registers each input under the key path validation uses for it
(`person.date_of_birth`, `ended_on`, ...). From that one registry it:
- reads and writes the whole form as a plain JSON-able dict (`state` / `set_state`), which
  is what "unsaved changes" compares and what a draft stores, typed text included even when
  it is not a date yet;
- puts each validation problem's message under the field whose key is the longest prefix
  of the problem's path (`person.languages[1]` -> `person.languages`), and focuses the first;
- makes itself read-only for a role that may read but not change the section.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar, cast

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.validation import Problem
from app.i18n import _
from ui.widgets.code_combo import CodeCombo
from ui.widgets.date_edit import DateEdit

ERROR_STYLE = "color: #b3261e;"
HINT_STYLE = "color: #5f6368;"
_SPLIT = re.compile(r"[,，、;；]")
# A key such as started_on; ASCII bounds, as Chinese text beside it counts as \w too.
_FIELD_WORD = re.compile(r"(?<![A-Za-z0-9_])[a-z]+(?:_[a-z]+)+(?![A-Za-z0-9_])")


def split_list(text: str) -> list[str]:
    """ "a, b、c" -> ["a", "b", "c"]: lists typed in one line, Chinese separators included."""
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


def parse_date(text: str | None) -> dt.date | None:
    """A state's date text as a date; raises ValueError for text that is not YYYY-MM-DD."""
    text = (text or "").strip()
    return dt.date.fromisoformat(text) if text else None


def iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def blank_to_none(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


# --- reading and writing one input ------------------------------------------------------------


# A compound input (several widgets, one value) offers `form_value()`, `set_form_value(v)`,
# `set_read_only(flag)` and a `changed` signal; the functions below use them first.
W = TypeVar("W", bound=QWidget)


class CompoundInput(Protocol):
    changed: SignalInstance

    def form_value(self) -> Any: ...
    def set_form_value(self, value: Any) -> None: ...
    def set_read_only(self, read_only: bool) -> None: ...


def _compound(widget: QWidget) -> CompoundInput | None:
    return cast(CompoundInput, widget) if hasattr(widget, "form_value") else None


def value_of(widget: QWidget) -> Any:
    if (compound := _compound(widget)) is not None:
        return compound.form_value()
    if isinstance(widget, DateEdit):
        return widget.line.text().strip()
    if isinstance(widget, CodeCombo):
        return widget.code()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return None if widget.value() == widget.minimum() else widget.value()
    raise TypeError(f"no value for {type(widget).__name__}")


def set_value(widget: QWidget, value: Any) -> None:
    if hasattr(widget, "set_form_value"):
        widget.set_form_value(value)
    elif isinstance(widget, DateEdit):
        widget.line.setText(value or "")
        widget.line.editingFinished.emit()  # parse it, as if typed
    elif isinstance(widget, CodeCombo):
        widget.set_code(value)
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(widget.findData(value), 0))
    elif isinstance(widget, QLineEdit):
        widget.setText(value or "")
        widget.setCursorPosition(0)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value or "")
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(widget.minimum() if value is None else int(value))
    else:
        raise TypeError(f"cannot set {type(widget).__name__}")


# A field the reader may not change looks like text on the page, not like an empty box to
# type into: no white box, no frame, no clear button (see `set_read_only`).
READ_ONLY_STYLE = "background: transparent; border: 1px solid transparent;"


def _look_read_only(edit: QLineEdit | QPlainTextEdit, read_only: bool) -> None:
    edit.setStyleSheet(READ_ONLY_STYLE if read_only else "")
    if isinstance(edit, QLineEdit) and read_only:
        edit.setClearButtonEnabled(False)


def set_read_only(widget: QWidget, read_only: bool) -> None:
    """Read-only where Qt has it (text stays crisp and selectable), disabled elsewhere."""
    if (compound := _compound(widget)) is not None:
        compound.set_read_only(read_only)
        if isinstance(widget, QLineEdit):
            _look_read_only(widget, read_only)
    elif isinstance(widget, DateEdit):
        widget.line.setReadOnly(read_only)
        widget.line.setClearButtonEnabled(not read_only)
        _look_read_only(widget.line, read_only)
        widget.button.setVisible(not read_only)
    elif isinstance(widget, QLineEdit | QPlainTextEdit):
        widget.setReadOnly(read_only)
        _look_read_only(widget, read_only)
    elif isinstance(widget, QSpinBox):
        widget.setReadOnly(read_only)
        widget.setStyleSheet(READ_ONLY_STYLE if read_only else "")
        widget.setButtonSymbols(
            QSpinBox.ButtonSymbols.NoButtons if read_only else QSpinBox.ButtonSymbols.UpDownArrows
        )
    elif isinstance(widget, QComboBox | QAbstractButton):
        widget.setEnabled(not read_only)


def changed_signal(widget: QWidget):
    """The signal that fires when the person edits `widget`."""
    if (compound := _compound(widget)) is not None:
        return compound.changed
    if isinstance(widget, DateEdit):
        return widget.line.textChanged
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QCheckBox):
        return widget.toggled
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    raise TypeError(type(widget).__name__)


def key_matches(key: str, path: str) -> bool:
    """True when `path` is `key` or lies inside it (`person.languages[1]` in `person.languages`)."""
    return path == key or (path.startswith(key) and path[len(key)] in ".[")


class ProblemLabel(QLabel):
    """A red line under a field (or a form), hidden while there is nothing to say."""

    def __init__(self, object_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.hide()

    def say(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class FieldForm(QWidget):
    """A QFormLayout of keyed fields, each with its problem line beneath it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(8)
        self.general_problem = ProblemLabel("problem_general", self)
        self.form.addRow(self.general_problem)
        self.fields: dict[str, QWidget] = {}
        self._labels: dict[str, tuple[QLabel, str]] = {}
        self._problems: dict[str, ProblemLabel] = {}
        self._rows: dict[str, QWidget] = {}

    def field(self, key: str, kind: type[W]) -> W:
        """The input of `key`, which is a `kind`."""
        widget = self.fields[key]
        if not isinstance(widget, kind):
            raise TypeError(f"{key} is a {type(widget).__name__}, not a {kind.__name__}")
        return widget

    def add_field(self, key: str, text: str, widget: W) -> W:
        """Add `widget` under the label `text` (English source, translated on retranslate)."""
        widget.setObjectName(f"field_{key}")
        if isinstance(widget, DateEdit):
            widget.setMaximumWidth(200)
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        problem = ProblemLabel(f"problem_{key}", holder)
        column.addWidget(problem)
        caption = QLabel(_(text), self)
        caption.setBuddy(widget)
        self.form.addRow(caption, holder)
        self.fields[key] = widget
        self._labels[key] = (caption, text)
        self._problems[key] = problem
        self._rows[key] = holder
        return widget

    def problem_label(self, key: str) -> ProblemLabel:
        return self._problems[key]

    def set_field_visible(self, key: str, visible: bool) -> None:
        self.form.setRowVisible(self._rows[key], visible)

    def field_label(self, key: str) -> str:
        return _(self._labels[key][1])

    def retranslate_ui(self) -> None:
        for caption, text in self._labels.values():
            caption.setText(_(text))
        for widget in self.fields.values():
            if hasattr(widget, "retranslate_ui"):
                widget.retranslate_ui()

    # --- state ----------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        return {key: value_of(widget) for key, widget in self.fields.items()}

    def set_state(self, state: dict[str, Any]) -> None:
        for key, widget in self.fields.items():
            if key in state:
                set_value(widget, state[key])
        self.clear_problems()

    def connect_changed(self, slot) -> None:
        for widget in self.fields.values():
            changed_signal(widget).connect(lambda *_args: slot())

    def set_read_only(self, read_only: bool) -> None:
        for widget in self.fields.values():
            set_read_only(widget, read_only)

    # --- problems -------------------------------------------------------------------------

    def clear_problems(self) -> None:
        self.general_problem.say("")
        for label in self._problems.values():
            label.say("")

    def show_problems(self, problems: Iterable[Problem], prefix: str = "") -> None:
        """Each message beside its field (paths relative to `prefix`), the first one focused."""
        self.clear_problems()
        general: list[str] = []
        first: QWidget | None = None
        for problem in problems:
            path = problem.path[len(prefix) :] if problem.path.startswith(prefix) else problem.path
            key = max((k for k in self.fields if key_matches(k, path)), key=len, default=None)
            if key is None:
                general.append(f"{problem.path} {problem.message}".strip())
                continue
            shown = self._problems[key]
            line = _("{field} {problem}").format(
                field=self.field_label(key), problem=self._readable(problem.message)
            )
            shown.say("\n".join(filter(None, [shown.text() if shown.isVisible() else "", line])))
            first = first or self.fields[key]
        self.general_problem.say("\n".join(general))
        if first is not None:
            target = first.line if isinstance(first, DateEdit) else first
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _readable(self, message: str) -> str:
        """The domain's messages name other fields by key ("is before started_on"): use the
        labels people see instead."""
        names = {key.rsplit(".", 1)[-1]: self.field_label(key) for key in self.fields}
        names.setdefault("opened_on", _("the day the case was opened"))
        return _FIELD_WORD.sub(lambda m: names.get(m[0], m[0]), message)

    def date_problems(self, case_number: str, prefix: str = "") -> list[Problem]:
        """Date fields whose text is not a date, pickers whose text names nothing: problems
        found before asking the service."""
        problems = [
            Problem(case_number, prefix + key, _("is not a date (YYYY-MM-DD)"))
            for key, widget in self.fields.items()
            if isinstance(widget, DateEdit) and not widget.is_valid()
        ]
        for key, widget in self.fields.items():
            problem = widget.input_problem() if hasattr(widget, "input_problem") else None
            if problem:
                problems.append(Problem(case_number, prefix + key, problem))
        return problems


def hint_label(object_name: str, parent: QWidget | None = None) -> QLabel:
    """A grey explanatory line (e.g. why some details are not shown to this role)."""
    label = QLabel(parent, objectName=object_name)
    label.setStyleSheet(HINT_STYLE)
    label.setWordWrap(True)
    return label
