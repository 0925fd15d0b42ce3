"""Cells as people type them, CSV files in GB18030, and any sheet through a saved mapping."""

from __future__ import annotations

import datetime as dt

import pytest

from app.interchange import sheets
from app.interchange.mapping import ColumnRule, Mapping
from app.interchange.sheets import BadDate, parse_date
from app.storage import cases_repo


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("2024/3/5", dt.date(2024, 3, 5)),
        ("2024年3月5日", dt.date(2024, 3, 5)),
        ("2024.3.5", dt.date(2024, 3, 5)),
        ("２０２４年３月５日", dt.date(2024, 3, 5)),
        (" 2024-03-05 00:00:00 ", dt.date(2024, 3, 5)),
        ("20240305", dt.date(2024, 3, 5)),
        ("25/12/2024", dt.date(2024, 12, 25)),
        (45356, dt.date(2024, 3, 5)),  # an Excel serial day number
        ("45356", dt.date(2024, 3, 5)),
        (dt.datetime(2024, 3, 5, 0, 0), dt.date(2024, 3, 5)),
        (None, None),
        ("  ", None),
    ],
)
def test_dates_people_type(value, expected):
    assert parse_date(value) == expected


def test_ambiguous_and_wrong_dates():
    with pytest.raises(BadDate, match="choose the date format"):
        parse_date("05/03/2024")
    assert parse_date("05/03/2024", "dmy") == dt.date(2024, 3, 5)
    assert parse_date("05/03/2024", "mdy") == dt.date(2024, 5, 3)
    for bad in ("2024-02-30", "next week", "2024-13-01"):
        with pytest.raises(BadDate):
            parse_date(bad)


def test_cells_are_tidied():
    assert sheets.cell_text("  王\u3000芳 \n") == "王 芳"
    assert sheets.cell_token("１３８０００００００１") == "13800000001"
    assert sheets.cell_text(13800000001.0) == "13800000001"
    assert sheets.split_values("强迫劳动；童工; ;Other\n") == ["强迫劳动", "童工", "Other"]
    assert sheets.column_letter(39) == "AN" and sheets.column_index("AN") == 39


CSV = (
    "姓名,性别,出生日期,身份证号,电话,立案日期,剥削类型,备注\n"
    "陈静,女,１９９５年３月２日,３５０１０２１９９５０３０２００２Ｘ,１３９０００００００３,２０２４/３/５,强迫劳动；性剥削,曾在工厂\n"
    ",,,,,,,\n"
    "Trần Thị Lan, 女 ,2000-01-15,,,2024-03-06,强迫婚姻,\n"
)


def test_a_gb18030_csv_with_full_width_digits_imports(team, tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(CSV.encode("gb18030"))
    importer = team.importer()
    book = importer.open(path)
    assert book.encoding == "gb18030"
    found = importer.detect(book)
    assert found.template is None
    fields = {c.header: c.field for c in found.columns}
    assert fields["姓名"] == "person.full_name" and fields["备注"] == "note"
    assert found.columns[0].samples == ["陈静", "Trần Thị Lan"]
    mapping = found.mapping
    mapping.case_number_pattern = "FZ-2024-{n:03d}"
    preview = importer.preview(book, mapping)
    assert preview.problems == [] and preview.blank_rows == [3]
    assert importer.commit(preview).imported == 2
    conn = team.opened("wang").conn
    chen = cases_repo.load_case(conn, cases_repo.case_id(conn, "FZ-2024-001"))
    assert chen.person.full_name == "陈静"
    assert chen.person.date_of_birth == dt.date(1995, 3, 2)
    assert chen.person.id_number == "35010219950302002X"
    assert chen.person.phone == "13900000003"
    assert chen.opened_on == dt.date(2024, 3, 5)
    assert chen.intake.exploitation == ["forced_labour", "sexual_exploitation"]
    assert "备注: 曾在工厂" in chen.notes[0].text
    lan = cases_repo.load_case(conn, cases_repo.case_id(conn, "FZ-2024-002"))
    assert (lan.person.full_name, lan.person.sex) == ("Trần Thị Lan", "female")


def test_a_mapping_file_round_trips_and_supplies_what_the_sheet_lacks(team, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Who,Born,Notes\nAnna,03/04/1999,x\n", encoding="utf-8")
    mapping = Mapping(
        columns=[
            ColumnRule("person.full_name", "A", "Who"),
            ColumnRule("person.date_of_birth", "B", "Born"),
            ColumnRule("ignore", "C"),
        ],
        date_order="dmy",
        case_number_pattern="XM-{year}-{n:04d}",
        defaults={"opened_on": "2024-02-01", "intake.prefecture": "350200"},
    )
    saved = Mapping.from_json(mapping.to_json())
    assert saved == mapping
    importer = team.importer()
    preview = importer.preview(importer.open(path), saved)
    assert preview.problems == []
    (row,) = preview.rows
    case = row.case
    assert case.case_number == "XM-2024-0001"
    assert case.person.date_of_birth == dt.date(1999, 4, 3)
    assert case.opened_on == dt.date(2024, 2, 1)
    assert case.intake.prefecture == "350200"
    assert case.notes == []  # the ignored column is left out, not noted


def test_a_default_guardian_status_is_given_to_children_only(team, tmp_path):
    path = tmp_path / "kids.csv"
    path.write_text(
        "姓名,出生日期,立案日期\n小红,2015-06-01,2024-03-05\n李娟,1990-01-01,2024-03-05\n",
        encoding="utf-8",
    )
    importer = team.importer()
    book = importer.open(path)
    mapping = importer.detect(book).mapping
    (problem,) = importer.preview(book, mapping).problems
    assert problem.message.startswith(
        "Guardian status is required for a person under 18 on 立案日期"
    )
    mapping.defaults["guardian.status"] = "tracing"
    preview = importer.preview(book, mapping)
    assert preview.ok
    child, adult = (r.case for r in preview.rows)
    assert child.guardian.status == "tracing" and adult.guardian is None
