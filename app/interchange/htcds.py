"""IOM's HTCDS 2.0 Excel templates: recognising them, and their fields and values in our terms.

IOM publishes three templates with the same columns (Toolkit/Excel in the HTCDS repository):
a plain one (sheet "Sheet1", no validation), a single-select one with picklists (sheet
"Case Sheet" with a "validation" sheet), and a multi-select one (.xlsm, the same sheets, where
a macro writes several picklist values into one cell separated by semicolons). Row 1 holds
the field names (cas_CaseOwner, prs_FirstName, ...; hidden), row 2 the labels people read,
and column A numbers the rows. In the published files row 1 and row 2 disagree on the
mailing address columns (N-R) and row 1 has no name for AJ; people fill in by the labels, so
the labels decide and the field names are used only where a label is missing. Chinese labels
are accepted too. The export adds four columns after the template's (case number, date
opened, date closed, guardian status), which the importer also recognises.

Where each field goes, and what is not carried: docs/htcds-mapping.md.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from app.codes import (
    LABELS,
    CaseStatus,
    ClosureReason,
    Exploitation,
    GuardianStatus,
    IdentifiedBy,
    ReferralTo,
    Sex,
)
from app.domain.model import Case
from app.interchange import sheets
from app.interchange.mapping import (
    COUNTRY_NAMES,
    GIVEN_FAMILY,
    HEADER_WORDS,
    NOTE,
    ROW_NUMBER,
    ColumnRule,
    Mapping,
    Meaning,
    RowResult,
    split_name,
)
from app.interchange.sheets import Table, cell_text, normalise_key

PLAIN = "htcds-plain"
SINGLE_SELECT = "htcds-single-select"
MULTI_SELECT = "htcds-multi-select"
VARIANTS = (PLAIN, SINGLE_SELECT, MULTI_SELECT)
DEFAULT_PATTERN = "HTCDS-{number:04d}"
TEMPLATE_FILE = "htcds-single-select-v2.0.xlsx"
CASE_SHEET = "Case Sheet"
FIRST_DATA_ROW = 3
_MIN_HEADERS = 6  # columns a row must name to be taken for an HTCDS header row
# ...of which this many by a header of the template's own, that a sheet of any kind would not
# have (性别, 出生日期, 手机, 地址 are in every sheet; Trafficking Status, 个案负责人 are not).
_MIN_OWN_HEADERS = 4


@dataclass(frozen=True)
class Column:
    name: str  # HTCDS field name (row 1)
    label: str  # HTCDS label (row 2)
    chinese: tuple[str, ...]  # labels people use in Chinese copies
    target: str  # a key of mapping.TARGETS


# In the order of the template's columns B..AM, then Aftercare's own four.
COLUMNS: tuple[Column, ...] = (
    Column("cas_CaseOwner", "Case Owner", ("个案负责人", "负责人", "案件负责人"), NOTE),
    Column("prs_Salutation", "Salutation", ("称谓",), NOTE),
    Column("prs_FirstName", "First Name", ("名", "名字"), "person.given_name"),
    Column("prs_SecondName", "Second Name", ("姓", "姓氏"), "person.family_name"),
    Column("con_Consent", "Consent", ("同意", "知情同意", "是否同意"), "consent.data_sharing"),
    Column("prs_Birthdate", "Birthdate", ("出生日期", "生日"), "person.date_of_birth"),
    Column("prs_Gender", "Gender", ("性别",), "person.sex"),
    Column("prs_Citizenship", "Citizenship", ("国籍",), "person.origin.country"),
    Column("prs_Title", "Title", ("职务", "头衔"), NOTE),
    Column("prs_Email", "Email", ("电子邮箱", "邮箱"), NOTE),
    Column("prs_HomePhone", "Home Phone", ("家庭电话", "住宅电话"), "person.phone_other"),
    Column("prs_MobilePhone", "Mobile Phone", ("手机", "移动电话", "手机号码"), "person.phone"),
    Column("prs_MailingStreet", "Mailing Street", ("街道地址", "通讯地址", "地址"), "person.address"),
    Column("prs_MailingCity", "Mailing City", ("城市", "市"), "person.address"),
    Column("prs_MailingState", "Mailing State/Province", ("省份", "省"), "person.address"),
    Column("prs_MailingPostalCode", "Mailing Zip/Postal Code", ("邮编", "邮政编码"), "person.address"),
    Column("prs_MailingCountry", "Mailing Country", ("国家",), "person.address"),
    Column("vic_TraffickingStatus", "Trafficking Status", ("被拐状态", "贩运状态", "受害人身份"), NOTE),
    Column(
        "vic_TraffickinStatusDecisionMakingOrg",
        "Trafficking Status Decision Making Organization",
        ("身份认定机构", "认定机构"),
        NOTE,
    ),
    Column("vic_MethodOfRecruitment", "Method of Recruitment", ("招募方式", "拐骗方式"), NOTE),
    Column("vic_LocationOfRecruitment", "Location of Recruitment", ("招募地点", "拐骗地点"), NOTE),
    Column("vic_MethodsOfControl", "Methods of Control", ("控制手段", "控制方式"), NOTE),
    Column("vic_TypeOfExploitation", "Type of Exploitation", ("剥削类型", "被剥削类型"), "intake.exploitation"),
    Column("vic_ForcedLabourIndustry", "Forced Labour Industry", ("强迫劳动行业",), NOTE),
    Column("vic_TypeOfSexExploitation", "Type of Sex Exploitation", ("性剥削类型",), NOTE),
    Column("vic_LocationOfExploitation", "Location of Exploitation", ("剥削地点",), NOTE),
    Column("cas_Status", "Status", ("状态", "案件状态"), "status"),
    Column("cas_ReferringOrganisation", "Referring Organisation", ("转介来源机构", "转入机构", "来源机构"), "intake.identified_by"),
    Column("cas_IncomingReferralDate", "Incoming Referral Date", ("转入日期", "接收日期"), "intake.identified_on"),
    Column("cas_ReferringPrimaryCaseWorker", "Referring Primary Case Worker", ("转介方个案工作者",), NOTE),
    Column("cas_ReasonForIncomingReferral", "Reason for Incoming Referral", ("转入原因",), NOTE),
    Column("cas_IncomingReferralDetails", "Incoming Referral Details", ("转入详情", "转入说明"), NOTE),
    Column("cas_ReferredOrganisation", "Referred Organisation", ("转出机构", "转介至"), "referral.organisation"),
    Column("cas_ReferredPrimaryCaseWorker", "Referred Primary Case Worker", ("接收方个案工作者",), NOTE),
    Column("cas_ReasonForOutgoingReferral", "Reason for Outgoing Referral", ("转出原因",), "referral.reason"),
    Column("cas_OutgoingReferralDate", "Outgoing Referral Date", ("转出日期",), "referral.sent_on"),
    Column("cas_OutgoingReferralDetails", "Outgoing Referral Details", ("转出详情", "转出说明"), "referral.reason"),
    Column("cas_ReasonForCaseClosure", "Reason for Case Closure", ("结案原因",), "closure_reason"),
    # Aftercare's columns after the template's, written by the export.
    Column("aft_CaseNumber", "Case Number", ("案件编号", "个案编号"), "case_number"),
    Column("aft_OpenedOn", "Date Opened", ("立案日期", "开案日期"), "opened_on"),
    Column("aft_ClosedOn", "Date Closed", ("结案日期",), "closed_on"),
    Column("aft_GuardianStatus", "Guardian Status", ("监护情况",), "guardian.status"),
)  # fmt: skip
EXTRA_COLUMNS = tuple(c for c in COLUMNS if c.name.startswith("aft_"))

_BY_NAME = {normalise_key(c.name): c for c in COLUMNS}
# Row 1 of the published templates misspells one name; take the spelling we may meet too.
_BY_NAME[normalise_key("vic_TraffickingStatusDecisionMakingOrg")] = COLUMNS[18]
_BY_LABEL = {normalise_key(text): c for c in COLUMNS for text in (c.label, *c.chinese)}
# Headers any sheet may have (the dictionary of common headers, and short Chinese words).
_COMMON_HEADERS = {normalise_key(w) for words in HEADER_WORDS.values() for w in words} | {
    normalise_key(w) for c in COLUMNS for w in c.chinese if len(w) <= 2
}

# Picklist values of the templates (and their Chinese renderings) in our codes. Lossy ones
# say more than the code can: the code is taken and the value kept in the case's note.
_L = True
VALUES: dict[type[StrEnum], dict[str, Meaning]] = {
    Sex: {
        "Feminine": Meaning("female"), "Masculine": Meaning("male"),
        "TransgenderFeminine": Meaning("unknown", _L), "TransgenderMasculine": Meaning("unknown", _L),
        "NonConforming": Meaning("unknown", _L), "Transgender/NonConforming": Meaning("unknown", _L),
        "NonSpecifiedUnknown": Meaning("unknown"), "跨性别女性": Meaning("unknown", _L),
        "跨性别男性": Meaning("unknown", _L), "非常规性别": Meaning("unknown", _L),
    },
    CaseStatus: {
        "Active": Meaning("open"), "Follow up": Meaning("open", _L), "Closed": Meaning("closed"),
        "Closed Referred": Meaning("closed", _L), "跟进": Meaning("open", _L),
        "回访": Meaning("open", _L), "结案转介": Meaning("closed", _L),
    },
    Exploitation: {
        "Forced labour": Meaning("forced_labour"), "Sexual exploitation": Meaning("sexual_exploitation"),
        "Child labour": Meaning("forced_labour", _L), "Forced marriage": Meaning("forced_marriage"),
        "Servitude": Meaning("forced_labour", _L),
        "Forced military (by non-state actors)": Meaning("other", _L),
        "Organ removal": Meaning("other", _L), "Forced begging": Meaning("forced_begging"),
        "Forced adoption": Meaning("child_sale_adoption", _L), "Surrogacy": Meaning("other", _L),
        "Other": Meaning("other"), "童工": Meaning("forced_labour", _L),
        "奴役": Meaning("forced_labour", _L), "家庭奴役": Meaning("forced_labour", _L),
        "强迫参军": Meaning("other", _L), "摘取器官": Meaning("other", _L),
        "器官摘除": Meaning("other", _L), "强迫收养": Meaning("child_sale_adoption", _L),
        "代孕": Meaning("other", _L),
    },
    IdentifiedBy: {
        "Police": Meaning("public_security"), "NGO": Meaning("ngo"),
        "Court or prosecution": Meaning("other", _L),
        "Non-police governmental organization": Meaning("other", _L),
    },
}  # fmt: skip

# The templates' own picklist values, as a problem lists them (not the program's labels).
CHOICES: dict[type[StrEnum], list[str]] = {
    Sex: ["Feminine", "Masculine", "NonSpecifiedUnknown", "TransgenderFeminine",
          "TransgenderMasculine", "NonConforming"],
    CaseStatus: ["Active", "Follow up", "Closed", "Closed Referred"],
}  # fmt: skip

# Our codes as the export writes them: the templates' picklist values where there is one.
EXPORT_VALUES: dict[type[StrEnum], dict[str, str]] = {
    Sex: {"female": "Feminine", "male": "Masculine", "unknown": "NonSpecifiedUnknown"},
    CaseStatus: {"open": "Active", "closed": "Closed"},
    Exploitation: {
        "forced_marriage": "Forced marriage",
        "sexual_exploitation": "Sexual exploitation",
        "forced_labour": "Forced labour",
        "forced_begging": "Forced begging",
        "child_sale_adoption": "Forced adoption",
        "forced_criminality": "Other",
        "other": "Other",
    },
}


@dataclass(frozen=True)
class Recognition:
    """An HTCDS header found in a sheet: which rows, and each column's field."""

    variant: str
    header_row: int  # the row of labels (or of field names when there are no labels)
    first_data_row: int
    columns: dict[int, Column]  # column index -> the HTCDS column

    def mapping(self, sheet: str | None) -> Mapping:
        rules = [
            ColumnRule(column.target, sheets.column_letter(i), column.label)
            for i, column in sorted(self.columns.items())
        ]
        rules.insert(0, ColumnRule(ROW_NUMBER, "A"))
        return Mapping(
            columns=rules,
            sheet=sheet,
            header_row=self.header_row,
            first_data_row=self.first_data_row,
            case_number_pattern=DEFAULT_PATTERN,
            template=self.variant,
            # First Name then Second Name, as people fill them in Fujian: 王 + 芳 = 王芳.
            name_order=GIVEN_FAMILY,
        )


