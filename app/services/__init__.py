"""Use-cases over an open vault, shared by the window, the command and the tests.

`Services(opened)` bundles them: `cases` (one case file), `lists` (list, search,
follow-ups due), `transfer` (cases-v1 import and export), `documents` (the case-file PDF),
`referrals` (contacts, and referral packages to and from other vaults), `drafts` (form
text kept in the vault when the window locked itself), `audit_trail` (reading and checking
it), `backups` (made and restored by hand), `caseload` (who holds a case, and the home page),
`directory` (organisations to call, refer to and hand out), `attachments`
(files and photos kept inside the vault).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from app.services.attachments import Attachments
from app.services.audit_trail import AuditTrail
from app.services.backups import Backups
from app.services.caseload import Caseload
from app.services.cases import CaseFiles
from app.services.directory import Directory
from app.services.documents import Documents
from app.services.drafts import Drafts
from app.services.duplicates import Duplicates
from app.services.listing import CaseList
from app.services.referrals import Referrals
from app.services.reports import Reports
from app.services.transfer import Transfer
from app.vault.vault import OpenVault


class Services:
    def __init__(self, opened: OpenVault, *, today: Callable[[], dt.date] = dt.date.today):
        self.opened = opened
        self.cases = CaseFiles(opened, today=today)
        self.lists = CaseList(opened, today=today)
        self.transfer = Transfer(opened, today=today)
        self.documents = Documents(opened, today=today)
        self.reports = Reports(opened, today=today)
        self.referrals = Referrals(opened, today=today)
        self.drafts = Drafts(opened, today=today)
        self.audit_trail = AuditTrail(opened, today=today)
        self.backups = Backups(opened, today=today)
        self.caseload = Caseload(opened, today=today)
        self.duplicates = Duplicates(opened, today=today)
        self.directory = Directory(opened, today=today)
        self.attachments = Attachments(opened, today=today)
