"""The audit model through index()/data(), and the Audit page's filters and chain check."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from app.services import Services
from app.vault.vault import Vault
from tests.ui.support import ADMIN, SUPERVISOR, sign_in
from ui.models.audit_model import AuditModel, Column


def column(model, col) -> list:
    return [model.data(model.index(row, col)) for row in range(model.rowCount())]


def test_model_over_the_real_trail(qtbot, team_vault):
    opened = Vault(team_vault).unlock(*ADMIN)
    try:
        model = AuditModel()
        model.load(Services(opened).audit_trail)
        # Newest first: this unlock, then what the template vault went through.
        assert column(model, Column.ACTION)[0] == "Unlocked"
        assert column(model, Column.ACTION)[-1] == "Vault created"
        assert column(model, Column.USER)[0] == "admin"
        assert model.columnCount() == 6
        assert model.headerData(Column.DETAIL, Qt.Orientation.Horizontal) == "Details"
        added = column(model, Column.ACTION).index("User added")
        assert model.data(model.index(added, Column.DETAIL)) in {
            "role: Supervisor; user: chen",
            "role: Caseworker; user: wang",
        }
        raw = model.data(model.index(0, Column.ACTION), Qt.ItemDataRole.UserRole)
        assert raw == "unlock"

        model.load(Services(opened).audit_trail, action="user_added")
        assert column(model, Column.ACTION) == ["User added", "User added"]
        model.load(Services(opened).audit_trail, user_name="nobody")
        assert model.rowCount() == 0
        model.load(Services(opened).audit_trail, since=dt.date(2999, 1, 1))
        assert model.rowCount() == 0
        model.clear()
        assert model.rowCount() == 0
        assert not model.index(0, 0).isValid()
    finally:
        opened.lock()


def test_page_filters_and_chain_check(qtbot, window):
    sign_in(qtbot, window, SUPERVISOR)
    page = window.show_page("audit")
    assert page.model.rowCount() > 0

    page.action_filter.setCurrentIndex(page.action_filter.findData("user_added"))
    assert set(column(page.model, Column.ACTION)) == {"User added"}
    page.action_filter.setCurrentIndex(0)

    page.user_filter.setText("chen")
    qtbot.waitUntil(lambda: set(column(page.model, Column.USER)) == {"chen"})
    assert page.count_label.text() == "1 entry"  # one user added: a count in the singular

    page.since_filter.set_date(dt.date(2999, 1, 1))
    assert page.model.rowCount() == 0
    page.since_filter.set_date(None)
    assert page.model.rowCount() > 0

    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    window.runner.wait_for_idle()
    assert page.verify_result.text().startswith("The chain is intact:")


def test_a_broken_chain_is_reported(qtbot, window):
    sign_in(qtbot, window, SUPERVISOR)
    page = window.show_page("audit")
    # Someone with the key edits an entry behind the program's back, past its trigger.
    with window.ctx.opened.write() as conn:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET user_name = 'someone' WHERE id = 2")
    page.verify()
    window.runner.wait_for_idle()
    assert page.verify_result.text().startswith("The chain is broken at entry 2:")