def recognise(table: Table, variant: str) -> Recognition | None:
    """The HTCDS columns of `table` when one of its first rows names enough of them."""
    found: dict[int, tuple[int, dict[int, Column]]] = {}  # row -> (row, columns) by kind
    label_row = name_row = None
    for number, cells in table.rows[:6]:
        by_label = _match(cells, _BY_LABEL)
        by_name = _match(cells, _BY_NAME)
        if len(by_label) >= _MIN_HEADERS and label_row is None:
            label_row = number
            found[number] = (number, by_label)
        elif len(by_name) >= _MIN_HEADERS and name_row is None:
            name_row = number
            found[number] = (number, by_name)
    if label_row is None and name_row is None:
        return None
    columns: dict[int, Column] = {}
    if name_row is not None:
        columns.update(found[name_row][1])
    if label_row is not None:
        columns.update(found[label_row][1])  # the labels win where the two disagree
    header_row = label_row or name_row
    assert header_row is not None
    first_data = max(r for r in (label_row, name_row) if r is not None) + 1
    columns.pop(0, None)  # column A numbers the rows
    return Recognition(variant, header_row, first_data, columns)


def _match(cells: list[Any], table: dict[str, Column]) -> dict[int, Column]:
    """The template's columns a header row names; none unless enough of them are the
    template's own headers rather than words any sheet uses."""
    out, own = {}, 0
    for index, value in enumerate(cells):
        text = cell_text(value)
        if text and isinstance(value, str) and (column := table.get(normalise_key(text))):
            out[index] = column
            own += normalise_key(text) not in _COMMON_HEADERS
    return out if own >= _MIN_OWN_HEADERS else {}


