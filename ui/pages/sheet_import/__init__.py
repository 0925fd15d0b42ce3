"""Spreadsheets in the window: the Import spreadsheet wizard and the HTCDS export for partners.

`SheetActions` is the pair of buttons the case list shows (each only to a role that may use
it); `SheetImportWizard` is the wizard (see wizard.py for its steps).
"""

from ui.pages.sheet_import.actions import SheetActions
from ui.pages.sheet_import.wizard import SheetImportWizard

__all__ = ["SheetActions", "SheetImportWizard"]
