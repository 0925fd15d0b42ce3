"""The catalogs: complete for every message in the source, and safe to format.

The messages are found by the extractor `make catalogs` runs (i18n/update_catalogs.py), so a
message added to the code without a translation fails here, and so does a translation whose
`{placeholders}` differ from the source (`_()` would fall back to English at run time, and
the Chinese-reading user would see English). Counts are `ngettext` entries: English has a
singular and a plural, Chinese one form.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from app.i18n import placeholders

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("zh_CN", "en")


def _extractor() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "update_catalogs", ROOT / "i18n" / "update_catalogs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalog(locale: str) -> Catalog:
    with (ROOT / "i18n" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_source_message_is_translated(locale):
    catalog = _catalog(locale)
    translated = {m.id for m in catalog if m.id and all(_forms(m.string))}
    missing = sorted(set(_extractor().source_messages()) - translated, key=str)
    assert not missing, (
        f"{len(missing)} messages lack a {locale} translation (run make catalogs): {missing[:20]}"
    )


def test_counts_are_plural_entries():
    """A count message is extracted with its plural, and each language has its forms."""
    counts = [m for m in _extractor().source_messages() if isinstance(m, tuple)]
    assert ("{n} case", "{n} cases") in counts
    for locale, forms in (("en", 2), ("zh_CN", 1)):
        entry = _catalog(locale).get(("{n} case", "{n} cases"))
        assert entry is not None and len(_forms(entry.string)) == forms


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders(locale):
    bad = []
    for m in _catalog(locale):
        if not m.id:
            continue
        source = placeholders(m.id[-1] if isinstance(m.id, tuple) else m.id)
        for form in _forms(m.string):
            if form and placeholders(form) != source:
                bad.append((m.id, m.string))
    assert not bad, f"placeholders differ: {bad[:10]}"


def test_chinese_is_used_when_chosen():
    from app import i18n

    try:
        i18n.set_locale("zh_CN")
        assert i18n._("Confidential") != "Confidential"
        assert i18n.ngettext("{n} case", "{n} cases", 1).format(n=1) == "1 个个案"
    finally:
        i18n.set_locale("en")


def test_english_counts_agree_with_their_number():
    from app import i18n

    assert i18n.ngettext("{n} case", "{n} cases", 1).format(n=1) == "1 case"
    assert i18n.ngettext("{n} case", "{n} cases", 2).format(n=2) == "2 cases"
