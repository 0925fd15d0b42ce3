"""A form over one section of a case file: loaded from the case, saved with one service call.

Subclasses say how the section becomes the form's state (`from_case`) and back
(`to_domain`), and which service call stores it (`store`). The form knows whether its
fields differ from what was loaded (`dirty`), which is what "unsaved changes" means.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.access import Level
from app.domain.model import Case
from app.domain.validation import InvalidCase
from app.services import Services
from app.services.base import Change
from ui.pages.case_file.forms import FieldForm


class SectionForm(FieldForm):
    section: str = ""
    attribute: str = ""  # the Case attribute the form edits
    edited = Signal()

    def __init__(self, level: Level, parent: QWidget | None = None):
        super().__init__(parent)
        self.level = level
        self.setObjectName(f"form_{self.section}")
        self._loaded: dict[str, Any] = {}
        self.case: Case | None = None

    @property
    def writable(self) -> bool:
        return self.level >= Level.WRITE

    def finish_setup(self) -> None:
        """Called by subclasses once their fields exist."""
        self.set_read_only(not self.writable)
        self.connect_changed(self.edited.emit)

    def load(self, case: Case) -> None:
        self.case = case
        self.set_state(self.from_case(case))
        self._loaded = self.state()

    def revert(self) -> None:
        if self.case is not None:
            self.load(self.case)

    def dirty(self) -> bool:
        return self.writable and self.case is not None and self.state() != self._loaded

    def save(self, services: Services, case_number: str) -> Change:
        """Store the form; InvalidCase (shown beside the fields by the caller) when it cannot."""
        problems = self.date_problems(case_number)
        if problems:
            raise InvalidCase(problems)
        value = self.to_domain(self.state())
        change = self.store(services, case_number, value)
        if self.case is not None:  # what is stored now is what the form shows, normalised
            setattr(self.case, self.attribute, value)
            self.load(self.case)
        return change

    # --- what subclasses say ----------------------------------------------------------------

    def from_case(self, case: Case) -> dict[str, Any]:
        raise NotImplementedError

    def to_domain(self, state: dict[str, Any]) -> Any:
        raise NotImplementedError

    def store(self, services: Services, case_number: str, value: Any) -> Change:
        raise NotImplementedError
