"""The Medical tab: medical and psychological care, and medical notes (health staff)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.access import Level
from app.codes import Section
from app.i18n import N_
from ui.pages.case_file.specialist_tab import build_specialist
from ui.pages.case_file.tab import CaseTab

RESTRICTED = N_(
    "Only health staff can read medical details and notes. You see which care was given and when."
)


def build(level: Level, parent: QWidget | None = None) -> CaseTab:
    return build_specialist(Section.MEDICAL, level, RESTRICTED, parent)
