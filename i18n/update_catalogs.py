"""Re-extract the messages from app/ and ui/ and merge them into the catalogs.

    uv run python i18n/update_catalogs.py      (or: make catalogs)

English is the source language, so the English catalog is filled with each message itself;
new Chinese entries are left empty for a translator, and tests/test_i18n.py fails until
they are filled. Obsolete entries are dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("zh_CN", "en")
# `_(message)`, `N_(message)` and `ngettext(singular, plural, n)` of app.i18n.
KEYWORDS: dict[str, Any] = {"_": None, "N_": None, "ngettext": (1, 2)}

Message = str | tuple[str, str]  # a message, or the (singular, plural) of a count


def source_messages() -> list[Message]:
    """Every message marked in app/ and ui/, in the order found (the catalog test uses this
    same extractor, so the two cannot disagree about what a message is)."""
    found: list[Message] = []
    for folder in ("app", "ui"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            if isinstance(message, str) and message:
                found.append(message)
            elif isinstance(message, tuple) and len(message) == 2 and all(message):
                found.append((message[0], message[1]))
    return found


def extract() -> Catalog:
    template = Catalog(project="aftercare", charset="utf-8")
    for message in source_messages():
        template.add(message)
    return template


def update(template: Catalog, locale: str) -> int:
    path = ROOT / "i18n" / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    old: dict[Any, Any] = {}
    if path.exists():
        with path.open("rb") as fh:
            old = {m.id: m.string for m in read_po(fh, locale=locale) if m.id}
    catalog = Catalog(locale=locale, project="aftercare", charset="utf-8")
    forms = catalog.num_plurals
    missing = 0
    for message in template:
        if not message.id:
            continue
        string: Any = old.get(message.id)
        if isinstance(message.id, tuple):  # a count: one form per plural form of the language
            if locale == "en":
                string = string if string and all(string) else message.id
            elif not isinstance(string, tuple) or len(string) != forms:
                string = ("",) * forms
            missing += not all(string)
        else:
            string = string or (message.id if locale == "en" else "")
            missing += not string
        catalog.add(message.id, string)
    with path.open("wb") as fh:
        write_po(fh, catalog, sort_output=True, omit_header=True, width=0)
    return missing


def main() -> None:
    template = extract()
    with (ROOT / "i18n" / "messages.pot").open("wb") as fh:
        write_po(fh, template, sort_output=True, omit_header=True, width=0)
    for locale in LOCALES:
        print(f"{locale}: {update(template, locale)} messages to translate")


if __name__ == "__main__":
    main()
