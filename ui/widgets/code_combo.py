"""A combo box over a code list: shows translated labels, holds the stable codes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from enum import StrEnum

from PySide6.QtWidgets import QComboBox, QWidget

from app.codes import label
from app.i18n import _


class CodeCombo(QComboBox):
    """`CodeCombo(Role)` or `CodeCombo(codes=FUJIAN_PREFECTURES, labeller=prefecture_label)`.

    With `blank=True` the first entry is "(none)" with code None. `retranslate_ui()` relabels
    the entries in the current language and keeps the selection.
    """

    def __init__(
        self,
        code_list: type[StrEnum] | None = None,
        *,
        codes: Iterable[str] | None = None,
        labeller: Callable[[str], str] | None = None,
        blank: bool = False,
        blank_text: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        # Wide enough for the labels of the language shown now, also after a switch (the
        # default measures once, and "All statuses" lost its last letter in English).
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        if codes is None:
            if code_list is None:
                raise ValueError("CodeCombo needs a code list or codes")
            codes = [member.value for member in code_list]
        self._codes: list[str | None] = ([None] if blank else []) + list(codes)
        self._blank_text = blank_text
        if labeller is None:
            if code_list is None:
                raise ValueError("CodeCombo needs a code list or a labeller")
            labeller = functools.partial(label, code_list)
        self._labeller = labeller
        for code in self._codes:
            self.addItem("", code)
        self.retranslate_ui()

    def code(self) -> str | None:
        return self.currentData()

    def set_code(self, code: str | None) -> None:
        index = self.findData(code)
        if index >= 0:
            self.setCurrentIndex(index)

    def retranslate_ui(self) -> None:
        for index, code in enumerate(self._codes):
            text = (
                (_(self._blank_text) if self._blank_text else _("(none)"))
                if code is None
                else self._labeller(code)
            )
            self.setItemText(index, text)
