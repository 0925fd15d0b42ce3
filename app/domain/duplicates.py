"""When two case files are probably one person, and why.

Reasons, strongest first (codes; labels in app.codes.DuplicateReason):
    same_id_number           the same identity number
    same_name_and_birth      the same name (or one's name is the other's alias) and birth date
    similar_name             a name one character apart, or the same name in pinyin
                             (王晓红 / 王小红 / Wang Xiaohong), with the same birth date or an
                             age within a year
    same_name_similar_age    the same name or alias, no birth date to compare, ages within a year

Names are compared after NFKC, without spaces, dots and case; pinyin without tones. No
Qt, no storage: the service feeds it `Person`-like keys.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from pypinyin import lazy_pinyin
from rapidfuzz.distance import Levenshtein

NEAR_AGE_DAYS = 400  # "an age within a year": birth dates (or estimates) this close

_DROPPED = str.maketrans("", "", " \t·.・-_'")


@dataclass(frozen=True)
class Who:
    """What duplicate detection compares of a case."""

    case_id: int
    case_number: str
    full_name: str
    aliases: tuple[str, ...] = ()
    id_number: str | None = None
    date_of_birth: dt.date | None = None
    born_about: dt.date | None = None  # the birth date, or opened_on less the age at intake
    names: frozenset[str] = field(default=frozenset(), compare=False)

    @staticmethod
    def of(
        case_id: int,
        case_number: str,
        full_name: str,
        aliases: Iterable[str],
        id_number: str | None,
        date_of_birth: dt.date | None,
        age_at_intake: int | None,
        opened_on: dt.date,
    ) -> Who:
        born_about = date_of_birth
        if born_about is None and age_at_intake is not None:
            born_about = _years_before(opened_on, age_at_intake)
        all_names = frozenset(n for n in (normal(full_name), *map(normal, aliases)) if n)
        return Who(
            case_id,
            case_number,
            full_name,
            tuple(aliases),
            normal_id(id_number),
            date_of_birth,
            born_about,
            all_names,
        )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def normal(name: str) -> str:
    return unicodedata.normalize("NFKC", name).translate(_DROPPED).casefold()


def normal_id(number: str | None) -> str | None:
    if not number:
        return None
    return unicodedata.normalize("NFKC", number).replace(" ", "").upper() or None


@lru_cache(maxsize=65_536)
def pinyin(name: str) -> str:
    """The name in toneless pinyin, or "" when it has no Chinese characters."""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return ""
    return "".join(lazy_pinyin(name)).casefold()


def _pinyin_names(who: Who) -> set[str]:
    """Pinyin of Chinese names, and Latin names as they are (Wang Xiaohong -> wangxiaohong)."""
    found = set()
    for name in who.names:
        if len(name) < 2:  # one syllable is shared by too many names
            continue
        spelled = pinyin(name)
        if spelled:
            found.add(spelled)
        elif name.isascii():
            found.add(name)
    return found


def reason(a: Who, b: Who) -> str | None:
    """Why `a` and `b` are probably one person, or None."""
    if a.id_number and a.id_number == b.id_number:
        return "same_id_number"
    same_birth = a.date_of_birth is not None and a.date_of_birth == b.date_of_birth
    near_age = (
        a.born_about is not None
        and b.born_about is not None
        and abs((a.born_about - b.born_about).days) <= NEAR_AGE_DAYS
    )
    if not (same_birth or near_age):
        return None
    if a.names & b.names:
        return "same_name_and_birth" if same_birth else "same_name_similar_age"
    close = any(
        min(len(x), len(y)) >= 2 and Levenshtein.distance(x, y, score_cutoff=1) <= 1
        for x in a.names
        for y in b.names
    )
    if close or _pinyin_names(a) & _pinyin_names(b):
        return "similar_name"
    return None


RANK = {
    "same_id_number": 0,
    "same_name_and_birth": 1,
    "similar_name": 2,
    "same_name_similar_age": 3,
}


def pairs(people: list[Who]) -> list[tuple[Who, Who, str]]:
    """Likely pairs among `people`, each once, strongest reason first.

    Compared within blocks, so that a vault of 100,000 needs no 10^10 comparisons: the same
    identity number; the same birth date (or estimate); the same name, alias or pinyin.
    """
    blocks: dict[tuple[str, object], list[Who]] = {}
    for who in people:
        keys: set[tuple[str, object]] = set()
        if who.id_number:
            keys.add(("id", who.id_number))
        if who.born_about is not None:
            keys.add(("born", who.born_about))
        keys.update(("name", n) for n in who.names | _pinyin_names(who))
        for block_key in keys:
            blocks.setdefault(block_key, []).append(who)
    found: dict[tuple[int, int], tuple[Who, Who, str]] = {}
    for members in blocks.values():
        if len(members) < 2 or len(members) > 500:  # a very common name: ID and birth decide
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pair = (min(a.case_id, b.case_id), max(a.case_id, b.case_id))
                if pair in found:
                    continue
                why = reason(a, b)
                if why is not None:
                    first, second = (a, b) if a.case_id < b.case_id else (b, a)
                    found[pair] = (first, second, why)
    return sorted(found.values(), key=lambda p: (RANK[p[2]], p[0].case_number, p[1].case_number))
