"""Countries (ISO 3166-1) and languages (BCP 47) by name, in the reader's language.

Names come from babel's locale data (territories and languages of zh_CN and en, the two
locales the program ships), so they follow the language the window is in. A search
matches the name in either language and the pinyin of the Chinese name; a code nobody
names (an unusual tag from an import) is shown as it is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from babel import Locale
from pypinyin import lazy_pinyin

from app.i18n import SUPPORTED_LOCALES, current_locale

_COUNTRY = re.compile(r"[A-Z]{2}")
# Babel names more languages than anyone here will need to pick; these are offered first.
COMMON_LANGUAGES = ("zh", "yue", "nan", "hak", "en", "vi", "my", "lo", "km", "th", "ko", "mn")


@dataclass(frozen=True)
class Named:
    code: str
    names: dict[str, str]  # locale -> name
    pinyin: str  # of the Chinese name, squashed, and its initials after a space

    def name(self, locale: str | None = None) -> str:
        loc = "zh_CN" if (locale or current_locale()).startswith("zh") else "en"
        return self.names.get(loc) or self.names.get("en") or self.code


def _pinyin_key(text: str) -> str:
    syllables = [s for s in lazy_pinyin(text) if s.isalnum()]
    return "".join(syllables).lower() + " " + "".join(s[0] for s in syllables).lower()


def _named(code: str, names: dict[str, str]) -> Named:
    return Named(code, names, _pinyin_key(names.get("zh_CN", "")))


def _names(table: Mapping[object, object]) -> dict[str, str]:
    """Babel's code -> name table, its keys and names as strings."""
    return {str(code): str(name) for code, name in table.items()}


@functools.cache
def _countries() -> dict[str, Named]:
    per_locale = {loc: _names(Locale.parse(loc).territories) for loc in SUPPORTED_LOCALES}
    codes = sorted(c for c in per_locale["en"] if _COUNTRY.fullmatch(c))
    return {c: _named(c, {loc: t.get(c, "") for loc, t in per_locale.items()}) for c in codes}


@functools.cache
def _languages() -> dict[str, Named]:
    per_locale = {loc: _names(Locale.parse(loc).languages) for loc in SUPPORTED_LOCALES}
    codes = [c for c in per_locale["en"] if "_" not in c]
    return {c: _named(c, {loc: t.get(c, "") for loc, t in per_locale.items()}) for c in codes}


def country_name(code: str | None, locale: str | None = None) -> str:
    if not code:
        return ""
    found = _countries().get(code.upper())
    return found.name(locale) if found else code


def language_name(tag: str | None, locale: str | None = None) -> str:
    """粤语 for yue; a tag with a region or script names its language and keeps the rest
    (zh-Hant: 中文 (Hant)); an unknown tag is shown as it is."""
    if not tag:
        return ""
    found = _languages().get(tag) or _languages().get(tag.replace("-", "_"))
    if found:
        return found.name(locale)
    base, _sep, rest = tag.partition("-")
    found = _languages().get(base)
    return f"{found.name(locale)} ({rest})" if found and rest else tag


def _search(table: dict[str, Named], text: str, first: tuple[str, ...], limit: int) -> list[Named]:
    query = "".join(ch for ch in text.lower() if ch.isalnum())
    if not query:
        return []
    ranked: list[tuple[int, int, str, Named]] = []
    for code, named in table.items():
        full, initials = named.pinyin.split(" ")
        names = [n.lower() for n in named.names.values() if n]
        squashed = ["".join(ch for ch in n if ch.isalnum()) for n in names]
        if query == code.lower() or query in squashed:
            rank = 0
        elif any(n.startswith(query) for n in squashed) or full.startswith(query):
            rank = 1
        elif query.isascii() and initials.startswith(query):
            rank = 2
        elif any(query in n for n in squashed) or query in full:
            rank = 3
        else:
            continue
        ranked.append((rank, 0 if code in first else 1, named.name(), named))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked[:limit]]


def search_countries(text: str, limit: int = 30) -> list[Named]:
    return _search(_countries(), text, ("CN", "VN", "MM", "LA", "KH", "TH"), limit)


def search_languages(text: str, limit: int = 30) -> list[Named]:
    return _search(_languages(), text, COMMON_LANGUAGES, limit)


def find_country(text: str) -> str | None:
    """The code of the country named (in either language) or coded `text`, if one is."""
    return _find(_countries(), text.strip(), upper=True)


def find_language(text: str) -> str | None:
    return _find(_languages(), text.strip(), upper=False)


def _find(table: dict[str, Named], text: str, *, upper: bool) -> str | None:
    if not text:
        return None
    code = text.upper() if upper else text
    if code in table:
        return code
    for named in table.values():
        if text in named.names.values():
            return named.code
    if not upper and "-" in text and text.partition("-")[0] in table:
        return text  # a tag with a region or script: kept as typed
    return None
