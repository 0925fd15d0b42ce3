"""A whole working session with sentinel strings in every field: none reaches a file in clear.

The session, as a shelter would have it, in a data folder of its own (AFTERCARE_DATA_DIR,
so the settings file is there too) and with a temp folder of its own (TMPDIR):

    aftercare init, user add        the vault, a caseworker and a supervisor
    aftercare import                a cases-v1 file whose every text field holds a sentinel
    aftercare attach                a scan (PNG) whose bytes hold a sentinel
    the window (offscreen)          sign in, change a setting, open the case file page,
                                    type a new sentinel phone number, Save, open the scan
                                    in an outside viewer (a plain temporary copy), lock
    search                          every sentinel found through the services
    aftercare summary / rollup      the signed summary (JSON and PDF), the roll-up outputs
    aftercare case-pdf              the case file printed (meant to hold the data: not scanned
                                    but read back, to prove the scan would find a sentinel)
    aftercare attachment-export     the scan written out (likewise meant to hold it)
    aftercare backup                an encrypted backup beside the automatic ones

Afterwards no sentinel, in UTF-8, UTF-16 or GB18030, and no part of one (the random token
they share), is in any byte or name of: the data folder (vault, backups, settings), the
session's temp folder, files written in the system temp folder since the start, or the
summary and roll-up outputs, whose PDFs and workbooks are also read decompressed. No log
file exists anywhere in them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import secrets
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import settings as app_settings
from app.context import AppContext
from app.domain import (
    Case,
    Consent,
    Followup,
    Guardian,
    Intake,
    Note,
    Origin,
    Person,
    Referral,
    Service,
)
from app.interchange.cases_v1 import dump_document
from app.vault.vault import Vault
from tests import attachment_files, helpers

pytestmark = pytest.mark.usefixtures("english")

ADMIN = ("admin", "correct horse battery")
CASEWORKER = ("wang", "river stone lantern 42")
SUPERVISOR = ("chen", "amber tiger window 88")


def sentinel_case(number: str, mark) -> Case:
    """A case whose every free-text field holds its own sentinel (`mark(field)`)."""
    day = dt.date(2026, 10, 3)
    return Case(
        case_number=number,
        status="open",
        opened_on=day,
        person=Person(
            full_name=mark("name"),
            aliases=[mark("alias")],
            sex="female",
            age_at_intake=17,
            id_number=mark("id"),
            phone=mark("phone"),
            address=mark("address"),
            origin=Origin("CN", "530100"),
            languages=["zh"],
        ),
        intake=Intake(
            identified_on=day,
            prefecture="350100",
            identified_by="ngo",
            police_case_number=mark("police"),
            exploitation=["forced_labour"],
            narrative=mark("narrative"),
        ),
        consents=[Consent("services", True, day)],
        guardian=Guardian("tracing", mark("guardian")),
        services=[
            Service(
                "shelter_care",
                "ongoing",
                day,
                provider=mark("provider"),
                details={"room": mark("details")},
                notes=mark("service"),
            ),
            Service("medical_care", "ongoing", day, notes=mark("medical")),
        ],
        followups=[Followup(dt.date(2026, 12, 20), notes=mark("followup"))],
        referrals=[
            Referral(
                "health",
                day,
                "pending",
                organisation=mark("organisation"),
                reason=mark("reason"),
            )
        ],
        notes=[Note(day, "notes", mark("note")), Note(day, "legal", mark("legal"))],
    )


def _readable(path: Path) -> bytes:
    """A file's bytes, plus the text inside when it is compressed (PDF, XLSX)."""
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        data += text.encode("utf-8")
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            data += b"".join(archive.read(name) for name in archive.namelist())
    return data


def _hits(folder: Path, sentinels: list[str]) -> list[tuple[str, str]]:
    found = helpers.scan_for_sentinels(folder, sentinels)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = _readable(path)
            found += [(str(path), s) for s in sentinels if any(form in data for form in _forms(s))]
    return sorted(set(found))


