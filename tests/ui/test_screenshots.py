"""The screenshot mode writes one real PNG per registered page, and the unlock screen."""

from __future__ import annotations

from PySide6.QtGui import QImage

from tests.ui.support import ADMIN, CASEWORKER
from ui.language import Language
from ui.screenshots import SHOTS, WINDOW_SIZE, take_screenshots


def test_every_registered_page_is_saved(qtbot, team_vault, tmp_path):
    out = tmp_path / "shots"
    written = take_screenshots(
        team_vault,
        out,
        {"caseworker": CASEWORKER, "admin": ADMIN},
        Language(),
    )
    # Every shot of the roles the team vault has, the unlock screen first.
    expected = {f"{shot.name}.png" for shot in SHOTS if shot.role in (None, "caseworker", "admin")}
    assert written[0].name == "unlock.png"
    assert {p.name for p in written} == expected
    pages = {f"{shot.name}.png" for shot in SHOTS if shot.dialog is None}
    for path in written:  # a dialog's picture has the dialog's size, a page's the window's
        image = QImage(str(path))
        assert not image.isNull()
        if path.name in pages:
            assert (image.width(), image.height()) == WINDOW_SIZE
