"""China's administrative divisions (GB/T 2260) by name: look up a code, find codes by name.

The table is `resources/divisions/divisions.tsv` (its source and licence are beside it):
provinces, prefectures and counties with their Chinese and English names and pinyin. It is
read once, on first use. A name can be found by Chinese (厦门), pinyin (xiamen, xia men),
pinyin initials (xm) or English (Xiamen); the case file stores the code and shows the
name in the reader's language. A code the table does not know (an older code, a typo in an
import) is shown as the code itself, so nothing stored is hidden.

No Qt here: the window's pickers, the PDF, reports and any later directory of services
share it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import IntEnum

from app import paths
from app.i18n import current_locale


class Level(IntEnum):
    PROVINCE = 1
    PREFECTURE = 2
    COUNTY = 3


@dataclass(frozen=True)
class Division:
    code: str
    zh: str
    en: str
    pinyin: str  # syllables separated by spaces, no tones

    @property
    def level(self) -> Level:
        if self.code.endswith("0000"):
            return Level.PROVINCE
        if self.code.endswith("00"):
            return Level.PREFECTURE
        return Level.COUNTY

    def name(self, locale: str | None = None) -> str:
        """The name in `locale` (default: the current one): Chinese for zh, else English."""
        return self.zh if (locale or current_locale()).startswith("zh") else self.en


@functools.cache
def _table() -> dict[str, Division]:
    path = paths.resource_path("resources", "divisions", "divisions.tsv")
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    table: dict[str, Division] = {}
    for row in rows:
        code, zh, en, pinyin = row.split("\t")
        table[code] = Division(code, zh, en, pinyin)
    return table


def get(code: str | None) -> Division | None:
    return _table().get(code or "")


def all_divisions() -> list[Division]:
    return list(_table().values())


def parent(code: str) -> Division | None:
    """The division one level up: a county's prefecture (or its province, for the counties
    a province governs directly, e.g. 429004 仙桃市), a prefecture's province."""
    division = get(code)
    if division is None or division.level == Level.PROVINCE:
        return None
    if division.level == Level.COUNTY:
        prefecture = get(code[:4] + "00")
        if prefecture is not None:
            return prefecture
    return get(code[:2] + "0000")


def children(code: str) -> list[Division]:
    """The divisions directly under `code`, in code order."""
    return _children_index().get(code, [])


@functools.cache
def _children_index() -> dict[str, list[Division]]:
    index: dict[str, list[Division]] = {}
    for division in _table().values():
        above = parent(division.code)
        if above is not None:
            index.setdefault(above.code, []).append(division)
    return index


def path(code: str) -> list[Division]:
    """The division and those above it, top first: [福建省, 厦门市, 思明区]."""
    chain: list[Division] = []
    division = get(code)
    while division is not None:
        chain.insert(0, division)
        division = parent(division.code)
    return chain


def label(code: str | None, *, with_code: bool = False, locale: str | None = None) -> str:
    """The name of `code` with the divisions above it ("福建省 厦门市", "Xiamen, Fujian"),
    the code itself when the table does not know it, "" for none. `with_code` adds the
    code, for offices that file by it."""
    if not code:
        return ""
    chain = path(code)
    if not chain:
        return code
    loc = locale or current_locale()
    names = [d.name(loc) for d in chain]
    text = " ".join(names) if loc.startswith("zh") else ", ".join(reversed(names))
    return f"{text} ({code})" if with_code else text


def short_label(code: str | None, *, locale: str | None = None) -> str:
    """The division's own name without those above it (厦门市), or the code."""
    division = get(code)
    if division is None:
        return code or ""
    return division.name(locale)


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _rank(division: Division, query: str) -> int | None:
    """0 best; None when `division` does not match the squashed `query`."""
    zh = division.zh
    pinyin = division.pinyin.replace(" ", "")
    initials = "".join(s[0] for s in division.pinyin.split())
    english = _squash(division.en)
    if query in (zh, pinyin, english):
        return 0
    if zh.startswith(query) or pinyin.startswith(query) or english.startswith(query):
        return 1
    if initials.startswith(query) and query.isascii():
        return 2
    if query in zh or query in pinyin or query in english:
        return 3
    return None


def search(text: str, *, limit: int = 30, max_level: Level = Level.COUNTY) -> list[Division]:
    """Divisions whose Chinese, pinyin, pinyin initials or English name matches `text`,
    best first: exact, then starts with, then contains; higher levels first within each.
    Six digits find the division with that code."""
    query = _squash(text)
    if not query:
        return []
    if query.isdigit():
        found = get(query)
        return [found] if found and found.level <= max_level else []
    ranked: list[tuple[int, int, str, Division]] = []
    for division in _table().values():
        if division.level > max_level:
            continue
        rank = _rank(division, query)
        if rank is not None:
            ranked.append((rank, division.level, division.code, division))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked[:limit]]


def find_exact(text: str) -> Division | None:
    """The one division whose name (in any language), full name or code is `text`, if one is."""
    text = text.strip()
    return get(text) if text.isdigit() else _by_name().get(text)


@functools.cache
def _by_name() -> dict[str, Division]:
    """Full names and codes in both languages; a bare name only where it is unique (鼓楼区
    is in Fuzhou and in three other cities)."""
    table = _table().values()
    bare: dict[str, list[Division]] = {}
    for division in table:
        for name in {division.zh, division.en}:
            bare.setdefault(name, []).append(division)
    names = {name: found[0] for name, found in bare.items() if len(found) == 1}
    for division in table:
        for loc in ("zh_CN", "en"):
            names[label(division.code, locale=loc)] = division
            names[label(division.code, locale=loc, with_code=True)] = division
    return names


def fujian_prefectures() -> list[Division]:
    return children("350000")