def detect_variant(book: sheets.Workbook) -> str:
    """Which of the three templates a workbook laid out as HTCDS comes from."""
    if book.kind == "xlsm":
        return MULTI_SELECT
    if "validation" in {normalise_key(n) for n in book.sheet_names}:
        return SINGLE_SELECT
    return PLAIN


def detect(book: sheets.Workbook) -> tuple[str | None, Recognition] | None:
    """(sheet name, recognition) of the first sheet laid out as an HTCDS template, else None."""
    variant = detect_variant(book)
    for table in book.tables:
        found = recognise(table, variant)
        if found is not None:
            return (table.name if book.kind != "csv" else None), found
    return None


def complete(result: RowResult, status_cell: Any) -> None:
    """What the templates say beyond one cell: "Closed Referred" means closed by transfer."""
    case = result.case
    if (
        normalise_key(cell_text(status_cell) or "") == normalise_key("Closed Referred")
        and case.closure_reason is None
    ):
        case.closure_reason = ClosureReason.TRANSFERRED


# --- the template file and its country list -------------------------------------------------


def template_path() -> Path:
    from app import paths

    return paths.resource_path("resources", "htcds", TEMPLATE_FILE)


@cache
def _template_countries() -> tuple[tuple[str, str], ...]:
    """(ISO alpha-2, English name) pairs of the template's validation sheet."""
    path = template_path()
    if not path.exists():
        return ()
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the template's extension validation is dropped
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book["validation"].iter_rows(min_row=4, min_col=4, max_col=5, values_only=True)
        return tuple(
            (code.strip().upper(), name.strip())
            for code, name in rows
            if isinstance(code, str) and isinstance(name, str)
        )
    finally:
        book.close()


