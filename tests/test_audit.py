"""The audit chain: it holds as the program writes it, and an edit made behind its back with
a SQL tool (the append-only triggers dropped first) is found at the first broken entry."""

from __future__ import annotations

import pytest

from app import audit
from app.storage.connection import connect, transaction
from app.vault.vault import DB_NAME
from tests.helpers import ADMIN, credentials, data_key

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def trail(make_vault):
    """A vault whose trail has entries 1..8, locked; returns (folder, data key).

    The entries go through audit.record on a connection opened with the data key from the
    recovery slot, which skips the Argon2id cost of an unlock."""
    folder, code = make_vault()
    key = data_key(folder, code)
    conn = connect(folder / DB_NAME, key)
    with transaction(conn):
        for n in range(6):
            audit.record(
                conn,
                user_id=1,
                user_name=ADMIN,
                action="case_viewed",
                case_number=f"FZ-2026-{n:04d}",
                detail={"n": n},
            )
    assert audit.verify(conn) == audit.Verification(True, 8)
    conn.close()
    return folder, key


def _attacker(folder, key):
    """A raw connection with the data key, and the append-only triggers dropped."""
    conn = connect(folder / DB_NAME, key)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    return conn


def _verify(folder, key) -> audit.Verification:
    conn = connect(folder / DB_NAME, key)
    try:
        return audit.verify(conn)
    finally:
        conn.close()


def test_the_program_cannot_change_or_delete_entries(opened_vault):
    from app.storage.connection import DatabaseErrors

    for sql in ("UPDATE audit SET action = 'x' WHERE id = 1", "DELETE FROM audit WHERE id = 1"):
        with pytest.raises(DatabaseErrors, match="append-only"):
            opened_vault.conn.execute(sql)
    assert audit.verify(opened_vault.conn).ok


def test_entries_read_back_with_filters(opened_vault):
    with opened_vault.write():
        opened_vault.audit("case_viewed", case_number="FZ-2026-0001", detail={"section": "体检"})
        opened_vault.audit("case_edited", case_number="FZ-2026-0002")
    found = audit.entries(opened_vault.conn, case_number="FZ-2026-0001")
    assert [(e.action, e.user_name, e.detail) for e in found] == [
        ("case_viewed", ADMIN, {"section": "体检"})
    ]
    assert [e.action for e in audit.entries(opened_vault.conn, limit=2)] == [
        "case_edited",
        "case_viewed",
    ]


ATTACKS = {
    "edited detail": (["UPDATE audit SET detail = '{\"n\":99}' WHERE id = 5"], 5, "changed"),
    "edited user": (["UPDATE audit SET user_name = 'someone' WHERE id = 7"], 7, "changed"),
    "edited time": (
        ["UPDATE audit SET at = '2020-01-01T00:00:00+00:00' WHERE id = 1"],
        1,
        "changed",
    ),
    "deleted": (["DELETE FROM audit WHERE id = 6"], 6, "missing"),
    "reordered": (
        [
            "UPDATE audit SET id = -5 WHERE id = 5",
            "UPDATE audit SET id = 5 WHERE id = 6",
            "UPDATE audit SET id = 6 WHERE id = -5",
        ],
        5,
        "changed or moved",
    ),
    "truncated": (["DELETE FROM audit WHERE id >= 7"], 7, "removed"),
    "forged": (
        ["INSERT INTO audit (id, at, action, chain) VALUES (9, '2026-11-28', 'x', zeroblob(32))"],
        9,
        "changed",
    ),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_an_edit_behind_the_programs_back_is_found(trail, cli, attack):
    folder, key = trail
    statements, first_broken, reason = ATTACKS[attack]
    conn = _attacker(folder, key)
    for sql in statements:
        conn.execute(sql)
    conn.close()

    result = _verify(folder, key)
    assert not result.ok
    assert result.first_broken == first_broken
    assert reason in result.reason

    # The command says so too, and the entries it appends while unlocking hide nothing.
    done = cli("audit", "verify", str(folder), env=credentials())
    assert done.code == 1
    assert len(done.err_lines) == 1
    assert f"the audit trail is broken at entry {first_broken}" in done.err
    assert "Traceback" not in done.err
    assert _verify(folder, key).first_broken == first_broken


def test_verify_command_on_an_intact_trail(trail, cli):
    folder, _key = trail
    done = cli("audit", "verify", str(folder), env=credentials())
    assert (done.code, done.err) == (0, "")
    assert "The audit trail holds: 9 entries verified." in done.out  # + this unlock
