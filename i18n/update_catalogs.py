"""Re-extract the messages from app/ and ui/ and merge them into the catalogs.

    uv run python i18n/update_catalogs.py      (or: make catalogs)

English is the source language, so the English catalog is filled with each message itself;
new Chinese entries are left empty for a translator, and tests/test_i18n.py fails until
they are filled. Obsolete entries are dropped.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("zh_CN", "en")


def extract() -> Catalog:
    template = Catalog(project="aftercare", charset="utf-8")
    for folder in ("app", "ui"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
        ):
            if isinstance(message, str) and message:
                template.add(message)
    return template


def update(template: Catalog, locale: str) -> int:
    path = ROOT / "i18n" / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    old = {}
    if path.exists():
        with path.open("rb") as fh:
            old = {m.id: m.string for m in read_po(fh, locale=locale) if m.id}
    catalog = Catalog(locale=locale, project="aftercare", charset="utf-8")
    missing = 0
    for message in template:
        if not message.id:
            continue
        string = old.get(message.id) or (message.id if locale == "en" else "")
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
