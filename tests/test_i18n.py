"""The catalogs: complete for every message in the source, and safe to format.

A message added to the code without a translation, or a translation whose `{placeholders}`
differ from the source, fails here (the `_()` function would fall back to English at run
time, but the Chinese-reading user would then see English).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.i18n import placeholders

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("zh_CN", "en")


def _source_messages() -> set[str]:
    found = set()
    for folder in ("app", "ui"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
        ):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def _catalog(locale: str):
    with (ROOT / "i18n" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_source_message_is_translated(locale):
    catalog = _catalog(locale)
    translated = {m.id for m in catalog if m.id and m.string}
    missing = sorted(_source_messages() - translated)
    assert not missing, (
        f"{len(missing)} messages lack a {locale} translation (run make catalogs): {missing[:20]}"
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders(locale):
    bad = [
        (m.id, m.string)
        for m in _catalog(locale)
        if m.id and m.string and placeholders(m.string) != placeholders(m.id)
    ]
    assert not bad, f"placeholders differ: {bad[:10]}"


def test_chinese_is_used_when_chosen():
    from app import i18n

    try:
        i18n.set_locale("zh_CN")
        assert i18n._("Confidential") != "Confidential"
    finally:
        i18n.set_locale("en")