@cache
def country_names() -> dict[str, str]:
    """normalised country name -> ISO alpha-2: the template's English names, and Chinese ones."""
    out = {normalise_key(name): code for code, name in _template_countries()}
    out.update({normalise_key(k): v for k, v in COUNTRY_NAMES.items()})
    return out


def country_label(code: str) -> str:
    """The template's English name of a country code, or the code when it has none."""
    return dict(_template_countries()).get(code, code)


# --- export: one case as one template row ------------------------------------------------


def case_row(case: Case) -> dict[str, Any]:
    """The template's cells for one case, by HTCDS field name (and Aftercare's four)."""
    given, family = split_name(case.person.full_name)
    referral = case.referrals[0] if case.referrals else None
    row: dict[str, Any] = {
        "prs_FirstName": given,
        "prs_SecondName": family,
        "con_Consent": "Yes",
        "prs_Birthdate": case.person.date_of_birth,
        "prs_Gender": EXPORT_VALUES[Sex].get(case.person.sex),
        "prs_Citizenship": country_label(case.person.origin.country)
        if case.person.origin.country
        else None,
        "prs_MobilePhone": case.person.phone,
        "prs_MailingStreet": case.person.address,
        "vic_TypeOfExploitation": "; ".join(
            dict.fromkeys(
                EXPORT_VALUES[Exploitation][c]
                for c in case.intake.exploitation
                if c in EXPORT_VALUES[Exploitation]
            )
        )
        or None,
        "cas_Status": EXPORT_VALUES[CaseStatus][case.status],
        "cas_ReferringOrganisation": LABELS[IdentifiedBy].get(case.intake.identified_by),
        "cas_IncomingReferralDate": case.intake.identified_on,
        "cas_ReasonForCaseClosure": LABELS[ClosureReason].get(case.closure_reason or ""),
        "aft_CaseNumber": case.case_number,
        "aft_OpenedOn": case.opened_on,
        "aft_ClosedOn": case.closed_on,
        "aft_GuardianStatus": LABELS[GuardianStatus].get(case.guardian.status)
        if case.guardian
        else None,
    }
    if referral is not None:
        kind = LABELS[ReferralTo][referral.to]
        row["cas_ReferredOrganisation"] = (
            f"{kind}: {referral.organisation}" if referral.organisation else kind
        )
        row["cas_OutgoingReferralDate"] = referral.sent_on
        row["cas_OutgoingReferralDetails"] = referral.reason
    return {k: v for k, v in row.items() if v not in (None, "")}


def is_date_field(name: str) -> bool:
    return name in {
        "prs_Birthdate",
        "cas_IncomingReferralDate",
        "cas_OutgoingReferralDate",
        "aft_OpenedOn",
        "aft_ClosedOn",
    }
