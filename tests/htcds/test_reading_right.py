"""Sheets filled as NGO staff fill them, read without losing or inventing data: bare birth
years, ID numbers Excel mangled, plain Chinese sheets, name order, formulas never calculated,
and mapping files and export paths that are wrong. Real .xlsx files (openpyxl) and GBK CSV."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from app.errors import AftercareError
from app.interchange import htcds
from app.interchange.mapping import FAMILY_GIVEN, Mapping
from tests import helpers
from tests.htcds.conftest import fill_template

PLAIN_HEADERS = ["序号", "姓名", "性别", "出生日期", "身份证号", "联系电话", "入站日期"]
VALID_ID = "350102199803070045"  # born 1998-03-07, a woman (the 17th digit is even)


def _xlsx(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _plain(path: Path, *rows: list) -> Path:
    return _xlsx(path, [PLAIN_HEADERS, *rows])


def _row(n: int, **values) -> list:
    base = {
        "序号": n,
        "姓名": f"王芳{n}",
        "性别": "女",
        "出生日期": None,
        "身份证号": None,
        "联系电话": "13800000000",
        "入站日期": dt.datetime(2024, 3, 5),
    }
    base.update(values)
    return [base[h] for h in PLAIN_HEADERS]


def _preview(team, path: Path, mapping: Mapping | None = None):
    importer = team.importer()
    book = importer.open(path)
    return importer.preview(book, mapping or importer.detect(book).mapping)


def test_a_plain_chinese_sheet_is_not_a_template_and_its_headers_are_suggested(team, tmp_path):
    path = _plain(tmp_path / "plain.xlsx", _row(1, 身份证号=VALID_ID))
    importer = team.importer()
    found = importer.detect(importer.open(path))
    assert found.template is None
    suggested = {c.header: c.field for c in found.columns}
    assert suggested == {
        "序号": "row_number",
        "姓名": "person.full_name",
        "性别": "person.sex",
        "出生日期": "person.date_of_birth",
        "身份证号": "person.id_number",
        "联系电话": "person.phone",
        "入站日期": "opened_on",
    }
    (row,) = importer.preview(importer.open(path), found.mapping).rows
    person = row.case.person
    assert (person.full_name, person.id_number, person.phone) == ("王芳1", VALID_ID, "13800000000")
    assert row.case.opened_on == dt.date(2024, 3, 5) and row.case.notes == []


def test_headers_any_sheet_has_do_not_make_a_template(team, tmp_path):
    headers = ["姓", "名", "性别", "出生日期", "国籍", "手机", "地址", "状态", "结案原因"]
    path = _xlsx(tmp_path / "generic.xlsx", [headers, ["王", "芳", "女"]])
    importer = team.importer()
    book = importer.open(path)
    assert htcds.detect(book) is None
    found = importer.detect(book)
    assert found.template is None
    assert _preview(team, path).rows[0].case.person.full_name == "王芳"  # 姓 then 名


def test_a_bare_birth_year_is_a_year_not_a_day_of_1905(team, tmp_path):
    path = _plain(
        tmp_path / "years.xlsx",
        _row(1, 出生日期=1999),
        _row(2, 出生日期="1999"),
        _row(3, 出生日期="90"),
        _row(4, 出生日期="1985年"),
        _row(5, 出生日期=dt.datetime(2001, 7, 14)),
    )
    rows = _preview(team, path).rows
    assert [r.case.person.date_of_birth for r in rows] == [
        dt.date(1999, 1, 1),
        dt.date(1999, 1, 1),
        dt.date(1990, 1, 1),
        dt.date(1985, 1, 1),
        dt.date(2001, 7, 14),
    ]
    assert all(not r.problems for r in rows)
    # The year alone is marked where the case shows it, and the preview lists the column.
    assert "year of birth only" in rows[0].case.notes[0].text
    assert "出生日期" in rows[0].noted and not rows[4].noted


def test_a_serial_that_gives_an_impossible_birth_is_a_problem(team, tmp_path):
    path = _plain(tmp_path / "serial.xlsx", _row(1, 出生日期=5), _row(2, 出生日期=99999))
    problems = {p.row: p for p in _preview(team, path).problems}  # sheet rows: data from 2
    assert (problems[2].header, problems[2].kind) == ("出生日期", "bad_date")  # no day 5
    assert problems[3].header == "出生日期" and "2173-10-13" in problems[3].message
    assert "cannot be right" in problems[3].message


def test_id_numbers_excel_mangled_are_refused_by_row_and_column(team, tmp_path):
    path = _plain(
        tmp_path / "ids.xlsx",
        _row(1, 身份证号=3.50211e17),  # typed into a number cell
        _row(2, 身份证号="350211199001010000"),  # 18 digits, the last three lost
        _row(3, 身份证号="3.50211E+17"),  # the scientific form, saved as text
    )
    problems = _preview(team, path).problems
    assert {(p.row, p.column, p.header) for p in problems} == {
        (2, "E", "身份证号"),
        (3, "E", "身份证号"),
        (4, "E", "身份证号"),
    }
    for problem in problems:
        assert "Excel turned this ID number into a number" in problem.message
        assert "format the column as text and type the number again" in problem.message


def test_a_valid_id_number_fills_and_checks_birth_date_and_sex(team, tmp_path):
    path = _plain(
        tmp_path / "valid.xlsx",
        _row(1, 身份证号=VALID_ID, 性别=None),  # fills both
        _row(2, 身份证号=VALID_ID, 出生日期=1998),  # a year alone becomes the day
        _row(3, 身份证号=VALID_ID, 出生日期=dt.datetime(1997, 3, 7)),  # disagrees
        _row(4, 身份证号=VALID_ID, 性别="男"),  # disagrees
        _row(5, 身份证号="350102199803070048"),  # does not add up
    )
    preview = _preview(team, path)
    rows = {r.row - 1: r for r in preview.rows}  # by data row (the headers are row 1)
    assert rows[1].case.person.date_of_birth == dt.date(1998, 3, 7)
    assert rows[1].case.person.sex == "female" and not rows[1].problems
    assert rows[2].case.person.date_of_birth == dt.date(1998, 3, 7) and not rows[2].problems
    assert not rows[2].case.notes  # no "year only" mark once the day is known
    assert [(p.header, "1998-03-07" in p.message) for p in rows[3].problems] == [("出生日期", True)]
    assert [p.header for p in rows[4].problems] == ["性别"]
    assert [p.header for p in rows[5].problems] == ["身份证号"]
    assert "should be" in rows[5].problems[0].message


def test_a_gbk_csv_from_chinese_excel_is_read_and_its_mangled_ids_refused(team, tmp_path):
    text = "\n".join(
        [
            ",".join(PLAIN_HEADERS),
            f"1,王芳,女,1998,{VALID_ID},13800000000,2024/3/5",
            "2,李娜,女,1990/5/6,3.50211E+17,13800000001,2024/3/6",
        ]
    )
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gbk"))
    preview = _preview(team, path)
    first, second = preview.rows
    assert first.case.person.full_name == "王芳" and not first.problems
    assert first.case.person.date_of_birth == dt.date(1998, 3, 7)  # the ID number's day
    assert [(p.row, p.header) for p in second.problems] == [(3, "身份证号")]


def test_template_names_join_in_the_order_people_in_fujian_type_them(team, tmp_path):
    rows = {
        3: {"First Name": "王", "Second Name": "芳", "Incoming Referral Date": "2024-03-05"},
        4: {"First Name": "Mai", "Second Name": "Tran", "Incoming Referral Date": "2024-03-05"},
    }
    path = fill_template(tmp_path, htcds.SINGLE_SELECT, rows)
    importer = team.importer()
    book = importer.open(path)
    mapping = importer.detect(book).mapping
    assert [r.case.person.full_name for r in importer.preview(book, mapping).rows] == [
        "王芳",
        "Mai Tran",
    ]
    mapping.name_order = FAMILY_GIVEN  # the swap of the mapping step
    assert [r.case.person.full_name for r in importer.preview(book, mapping).rows] == [
        "芳王",
        "Tran Mai",
    ]


def test_a_formula_never_calculated_is_a_problem_not_a_blank(team, tmp_path):
    path = _plain(tmp_path / "formula.xlsx", _row(1), _row(2))
    book = openpyxl.load_workbook(path)
    book.active["D3"] = "=DATE(1999,3,5)"  # openpyxl saves the formula without its value
    book.active["F3"] = '=CONCAT("138","00000001")'
    book.save(path)
    preview = _preview(team, path)
    problems = [(p.row, p.column, p.header, p.kind) for p in preview.problems]
    assert problems == [(3, "D", "出生日期", "formula"), (3, "F", "联系电话", "formula")]
    assert "open and save the file in Excel or WPS" in preview.problems[0].message


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"first_data_row": "x"}, '"first_data_row" must be a row number'),
        ({"sheet": 7}, '"sheet" must be a sheet name in quotes, or null, not 7'),
        ({"columns": [{"field": "person.full_name", "header": 5}]}, '"header" must be'),
        ({"columns": [{"field": "person.full_name", "column": 5}]}, '"column" must be'),
        ({"columns": [{"field": "person.full_name", "column": "7"}]}, "is not a column letter"),
        ({"colour": "red"}, '"colour" is not a key of a mapping file'),
        ({"columns": [{"field": "person.full_name", "width": 3}]}, '"width" is not a key'),
    ],
)
def test_a_wrong_mapping_file_is_one_clear_line_naming_the_file(change, says):
    doc = {
        "format": "aftercare.sheet-mapping",
        "version": 1,
        "columns": [{"field": "person.full_name", "header": "姓名"}],
        **change,
    }
    with pytest.raises(AftercareError, match=r"^my-mapping\.json: ") as raised:
        Mapping.from_json(json.dumps(doc).encode(), "my-mapping.json")
    assert says in str(raised.value) and "\n" not in str(raised.value)


def test_bad_mapping_files_and_export_paths_through_the_command(team, tmp_path, cli):
    path = _plain(tmp_path / "plain.xlsx", _row(1))
    mapping = tmp_path / "m.json"
    mapping.write_text(
        json.dumps({"format": "aftercare.sheet-mapping", "version": 1, "first_data_row": "x"})
    )
    wang = helpers.credentials("wang")
    done = cli("import-sheet", str(team.folder), str(path), "--mapping", str(mapping), env=wang)
    assert done.code == 1 and len(done.err_lines) == 1 and "m.json" in done.err
    assert "internal error" not in done.err

    chen = helpers.credentials("chen")
    for out, says in (
        (tmp_path / "missing" / "x.xlsx", "does not exist"),
        (tmp_path, "is a folder"),
        (tmp_path / "x.csv", "not .csv"),
    ):
        done = cli("export-sheet", str(team.folder), "--out", str(out), env=chen)
        assert done.code == 1 and says in done.err and "internal error" not in done.err
        assert len(done.err_lines) == 1
    assert not (tmp_path / "x.csv").exists()


KEY_PATHS = ("closed_on", "opened_on", "consents[", "guardian.", "person.", "recorded_on", "_of_")


def test_problems_are_said_in_the_sheets_terms_with_the_way_out(team, tmp_path):
    headers = ["姓名", "出生日期", "状态", "入站日期", "同意转介"]
    path = _xlsx(
        tmp_path / "terms.xlsx",
        [
            headers,
            ["王芳", dt.datetime(1990, 1, 1), "已结案", dt.datetime(2024, 3, 5), None],
            ["李娜", dt.datetime(2015, 6, 1), "在办", dt.datetime(2024, 3, 5), None],
            ["", dt.datetime(1990, 1, 1), "在办", dt.datetime(2024, 3, 5), None],
            ["陈静", dt.datetime(1990, 1, 1), "在办", dt.datetime(2030, 3, 5), None],
        ],
    )
    importer = team.importer()
    book = importer.open(path)
    mapping = importer.detect(book).mapping
    for language in ("en", "zh_CN"):
        from app import i18n

        i18n.set_locale(language)
        shown = [str(p) for p in importer.preview(book, mapping).problems]
        assert shown, language
        for line in shown:
            assert not any(key in line for key in KEY_PATHS), line
    from app import i18n

    i18n.set_locale("en")
    problems: dict[int, str] = {}
    for p in importer.preview(book, mapping).problems:
        problems[p.row] = problems.get(p.row, "") + str(p) + "\n"
    assert "--closed-on DATE" in problems[2] and "Closing date for closed rows" in problems[2]
    assert "row 2, column C (状态): Date closed is required when the case is closed" in problems[2]
    assert "Guardian status of children without one" in problems[3]
    assert (
        "(出生日期): Guardian status is required for a person under 18 on 入站日期" in problems[3]
    )
    assert problems[4].startswith("row 4, column A (姓名): is empty; every row needs a name")
    assert problems[5].startswith("row 5, column D (入站日期): is in the future; check the year")


def test_a_templates_unknown_status_lists_the_templates_own_values(team, tmp_path):
    rows = {3: {"First Name": "王", "Status": "Pending", "Incoming Referral Date": "2024-03-05"}}
    path = fill_template(tmp_path, htcds.SINGLE_SELECT, rows)
    (problem,) = _preview(team, path).problems
    assert problem.header == "Status"
    assert problem.message.endswith("Active, Follow up, Closed, Closed Referred")
