"""Invented but realistic case files for the demo vault, the tests and the benchmarks.

Every person, number and story here is made up: names are drawn from common surnames and
given-name characters, identity numbers are built from a region code, the birth date and
random digits, phones are random 11-digit mobile numbers. The output is deterministic for a
seed (one `random.Random(seed)`, never the global generator or the clock) and every case is
valid under cases-v1 as of `today`.

Speed matters (the benchmarks ask for 100,000 cases), so dates are day ordinals (ints) until
the last moment, weighted choices are tables in which each value repeats by its weight (one
index per pick), and no case is copied.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import mul
from typing import TypeVar

from app.codes import FUJIAN_PREFECTURES, Role
from app.domain.model import (
    Case,
    Consent,
    Followup,
    Guardian,
    Intake,
    Note,
    Origin,
    Person,
    Referral,
    Service,
)
from app.errors import AftercareError
from app.i18n import _

T = TypeVar("T")

FIRST_DAY = dt.date(2022, 1, 1)
DEFAULT_TODAY = dt.date(2026, 11, 28)


def _w(*pairs: tuple[T, int]) -> tuple[T, ...]:
    """A weighted table: each value repeated `weight` times, so a pick is one index."""
    return tuple(value for value, weight in pairs for _ in range(weight))


# --- places -----------------------------------------------------------------------------------

_CITY = {
    "350100": "福州",
    "350200": "厦门",
    "350300": "莆田",
    "350400": "三明",
    "350500": "泉州",
    "350600": "漳州",
    "350700": "南平",
    "350800": "龙岩",
    "350900": "宁德",
}
assert set(_CITY) == set(FUJIAN_PREFECTURES)

_DISTRICTS = {
    "350100": ("鼓楼区", "台江区", "仓山区", "晋安区", "马尾区", "长乐区", "闽侯县", "福清市"),
    "350200": ("思明区", "湖里区", "集美区", "海沧区", "同安区", "翔安区"),
    "350300": ("城厢区", "涵江区", "荔城区", "秀屿区", "仙游县"),
    "350400": ("三元区", "沙县区", "永安市", "尤溪县", "大田县"),
    "350500": ("鲤城区", "丰泽区", "洛江区", "晋江市", "石狮市", "南安市", "惠安县", "安溪县"),
    "350600": ("芗城区", "龙文区", "龙海区", "漳浦县", "云霄县", "诏安县", "平和县"),
    "350700": ("延平区", "建阳区", "建瓯市", "武夷山市", "邵武市", "浦城县"),
    "350800": ("新罗区", "永定区", "上杭县", "长汀县", "漳平市", "连城县"),
    "350900": ("蕉城区", "福安市", "福鼎市", "霞浦县", "古田县", "寿宁县"),
}
_BIG_HOSPITALS = {
    "350100": ("福建省立医院", "福建医科大学附属协和医院", "福建省妇幼保健院"),
    "350200": ("厦门大学附属中山医院", "厦门市妇幼保健院"),
}
_HOSPITAL_PATTERNS = ("{c}市第一医院", "{c}市第二医院", "{c}市妇幼保健院", "{c}市中医院")
_STREETS = (
    "人民路", "中山路", "解放路", "建设路", "新华路", "和平路", "胜利路", "八一七路", "五四路",
    "湖东路", "江滨路", "工业路", "学府路", "府前路", "东街", "西街", "南门路", "北环路",
)  # fmt: skip
_TOWNS = (
    "城关镇", "新店镇", "洪塘镇", "青口镇", "南通镇", "东张镇", "马铺乡", "石码镇", "东石镇",
    "安海镇", "水头镇", "洛阳镇", "黄田镇", "大洋乡",
)  # fmt: skip
_VILLAGES = (
    "东山村", "西林村", "后埔村", "上坪村", "下洋村", "湖头村", "前亭村", "岭头村", "溪口村",
    "坑边村", "田中村", "新厝村",
)  # fmt: skip
_PREFECTURE_WEIGHTS = _w(
    ("350100", 24), ("350200", 14), ("350300", 8), ("350400", 5), ("350500", 18),
    ("350600", 11), ("350700", 5), ("350800", 6), ("350900", 9),
)  # fmt: skip
_PROVINCE_NAME = {
    "530000": "云南省",
    "520000": "贵州省",
    "450000": "广西壮族自治区",
    "510000": "四川省",
    "430000": "湖南省",
    "360000": "江西省",
    "410000": "河南省",
}
# Where a person comes from: None stands for a Fujian prefecture, drawn from the table above.
_CN_ORIGIN = _w(
    (None, 40), ("530000", 17), ("520000", 15), ("450000", 11), ("510000", 10),
    ("430000", 3), ("360000", 2), ("410000", 2),
)  # fmt: skip
_PROVINCE_NAMES = tuple(_PROVINCE_NAME.values())
_FOREIGN = _w(("VN", 55), ("MM", 25), ("LA", 12), ("KH", 8))
_FOREIGN_SHARE = 0.18

# --- names ------------------------------------------------------------------------------------

_SURNAMES = _w(
    ("陈", 10), ("林", 10), ("黄", 8), ("王", 8), ("李", 8), ("张", 7), ("刘", 6), ("郑", 6),
    ("吴", 5), ("杨", 5), ("赵", 3), ("周", 3), ("徐", 3), ("孙", 2), ("朱", 2), ("胡", 2),
    ("郭", 3), ("何", 2), ("罗", 3), ("高", 2), ("梁", 2), ("谢", 3), ("许", 3), ("蔡", 3),
    ("曾", 2), ("邓", 2), ("杜", 1), ("余", 2), ("叶", 3), ("苏", 2), ("潘", 2), ("韦", 2),
    ("龙", 1), ("杨", 1), ("马", 1), ("邱", 2), ("游", 1), ("肖", 2), ("田", 1), ("蒋", 1),
)  # fmt: skip
_GIVEN = {
    ("female", False): "秀英芳丽燕红霞梅兰玲娟萍琴凤珍春桂金美艳敏静婷雪慧莉丹洁晶琳小月",
    ("female", True): "欣怡梓涵雨萱诗琪子佳思语可馨若彤一诺嘉悦瑶婉心晴小雅",
    ("male", False): "伟强磊军勇杰涛明超辉华峰建文斌波亮平刚林志",
    ("male", True): "浩宇轩子梓俊博睿泽皓晨阳铭宸航然辰一天乐小",
}
_VN_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
_VN_CN_SURNAMES = {
    "Nguyễn": "阮", "Trần": "陈", "Lê": "黎", "Phạm": "范", "Hoàng": "黄", "Vũ": "武",
    "Đặng": "邓", "Bùi": "裴", "Đỗ": "杜", "Hồ": "胡",
}  # fmt: skip
_VN_GIVEN_F = ("Lan", "Hoa", "Hương", "Mai", "Linh", "Thảo", "Ngọc", "Hằng", "Trang", "Nhung", "Yến", "Thu", "Hà")  # fmt: skip
_VN_GIVEN_M = ("Nam", "Hùng", "Dũng", "Tuấn", "Minh", "Long")
_MM_FIRST = ("Aye", "Khin", "Su", "Thin", "Nan", "Hnin", "May", "Ei", "Nang", "Mi")
_MM_SECOND = ("Aye", "Mar", "Hlaing", "Khaing", "Wai", "Phyu", "Zin", "Myat", "Hseng", "Thu")
_MM_CLANS = ("Lahpai", "Marip", "Nhkum", "Maran", "Labang")
_MM_KACHIN = ("Seng Ra", "Hkawn Nu", "Ja Seng", "Lu Bu", "Roi Ji", "Bawk Ja")
_MM_MALE = ("Aung Htet", "Kyaw Naing", "Zaw Lin", "Min Oo", "Ko Ko")
_LA_GIVEN_F = ("Phonesavanh", "Souksavanh", "Khamla", "Noy", "Vanh", "Malay", "Bouavanh", "Chanthala")  # fmt: skip
_LA_GIVEN_M = ("Somphong", "Bounmy", "Khamphet", "Sengphet")
_LA_FAMILY = ("Keomany", "Sisouphanh", "Phommachanh", "Vongsa", "Inthavong", "Sayavong")
_KH_FAMILY = ("Chan", "Sok", "Kim", "Heng", "Phan", "Touch", "Meas")
_KH_GIVEN_F = ("Sreymom", "Sokha", "Dara", "Chenda", "Bopha", "Sreyneang", "Leakena")
_KH_GIVEN_M = ("Vibol", "Sovann", "Rithy", "Piseth")
_CN_NICK = "兰花美芳妹玲香玉英娟"

_PHONE_PREFIXES = (
    "134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182",
    "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180",
    "189", "177", "199", "166",
)  # fmt: skip
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# --- intake -----------------------------------------------------------------------------------

_IDENTIFIED_BY = _w(
    ("public_security", 46), ("hotline", 9), ("ngo", 10), ("family", 9), ("self_referral", 8),
    ("other_province", 8), ("border_authority", 6), ("other", 4),
)  # fmt: skip
_IDENTIFIED_BY_FOREIGN = _w(
    ("public_security", 40), ("border_authority", 30), ("ngo", 12), ("hotline", 6),
    ("self_referral", 8), ("other", 4),
)  # fmt: skip
_RESCUE = {
    "public_security": ("后被公安机关解救。", "后公安机关打掉该团伙，将其解救。"),
    "hotline": ("后本人拨打求助热线，警方将其解救。",),
    "ngo": ("后由社会组织发现并转介至本站。",),
    "family": ("后家属报警，被警方解救。", "后家属多方寻找，报警后被解救。"),
    "self_referral": ("后本人设法逃出，向派出所求助。", "后趁看管松懈逃出，自行求助。"),
    "other_province": ("后由外省公安机关解救并移交本地。",),
    "border_authority": ("后在边境检查时被识别，移交本站。",),
    "other": ("后经群众举报被解救。",),
}
_ADULT_EXPLOITATION = _w(
    ("forced_marriage", 38), ("sexual_exploitation", 32), ("forced_labour", 14),
    ("forced_criminality", 6), ("forced_begging", 1), ("other", 2), ("unknown", 2),
)  # fmt: skip
_TEEN_GIRL_EXPLOITATION = _w(
    ("sexual_exploitation", 38), ("forced_marriage", 30), ("forced_labour", 14),
    ("forced_begging", 4), ("forced_criminality", 4), ("other", 2), ("unknown", 2),
)  # fmt: skip
_BOY_EXPLOITATION = _w(
    ("forced_labour", 35), ("forced_begging", 20), ("child_sale_adoption", 20),
    ("forced_criminality", 15), ("sexual_exploitation", 5), ("unknown", 3),
)  # fmt: skip
_SMALL_CHILD_EXPLOITATION = _w(
    ("child_sale_adoption", 70), ("forced_begging", 20), ("unknown", 5), ("other", 3),
)  # fmt: skip
_MAN_EXPLOITATION = _w(("forced_labour", 55), ("forced_criminality", 40), ("unknown", 5))
_SECOND_EXPLOITATION = {
    "forced_marriage": ("forced_labour", "sexual_exploitation"),
    "sexual_exploitation": ("forced_labour", "forced_criminality"),
    "forced_labour": ("forced_begging", "sexual_exploitation"),
    "forced_begging": ("forced_labour",),
    "child_sale_adoption": ("forced_labour", "forced_begging"),
    "forced_criminality": ("forced_labour", "sexual_exploitation"),
}
_RELATIONSHIP = {
    "forced_marriage": _w(
        ("acquaintance", 45), ("family", 20), ("stranger", 20), ("intimate_partner", 10),
        ("unknown", 5),
    ),
    "sexual_exploitation": _w(
        ("intimate_partner", 30), ("acquaintance", 40), ("stranger", 22), ("unknown", 8)
    ),
    "child_sale_adoption": _w(("family", 35), ("stranger", 40), ("acquaintance", 15), ("unknown", 10)),
    "default": _w(("acquaintance", 45), ("stranger", 35), ("family", 10), ("unknown", 10)),
}  # fmt: skip
_REL_WORDS = {
    "family": ("亲戚", "表姐", "远房叔叔", "继父", "堂哥"),
    "intimate_partner": ("男友", "网恋对象", "前男友"),
    "acquaintance": ("同乡", "朋友", "工友", "网友", "同学"),
    "stranger": ("陌生人", "一名自称中介的男子", "一名陌生妇女"),
    "unknown": ("他人",),
}
# Where it happened: brides and adopted children end up in villages, the rest in towns.
_PLACES_RURAL = ("河南农村", "安徽农村", "山东某县", "江西山区", "福建莆田某村", "江苏某镇")
_PLACES_URBAN = ("广东东莞", "浙江义乌", "江苏苏州", "福建晋江", "福建厦门", "广东深圳")
_PLACES_ABROAD = ("缅甸妙瓦底", "柬埔寨西港", "老挝金三角经济特区", "缅甸果敢")
_PLACES_FUJIAN_RURAL = ("福建漳州农村", "福建南平某村", "福建宁德某镇", "福建三明山区", "福建龙岩某村")  # fmt: skip
_PLACES_FUJIAN_URBAN = ("福建泉州", "福建厦门", "福建福州", "福建晋江", "福建石狮")
_RURAL_EXPLOITATION = ("forced_marriage", "child_sale_adoption")
_NARRATIVES = {
    "forced_marriage": (
        "被{rel}以介绍工作为名骗至{place}，以{money}万元卖给当地男子为妻，长期被限制人身自由，",
        "经{rel}介绍“相亲”后被带到{place}，被迫与他人结婚，",
    ),
    "sexual_exploitation": (
        "被{rel}以高薪招聘为由骗至{place}，被控制从事色情服务，证件被扣押，",
        "被{rel}带到{place}的娱乐场所，被迫陪酒卖淫，",
    ),
    "forced_labour": (
        "被{rel}招募到{place}的工厂做工，工资被克扣，不得离开，",
        "被{rel}带到{place}做家政，长期无薪劳动，被限制外出，",
    ),
    "forced_begging": ("被{rel}带到{place}街头乞讨，每日须上交所得，",),
    "child_sale_adoption": (
        "幼时被{rel}拐走，辗转卖到{place}一户人家，经DNA比对确认身份，",
        "出生后不久被{rel}以{money}万元卖给{place}一户人家，",
    ),
    "forced_criminality": (
        "被{rel}以高薪工作为诱饵骗至{place}，被强迫从事电信网络诈骗，",
        "被{rel}控制在{place}运送毒品，",
    ),
    "other": ("经{rel}介绍离家后失去联系，在{place}被发现，具体经历尚待核实，",),
    "unknown": ("在{place}被发现，本人不愿多谈经历，",),
}

# --- care -------------------------------------------------------------------------------------

_GUARDIAN = _w(
    ("with_guardian", 40), ("tracing", 22), ("placed_in_care", 18), ("not_found", 12),
    ("not_applicable", 8),
)  # fmt: skip
_GUARDIAN_NOTES = {
    "with_guardian": ("母亲在原籍，已取得联系。", "父母均在，已到站探望。", "由祖母监护。", None),
    "tracing": ("正在核查户籍信息寻找父母。", "已在寻亲平台发布信息。", "姑母在昆明，正在联系。"),
    "placed_in_care": ("暂由儿童福利院代为监护。", "由民政部门临时监护。"),
    "not_found": ("多方寻找未果。", "原籍地查无此人，继续核查。"),
    "not_applicable": (None, "已婚，随配偶生活。"),
}
_CLOSURE_CHILD = _w(
    ("reintegrated_family", 48), ("placed_in_care", 22), ("transferred", 14), ("lost_contact", 6),
    ("other", 4),
)  # fmt: skip
_CLOSURE_ADULT = _w(
    ("reintegrated_family", 34), ("independent_living", 26), ("relocated_for_work", 15),
    ("transferred", 11), ("lost_contact", 9), ("other", 4),
)  # fmt: skip
_MEDICAL_NOTES = (
    "入站体检，营养不良，已给予对症治疗。",
    "传染病筛查，结果已告知本人。",
    "外伤复查，伤口愈合良好。",
    "牙科治疗两次。",
    "慢性胃炎，门诊随访。",
)
_MEDICAL_NOTES_WOMEN = (*_MEDICAL_NOTES, "妇科检查，结果已告知本人。", "孕检，定期产检中。")
_PSY_NOTES = (
    "存在明显焦虑和睡眠障碍，每周一次个体咨询。",
    "创伤后应激症状减轻，情绪趋于稳定。",
    "参加团体辅导，能主动与人交流。",
    "初次评估有自伤念头，已制定安全计划。",
    "对陌生男性仍有恐惧，继续咨询。",
)
# app.codes.LegalStage
_LEGAL_STAGES_EARLY = ("investigation", "prosecution_review")
_LEGAL_STAGES_DONE = ("judgment_final", "mediated", "withdrawn")
_LEGAL_STAGES_LATE = ("first_instance", "second_instance", "enforcement", "civil_compensation")
_LEGAL_NOTES = (
    "已协助制作询问笔录。",
    "申请刑事附带民事赔偿。",
    "陪同出庭作证。",
    "协助办理解除非法婚姻关系。",
    None,
)
_LAWYER_GIVEN = ("志强", "丽华", "明", "晓东", "建平", "静", "文斌", "雪梅", "海涛", "颖")
_LAW_FIRMS = ("正衡", "明理", "海峡公信", "榕城正道", "闽南诚信", "鹭江明德", "八闽守正")
_COURSES = ("家政服务", "美容美发", "电子商务", "中式烹调", "服装缝纫", "育婴员", "茶艺", "电工")
_POSITIONS = ("服装厂工人", "超市收银员", "家政服务员", "餐厅服务员", "电子厂操作工", "美容院学徒", "茶叶店店员")  # fmt: skip
_FIRM_WORDS = ("华兴", "鑫达", "恒源", "嘉利", "永盛", "闽兴", "鸿福", "榕达")
_INDUSTRIES = ("服饰", "食品", "电子", "贸易", "家政服务", "茶业")
_SOCIAL_WORK = ("阳光", "向日葵", "守护", "启明", "彩虹", "同心")
_TRACING_METHODS = ("DNA比对", "户籍信息核查", "寻亲平台发布", "原籍派出所协查")
_ESCORTS = ("民警护送", "社工陪同", "家属来接")
_GRADES = {
    6: "一年级", 7: "二年级", 8: "三年级", 9: "四年级", 10: "五年级", 11: "六年级",
    12: "初一", 13: "初二", 14: "初三", 15: "高一",
}  # fmt: skip
_SERVICE_NOTES: dict[str, tuple[str | None, ...]] = {
    "psychological_care": _PSY_NOTES,
    "legal_aid": _LEGAL_NOTES,
    "shelter_care": ("单人间，适应良好。", "与另一名受助人同住。", None, None),
    "schooling": ("随班就读，成绩中等。", "需要课后辅导。", None),
    "vocational_training": ("学习积极，已考取初级证书。", None),
    "life_skills_training": ("学习理财和自我保护知识。", "参加小组活动。", None),
    "employment_support": ("已推荐面试两次。", "试用期表现良好。", None),
    "family_tracing": ("已向原籍派出所发函协查。", "已采集血样入库。", None),
    "family_reunification": ("家访评估家庭环境合适。", "返乡前完成安全评估。", None),
    "financial_assistance": ("发放临时救助金。", None),
}

_CONDITIONS = _w(("stable", 58), ("needs_support", 28), ("at_risk", 9), ("lost_contact", 5))
_FOLLOWUP_NOTES = {
    "stable": ("电话回访，生活稳定。", "家访，与家人相处融洽。"),
    "needs_support": ("经济困难，申请临时救助。", "情绪低落，建议继续心理咨询。"),
    "at_risk": ("反映有陌生人联系，已提醒注意安全。", "与家人冲突，有离家倾向。"),
    "lost_contact": ("电话无人接听，联系原籍村委会未果。", "号码已停机。"),
}
_FOLLOWUP_NOTES_CHILD = {
    "stable": ("在校表现良好。", "监护人照料尽责，孩子情绪稳定。"),
    "needs_support": ("学习跟不上，需要课后辅导。", "监护人外出务工，照料不足。"),
}
_FOLLOWUP_NOTES_ADULT = {
    "stable": ("已找到工作，收入稳定。", "独立租房居住，生活规律。"),
    "needs_support": ("找工作不顺利。", "身体不适，需要就医帮助。"),
}


def _outcomes(extra: Mapping[str, tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    """(living conditions, note) pairs weighted by `_CONDITIONS`, so one pick gives both."""
    table: list[tuple[str, str]] = []
    for condition in _CONDITIONS:
        notes = _FOLLOWUP_NOTES[condition] + extra.get(condition, ())
        table.append((condition, notes[len(table) % len(notes)]))
    return tuple(table)


_OUTCOMES_CHILD = _outcomes(_FOLLOWUP_NOTES_CHILD)
_OUTCOMES_ADULT = _outcomes(_FOLLOWUP_NOTES_ADULT)

_REFERRAL_TO = _w(
    ("civil_affairs", 16), ("health", 10), ("justice_legal_aid", 14), ("education", 8),
    ("labour_social_security", 10), ("public_security", 8), ("womens_federation", 14),
    ("youth_league", 3), ("other_province", 8), ("ngo", 7), ("other", 2),
)  # fmt: skip
_REFERRAL_ORGS = {
    "civil_affairs": "{c}市民政局",
    "health": "{c}市疾病预防控制中心",
    "justice_legal_aid": "{c}市法律援助中心",
    "education": "{c}市教育局",
    "labour_social_security": "{c}市人力资源和社会保障局",
    "public_security": "{c}市公安局",
    "womens_federation": "{c}市妇女联合会",
    "youth_league": "共青团{c}市委",
    "other_province": "{p}民政厅",
    "ngo": "{c}市{s}社会工作服务中心",
    "other": "{d}社区居委会",
}
_REFERRAL_REASONS = {
    "civil_affairs": ("申请低保和临时救助。", "办理户籍登记。"),
    "health": ("传染病随访治疗。", "需要专科治疗。"),
    "justice_legal_aid": ("申请法律援助。", "追讨被克扣的工资。"),
    "education": ("安排入学。", "申请学籍。"),
    "labour_social_security": ("参加职业技能培训。", "就业推荐。"),
    "public_security": ("补充笔录。", "协查家属信息。"),
    "womens_federation": ("返乡后的跟进帮扶。", "家庭矛盾调解。"),
    "youth_league": ("青少年社会工作服务。",),
    "other_province": ("返回原籍后的安置帮扶。", "原籍地跟进。"),
    "ngo": ("长期陪伴服务。", "心理支持小组。"),
    "other": ("社区跟进。",),
}
_NOTE_SECTIONS = _w(
    ("notes", 30), ("care_plan", 25), ("intake", 10), ("profile", 5), ("consent", 4),
    ("medical", 9), ("legal", 9), ("followups", 6), ("referrals", 2),
)  # fmt: skip
_NOTE_TEXTS = {
    "notes": ("与本人谈话，情绪平稳。", "本人希望尽快回家。", "同住人员反映夜间哭泣。", "本人提出想学一门手艺。"),
    "care_plan": ("更新个案计划：优先安排心理咨询和技能培训。", "个案会议讨论返乡安排。", "调整服务计划，增加学业辅导。"),
    "intake": ("补充入站时的随身物品登记。", "核实身份信息，与公安机关通报一致。"),
    "profile": ("更新联系电话。", "本人提供了曾用名。"),
    "consent": ("已向本人解释知情同意内容，本人表示理解。",),
    "medical": ("医嘱按时服药，已提醒。", "复诊结果正常。"),
    "legal": ("案件已移送检察院。", "法院通知下月开庭。"),
    "followups": ("下次回访改为家访。",),
    "referrals": ("转介机构已回复接收。",),
}  # fmt: skip


_CHILD_AGES = _w(*((a, 2) for a in range(3, 6)), *((a, 3) for a in range(6, 12)), *((a, 7) for a in range(12, 18)))  # fmt: skip
_ADULT_AGES = _w(*((a, 6) for a in range(18, 26)), *((a, 4) for a in range(26, 36)), *((a, 2) for a in range(36, 46)))  # fmt: skip
_LANGUAGE = {"VN": "vi", "MM": "my", "LA": "lo", "KH": "km"}
_HOSPITALS = {
    code: tuple(p.format(c=city) for p in _HOSPITAL_PATTERNS) for code, city in _CITY.items()
}
_CONSENT_SHARES = (
    ("statistics", 0.9),
    ("referral", 0.75),
    ("family_tracing", 0.85),
    ("data_sharing", 0.35),
)


# --- the generator ----------------------------------------------------------------------------


def generate_cases(
    n: int,
    seed: int,
    *,
    today: dt.date = DEFAULT_TODAY,
    prefix: str = "FZ",
) -> Iterator[Case]:
    """`n` invented, valid case files, the same ones for the same arguments.

    Cases are opened between 2022-01-01 and `today`, in date order, numbered
    `{prefix}-{year opened}-{sequence}` with one sequence over the whole run.
    """
    if n < 0:
        raise AftercareError(_("The number of demo cases must not be negative: {n}").format(n=n))
    if today < FIRST_DAY:
        raise AftercareError(
            _("Demo cases start on {first}; today must not be earlier.").format(first=FIRST_DAY)
        )
    maker = _Maker(random.Random(seed), today, prefix)
    first = FIRST_DAY.toordinal()
    span = today.toordinal() - first + 1
    for i in range(n):
        # Stratified over the period, so the dates come in order without a sort.
        opened = first + int((i + maker.r()) * span / n)
        yield maker.case(i + 1, opened)


def demo_users() -> list[tuple[str, str, str]]:
    """One demo user per role: (login name, role code, passphrase), for the demo vault only."""
    return [
        ("admin", Role.ADMIN.value, "lotus-harbour-2026"),
        ("caseworker", Role.CASEWORKER.value, "tea-garden-2026"),
        ("health", Role.HEALTH.value, "jade-river-2026"),
        ("legal", Role.LEGAL.value, "stone-bridge-2026"),
        ("supervisor", Role.SUPERVISOR.value, "banyan-tree-2026"),
    ]


_date = dt.date.fromordinal


class _Maker:
    """Builds one case at a time from one random stream; all dates inside are ordinals."""

    def __init__(self, rng: random.Random, today: dt.date, prefix: str):
        self.r: Callable[[], float] = rng.random
        self.today = today.toordinal()
        self.prefix = prefix
        # Every event date a case can hold, made once and shared (dates are immutable):
        # `self.days[ordinal - self.base]`. Events lie within a year or so of the period.
        self.base = FIRST_DAY.toordinal() - 400
        self.days = [_date(o) for o in range(self.base, self.today + 1200)]

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.r() * len(seq))]

    def between(self, low: int, high: int) -> int:
        """A whole number from low to high, both included."""
        return low + int(self.r() * (high - low + 1))

    def digits(self, count: int) -> str:
        return str(int(self.r() * 10**count)).zfill(count)

    # --- the case ----------------------------------------------------------------------------

    def case(self, seq: int, opened: int) -> Case:
        r = self.r
        opened_date = self.days[opened - self.base]
        foreign = r() < _FOREIGN_SHARE
        child = r() < 0.36
        if child:
            age = self.pick(_CHILD_AGES)
            sex = "female" if r() < 0.75 else "male"
        else:
            age = self.pick(_ADULT_AGES)
            u = r()
            sex = "female" if u < 0.94 else "male" if u < 0.995 else "unknown"
        # What is known of the age: a date of birth, only an age, or (adults only) nothing.
        u = r()
        known = "dob" if u < 0.7 else "age" if (u < 0.94 or child) else "none"

        prefecture = self.pick(_PREFECTURE_WEIGHTS)
        city = _CITY[prefecture]
        person = self.person(sex, age, known, child, foreign, opened, prefecture)
        intake = self.intake(opened, prefecture, sex, age, foreign)

        elapsed = self.today - opened
        closed: int | None = None
        closure_reason = None
        # The longer a case has been open, the likelier it is closed: about a quarter overall.
        if r() < min(0.1 * elapsed / 365, 0.9):
            closed = opened + min(elapsed, 30 + int(r() ** 1.5 * elapsed))
            closure_reason = self.pick(_CLOSURE_CHILD if child else _CLOSURE_ADULT)
            if r() < 0.003:
                closure_reason = "deceased"
        end = closed if closed is not None else self.today

        guardian = None
        if child:
            status = self.pick(_GUARDIAN)
            if closure_reason == "reintegrated_family":
                status = "with_guardian"
            elif closure_reason == "placed_in_care":
                status = "placed_in_care"
            guardian = Guardian(status, self.pick(_GUARDIAN_NOTES[status]))

        is_open = closed is None
        tracing = (guardian is not None and guardian.status in ("tracing", "not_found")) or (
            not child and r() < 0.15
        )
        ctx = _Context(
            opened, end, is_open, child, age, sex, city, prefecture, closure_reason, tracing,
            guardian.status if guardian is not None else None,
        )  # fmt: skip
        return Case(
            case_number=f"{self.prefix}-{opened_date.year}-{seq:05d}",
            status="open" if is_open else "closed",
            opened_on=opened_date,
            closed_on=self.days[closed - self.base] if closed is not None else None,
            closure_reason=closure_reason,
            person=person,
            intake=intake,
            consents=self.consents(opened, end, tracing),
            guardian=guardian,
            services=self.services(ctx),
            followups=self.followups(opened, end, is_open, child, closure_reason),
            referrals=self.referrals(ctx) if r() < 0.4 else [],
            notes=self.notes(opened, end) if r() < 0.5 else [],
        )

    # --- person ------------------------------------------------------------------------------

    def person(
        self,
        sex: str,
        age: int,
        known: str,
        child: bool,
        foreign: bool,
        opened: int,
        prefecture: str,
    ) -> Person:
        r = self.r
        dob: dt.date | None = None
        if known == "dob":
            dob = self.birth_date(opened, age)
        if foreign:
            country = self.pick(_FOREIGN)
            full_name, aliases = self.foreign_name(country, sex)
            origin = Origin(country, None)
            languages = [_LANGUAGE[country]] if r() < 0.7 else [_LANGUAGE[country], "zh"]
            id_number = self.passport(country) if dob is not None and r() < 0.4 else None
        else:
            full_name, aliases = self.chinese_name(sex, child)
            division = self.pick(_CN_ORIGIN) or self.pick(_PREFECTURE_WEIGHTS)
            origin = Origin("CN", division)
            languages = ["zh", "yue"] if division == "450000" and r() < 0.3 else ["zh"]
            id_number = (
                self.id_number(division, dob, sex) if dob is not None and r() < 0.85 else None
            )
        phone = None
        if r() < (0.8 if age >= 18 else 0.4 if age >= 15 else 0.0):
            phone = self.pick(_PHONE_PREFIXES) + self.digits(8)
        address = None
        if r() < 0.9:
            address = self.address(prefecture if r() < 0.7 else self.pick(_PREFECTURE_WEIGHTS))
        u = r()
        disability = True if u < 0.04 else None if u < 0.14 else False
        return Person(
            full_name=full_name,
            aliases=aliases,
            sex=sex,
            date_of_birth=dob,
            age_at_intake=age if known == "age" else None,
            id_number=id_number,
            phone=phone,
            address=address,
            origin=origin,
            languages=languages,
            disability=disability,
        )

    def birth_date(self, opened: int, age: int) -> dt.date:
        """A birth date that makes the person exactly `age` on the day `opened`."""
        day = self.days[opened - self.base]
        latest = _years_before(day, age).toordinal()
        earliest = _years_before(day, age + 1).toordinal() + 1
        return _date(self.between(earliest, latest))

    def chinese_name(self, sex: str, child: bool) -> tuple[str, list[str]]:
        r = self.r
        chars = _GIVEN[("male" if sex == "male" else "female", child)]
        given = self.pick(chars)
        if r() < 0.75:
            given += self.pick(chars)
        surname = self.pick(_SURNAMES)
        aliases: list[str] = []
        u = r()
        if u < 0.12:
            aliases.append(("小" if child else "阿") + given[-1])
        elif u < 0.2:
            # A name the traffickers gave, or one used on forged papers.
            aliases.append(self.pick(_SURNAMES) + self.pick(chars) + self.pick(chars))
        return surname + given, aliases

    def foreign_name(self, country: str, sex: str) -> tuple[str, list[str]]:
        r = self.r
        pick = self.pick
        male = sex == "male"
        alias = None
        if country == "VN":
            surname = pick(_VN_SURNAMES)
            given = pick(_VN_GIVEN_M if male else _VN_GIVEN_F)
            name = f"{surname} {'Văn' if male else 'Thị'} {given}"
            if r() < 0.4:
                alias = _VN_CN_SURNAMES[surname] + ("文" if male else "氏") + pick(_CN_NICK)
        elif country == "MM":
            if male:
                name = pick(_MM_MALE)
            elif r() < 0.4:
                name = f"{pick(_MM_CLANS)} {pick(_MM_KACHIN)}"
            else:
                name = f"{pick(_MM_FIRST)} {pick(_MM_SECOND)}"
        elif country == "LA":
            name = f"{pick(_LA_GIVEN_M if male else _LA_GIVEN_F)} {pick(_LA_FAMILY)}"
        else:
            name = f"{pick(_KH_FAMILY)} {pick(_KH_GIVEN_M if male else _KH_GIVEN_F)}"
        if alias is None and r() < 0.6:
            alias = "阿" + pick(_CN_NICK)
        return name, [alias] if alias else []

    def id_number(self, division: str, dob: dt.date, sex: str) -> str:
        """An 18-character resident ID in the real layout, with invented digits."""
        if division.startswith("35") and division[2:4] != "00":
            region = division[:4] + f"{self.between(2, 28):02d}"
        else:
            region = f"{division[:2]}{self.between(1, 9):02d}{self.between(2, 28):02d}"
        order = self.between(0, 49) * 2 + (1 if sex == "male" else 0)  # odd for men
        born = dob.isoformat().replace("-", "")  # YYYYMMDD: births are after the year 999
        body = f"{region}{born}{self.digits(1)}{order:02d}"
        total = sum(map(mul, map(int, body), _ID_WEIGHTS))
        return body + _ID_CHECK[total % 11]

    def passport(self, country: str) -> str:
        if country == "VN":
            return "C" + self.digits(7)
        if country == "MM":
            return "MA" + self.digits(6)
        if country == "LA":
            return "P" + self.digits(7)
        return "N" + self.digits(8)

    def address(self, prefecture: str) -> str:
        city = _CITY[prefecture]
        district = self.pick(_DISTRICTS[prefecture])
        if self.r() < 0.6:
            home = f"{self.pick(_STREETS)}{self.between(1, 388)}号"
            if self.r() < 0.6:
                home += f"{self.between(1, 24)}栋{self.between(1, 30)}0{self.between(1, 6)}室"
        else:
            home = f"{self.pick(_TOWNS)}{self.pick(_VILLAGES)}{self.between(1, 120)}号"
        return f"福建省{city}市{district}{home}"

    # --- intake ------------------------------------------------------------------------------

    def intake(self, opened: int, prefecture: str, sex: str, age: int, foreign: bool) -> Intake:
        r = self.r
        pick = self.pick
        identified_by = pick(_IDENTIFIED_BY_FOREIGN if foreign else _IDENTIFIED_BY)
        if age < 6:
            primary = pick(_SMALL_CHILD_EXPLOITATION)
        elif sex == "male":
            primary = pick(_BOY_EXPLOITATION if age < 18 else _MAN_EXPLOITATION)
        elif age < 14:
            primary = pick(_SMALL_CHILD_EXPLOITATION if r() < 0.3 else _TEEN_GIRL_EXPLOITATION)
        else:
            primary = pick(_TEEN_GIRL_EXPLOITATION if age < 18 else _ADULT_EXPLOITATION)
        exploitation = [primary]
        if primary in _SECOND_EXPLOITATION and r() < 0.25:
            exploitation.append(pick(_SECOND_EXPLOITATION[primary]))
        relationship = pick(_RELATIONSHIP.get(primary, _RELATIONSHIP["default"]))
        # Chinese victims of scam compounds come back over the border; foreigners cross it.
        abroad = not foreign and primary == "forced_criminality" and r() < 0.7
        cross_border = foreign or abroad
        rural = primary in _RURAL_EXPLOITATION
        if abroad:
            place = pick(_PLACES_ABROAD)
        elif foreign:
            place = pick(_PLACES_FUJIAN_RURAL if rural else _PLACES_FUJIAN_URBAN)
        else:
            place = pick(_PLACES_RURAL if rural else _PLACES_URBAN)
        narrative = None
        if r() < 0.92:
            body = pick(_NARRATIVES[primary]).format(
                rel=pick(_REL_WORDS[relationship]), place=place, money=self.between(3, 18)
            )
            narrative = body + pick(_RESCUE[identified_by])
        police = None
        by_police = identified_by in ("public_security", "other_province")
        if r() < (0.75 if by_police else 0.2):
            day = self.days[opened - self.between(0, 20) - self.base]
            police = f"A{prefecture}{day.year}{day.month:02d}{self.digits(4)}"
        identified_on = None if r() < 0.03 else self.days[opened - self.between(0, 7) - self.base]
        return Intake(
            identified_on=identified_on,
            prefecture=prefecture,
            identified_by=identified_by,
            police_case_number=police,
            exploitation=exploitation,
            relationship_to_trafficker=relationship,
            cross_border=cross_border,
            narrative=narrative,
        )

    # --- consents ----------------------------------------------------------------------------

    def consents(self, opened: int, end: int, tracing: bool) -> list[Consent]:
        r = self.r
        on = self.days[opened - self.base]
        consents = [Consent("services", r() < 0.98, on)]
        for purpose, share in _CONSENT_SHARES:
            if purpose == "family_tracing" and not tracing:
                continue
            given = r() < share
            withdrawn = None
            if given and purpose != "services" and r() < 0.03:
                withdrawn = self.days[self.between(opened, end) - self.base]
            consents.append(Consent(purpose, given, on, withdrawn))
        return consents

    # --- services ----------------------------------------------------------------------------

    def service(
        self,
        ctx: _Context,
        kind: str,
        start: int,
        length: int,
        provider: str,
        details: dict[str, str | int] | None = None,
        notes: tuple[str | None, ...] | None = None,
    ) -> None:
        """Add a service that starts on `start` and would last `length` days to `ctx.services`.

        As of the case's end it is completed when it ended by then; otherwise ongoing while
        the case is open, or ended on the day a closed case closed. A start after the end of a
        closed case means it never happened; for an open case it is planned. A few are
        declined or cancelled.
        """
        r = self.r
        days = self.days
        base = self.base
        end = ctx.end
        details = details or {}
        note = self.pick(notes or _SERVICE_NOTES[kind])
        if start > end:
            if ctx.is_open:
                started = days[start - base] if start > self.today and r() < 0.6 else None
                ctx.services.append(
                    Service(kind, "planned", started, None, provider, details, note)
                )
            return
        u = r()
        if u < 0.94:
            stop = start + length
            if stop <= end:
                status, ended = "completed", days[stop - base]
            elif ctx.is_open:
                status, ended = "ongoing", None
            else:
                status, ended = "completed", days[end - base]
        elif u < 0.97:
            status, ended = "declined", None
        else:
            status, ended = "cancelled", days[min(start + 1 + int(r() * 30), end) - base]
        ctx.services.append(
            Service(kind, status, days[start - base], ended, provider, details, note)
        )

    def services(self, ctx: _Context) -> list[Service]:
        r = self.r
        pick = self.pick
        span = self.between
        add = self.service
        c = ctx.city
        opened = ctx.opened
        age = ctx.age
        woman = ctx.sex == "female" and age >= 15

        if ctx.child:
            shelter = f"{c}市未成年人救助保护中心"
        else:
            shelter = f"{c}市妇女儿童庇护中心" if woman and r() < 0.4 else f"{c}市救助管理站"
        add(ctx, "shelter_care", opened, span(30, 720), shelter)
        if r() < 0.9:
            hospital = pick(_BIG_HOSPITALS.get(ctx.prefecture, ()) + _HOSPITALS[ctx.prefecture])
            notes = _MEDICAL_NOTES_WOMEN if woman else _MEDICAL_NOTES
            start = opened + span(0, 14)
            add(ctx, "medical_care", start, span(7, 120), hospital, {"hospital": hospital}, notes)
        if r() < 0.8:
            provider = f"{c}市精神卫生中心" if r() < 0.4 else f"{c}市妇联心理咨询中心"
            start = opened + span(3, 30)
            add(
                ctx, "psychological_care", start, span(60, 400), provider, {"sessions": span(4, 24)}
            )
        if r() < 0.6:
            start = opened + span(5, 60)
            stages = _LEGAL_STAGES_LATE if ctx.end - start > 240 else _LEGAL_STAGES_EARLY
            details: dict[str, str | int] = {
                "lawyer": pick(_SURNAMES) + pick(_LAWYER_GIVEN),
                "firm": f"福建{pick(_LAW_FIRMS)}律师事务所",
                "stage": pick(stages),
            }
            add(ctx, "legal_aid", start, span(120, 700), f"{c}市法律援助中心", details)
            if ctx.services[-1].kind == "legal_aid" and ctx.services[-1].status == "completed":
                details["stage"] = pick(_LEGAL_STAGES_DONE)
        if 6 <= age <= 15:
            district = pick(_DISTRICTS[ctx.prefecture])
            if age <= 11:
                school = f"{district}实验小学" if r() < 0.5 else f"{district}第{span(1, 9)}中心小学"
            else:
                school = f"{c}市第{span(1, 24)}中学" if r() < 0.6 else f"{district}实验中学"
            details = {"school": school, "grade": _GRADES[age]}
            add(ctx, "schooling", opened + span(14, 90), span(200, 1100), school, details)
        if age >= 16 and r() < 0.45:
            provider = f"{c}市技工学校" if r() < 0.5 else f"{c}市妇联巾帼家政培训基地"
            details = {"course": pick(_COURSES)}
            add(
                ctx, "vocational_training", opened + span(30, 150), span(30, 180), provider, details
            )
        if age >= 16 and r() < 0.4:
            provider = f"{c}市{pick(_SOCIAL_WORK)}社会工作服务中心"
            details = {"sessions": span(4, 12)}
            add(
                ctx, "life_skills_training", opened + span(14, 90), span(20, 120), provider, details
            )
        if age >= 18 and r() < 0.35:
            details = {
                "employer": f"{c}{pick(_FIRM_WORDS)}{pick(_INDUSTRIES)}有限公司",
                "position": pick(_POSITIONS),
            }
            provider = f"{c}市公共就业服务中心"
            add(ctx, "employment_support", opened + span(90, 300), span(30, 200), provider, details)
        if ctx.tracing:
            provider = f"{c}市公安局刑侦支队"
            details = {"method": pick(_TRACING_METHODS)}
            add(ctx, "family_tracing", opened + span(1, 20), span(30, 500), provider, details)
        reunited: int | None  # a day number, as `opened`
        if ctx.closure_reason == "reintegrated_family":
            reunited = max(opened, ctx.end - span(0, 30))  # just before the case closed
        elif ctx.is_open and ctx.guardian_status == "with_guardian" and r() < 0.4:
            reunited = opened + span(60, 400)
        else:
            reunited = None
        if reunited is not None:
            details = {"escort": pick(_ESCORTS)}
            add(ctx, "family_reunification", reunited, span(1, 30), f"{c}市救助管理站", details)
        if r() < 0.2:
            details = {"amount": span(5, 40) * 100, "type": "临时救助"}
            add(ctx, "financial_assistance", opened + span(7, 200), 1, f"{c}市民政局", details)
        return ctx.services

    # --- follow-ups, referrals, notes --------------------------------------------------------

    def followups(
        self, opened: int, end: int, is_open: bool, child: bool, closure_reason: str | None
    ) -> list[Followup]:
        # The hot loop of the generator (about eight follow-ups a case), so picks are inline.
        r = self.r
        days = self.days
        base = self.base
        today = self.today
        outcomes = _OUTCOMES_CHILD if child else _OUTCOMES_ADULT
        count = len(outcomes)
        found: list[Followup] = []
        append = found.append
        due = opened + 85 + int(r() * 11)
        while due <= end:
            if not is_open:
                done_share = 0.97
            elif today - due < 14:
                done_share = 0.4
            elif due + 95 > end:
                done_share = 0.85  # the last one that was due: a few are overdue
            else:
                done_share = 0.97
            if r() < done_share:
                done = min(max(due - 10 + int(r() * 21), opened), end)
                condition, note = outcomes[int(r() * count)]
                append(Followup(days[due - base], days[done - base], condition, note))
            else:
                append(Followup(days[due - base]))
            due += 84 + int(r() * 15)
        if closure_reason == "lost_contact" and found and found[-1].done_on is not None:
            found[-1].living_conditions = "lost_contact"
            found[-1].notes = self.pick(_FOLLOWUP_NOTES["lost_contact"])
        if is_open:
            append(Followup(days[due - base]))  # the next one, not yet due
        return found

    def referrals(self, ctx: _Context) -> list[Referral]:
        r = self.r
        found = []
        for _i in range(1 if r() < 0.7 else 2):
            to = self.pick(_REFERRAL_TO)
            sent = self.between(ctx.opened, ctx.end)
            if ctx.is_open and self.today - sent < 30:
                status = "pending" if r() < 0.6 else "accepted"
            else:
                u = r()
                status = "completed" if u < 0.5 else "accepted" if u < 0.87 else "rejected"
                if status == "accepted" and not ctx.is_open:
                    status = "completed"
            organisation = _REFERRAL_ORGS[to].format(
                c=ctx.city,
                p=self.pick(_PROVINCE_NAMES),
                s=self.pick(_SOCIAL_WORK),
                d=self.pick(_DISTRICTS[ctx.prefecture]),
            )
            reason = self.pick(_REFERRAL_REASONS[to])
            found.append(Referral(to, self.days[sent - self.base], status, organisation, reason))
        return found

    def notes(self, opened: int, end: int) -> list[Note]:
        found = []
        for day in sorted(self.between(opened, end) for _i in range(self.between(1, 3))):
            section = self.pick(_NOTE_SECTIONS)
            found.append(Note(self.days[day - self.base], section, self.pick(_NOTE_TEXTS[section])))
        return found


@dataclass(slots=True)
class _Context:
    """What the parts of one case need to know about the whole of it (dates are ordinals)."""

    opened: int
    end: int  # the day it closed, or today
    is_open: bool
    child: bool
    age: int
    sex: str
    city: str
    prefecture: str
    closure_reason: str | None
    tracing: bool
    guardian_status: str | None
    services: list[Service] = field(default_factory=list)


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