def _forms(sentinel: str) -> list[bytes]:
    return [sentinel.encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be", "gb18030")]


def _written_since(folder: Path, since: float) -> list[Path]:
    found = []
    for root, _dirs, files in os.walk(folder, onerror=lambda _error: None):
        for name in files:
            path = Path(root) / name
            try:
                if path.is_file() and not path.is_symlink() and path.stat().st_mtime >= since:
                    found.append(path)
            except OSError:
                continue
    return found


def _answer_questions(window) -> list[str]:
    """Close any message box the window opens (a modal one would hang the test) and keep
    its text; an empty list at the end means the session went as planned."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen: list[str] = []

    def close_boxes() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                seen.append(widget.text())
                widget.reject()

    timer = QTimer(window, interval=200)
    timer.timeout.connect(close_boxes)
    timer.start()
    return seen


@pytest.fixture
def session_dirs(tmp_path, monkeypatch):
    """The session's data folder and temp folder, and the system's temp folder."""
    from app import paths

    system_temp = Path(tempfile.gettempdir())
    data, temp = tmp_path / "data", tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("AFTERCARE_DATA_DIR", str(data))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    yield data, temp, system_temp
    paths.set_data_dir(None)  # `--data-dir` sets it for the rest of the process


def _temp_files_holding(system_temp: Path, since: float, skip: Path, sentinels: list[str]):
    """Files written in the system temp folder since `since` (other than `skip`'s) that hold
    a sentinel: a leak would be a new or rewritten file there."""
    hits = []
    for path in _written_since(system_temp, since):
        try:
            if path.is_relative_to(skip) or path.stat().st_size > 50_000_000:
                continue
            data = path.read_bytes()
        except OSError:  # gone, or another user's
            continue
        hits += [(str(path), s) for s in sentinels if any(f in data for f in _forms(s))]
    return hits


def test_no_sentinel_leaves_the_vault_in_a_whole_session(
    qtbot, cli, tmp_path, session_dirs, monkeypatch
):
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPushButton

    from tests.ui.support import sign_in
    from ui.main_window import MainWindow
    from ui.pages.case_file import attachments_panel
    from ui.security import SessionGuard

    data, temp, system_temp = session_dirs
    started = time.time() - 2  # file times can be coarser than the clock
    token = secrets.token_hex(5)  # so no other run's files can match

    def mark(field: str) -> str:
        return f"SENTINEL-{token}-{field}-李秘密"

    number = f"SEN-{token}"
    vault = data / "vault"
    inbox, out, exports = tmp_path / "inbox", tmp_path / "out", tmp_path / "exports"
    for folder in (inbox, out, exports):
        folder.mkdir()

    def run(*argv: str, user=None, new: str | None = None) -> helpers.CliResult:
        env = helpers.credentials(*user) if user else {}
        if new:
            env["AFTERCARE_NEW_PASSPHRASE"] = new
        done = cli("--data-dir", str(data), *argv, env=env)
        assert done.code == 0, done.err
        return done

    # init, users, import
    run(
        "init",
        str(vault),
        "--unit-code",
        "350100-S01",
        "--unit-name",
        "Fuzhou Test Shelter",
        "--prefecture",
        "350100",
        "--admin",
        ADMIN[0],
        new=ADMIN[1],
    )
    run(
        "user",
        "add",
        str(vault),
        "--name",
        "wang",
        "--role",
        "caseworker",
        user=ADMIN,
        new=CASEWORKER[1],
    )
    run(
        "user",
        "add",
        str(vault),
        "--name",
        "chen",
        "--role",
        "supervisor",
        user=ADMIN,
        new=SUPERVISOR[1],
    )
    source = inbox / "cases.json"  # the person's own file: where the data came from
    source.write_bytes(dump_document([sentinel_case(number, mark)]))
    run("import", str(vault), str(source), user=CASEWORKER)
    scan = inbox / "scan.png"
    scan.write_bytes(attachment_files.png(text=mark("scan")))
    added = json.loads(run("attach", str(vault), number, str(scan), "--json", user=CASEWORKER).out)

    # the window: a setting, the case file page, an edit saved, lock
    ctx = AppContext(vault, settings=app_settings.load())
    window = MainWindow(ctx, guard=SessionGuard(5, check_interval_ms=60_000), save_settings=True)
    qtbot.addWidget(window)
    window.show()
    unexpected = _answer_questions(window)
    sign_in(qtbot, window, CASEWORKER)
    window.set_lock_minutes(7)  # writes the settings file
    page = window.show_page("case_file", number)
    phone = page.findChild(QLineEdit, "field_person.phone")
    phone.setText(mark("typed"))  # setText: typing CJK with keyClicks aborts offscreen
    qtbot.mouseClick(page.findChild(QPushButton, "save_button"), Qt.MouseButton.LeftButton)
    assert ctx.services.cases.open_case(number).person.phone == mark("typed")
    # The scan, handed to an outside viewer: a plain copy, which the lock must delete.
    handed: list[Path] = []
    Ok = QMessageBox.StandardButton.Ok
    monkeypatch.setattr(attachments_panel, "open_with_system", handed.append)
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().button(Ok).click())
    scans = page.case_tabs["profile"].panels[1]
    scans.select(scan.name)
    scans.outside_button.click()
    assert len(handed) == 1 and mark("scan").encode() in handed[0].read_bytes()
    searches = [mark(f) for f in ("name", "alias", "id", "typed", "note", "service", "followup")]
    for query in searches:
        assert [f.row.case_number for f in ctx.services.lists.find(query)] == [number], query
    assert window.lock()
    window.runner.wait_for_idle()
    window.close()
    assert unexpected == [], "the window asked or warned where it should not have"

    # summary, roll-up, the case file PDF, a backup (each through the command)
    (vault / "backups").mkdir(exist_ok=True)
    run("summary", str(vault), "--period", "2026-Q4", "--out", str(out / "summary.json"),
        "--pdf", str(out / "summary.pdf"), user=SUPERVISOR)  # fmt: skip
    run("rollup", str(out / "summary.json"), "--out-dir", str(out / "rollup"))
    run("case-pdf", str(vault), number, "--out", str(exports / "case.pdf"), user=CASEWORKER)
    run("attachment-export", str(vault), number, str(added["id"]), "--out",
        str(exports / "scan.png"), user=CASEWORKER)  # fmt: skip
    run("backup", str(vault), "--out", str(vault / "backups" / "manual.acbackup"), user=ADMIN)

    planted = [mark(f) for f in ("name", "typed", "phone", "address", "note", "legal", "details")]
    planted.append(mark("scan"))
    planted += [token, number, "李秘密"]
    # The scan works: the printed case file holds the data it is meant to hold.
    assert _hits(exports, [mark("typed"), token]), "the scan finds nothing, even where it must"
    assert _hits(exports, [mark("scan")]), "nor in the attachment written out"
    assert not handed[0].exists()
    assert not [p for p in data.rglob("*") if p.suffix == ".log" or "log" in p.name.lower()]
    assert app_settings.load()["lock_minutes"] == 7  # the settings file was written
    assert _hits(data, planted) == []
    assert _hits(temp, planted) == []
    assert _hits(out, planted) == []
    assert _temp_files_holding(system_temp, started, tmp_path, planted) == []
    # And the vault still opens with its passphrase, the edit in it.
    opened = Vault(vault).unlock(*CASEWORKER)
    opened.lock()
