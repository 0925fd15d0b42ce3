"""Every audit action the code writes has a label, so the Audit page never shows a raw code."""

from __future__ import annotations

import re
from pathlib import Path

from app.audit import ACTION_LABELS
from app.vault import auto_backup

ROOT = Path(__file__).resolve().parent.parent
# `.audit("action"`, `action="action"` (audit.record), and the two f-string families.
_WRITTEN = re.compile(r'\.audit\(\s*"([a-z_]+)"|action="([a-z_]+)"')


def _written_actions() -> set[str]:
    found = set()
    for path in [*(ROOT / "app").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        for match in _WRITTEN.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    found -= {"append", "store_true", "version", "count"}  # argparse, not audit
    found |= {
        f"case_{what}" for what in ("updated", "entry_saved", "entry_deleted", "closed", "reopened")
    }
    found |= {f"referral_{kind}_sent" for kind in ("reply", "ack", "withdraw")}
    found |= {auto_backup.WRITTEN, auto_backup.FAILED}
    return found


def test_every_written_action_has_a_label():
    missing = sorted(_written_actions() - set(ACTION_LABELS))
    assert not missing, f"audit actions without a label in app/audit.py ACTION_LABELS: {missing}"


def test_details_read_as_words_in_both_languages():
    from app import i18n
    from ui.models.audit_model import detail_text

    detail = {"sections": ["legal", "medical"], "key_rotated": True, "role": "caseworker"}
    english = detail_text(detail)
    assert "sections: " in english and "['legal'" not in english
    assert "data key rotated: yes" in english
    try:
        i18n.set_locale("zh_CN")
        chinese = detail_text(detail)
    finally:
        i18n.set_locale("en")
    assert "[" not in chinese and "legal" not in chinese and "caseworker" not in chinese
    assert "：" in chinese and "；" in chinese
