"""Automatic backups without a window: when they are made, where, what is kept, what fails,
and that neither the backup files nor their folders hold anything readable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import pytest

from app import audit
from app.domain import Note
from app.services import Services
from app.storage.connection import connect
from app.vault import auto_backup, backup
from app.vault.auto_backup import SECOND, VAULT, backups_to_keep
from app.vault.vault import DB_NAME, Vault
from tests import helpers
from tests.case_examples import minimal_case

pytestmark = pytest.mark.usefixtures("english")

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


# --- the promised set (pure) ------------------------------------------------------------------


def test_keeps_the_last_ten_and_the_newest_of_each_month():
    daily = [at(f"2026-11-{d:02d}") for d in range(1, 21)]  # 20 in November
    october = [at("2026-10-03"), at("2026-10-30", 8), at("2026-10-30", 9)]
    older = [at("2025-12-31"), at("2025-12-01")]
    items = [(auto_backup.backup_name(t), t) for t in daily + october + older]
    kept = backups_to_keep(items)
    expected = {auto_backup.backup_name(t) for t in daily[-10:]}  # Nov 11..20, Nov's newest too
    expected |= {auto_backup.backup_name(at("2026-10-30", 9)), auto_backup.backup_name(older[0])}
    assert kept == expected


def test_fewer_than_ten_are_all_kept_and_months_are_utc():
    items = [(f"b{i}", at("2026-01-01", i)) for i in range(5)]
    assert backups_to_keep(items) == {f"b{i}" for i in range(5)}
    assert backups_to_keep([]) == set()
    # 00:30 on 1 November in Beijing is 16:30 on 31 October in UTC: both belong to October.
    beijing = dt.timezone(dt.timedelta(hours=8))
    late = [
        ("a", dt.datetime(2026, 10, 31, 23, 30, tzinfo=beijing)),
        ("b", dt.datetime(2026, 11, 1, 0, 30, tzinfo=beijing)),
    ]
    assert backups_to_keep(late, last=0) == {"b"}


def test_names_hold_only_the_time():
    name = auto_backup.backup_name(NOW)
    assert name == "auto-20261128T093000Z.acbackup"
    assert auto_backup.time_of(name) == NOW
    assert auto_backup.time_of("pre-upgrade-v1-20261128T093000Z.acbackup") is None
    assert auto_backup.time_of("auto-20261340T000000Z.acbackup") is None  # no 13th month


def test_rotation_on_real_files_removes_only_automatic_backups(tmp_path):
    times = [at("2026-11-01") + dt.timedelta(hours=6 * i) for i in range(15)]
    times += [at("2026-09-10"), at("2026-09-20")]
    for when in times:
        (tmp_path / auto_backup.backup_name(when)).write_bytes(b"x")
    others = ["pre-upgrade-v1-20200101T000000Z.acbackup", "by-hand.acbackup", "notes.txt"]
    for name in others:
        (tmp_path / name).write_bytes(b"y")
    removed = auto_backup.rotate(tmp_path)
    left = {p.name for p in tmp_path.iterdir()}
    expected = backups_to_keep([(auto_backup.backup_name(t), t) for t in times])
    assert left == expected | set(others)
    assert len(removed) == 15 + 2 - 11  # ten newest (November's newest among them) + September's
    assert auto_backup.backup_name(at("2026-09-20")) in left


# --- when and where ---------------------------------------------------------------------------


def _entries(opened, action):
    return [e.detail for e in reversed(audit.entries(opened.conn, action=action))]


def test_a_backup_when_something_changed_and_none_when_nothing_did(opened_vault, tmp_path):
    opened = opened_vault
    assert auto_backup.needs_backup(opened, None)  # the vault's creation is a change
    outcome = auto_backup.back_up(opened, None, trigger="lock", now=NOW)
    (copy,) = outcome.written
    assert outcome.failures == ()
    assert copy.where == VAULT and copy.path == opened.folder / "backups" / copy.path.name
    assert copy.path.name == "auto-20261128T093000Z.acbackup"
    (entry,) = _entries(opened, auto_backup.WRITTEN)
    assert entry["sha256"] == copy.sha256 == hashlib.sha256(copy.path.read_bytes()).hexdigest()
    assert entry["where"] == VAULT and entry["trigger"] == "lock"
    assert entry["through"] == auto_backup.last_change_id(opened.conn)

    # Unlocking, locking and the backup entries themselves are not changes.
    with opened.write():
        opened.audit("unlock")
        opened.audit("case_viewed", "FZ-2026-0001")
        opened.audit("lock")
    assert not auto_backup.needs_backup(opened, None)
    later = NOW + dt.timedelta(hours=1)
    assert auto_backup.back_up(opened, None, trigger="lock", now=later).written == ()

    # An export, a print or an action this module has never heard of is a change.
    with opened.write():
        opened.audit("something_new")
    assert auto_backup.needs_backup(opened, None)
    assert len(auto_backup.back_up(opened, None, trigger="quit", now=later).written) == 1

    # A backup deleted by hand is made again, even with nothing changed.
    for path in (opened.folder / "backups").iterdir():
        path.unlink()
    assert auto_backup.needs_backup(opened, None)


def test_back_up_now_writes_even_when_nothing_changed(opened_vault):
    auto_backup.back_up(opened_vault, None, trigger="lock", now=NOW)
    outcome = auto_backup.back_up(
        opened_vault, None, trigger="manual", force=True, now=NOW + dt.timedelta(minutes=1)
    )
    assert len(outcome.written) == 1
    assert len(list((opened_vault.folder / "backups").iterdir())) == 2


def test_the_second_folder_gets_a_verified_copy_and_a_missing_one_is_recorded(
    opened_vault, tmp_path
):
    opened = opened_vault
    stick = tmp_path / "usb"
    outcome = auto_backup.back_up(opened, stick, trigger="lock", now=NOW)
    assert [c.where for c in outcome.written] == [VAULT]
    (failure,) = outcome.failures
    assert failure.where == SECOND and "USB stick" in failure.reason
    assert not stick.exists()  # a missing stick never becomes a folder on the laptop
    (recorded,) = _entries(opened, auto_backup.FAILED)
    assert recorded["where"] == SECOND and recorded["folder"] == str(stick)
    reported = auto_backup.problems(opened.conn, stick)
    assert [(p.where, p.folder) for p in reported] == [(SECOND, str(stick))] and reported[0].at
    assert auto_backup.problems(opened.conn, None) == []  # no second folder set any more

    # Nothing changed, but the stick is back: the backup that holds this state is copied.
    stick.mkdir()
    assert auto_backup.needs_backup(opened, stick)
    outcome = auto_backup.back_up(opened, stick, trigger="lock", now=NOW + dt.timedelta(hours=1))
    (copy,) = outcome.written
    primary = opened.folder / "backups" / "auto-20261128T093000Z.acbackup"
    assert copy.where == SECOND and copy.path.name == primary.name
    assert copy.path.parent.parent == stick and copy.path.parent.name.startswith("aftercare-")
    assert copy.path.read_bytes() == primary.read_bytes()
    assert auto_backup.problems(opened.conn, stick) == []
    assert not auto_backup.needs_backup(opened, stick)

    listed = auto_backup.list_backups(opened, stick)
    assert {(f.where, f.path, f.automatic) for f in listed} == {
        (VAULT, primary, True),
        (SECOND, copy.path, True),
    }
    assert all(f.created == NOW and f.size == primary.stat().st_size for f in listed)


def test_a_failed_backup_in_the_vault_folder_is_recorded_and_the_stick_still_gets_one(
    opened_vault, tmp_path
):
    opened = opened_vault
    (opened.folder / "backups").write_text("a file where the folder should be")
    stick = tmp_path / "usb"
    stick.mkdir()
    outcome = auto_backup.back_up(opened, stick, trigger="lock", now=NOW)
    assert [f.where for f in outcome.failures] == [VAULT]
    (copy,) = outcome.written
    assert copy.where == SECOND
    backup.read_backup(copy.path.read_bytes(), source=copy.path.name)
    assert [p.where for p in auto_backup.problems(opened.conn, stick)] == [VAULT]


# --- the round trip and what the files hold -----------------------------------------------------


def test_round_trip_and_sentinel_scans(make_vault, tmp_path):
    folder, code = make_vault(team=True)
    token = secrets.token_hex(4)
    planted = [f"SENTINEL-张秘密-{token}-name", f"SENTINEL-{token}-note", f"李秘密{token}"]
    number = f"SEN-{token}"
    case = minimal_case(number)
    case.person.full_name = planted[0]
    case.notes = [Note(dt.date(2026, 7, 1), "notes", planted[1] + " " + planted[2])]
    stick = tmp_path / "usb"
    stick.mkdir()
    opened = Vault(folder).unlock("wang", helpers.TEAM["wang"][1])
    try:
        Services(opened).cases.create_case(case)
        outcome = auto_backup.back_up(opened, stick, trigger="lock", now=NOW)
        assert {c.where for c in outcome.written} == {VAULT, SECOND}
    finally:
        opened.lock()

    assert helpers.scan_for_sentinels(folder / "backups", planted) == []
    assert helpers.scan_for_sentinels(stick, planted) == []
    # The scan finds what it looks for: the plaintext UTF-16 of a name.
    (tmp_path / "control.bin").write_bytes(planted[0].encode("utf-16-le"))
    assert helpers.scan_for_sentinels(tmp_path, planted[:1]) == [("control.bin", planted[0])]

    (copy,) = [c for c in outcome.written if c.where == SECOND]
    restored = tmp_path / "restored"
    backup.restore_backup(copy.path, restored)
    again = Vault(restored).unlock("wang", helpers.TEAM["wang"][1])  # the same passphrase
    try:
        backup.verify_restored(restored, again.conn)
        assert Services(again).cases.open_case(number).person.full_name == planted[0]
        assert audit.verify(again.conn).ok
    finally:
        again.lock()
    conn = connect(restored / DB_NAME, helpers.data_key(restored, code))  # the same code
    conn.close()
