"""Column mapping: which spreadsheet column goes to which case field, and turning rows into cases.

A `Mapping` names, for each column (by header text, else by letter), a target field of
`TARGETS`; it also holds the date order, the case number pattern and the defaults for what the
sheet lacks (e.g. the opening date). It is saved as a small JSON file so the next import of
the same kind of sheet needs no choices. Columns a mapping does not name are kept in a note on
the case rather than dropped; only columns mapped to `ignore` are left out.

`convert_row` builds one Case from one row and reports each problem against its column;
values that have no exact place (a second phone, a picklist value that maps to a broader
code, free text that matches no code) go into the row's note, and the headers that did are
listed, so the preview can show every one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app import divisions
from app.codes import (
    LABELS,
    CaseStatus,
    ClosureReason,
    ConsentPurpose,
    Exploitation,
    GuardianStatus,
    IdentifiedBy,
    ReferralStatus,
    ReferralTo,
    Relationship,
    Sex,
    label,
)
from app.domain import id_number
from app.domain.model import Case, Consent, Guardian, Intake, Note, Person, Referral
from app.domain.people import ADULT_AGE, age_on
from app.errors import AftercareError
from app.i18n import N_, _
from app.interchange import sheets
from app.interchange.sheets import BadDate, cell_text, cell_token, normalise_key, split_values

MAPPING_FORMAT = "aftercare.sheet-mapping"
MAPPING_VERSION = 1
IGNORE = "ignore"
NOTE = "note"
ROW_NUMBER = "row_number"
DEFAULT_PATTERN = "IMP-{n:04d}"
GIVEN_FAMILY, FAMILY_GIVEN = "given_family", "family_given"
NAME_ORDERS = (GIVEN_FAMILY, FAMILY_GIVEN)
_PLACEHOLDERS = ("n", "row", "number", "year")


@dataclass(frozen=True)
class Target:
    """A field a column can be mapped to: `kind` says how its cells are read."""

    key: str
    kind: str  # text, texts, date, int, bool, code, codes, country, consent, note, ignore, ...
    label: str  # English source text, translated when shown
    codes: type[StrEnum] | None = None
    # For free-text fields read as a code (e.g. a reason written in words): a value that
    # matches no code becomes this code and the words go to the note, instead of a problem.
    fallback: str | None = None


def _t(
    key: str,
    kind: str,
    text: str,
    codes: type[StrEnum] | None = None,
    fallback: str | None = None,
) -> Target:
    return Target(key, kind, text, codes, fallback)


TARGETS: dict[str, Target] = {
    t.key: t
    for t in (
        _t(IGNORE, "ignore", N_("(leave out)")),
        _t(NOTE, "note", N_("Keep in a note")),
        _t(ROW_NUMBER, "int", N_("Row number of the sheet")),
        _t("case_number", "text", N_("Case number")),
        _t("status", "code", N_("Case status"), CaseStatus),
        _t("opened_on", "date", N_("Date opened")),
        _t("closed_on", "date", N_("Date closed")),
        _t("closure_reason", "code", N_("Reason for closure"), ClosureReason, "other"),
        _t("person.full_name", "text", N_("Full name")),
        _t("person.given_name", "text", N_("Given name")),
        _t("person.family_name", "text", N_("Family name")),
        _t("person.aliases", "texts", N_("Other names")),
        _t("person.sex", "code", N_("Sex"), Sex),
        _t("person.date_of_birth", "date", N_("Date of birth")),
        _t("person.age_at_intake", "int", N_("Age at intake")),
        _t("person.id_number", "token", N_("ID or passport number")),
        _t("person.phone", "token", N_("Phone")),
        _t("person.phone_other", "token", N_("Other phone")),
        _t("person.address", "text", N_("Address")),
        _t("person.origin.country", "country", N_("Country of origin")),
        _t("person.origin.division", "division", N_("Province or prefecture of origin")),
        _t("person.languages", "texts", N_("Languages")),
        _t("person.disability", "bool", N_("Disability")),
        _t("intake.identified_on", "date", N_("Date identified")),
        _t("intake.prefecture", "token", N_("Prefecture where identified (code)")),
        _t("intake.identified_by", "code", N_("Identified by"), IdentifiedBy, "other"),
        _t("intake.police_case_number", "text", N_("Police case number")),
        _t("intake.exploitation", "codes", N_("Types of exploitation"), Exploitation),
        _t(
            "intake.relationship_to_trafficker",
            "code",
            N_("Relationship to trafficker"),
            Relationship,
        ),
        _t("intake.cross_border", "bool", N_("Cross-border")),
        _t("intake.narrative", "text", N_("Narrative")),
        *(
            _t(f"consent.{purpose.value}", "consent", LABELS[ConsentPurpose][purpose.value])
            for purpose in ConsentPurpose
        ),
        _t("guardian.status", "code", N_("Guardian status"), GuardianStatus),
        _t("guardian.notes", "text", N_("Guardian notes")),
        _t("referral.to", "code", N_("Referred to (kind)"), ReferralTo, "other"),
        _t("referral.organisation", "text", N_("Referred to (organisation)")),
        _t("referral.sent_on", "date", N_("Date referred")),
        _t("referral.status", "code", N_("Referral status"), ReferralStatus),
        _t("referral.reason", "text", N_("Reason for referral")),
    )
}

# Fields whose value, when the row has none, may come from `Mapping.defaults`.
DEFAULTABLE = (
    "status",
    "opened_on",
    "closed_on",
    "closure_reason",
    "person.sex",
    "person.origin.country",
    "intake.prefecture",
    "intake.identified_by",
    "guardian.status",
)

# Words people write for our codes, in Chinese and English, beyond the codes and their labels.
# code list -> {word: code}. Lossy words (a narrower meaning mapped to a broader code) are in
# LOSSY: the code is taken and the word kept in the note.
SYNONYMS: dict[type[StrEnum], dict[str, str]] = {
    Sex: {
        "女": "female", "女性": "female", "f": "female", "woman": "female", "girl": "female",
        "男": "male", "男性": "male", "m": "male", "man": "male", "boy": "male",
        "未知": "unknown", "不详": "unknown", "不明": "unknown",
    },
    CaseStatus: {
        "在办": "open", "开放": "open", "进行中": "open", "active": "open", "跟进中": "open",
        "已结案": "closed", "结案": "closed", "关闭": "closed", "已关闭": "closed",
    },
    Exploitation: {
        "逼婚": "forced_marriage", "强迫婚姻": "forced_marriage", "拐卖婚姻": "forced_marriage",
        "性剥削": "sexual_exploitation", "强迫卖淫": "sexual_exploitation",
        "强迫劳动": "forced_labour", "劳动剥削": "forced_labour",
        "强迫乞讨": "forced_begging", "乞讨": "forced_begging",
        "拐卖儿童": "child_sale_adoption", "非法收养": "child_sale_adoption",
        "强迫犯罪": "forced_criminality", "其他": "other", "未知": "unknown", "不详": "unknown",
    },
    Relationship: {
        "家人": "family", "亲属": "family", "配偶": "intimate_partner", "男友": "intimate_partner",
        "恋人": "intimate_partner", "熟人": "acquaintance", "朋友": "acquaintance",
        "陌生人": "stranger", "未知": "unknown", "不详": "unknown",
    },
    IdentifiedBy: {
        "公安": "public_security", "公安机关": "public_security", "police": "public_security",
        "派出所": "public_security", "热线": "hotline", "社会组织": "ngo", "家属": "family",
        "家人": "family", "自行求助": "self_referral", "self": "self_referral",
        "外省": "other_province", "边检": "border_authority", "边防": "border_authority",
        "其他": "other",
    },
    ClosureReason: {
        "回归家庭": "reintegrated_family", "返回家庭": "reintegrated_family",
        "独立生活": "independent_living", "安置": "placed_in_care", "外出务工": "relocated_for_work",
        "转介": "transferred", "转出": "transferred", "失去联系": "lost_contact",
        "失联": "lost_contact", "死亡": "deceased", "其他": "other",
    },
    GuardianStatus: {
        "与监护人同住": "with_guardian", "寻找中": "tracing", "未找到": "not_found",
        "机构照料": "placed_in_care", "不适用": "not_applicable",
    },
    ReferralTo: {
        "民政": "civil_affairs", "民政局": "civil_affairs", "卫生": "health", "卫健": "health",
        "医院": "health", "司法": "justice_legal_aid", "法律援助": "justice_legal_aid",
        "教育": "education", "教育局": "education", "人社": "labour_social_security",
        "人力资源和社会保障": "labour_social_security", "公安": "public_security",
        "妇联": "womens_federation", "共青团": "youth_league", "团委": "youth_league",
        "外省": "other_province", "社会组织": "ngo", "其他": "other",
    },
    ReferralStatus: {
        "待处理": "pending", "已接收": "accepted", "已拒绝": "rejected", "已完成": "completed",
    },
}  # fmt: skip

TRUE_WORDS = {"yes", "y", "true", "1", "是", "有", "同意", "已同意", "√", "✓"}
FALSE_WORDS = {"no", "n", "false", "0", "否", "无", "没有", "不同意", "×", "✗"}

# Country names people write, in Chinese; English names come from the HTCDS validation list.
COUNTRY_NAMES: dict[str, str] = {
    "中国": "CN", "中华人民共和国": "CN", "中国大陆": "CN", "越南": "VN", "缅甸": "MM",
    "老挝": "LA", "柬埔寨": "KH", "泰国": "TH", "朝鲜": "KP", "韩国": "KR", "蒙古": "MN",
    "印度尼西亚": "ID", "印尼": "ID", "菲律宾": "PH", "马来西亚": "MY", "尼泊尔": "NP",
    "巴基斯坦": "PK", "俄罗斯": "RU", "乌克兰": "UA", "印度": "IN", "孟加拉国": "BD",
    "乌兹别克斯坦": "UZ", "哈萨克斯坦": "KZ", "日本": "JP", "新加坡": "SG",
    "china": "CN", "vietnam": "VN", "viet nam": "VN", "myanmar": "MM", "burma": "MM",
    "laos": "LA", "lao": "LA", "cambodia": "KH", "thailand": "TH",
}  # fmt: skip


# --- the mapping file ------------------------------------------------------------------------


@dataclass
class ColumnRule:
    field: str
    column: str | None = None  # a column letter
    header: str | None = None  # the header text; when found it wins over the letter


@dataclass
class Mapping:
    columns: list[ColumnRule] = field(default_factory=list)
    sheet: str | None = None
    header_row: int = 1  # the row of the headers people read; data starts below it
    first_data_row: int | None = None
    date_order: str = "ymd"
    case_number_pattern: str | None = None
    defaults: dict[str, str] = field(default_factory=dict)
    template: str | None = None  # e.g. "htcds-single-select", when recognised
    # How a given name and a family name in two columns make one name (join_name): None
    # for Chinese family name first and Latin given name first; GIVEN_FAMILY or
    # FAMILY_GIVEN for that order whatever the script (the mapping step can swap them).
    name_order: str | None = None

    @property
    def data_start(self) -> int:
        return self.first_data_row or self.header_row + 1

    def to_json(self) -> bytes:
        doc = {
            "format": MAPPING_FORMAT,
            "version": MAPPING_VERSION,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "first_data_row": self.first_data_row,
            "date_order": self.date_order,
            "case_number_pattern": self.case_number_pattern,
            "defaults": self.defaults,
            "template": self.template,
            "name_order": self.name_order,
            "columns": [
                {k: v for k, v in vars(rule).items() if v is not None} for rule in self.columns
            ],
        }
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes, source: str = "mapping") -> Mapping:
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AftercareError(
                _("{source} is not a mapping file: {reason}").format(source=source, reason=exc)
            ) from None
        if not isinstance(doc, dict) or doc.get("format") != MAPPING_FORMAT:
            raise AftercareError(
                _('{source} is not a mapping file: "format" must be "{format}"').format(
                    source=source, format=MAPPING_FORMAT
                )
            )
        if doc.get("version") != MAPPING_VERSION:
            raise AftercareError(
                _(
                    "{source} has version {version} of the mapping format; this program reads 1"
                ).format(source=source, version=doc.get("version"))
            )
        _check_types(doc, source)
        mapping = cls(
            columns=[ColumnRule(**entry) for entry in doc.get("columns") or []],
            sheet=doc.get("sheet"),
            header_row=doc.get("header_row") or 1,
            first_data_row=doc.get("first_data_row"),
            date_order=doc.get("date_order") or "ymd",
            case_number_pattern=doc.get("case_number_pattern"),
            defaults=dict(doc.get("defaults") or {}),
            template=doc.get("template"),
            name_order=doc.get("name_order"),
        )
        check_mapping(mapping, source)
        return mapping


# What a mapping file may hold: key -> (types allowed, how the message names them).
_FILE_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "format": ((str,), N_("text")),
    "version": ((int,), N_("a whole number")),
    "sheet": ((str, type(None)), N_("a sheet name in quotes, or null")),
    "header_row": ((int, type(None)), N_("a row number (a whole number from 1)")),
    "first_data_row": ((int, type(None)), N_("a row number (a whole number from 1), or null")),
    "date_order": ((str, type(None)), N_("one of ymd, dmy, mdy")),
    "case_number_pattern": ((str, type(None)), N_("text such as FZ-2024-{n:04d}, or null")),
    "defaults": ((dict, type(None)), N_("a set of field: value pairs")),
    "template": ((str, type(None)), N_("text, or null")),
    "name_order": ((str, type(None)), N_("given_family, family_given or null")),
    "columns": ((list,), N_("a list of column rules")),
}
_RULE_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "field": ((str,), N_("a field name in quotes")),
    "column": ((str, type(None)), N_('a column letter in quotes, such as "C"')),
    "header": ((str, type(None)), N_("the header text in quotes")),
}


def _check_types(doc: dict[str, Any], source: str) -> None:
    """One clear line for the first key of a mapping file that is unknown or of a wrong type."""

    def check(values: dict[str, Any], allowed: dict[str, Any], where: str) -> None:
        for key, value in values.items():
            if key not in allowed:
                raise AftercareError(
                    _(
                        '{source}: {where}"{key}" is not a key of a mapping file; the keys are: {keys}'
                    ).format(source=source, where=where, key=key, keys=", ".join(allowed))
                )
            types, wanted = allowed[key]
            if (
                not isinstance(value, types)
                or isinstance(value, bool)
                or (isinstance(value, int) and value < 1)
            ):
                raise AftercareError(
                    _('{source}: {where}"{key}" must be {wanted}, not {value}').format(
                        source=source,
                        where=where,
                        key=key,
                        wanted=_(wanted),
                        value=json.dumps(value, ensure_ascii=False),
                    )
                )

    check(doc, _FILE_KEYS, "")
    for number, rule in enumerate(doc.get("columns") or [], start=1):
        where = _("column rule {n}: ").format(n=number)
        if not isinstance(rule, dict):
            raise AftercareError(
                _("{source}: {where}must be a set of field, column and header").format(
                    source=source, where=where
                )
            )
        check(rule, _RULE_KEYS, where)
        if "field" not in rule:
            raise AftercareError(
                _('{source}: {where}names no "field"').format(source=source, where=where)
            )
    for key, value in (doc.get("defaults") or {}).items():
        if not isinstance(value, str):
            raise AftercareError(
                _('{source}: the default for "{key}" must be text in quotes').format(
                    source=source, key=key
                )
            )


def check_mapping(mapping: Mapping, source: str = "mapping") -> None:
    """Raise AftercareError naming the first thing wrong in a mapping."""
    for rule in mapping.columns:
        if rule.field not in TARGETS:
            raise AftercareError(
                _('{source}: "{field}" is not a field a column can be mapped to').format(
                    source=source, field=rule.field
                )
            )
        if rule.column is None and rule.header is None:
            raise AftercareError(
                _("{source}: the rule for {field} names neither a column nor a header").format(
                    source=source, field=rule.field
                )
            )
    if mapping.date_order not in sheets.DATE_ORDERS:
        raise AftercareError(
            _("{source}: the date order must be one of {orders}").format(
                source=source, orders=", ".join(sheets.DATE_ORDERS)
            )
        )
    for key in mapping.defaults:
        if key not in DEFAULTABLE:
            raise AftercareError(
                _('{source}: "{field}" cannot be given a default; these can: {fields}').format(
                    source=source, field=key, fields=", ".join(DEFAULTABLE)
                )
            )
    if mapping.name_order not in (None, *NAME_ORDERS):
        raise AftercareError(
            _("{source}: the name order must be one of {orders}").format(
                source=source, orders=", ".join(NAME_ORDERS)
            )
        )
    for rule in mapping.columns:
        if rule.column is not None:
            try:
                sheets.column_index(rule.column)
            except ValueError:
                raise AftercareError(
                    _('{source}: "{column}" is not a column letter (A, B, ... AA)').format(
                        source=source, column=rule.column
                    )
                ) from None
    if mapping.case_number_pattern is not None:
        check_pattern(mapping.case_number_pattern)


def check_pattern(pattern: str) -> None:
    """A case number pattern must number the rows, e.g. FZ-2024-{n:04d}."""
    try:
        pattern.format(n=1, row=1, number=1, year=2024)
    except (KeyError, ValueError, IndexError) as exc:
        raise AftercareError(
            _(
                'The case number pattern "{pattern}" is not valid ({reason}); use e.g. FZ-2024-{{n:04d}}'
            ).format(pattern=pattern, reason=exc)
        ) from None
    if not re.search(r"\{(n|row|number)(:[^}]*)?\}", pattern):
        raise AftercareError(
            _(
                'The case number pattern "{pattern}" must contain {{n}}, {{row}} or {{number}} so that each case gets its own number.'
            ).format(pattern=pattern)
        )


def resolve_columns(mapping: Mapping, headers: list[str | None], width: int) -> dict[int, str]:
    """Column index -> field, for every column of the sheet; unnamed columns with data -> note."""
    by_header = {normalise_key(h): i for i, h in enumerate(headers) if h}
    fields: dict[int, str] = {}
    for rule in mapping.columns:
        index = by_header.get(normalise_key(rule.header)) if rule.header else None
        if index is None and rule.column:
            try:
                index = sheets.column_index(rule.column)
            except ValueError:
                raise AftercareError(
                    _('"{column}" is not a column letter').format(column=rule.column)
                ) from None
        if index is None:
            raise AftercareError(
                _('The sheet has no column "{header}" for {field}.').format(
                    header=rule.header, field=_(TARGETS[rule.field].label)
                )
            )
        fields[index] = rule.field
    for index in range(width):
        fields.setdefault(index, NOTE)
    return fields


# --- header guessing for sheets that are not a known template ------------------------------

# The common headers of Chinese and English sheets, by the field they suggest: the mapping
# step shows the suggestions for a person to confirm (a sheet that is not a known template).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    ROW_NUMBER: ("no", "no.", "#", "序号", "编号序号"),
    "case_number": ("case number", "case no", "case id", "案件编号", "个案编号", "案号", "编号"),
    "status": ("status", "case status", "状态", "案件状态", "个案状态"),
    "opened_on": (
        "opened on", "date opened", "opening date", "admission date", "date of admission",
        "立案日期", "开案日期", "接案日期", "入站日期", "入院日期", "接收日期", "入住日期",
    ),
    "closed_on": ("closed on", "date closed", "closing date", "结案日期", "离站日期", "出院日期"),
    "closure_reason": ("closure reason", "reason for closure", "结案原因", "离站原因"),
    "person.full_name": ("name", "full name", "姓名", "名字", "受助人姓名", "当事人姓名"),
    "person.given_name": ("first name", "given name", "名"),
    "person.family_name": ("last name", "second name", "family name", "surname", "姓", "姓氏"),
    "person.aliases": ("aliases", "alias", "other names", "别名", "曾用名", "化名"),
    "person.sex": ("sex", "gender", "性别"),
    "person.date_of_birth": (
        "date of birth", "birthdate", "dob", "birthday", "出生日期", "生日", "出生年月",
        "出生年月日",
    ),
    "person.age_at_intake": ("age", "年龄", "入站年龄"),
    "person.id_number": (
        "id number", "id", "id no", "passport", "passport number", "身份证号", "身份证号码",
        "身份证", "证件号码", "证件号",
    ),
    "person.phone": (
        "phone", "mobile", "mobile phone", "telephone", "tel", "电话", "手机", "手机号",
        "手机号码", "联系电话", "联系方式",
    ),
    "person.address": ("address", "current address", "住址", "地址", "现住址", "家庭住址", "现居住地"),
    "person.origin.division": ("户籍地", "户籍所在地", "籍贯", "原籍", "户口所在地"),
    "person.origin.country": ("country", "nationality", "citizenship", "国籍", "国家"),
    "person.languages": ("languages", "language", "语言"),
    "person.disability": ("disability", "残疾", "是否残疾"),
    "intake.identified_on": ("identified on", "date identified", "rescue date", "解救日期", "获救日期"),
    "intake.identified_by": ("identified by", "referred by", "来源", "解救单位", "转介单位", "送交单位"),
    "intake.police_case_number": ("police case number", "立案号", "公安案号"),
    "intake.exploitation": (
        "exploitation", "type of exploitation", "剥削类型", "被拐类型", "被拐卖类型", "受害类型",
    ),
    "intake.narrative": ("narrative", "情况说明", "案情", "基本情况"),
    "guardian.status": ("guardian", "guardian status", "监护情况", "监护人情况"),
}  # fmt: skip


def guess_field(header: str | None) -> str | None:
    if not header:
        return None
    key = normalise_key(header)
    for field_key, words in HEADER_WORDS.items():
        if any(normalise_key(w) == key for w in words):
            return field_key
    return None


# --- values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meaning:
    code: str
    lossy: bool = False  # the word says more than the code: keep it in the note too


def build_vocabulary(
    extra: MappingABC[type[StrEnum], MappingABC[str, Meaning]] | None = None,
) -> dict[type[StrEnum], dict[str, Meaning]]:
    """normalised word -> meaning, per code list: codes, English and current labels, synonyms."""
    vocab: dict[type[StrEnum], dict[str, Meaning]] = {}
    for codes in {t.codes for t in TARGETS.values() if t.codes}:
        words: dict[str, Meaning] = {}
        for member in codes:
            words[normalise_key(member.value)] = Meaning(member.value)
            english = LABELS.get(codes, {}).get(member.value)
            if english:
                words.setdefault(normalise_key(english), Meaning(member.value))
            words.setdefault(normalise_key(label(codes, member.value)), Meaning(member.value))
        for word, code in SYNONYMS.get(codes, {}).items():
            words.setdefault(normalise_key(word), Meaning(code))
        for word, meaning in (extra or {}).get(codes, {}).items():
            words[normalise_key(word)] = meaning
        vocab[codes] = words
    return vocab


@dataclass(frozen=True)
class CellProblem:
    """One problem of one row, at one cell when it has one: shown as the preview lists it."""

    row: int
    column: str | None  # letter
    header: str | None
    message: str  # translated
    kind: str  # bad_date, unknown_value, missing, duplicate, invalid, too_many

    def __str__(self) -> str:
        if self.column is None:
            return _("row {row}: {message}").format(row=self.row, message=self.message)
        return _("row {row}, column {column} ({header}): {message}").format(
            row=self.row, column=self.column, header=self.header or "", message=self.message
        )


@dataclass
class RowResult:
    row: int
    case: Case
    problems: list[CellProblem] = field(default_factory=list)
    origin: dict[str, int] = field(default_factory=dict)  # cases-v1 path -> column index
    noted: list[str] = field(default_factory=list)  # headers whose values went to the note
    number: int | None = None  # the sheet's own row number ({number} in the pattern)


@dataclass
class RowContext:
    """What every row of one run shares."""

    headers: list[str | None]
    fields: dict[int, str]  # column index -> field
    mapping: Mapping
    vocabulary: dict[type[StrEnum], dict[str, Meaning]]
    countries: dict[str, str]  # normalised name or code -> ISO alpha-2
    today: dt.date
    source: str
    # The values a template's own picklists offer, shown instead of the program's labels
    # when a value is not known (Active, Follow up, Closed, Closed Referred).
    choices: MappingABC[type[StrEnum], list[str]] = field(default_factory=dict)

    def header(self, index: int) -> str:
        header = self.headers[index] if index < len(self.headers) else None
        return header or sheets.column_letter(index)


class _Row:
    """Reads one row into a Case, collecting problems by column and what goes to the note."""

    def __init__(self, ctx: RowContext, number: int, cells: list[Any]):
        self.ctx = ctx
        self.result = RowResult(number, _blank_case())
        self.cells = cells
        self.note_lines: list[str] = []
        self.values: dict[str, list[tuple[int, Any]]] = {}
        self.year_only: tuple[int | None, int] | None = None  # (column, year) of a bare year

    def problem(self, index: int | None, message: str, kind: str) -> None:
        column = sheets.column_letter(index) if index is not None else None
        header = self.ctx.header(index) if index is not None else None
        self.result.problems.append(CellProblem(self.result.row, column, header, message, kind))

    def keep(self, index: int, text: str) -> None:
        header = self.ctx.header(index)
        self.note_lines.append(f"{header}: {text}")
        if header not in self.result.noted:
            self.result.noted.append(header)

    def run(self) -> RowResult:
        for index, key in sorted(self.ctx.fields.items()):
            value = self.cells[index] if index < len(self.cells) else None
            if cell_text(value) is None or key == IGNORE:
                continue
            if key == NOTE:
                self.keep(index, cell_text(value) or "")
                continue
            self.values.setdefault(key, []).append((index, value))
        self.build()
        return self.result

    # --- reading one value ---------------------------------------------------------------

    def first(self, key: str) -> tuple[int | None, Any]:
        found = self.values.get(key)
        if found:
            return found[0]
        if key in self.ctx.mapping.defaults:
            return None, self.ctx.mapping.defaults[key]
        return None, None

    def read(self, key: str) -> Any:
        """The value of `key` in this row, read by its kind; None when blank or wrong."""
        index, value = self.first(key)
        if value is None:
            return None
        target = TARGETS[key]
        path = key.replace("consent.", "consents.").replace("referral.", "referrals[0].")
        if index is not None:
            self.result.origin.setdefault(path, index)
        return self.read_value(target, index, value)

    def read_value(self, target: Target, index: int | None, value: Any) -> Any:
        if target.kind == "date":
            try:
                return sheets.parse_date(value, self.ctx.mapping.date_order)
            except BadDate as exc:
                self.problem(index, str(exc), "bad_date")
                return None
        if target.kind == "int":
            token = cell_token(value)
            if token is not None and re.fullmatch(r"\d{1,9}(\.0+)?", token):
                return int(float(token))
            self.problem(index, _('"{value}" is not a whole number').format(value=token), "invalid")
            return None
        if target.kind == "bool":
            return self.flag(index, value)
        if target.kind == "code":
            values = split_values(value)
            if len(values) > 1:
                self.problem(
                    index,
                    _("holds {count} values; only one is allowed here").format(count=len(values)),
                    "too_many",
                )
                return None
            return self.code(target, index, values[0]) if values else None
        if target.kind == "codes":
            codes: list[str] = []
            for item in split_values(value):
                code = self.code(target, index, item)
                if code is not None and code not in codes:
                    codes.append(code)
            return codes
        if target.kind == "texts":
            return split_values(value)
        if target.kind == "country":
            return self.country(index, value)
        if target.kind == "division":
            return self.division(index, value)
        if target.kind == "token":
            return cell_token(value)
        return cell_text(value)

    def flag(self, index: int | None, value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        word = normalise_key(cell_token(value) or "")
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.problem(
            index,
            _('"{value}" is not yes or no').format(value=cell_text(value)),
            "unknown_value",
        )
        return None

    def code(self, target: Target, index: int | None, word: str) -> str | None:
        assert target.codes is not None
        meaning = self.ctx.vocabulary[target.codes].get(normalise_key(word))
        if meaning is not None:
            if meaning.lossy and index is not None:
                self.keep(index, word)
            return meaning.code
        if target.fallback is not None:
            if index is not None:
                self.keep(index, word)
            return target.fallback
        allowed = ", ".join(
            self.ctx.choices.get(target.codes)
            or [label(target.codes, m.value) for m in target.codes]
        )
        self.problem(
            index,
            _('"{value}" is not a known value; use one of: {allowed}').format(
                value=word, allowed=allowed
            ),
            "unknown_value",
        )
        return None

    def country(self, index: int | None, value: Any) -> str | None:
        text = cell_token(value) or ""
        if re.fullmatch(r"[A-Za-z]{2}", text):
            return text.upper()
        code = self.ctx.countries.get(normalise_key(text))
        if code is None:
            self.problem(
                index,
                _('"{value}" is not a country name or a two-letter country code').format(
                    value=text
                ),
                "unknown_value",
            )
        return code

    def division(self, index: int | None, value: Any) -> str | None:
        """A six-digit code, or the name of a province or prefecture (福建省, 福州市,
        福建省福州市); a county gives its prefecture and its name is kept in the note."""
        text = cell_token(value) or ""
        found = divisions.find_exact(text)
        if found is None:
            province = next(
                (
                    d
                    for d in divisions.all_divisions()
                    if d.level == divisions.Level.PROVINCE and text.startswith(d.zh)
                ),
                None,
            )
            if province is not None and text != province.zh:
                found = divisions.find_exact(text[len(province.zh) :])
                if found is not None and not found.code.startswith(province.code[:2]):
                    found = None
        if found is None:
            self.problem(
                index,
                _(
                    '"{value}" is not a province or prefecture this program knows; write it as '
                    "福建省 or 福州市, or as its six-digit code (350100)"
                ).format(value=text),
                "unknown_value",
            )
            return None
        if found.level == divisions.Level.COUNTY:
            if index is not None:
                self.keep(index, text)
            parent = divisions.parent(found.code)
            return parent.code if parent is not None else found.code
        return found.code

    def birth_date(self) -> dt.date | None:
        """The date of birth; a year alone (1999, "1999年", 90) is the first of January of
        that year, marked "year only" in the note; a date before 1900 or after today is a
        problem (Excel reads the number 1999 as a day of 1905)."""
        index, value = self.first("person.date_of_birth")
        if value is None:
            return None
        if index is not None:  # None: the mapping's default, in no column
            self.result.origin.setdefault("person.date_of_birth", index)
        year = bare_year(value, self.ctx.today)
        if year is not None:
            self.year_only = (index, year)
            return dt.date(year, 1, 1)
        day: dt.date | None = self.read_value(TARGETS["person.date_of_birth"], index, value)
        if day is not None and (day.year < 1900 or day > self.ctx.today):
            self.problem(
                index,
                _(
                    "{value} would be a birth on {date}, which cannot be right; type the date "
                    "of birth as 1999-03-05, or the year alone"
                ).format(value=cell_text(value), date=day.isoformat()),
                "bad_date",
            )
            return None
        return day

    def id_number(self) -> str | None:
        index, value = self.first("person.id_number")
        if value is None:
            return None
        if index is not None:  # None: the mapping's default, in no column
            self.result.origin.setdefault("person.id_number", index)
        if mangled_id_number(value, self.ctx.today):
            self.problem(
                index,
                _(
                    "{value}: Excel turned this ID number into a number and lost its last "
                    "digits; format the column as text and type the number again"
                ).format(value=cell_text(value)),
                "invalid",
            )
            return None
        return cell_token(value)

    def check_id_number(self, p: Person) -> None:
        """A valid 18-digit ID number fills the date of birth and sex, or must agree with them."""
        if not p.id_number:
            return
        reading = id_number.read(p.id_number, self.ctx.today)
        if reading is None:
            return  # a passport or another kind of number
        index = self.values.get("person.id_number", [(None,)])[0][0]
        if reading.problem is not None:
            self.problem(
                index,
                _("this ID number {problem}; check it against the card").format(
                    problem=reading.problem
                ),
                "invalid",
            )
            return
        year_only = self.year_only is not None
        if p.date_of_birth is None or (
            year_only and reading.birth_date and p.date_of_birth.year == reading.birth_date.year
        ):
            p.date_of_birth = reading.birth_date
            self.year_only = None
        elif p.date_of_birth != reading.birth_date:
            self.problem(
                self.values.get("person.date_of_birth", [(index,)])[0][0],
                _("the ID number says born {date}, this column says {given}; correct one").format(
                    date=reading.birth_date,
                    given=p.date_of_birth.year if year_only else p.date_of_birth,
                ),
                "invalid",
            )
        if p.sex in (None, "", "unknown"):
            p.sex = reading.sex or "unknown"
        elif reading.sex and p.sex != reading.sex:
            self.problem(
                self.values.get("person.sex", [(index,)])[0][0],
                _("the ID number is that of a {sex}; correct the sex or the number").format(
                    sex=label(Sex, reading.sex)
                ),
                "invalid",
            )

    # --- the case ------------------------------------------------------------------------

    def build(self) -> None:
        case = self.result.case
        number = self.read(ROW_NUMBER)
        self.result.number = number
        case.case_number = self.read("case_number") or ""
        case.status = self.read("status") or CaseStatus.OPEN
        # A default closing date or reason is for the closed rows only.
        closed = case.status == CaseStatus.CLOSED
        if closed or "closed_on" in self.values:
            case.closed_on = self.read("closed_on")
        if closed or "closure_reason" in self.values:
            case.closure_reason = self.read("closure_reason")
        self.person(case.person)
        self.intake(case.intake)
        case.opened_on = self.opened_on(case)
        self.consents(case)
        # A default guardian status is for children only; a column's value is taken as is.
        age = age_on(case.person, case.opened_on, case.opened_on)
        child = age is not None and age < ADULT_AGE
        given = "guardian.status" in self.values
        guardian = self.read("guardian.status") if given or child else None
        guardian_notes = self.read("guardian.notes")
        if guardian is not None or guardian_notes is not None:
            case.guardian = Guardian(guardian or "", guardian_notes)
        self.referral(case)
        if self.note_lines:
            heading = _("From the spreadsheet {source}, row {row}:").format(
                source=self.ctx.source, row=self.result.row
            )
            case.notes.append(Note(self.ctx.today, "notes", "\n".join([heading, *self.note_lines])))

    def opened_on(self, case: Case) -> dt.date:
        # A sheet without an opening date: the day the person was referred or identified,
        # else the date the user supplied for the sheet, else it is missing.
        if "opened_on" in self.values:
            return self.read("opened_on") or self.ctx.today  # a bad date is reported
        if case.intake.identified_on is not None:
            index = self.result.origin.get("intake.identified_on")
            if index is not None:
                self.result.origin["opened_on"] = index
            return case.intake.identified_on
        if "opened_on" in self.ctx.mapping.defaults:
            return self.read("opened_on") or self.ctx.today
        self.problem(
            None,
            _(
                "the opening date is missing: map the column that holds it, or give one date "
                "for all rows without one: --opened-on DATE (in the window: “Opening date for "
                "rows without one”)"
            ),
            "missing",
        )
        return self.ctx.today

    def person(self, p: Person) -> None:
        full = self.read("person.full_name")
        given, family = self.read("person.given_name"), self.read("person.family_name")
        if full is None:
            full = join_name(given, family, self.ctx.mapping.name_order)
            for key in ("person.given_name", "person.family_name"):
                if key in self.values:
                    self.result.origin.setdefault("person.full_name", self.values[key][0][0])
        p.full_name = full or ""  # a missing name is reported by validation, at its column
        p.aliases = self.read("person.aliases") or []
        p.sex = self.read("person.sex") or "unknown"
        p.date_of_birth = self.birth_date()
        p.age_at_intake = self.read("person.age_at_intake")
        p.id_number = self.id_number()
        self.check_id_number(p)
        if self.year_only is not None:
            index, year = self.year_only
            if index is not None:
                self.keep(
                    index,
                    _("{year} (year of birth only: stored as 1 January {year})").format(year=year),
                )
        phone, other = self.read("person.phone"), self.read("person.phone_other")
        p.phone = phone or other
        if phone and other and other != phone:
            self.keep(self.values["person.phone_other"][0][0], other)
        parts = [t for _i, v in self.values.get("person.address", []) if (t := cell_text(v))]
        p.address = ", ".join(dict.fromkeys(parts)) or None
        if parts:
            self.result.origin["person.address"] = self.values["person.address"][0][0]
        p.origin.country = self.read("person.origin.country")
        p.origin.division = self.read("person.origin.division")
        if p.origin.division and not p.origin.country:
            p.origin.country = "CN"  # GB/T 2260 codes are China's
        p.languages = self.read("person.languages") or []
        p.disability = self.read("person.disability")

    def intake(self, t: Intake) -> None:
        t.identified_on = self.read("intake.identified_on")
        t.prefecture = self.read("intake.prefecture") or ""
        t.identified_by = self.read("intake.identified_by") or "other"
        t.police_case_number = self.read("intake.police_case_number")
        t.exploitation = self.read("intake.exploitation") or []
        t.relationship_to_trafficker = self.read("intake.relationship_to_trafficker") or "unknown"
        cross_border = self.read("intake.cross_border")
        t.cross_border = bool(cross_border)
        t.narrative = self.read("intake.narrative")

    def consents(self, case: Case) -> None:
        for purpose in ConsentPurpose:
            key = f"consent.{purpose.value}"
            index, value = self.first(key)
            if value is None:
                continue
            self.result.origin.setdefault(f"consents[{len(case.consents)}]", index or 0)
            try:
                on = sheets.parse_date(value, self.ctx.mapping.date_order)
            except BadDate:
                on = None
            if on is not None:  # a date in the cell: consent given on that day
                case.consents.append(Consent(purpose.value, True, on))
                continue
            given = self.flag(index, value)
            if given is not None:
                case.consents.append(Consent(purpose.value, given, case.opened_on))

    def referral(self, case: Case) -> None:
        keys = ("referral.to", "referral.organisation", "referral.sent_on", "referral.reason")
        if not any(k in self.values for k in (*keys, "referral.status")):
            return
        to = self.read("referral.to")
        organisation = self.read("referral.organisation")
        if organisation is not None:
            # "Health: County Hospital" names the kind of agency before the organisation, as
            # the HTCDS export writes it; the kind's own label alone names no organisation.
            vocab = self.ctx.vocabulary[ReferralTo]
            m = re.fullmatch(r"([^:：]+?)\s*[:：]\s*(.+)", organisation)
            if m and (meaning := vocab.get(normalise_key(m[1]))) is not None:
                to, organisation = to or meaning.code, m[2].strip()
            elif (meaning := vocab.get(normalise_key(organisation))) is not None:
                to = to or meaning.code
                english = LABELS[ReferralTo].get(meaning.code, "")
                if normalise_key(organisation) in (normalise_key(english), meaning.code):
                    organisation = None
        reasons = [cell_text(v) for _i, v in self.values.get("referral.reason", [])]
        sent_on = self.read("referral.sent_on")
        if sent_on is None and "referral.sent_on" not in self.values:
            index = next(iter(self.values.get("referral.organisation", [])), (None,))[0]
            self.problem(index, _("the referral has no date"), "missing")
        case.referrals.append(
            Referral(
                to=to or "other",
                sent_on=sent_on or case.opened_on,
                status=self.read("referral.status") or "pending",
                organisation=organisation,
                reason="; ".join(r for r in reasons if r) or None,
            )
        )


def join_name(given: str | None, family: str | None, order: str | None = None) -> str | None:
    """One full name from its parts. By default (order None) a Chinese name is family name
    first with no space (王 + 芳 = 王芳) and any other is "given family"; GIVEN_FAMILY or
    FAMILY_GIVEN put the parts in that order whatever the script."""
    if given and family:
        if order is None:
            order = FAMILY_GIVEN if _is_cjk(given) and _is_cjk(family) else GIVEN_FAMILY
        first, second = (given, family) if order == GIVEN_FAMILY else (family, given)
        joint = "" if _is_cjk(first[-1]) and _is_cjk(second[0]) else " "
        return first + joint + second
    return given or family


def split_name(full_name: str) -> tuple[str, str | None]:
    """(given, family) for a sheet with two name columns, so that join_name gives it back."""
    if " " in full_name:
        given, family = full_name.rsplit(" ", 1)
        return given, family
    return full_name, None


def bare_year(value: Any, today: dt.date) -> int | None:
    """The year when a cell holds a year alone: 1900 to this year, as a number or text
    (1999, "1999", "1999年"), or two digits (90 -> 1990, 05 -> 2005); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = (cell_token(value) or "").removesuffix("年")
    else:
        return None
    if re.fullmatch(r"\d{4}", text) and 1900 <= int(text) <= today.year:
        return int(text)
    if re.fullmatch(r"\d{2}", text):
        year = 2000 + int(text)
        return year if year <= today.year else year - 100
    return None


def mangled_id_number(value: Any, today: dt.date) -> bool:
    """True for an ID number Excel made into a number: a number cell of 12 or more digits,
    text in scientific form (3.50211E+17), or 18 digits ending in 000 that do not add up
    (Excel keeps 15 significant digits)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return abs(value) >= 1e11
    text = cell_token(value) or ""
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
        return True
    if re.fullmatch(r"\d{15}000", text):
        reading = id_number.read(text, today)
        return reading is not None and reading.problem is not None
    return False


def _is_cjk(text: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def _blank_case() -> Case:
    return Case(
        case_number="",
        status=CaseStatus.OPEN,
        opened_on=dt.date.min,
        person=Person(full_name=""),
        intake=Intake(),
    )


def convert_row(ctx: RowContext, number: int, cells: list[Any]) -> RowResult:
    """One row as a Case, with the row's problems by cell; see the module docstring."""
    return _Row(ctx, number, cells).run()


def is_blank_row(cells: list[Any], fields: dict[int, str]) -> bool:
    """No value in any column but the sheet's own row numbers."""
    return all(cell_text(v) is None or fields.get(i) == ROW_NUMBER for i, v in enumerate(cells))
