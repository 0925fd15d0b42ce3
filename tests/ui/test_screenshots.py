"""The screenshot mode writes one real PNG per registered page, and the unlock screen."""

from __future__ import annotations

from PySide6.QtGui import QImage

from tests.ui.support import ADMIN, CASEWORKER
from ui.language import Language
from ui.screenshots import WINDOW_SIZE, take_screenshots


def test_every_registered_page_is_saved(qtbot, team_vault, tmp_path):
    out = tmp_path / "shots"
    written = take_screenshots(
        team_vault,
        out,
        {"caseworker": CASEWORKER, "admin": ADMIN},
        Language(),
    )
    assert [p.name for p in written] == ["unlock.png", "settings.png", "users.png", "audit.png"]
    for path in written:
        image = QImage(str(path))
        assert (image.width(), image.height()) == WINDOW_SIZE
