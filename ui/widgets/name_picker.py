"""Pick a place, a country or languages by typing part of a name; the form keeps the codes.

`NamePicker` is one line: as the person types (Chinese, pinyin, initials or English), a list
of matching names drops down; choosing one, or typing a name exactly, sets the code. The
field shows the name in the window's language and the code in a tooltip. `ListPicker` does
the same for a comma-separated list (languages). Both are compound inputs of the case-file
forms (`form_value`, `set_form_value`, `set_read_only`, `changed`, `input_problem`).

What they search is given as plain functions, so the same widget serves GB/T 2260 divisions
(app.divisions) and babel's countries and languages (app.places).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from app import divisions, places
from app.i18n import N_, _

_SPLIT = re.compile(r"[,，、;；]")
# (code, text shown in the list)
Suggestion = tuple[str, str]


@dataclass(frozen=True)
class Catalog:
    """What a picker searches and how it names a code."""

    search: Callable[[str], list[Suggestion]]
    name: Callable[[str], str]  # the code's name in the current language
    find: Callable[[str], str | None]  # the code of a typed name or code, if exactly one
    placeholder: str  # English source, translated when shown


def _division_suggestions(text: str) -> list[Suggestion]:
    return [(d.code, divisions.label(d.code, with_code=True)) for d in divisions.search(text)]


def _division_code(text: str) -> str | None:
    found = divisions.find_exact(text)
    return found.code if found else None


DIVISIONS = Catalog(
    search=_division_suggestions,
    name=lambda code: divisions.label(code),
    find=_division_code,
    placeholder=N_("Type a name: 厦门, xiamen, xm"),
)

COUNTRIES = Catalog(
    search=lambda text: [(n.code, f"{n.name()} ({n.code})") for n in places.search_countries(text)],
    name=lambda code: places.country_name(code),
    find=places.find_country,
    placeholder=N_("Type a name: 中国, zhongguo, China"),
)

LANGUAGES = Catalog(
    search=lambda text: [(n.code, f"{n.name()} ({n.code})") for n in places.search_languages(text)],
    name=lambda code: places.language_name(code),
    find=places.find_language,
    placeholder=N_("Type names, separated by commas: 粤语, yue, Vietnamese"),
)


def split_list(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


class NamePicker(QLineEdit):
    changed = Signal()

    def __init__(self, catalog: Catalog, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self._codes: list[str] = []
        self._suggestions = QStringListModel(self)
        self.completer_ = QCompleter(self._suggestions, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setWidget(self)
        # The overload by index; the stubs do not know signal overloads.
        self.completer_.activated[QModelIndex].connect(self._chosen)  # type: ignore[index]
        self.textEdited.connect(self._typed)
        self.textChanged.connect(lambda _text: self.changed.emit())
        self.retranslate_ui()

    # --- the form's side ----------------------------------------------------------------------

    def form_value(self) -> str:
        """The codes of the names shown; text that names nothing is kept as typed."""
        return ", ".join(self._code_of(part) or part for part in self._parts())

    def set_form_value(self, value: str | None) -> None:
        names = [self.catalog.name(code) for code in split_list(value or "")]
        self.setText(", ".join(names))
        self.setCursorPosition(0)
        self._update_tooltip()

    def set_read_only(self, read_only: bool) -> None:
        self.setReadOnly(read_only)

    def input_problem(self) -> str | None:
        unknown = [part for part in self._parts() if self._code_of(part) is None]
        if not unknown:
            return None
        return _("“{text}” is not in the list: choose one of the names offered").format(
            text=unknown[0]
        )

    def retranslate_ui(self) -> None:
        codes = self.form_value()
        self.setPlaceholderText(_(self.catalog.placeholder))
        self.set_form_value(codes)

    # --- typing -------------------------------------------------------------------------------

    def _parts(self) -> list[str]:
        return [self.text().strip()] if self.text().strip() else []

    def _code_of(self, text: str) -> str | None:
        return self.catalog.find(text)

    def _current_part(self) -> str:
        return self.text()

    def _typed(self, _text: str) -> None:
        part = self._current_part().strip()
        found = self.catalog.search(part) if part else []
        self._codes = [code for code, _shown in found]
        self._suggestions.setStringList([shown for _code, shown in found])
        if found:
            self.completer_.complete()
        elif (popup := self.completer_.popup()) is not None:
            popup.hide()
        self._update_tooltip()

    def _chosen(self, index: QModelIndex) -> None:
        code = self._codes[index.row()]
        self._replace_current_part(self.catalog.name(code))
        self._update_tooltip()

    def _replace_current_part(self, name: str) -> None:
        self.setText(name)

    def _update_tooltip(self) -> None:
        self.setToolTip(self.form_value())


class ListPicker(NamePicker):
    """Several names separated by commas; suggestions for the one being typed."""

    def _parts(self) -> list[str]:
        return split_list(self.text())

    def _current_part(self) -> str:
        return _SPLIT.split(self.text())[-1]

    def _replace_current_part(self, name: str) -> None:
        done = split_list(", ".join(_SPLIT.split(self.text())[:-1]))
        self.setText(", ".join([*done, name]) + ", ")
