"""`aftercare selfcheck`: does this installation (a bundle, or the source) work on this computer?

Each check uses the real parts, in a temporary folder that is removed afterwards:

    vault   create a vault (Argon2id at its minimum), add a caseworker, unlock as them
    case    write a case file with Chinese text through the services and read it back
    pdf     print that case as a PDF and find the CJK font embedded in it
    date    format a date in zh_CN with babel's locale data (the bundle ships only a few)
    window  sign in and show the main window offscreen, with Qt's Chinese translations

The data is invented. The window check lives in ui/selfcheck_cmd.py (app/ never imports Qt),
which adds it to these checks, so `aftercare selfcheck` proves the bundle carries the Qt parts.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app import i18n
from app.domain import Case, Intake, Person
from app.i18n import _
from app.pdf.fonts import cjk_font, cjk_font_embedded
from app.services import Services
from app.vault.kdf import KdfParams
from app.vault.vault import OpenVault, Vault

CASE_NUMBER = "SC-2026-0001"
CASE_NAME = "测试个案张三"  # invented; Chinese so that the PDF needs the CJK font
SAMPLE_DATE = dt.date(2026, 11, 28)
SAMPLE_DATE_ZH = "2026年11月28日"  # CLDR's long date format for zh_CN


class CheckFailed(Exception):
    """A check ran but found the installation wanting; the message says what."""


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.name}" + (
            f": {self.detail}" if self.detail else ""
        )


@dataclass
class Scratch:
    """What the checks hand on to each other."""

    folder: Path
    user: str = "selfcheck"
    passphrase: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    opened: OpenVault | None = None  # the caseworker's, from the vault check to the pdf check
    vault_done: bool = False
    case_done: bool = False

    def services(self) -> Services:
        if self.opened is None:
            raise CheckFailed(_("needs the vault check"))
        return Services(self.opened, today=lambda: SAMPLE_DATE)

    def lock(self) -> None:
        if self.opened is not None:
            self.opened.lock()
            self.opened = None


def _check_vault(s: Scratch) -> str:
    params = KdfParams()  # the minimum (64 MiB, 3 passes): enough to prove Argon2id works
    opened, _code = Vault.create(
        s.folder,
        unit_code="350100-SC1",
        unit_name="自检单位",
        prefecture="350100",
        admin_name="selfcheck-admin",
        admin_passphrase=secrets.token_urlsafe(18),
        kdf_params=params,
    )
    try:
        opened.add_user(s.user, "caseworker", s.passphrase, kdf_params=params)
    finally:
        opened.lock()
    s.opened = Vault(s.folder).unlock(s.user, s.passphrase)
    s.vault_done = True
    return ""


def _sample_case() -> Case:
    return Case(
        case_number=CASE_NUMBER,
        status="open",
        opened_on=SAMPLE_DATE,
        # yue and vi: the PDF names languages through babel, whose other locales the
        # bundle does not ship; the names must still come out
        person=Person(full_name=CASE_NAME, sex="female", age_at_intake=30, languages=["yue", "vi"]),
        intake=Intake(),
    )


def _check_case(s: Scratch) -> str:
    services = s.services()
    services.cases.create_case(_sample_case())
    if services.cases.open_case(CASE_NUMBER).person.full_name != CASE_NAME:
        raise CheckFailed(_("the case read back differs from the case written"))
    s.case_done = True
    return ""


def _check_pdf(s: Scratch) -> str:
    if not s.case_done:
        raise CheckFailed(_("needs the case check"))
    data = s.services().documents.case_pdf(CASE_NUMBER)
    if not data.startswith(b"%PDF") or not cjk_font_embedded(data):
        raise CheckFailed(_("the Chinese font is not embedded in the PDF"))
    return cjk_font().path.name


def _check_date(_s: Scratch) -> str:
    before = i18n.current_locale()
    try:
        i18n.set_locale("zh_CN")
        text = i18n.format_date(SAMPLE_DATE, "long")
    finally:
        i18n.set_locale(before)
    if text != SAMPLE_DATE_ZH:
        raise CheckFailed(_("got {text}").format(text=text))
    return text


CHECKS: tuple[tuple[str, Callable[[Scratch], str]], ...] = (
    ("vault", _check_vault),
    ("case", _check_case),
    ("pdf", _check_pdf),
    ("date", _check_date),
)


def _failure(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def run_selfcheck(
    report: Callable[[Result], None] = lambda r: None,
    checks: tuple[tuple[str, Callable[[Scratch], str]], ...] = CHECKS,
) -> list[Result]:
    """Run the checks in a temporary folder; `report` is called as each one finishes.

    A check that needs an earlier one fails, saying so, when that one failed.
    """
    results: list[Result] = []
    scratch_root = Path(tempfile.mkdtemp(prefix="aftercare-selfcheck-"))
    scratch = Scratch(scratch_root / "vault")
    try:
        for name, check in checks:
            try:
                result = Result(name, True, check(scratch))
            except Exception as exc:  # a check reports what broke, the others still run
                result = Result(name, False, _failure(exc))
            results.append(result)
            report(result)
    finally:
        scratch.lock()
        shutil.rmtree(scratch_root, ignore_errors=True)
    if scratch_root.exists():  # e.g. a file still held open on Windows: say so, do not hide it
        results.append(Result("cleanup", False, str(scratch_root)))
        report(results[-1])
    return results
