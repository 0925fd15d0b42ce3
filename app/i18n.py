"""Translations and locale formats, for the window, the command and the PDFs alike.

Messages are English in the source, marked with `_()` (or `N_()` where the text must be
looked up later, e.g. in module-level tables), and translated from the babel catalogs in
`i18n/<locale>/LC_MESSAGES/messages.po`. A bundle ships compiled `.mo` files; from source the
`.po` file is compiled in memory, so no compiled catalog is ever committed.

Placeholders use `str.format` names (`{case}`); a translation whose placeholders differ from
the source is ignored, so a bad catalog entry can never crash a message or hide a value.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import string
from pathlib import Path

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

SUPPORTED_LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
DOMAIN = "messages"

_current_locale = DEFAULT_LOCALE
_translations: gettext.NullTranslations = gettext.NullTranslations()


def catalog_dir() -> Path:
    from app import paths

    return paths.resource_path("i18n")


def _load(locale: str) -> gettext.NullTranslations:
    base = catalog_dir() / locale / "LC_MESSAGES"
    mo = base / f"{DOMAIN}.mo"
    if mo.exists():
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    po = base / f"{DOMAIN}.po"
    if not po.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def set_locale(locale: str) -> None:
    """Switch every later `_()` call and every babel format to `locale`."""
    global _current_locale, _translations
    if locale not in SUPPORTED_LOCALES:
        locale = DEFAULT_LOCALE
    _current_locale = locale
    _translations = _load(locale)


def current_locale() -> str:
    return _current_locale


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a message, as `_()` and the catalog test compare them."""
    try:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError:
        return {"<malformed>"}


def _(message: str) -> str:
    translated = _translations.gettext(message)
    if translated is not message and placeholders(translated) != placeholders(message):
        return message
    return translated


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count `n` ("1 case", "2 cases"; Chinese has one form);
    format it with `n` (and its other fields) afterwards, as with `_()`."""
    translated = _translations.ngettext(singular, plural, n)
    source = singular if n == 1 else plural
    if translated not in (singular, plural) and placeholders(translated) != placeholders(plural):
        return source
    return translated


@functools.cache
def _translations_for(locale: str) -> gettext.NullTranslations:
    return _load(locale)


def gettext_in(locale: str, message: str) -> str:
    """`message` in `locale`, whatever the program's language is now: for a document in a
    language of its own (a survivor's resources sheet), made while the window speaks another."""
    if locale == "en" or locale not in SUPPORTED_LOCALES:
        return message
    translated = _translations_for(locale).gettext(message)
    return translated if placeholders(translated) == placeholders(message) else message


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


# --- locale formats --------------------------------------------------------------------------


def _babel_locale() -> Locale:
    return Locale.parse(_current_locale)


def format_date(value: dt.date | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return babel_dates.format_date(value, format=fmt, locale=_babel_locale())


def format_datetime(value: dt.datetime, fmt: str = "medium") -> str:
    return babel_dates.format_datetime(value, format=fmt, locale=_babel_locale())


def format_number(value: int | float) -> str:
    return babel_numbers.format_decimal(value, locale=_babel_locale())


def format_percent(value: float, digits: int = 1) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel_numbers.format_percent(value, format=pattern, locale=_babel_locale())


set_locale(DEFAULT_LOCALE)
