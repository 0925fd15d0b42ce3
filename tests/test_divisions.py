"""The division table and the name searches behind the pickers (divisions, countries,
languages), and the reading of 18-digit identity numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from app import divisions, places
from app.domain import id_number
from app.i18n import set_locale


@pytest.fixture(autouse=True)
def _english():
    set_locale("en")
    yield
    set_locale("zh_CN")


def test_fujian_is_complete_and_current():
    prefectures = divisions.fujian_prefectures()
    assert [d.zh for d in prefectures] == [
        "福州市", "厦门市", "莆田市", "三明市", "泉州市", "漳州市", "南平市", "龙岩市", "宁德市",
    ]  # fmt: skip
    counties = {d.code: d.zh for p in prefectures for d in divisions.children(p.code)}
    assert len(counties) == 84
    # The changes of 2021: 梅列区 merged into 三元区, 沙县 and 龙海, 长泰 became districts.
    assert counties["350404"] == "三元区" and counties["350405"] == "沙县区"
    assert counties["350604"] == "龙海区" and counties["350605"] == "长泰区"
    assert "350402" not in counties


def test_every_province_and_a_county_a_province_governs_directly():
    provinces = [d for d in divisions.all_divisions() if d.level == divisions.Level.PROVINCE]
    assert len(provinces) == 34
    assert [d.zh for d in divisions.path("429004")] == ["湖北省", "仙桃市"]


@pytest.mark.parametrize("typed", ["厦门", "xiamen", "Xia Men", "xm", "Xiamen", "350200"])
def test_a_prefecture_is_found_by_chinese_pinyin_initials_english_and_code(typed):
    assert divisions.search(typed)[0].code == "350200"


def test_names_are_in_the_readers_language_with_the_code_when_asked():
    assert divisions.label("350203") == "Siming District, Xiamen, Fujian"
    assert divisions.label("350203", locale="zh_CN") == "福建省 厦门市 思明区"
    assert divisions.label("350200", with_code=True) == "Xiamen, Fujian (350200)"
    assert divisions.label("350402") == "350402"  # an old code is shown, not hidden
    assert divisions.short_label("530100", locale="zh_CN") == "昆明市"


def test_an_exact_name_is_found_only_when_it_names_one_place():
    assert divisions.find_exact("鼓楼区") is None  # Fuzhou, Nanjing, Xuzhou, Kaifeng
    assert divisions.find_exact("福建省 福州市 鼓楼区").code == "350102"
    assert divisions.find_exact("Xiamen, Fujian (350200)").code == "350200"


def test_countries_and_languages_by_name_in_either_language_and_pinyin():
    assert places.country_name("VN") == "Vietnam"
    assert places.country_name("VN", "zh_CN") == "越南"
    assert places.search_countries("yuenan")[0].code == "VN"
    assert places.search_countries("Myan")[0].code == "MM"
    assert places.find_country("越南") == "VN"
    assert places.language_name("yue", "zh_CN") == "粤语"
    assert places.search_languages("minnan")[0].code == "nan"
    assert places.find_language("Cantonese") == "yue"
    assert places.language_name("zh-Hant") == "Chinese (Hant)"
    assert places.language_name("xx-unknown") == "xx-unknown"


TODAY = dt.date(2026, 6, 1)


def test_an_identity_number_gives_birth_date_sex_and_division():
    first17 = "35020320080307002"  # 002: even, a woman
    reading = id_number.read(first17 + id_number.check_character(first17), TODAY)
    assert reading == id_number.IdReading(
        birth_date=dt.date(2008, 3, 7), sex="female", division="350203"
    )
    male = "35020320080307001"
    assert id_number.read(male + id_number.check_character(male), TODAY).sex == "male"


def test_an_identity_number_with_a_wrong_check_or_date_says_what_is_wrong():
    first17 = "35020320080307002"
    right = id_number.check_character(first17)
    wrong = "0" if right != "0" else "1"
    assert f"should be {right}" in id_number.read(first17 + wrong, TODAY).problem
    bad_date = "35020320081307002"
    reading = id_number.read(bad_date + id_number.check_character(bad_date), TODAY)
    assert "date of birth" in reading.problem
    future = "35020320300101002"
    reading = id_number.read(future + id_number.check_character(future), TODAY)
    assert "cannot be right" in reading.problem


@pytest.mark.parametrize("text", ["E12345678", "3502032008030700", "", "G1234567890123456"])
def test_a_passport_or_a_partial_number_is_not_judged(text):
    assert id_number.read(text, TODAY) is None
