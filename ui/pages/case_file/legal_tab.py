"""The Legal tab: legal aid and legal notes (legal-aid staff; supervisors read them)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.access import Level
from app.codes import Section
from app.i18n import N_
from ui.pages.case_file.specialist_tab import build_specialist
from ui.pages.case_file.tab import CaseTab

RESTRICTED = N_(
    "Only legal-aid staff and supervisors can read the details and notes of legal aid. "
    "You see which help was given and when."
)


def build(level: Level, parent: QWidget | None = None) -> CaseTab:
    return build_specialist(Section.LEGAL, level, RESTRICTED, parent)
