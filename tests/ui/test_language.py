"""Switching the language in Settings changes what the window shows, at once."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from PySide6.QtWidgets import QDialogButtonBox

from app import i18n
from tests.ui.support import ADMIN, nav_texts, sign_in

# A small real catalog, so the test does not depend on how complete i18n/ is.
TRANSLATIONS = {
    "Users": "用户",
    "Audit trail": "审计记录",
    "Settings": "设置",
    "Language": "语言",
    "Lock": "锁定",
    "Signed in as {name} ({role})": "已登录：{name}（{role}）",
    "Administrator": "管理员",
}


def cancel_text() -> str:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    return box.button(QDialogButtonBox.StandardButton.Cancel).text()


@pytest.fixture
def catalogs(tmp_path, monkeypatch):
    folder = tmp_path / "i18n"
    messages = folder / "zh_CN" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    catalog = Catalog(locale="zh_CN")
    for source, translation in TRANSLATIONS.items():
        catalog.add(source, translation)
    with (messages / "messages.po").open("wb") as fh:
        write_po(fh, catalog)
    monkeypatch.setattr(i18n, "catalog_dir", lambda: folder)
    return folder


def test_switching_language_retranslates_the_window(qtbot, window, catalogs):
    sign_in(qtbot, window, ADMIN)
    settings = window.show_page("settings")
    assert {"Users", "Audit trail", "Settings"} <= set(nav_texts(window))

    combo = settings.language_combo
    combo.setCurrentIndex(combo.findData("zh_CN"))

    assert i18n.current_locale() == "zh_CN"
    assert {"用户", "审计记录", "设置"} <= set(nav_texts(window))
    assert "Users" not in nav_texts(window)
    assert settings._language_label.text() == "语言"
    assert settings.heading.text() == "设置"
    assert window.lock_action.text() == "锁定"
    assert window.user_label.text() == "已登录：admin（管理员）"
    assert window.ctx.settings["language"] == "zh_CN"
    # Qt's own strings follow through qtbase_zh_CN.qm from the PySide6 wheel.
    assert window.language.qt_translator_loaded
    assert cancel_text() == "取消"

    combo.setCurrentIndex(combo.findData("en"))
    assert {"Users", "Audit trail", "Settings"} <= set(nav_texts(window))
    assert not window.language.qt_translator_loaded
    assert cancel_text() == "Cancel"


def test_the_unlock_screen_follows_too(qtbot, window, catalogs):
    window.language.set("zh_CN")
    assert window.unlock_page._user_label.text() == "User name"  # not in the small catalog
    window.language.set("en")
    assert window.unlock_page.unlock_button.text() == "Unlock"
