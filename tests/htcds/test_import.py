"""Importing filled HTCDS templates (all three variants) into a real vault: cases, notes, problems."""

from __future__ import annotations

import datetime as dt

import pytest

from app import audit
from app.interchange import htcds
from app.storage import cases_repo
from tests.htcds.conftest import fill_template

# A person's rows as a shelter fills them in: Chinese and English values, an Excel date cell
# and text dates, multi-select cells, and a blank row (4) in the middle.
ROWS = {
    3: {
        "Case Owner": "李社工",
        "First Name": "王",  # family name first, as people in Fujian fill it in
        "Second Name": "芳",
        "Consent": "是",
        "Birthdate": dt.datetime(1990, 5, 1),
        "Gender": "女",
        "Citizenship": "中国",
        "Mobile Phone": "１３８００００００01",
        "Mailing Street": "  福州市鼓楼区某路1号 ",
        "Trafficking Status": "Actual victim of trafficking",
        "Type of Exploitation": "强迫劳动；童工",
        "Status": "Active",
        "Referring Organisation": "公安",
        "Incoming Referral Date": "2024年3月5日",
    },
    5: {
        "First Name": "Mai",
        "Second Name": "Tran",
        "Consent": "Yes",
        "Birthdate": "2001/7/14",
        "Gender": "Feminine",
        "Citizenship": "Vietnam",
        "Home Phone": "0591-8888",
        "Mobile Phone": "13900000002",
        "Methods of Control": "Debt bondage; Withholds documents",
        "Type of Exploitation": "Sexual exploitation; Forced marriage",
        "Status": "Closed",
        "Referring Organisation": "NGO",
        "Incoming Referral Date": "2024.3.5",
        "Referred Organisation": "Women's Federation: 福州市妇联",
        "Outgoing Referral Date": dt.datetime(2024, 6, 1),
        "Outgoing Referral Details": "job training",
        "Reason for Case Closure": "Reintegrated with family",
    },
    6: {
        "First Name": "Lan",
        "Gender": "TransgenderFeminine",
        "Birthdate": "1999-12-31",
        "Type of Exploitation": "Forced begging",
        "Status": "Follow up",
        "Incoming Referral Date": "2024-03-05",
    },
}
CLOSED_ON = "2024-09-30"


def _preview(team, path, **defaults):
    importer = team.importer()
    book = importer.open(path)
    mapping = importer.detect(book).mapping
    mapping.defaults.update(defaults)
    return importer, importer.preview(book, mapping)


def _stored(team, number):
    conn = team.opened("wang").conn
    return cases_repo.load_case(conn, cases_repo.case_id(conn, number))


@pytest.mark.parametrize("variant", htcds.VARIANTS)
def test_filled_template_imports_to_the_expected_cases(team, tmp_path, variant):
    path = fill_template(tmp_path, variant, ROWS)
    importer, preview = _preview(team, path, closed_on=CLOSED_ON)

    assert preview.template == variant
    assert preview.problems == []
    assert [r.row for r in preview.rows] == [3, 5, 6]
    assert 4 in preview.blank_rows
    for header in ("Case Owner", "Trafficking Status", "Methods of Control", "Home Phone"):
        assert header in preview.noted_fields
    result = importer.commit(preview)
    assert (result.imported, result.rows, result.skipped_rows) == (3, 3, [])

    wang = _stored(team, "HTCDS-0001")
    assert wang.person.full_name == "王芳"
    assert wang.person.sex == "female"
    assert wang.person.date_of_birth == dt.date(1990, 5, 1)
    assert wang.person.origin.country == "CN"
    assert wang.person.phone == "13800000001"
    assert wang.person.address == "福州市鼓楼区某路1号"
    assert wang.intake.exploitation == ["forced_labour"]
    assert wang.intake.identified_by == "public_security"
    assert wang.intake.identified_on == wang.opened_on == dt.date(2024, 3, 5)
    assert wang.status == "open"
    assert [(c.purpose, c.given, c.recorded_on) for c in wang.consents] == [
        ("data_sharing", True, dt.date(2024, 3, 5))
    ]
    (note,) = wang.notes
    assert note.section == "notes"
    assert "Case Owner: 李社工" in note.text
    assert "Trafficking Status: Actual victim of trafficking" in note.text
    assert "Type of Exploitation: 童工" in note.text

    mai = _stored(team, "HTCDS-0003")  # column A numbers the template's rows: row 5 is 3
    assert mai.person.full_name == "Mai Tran"
    assert mai.person.date_of_birth == dt.date(2001, 7, 14)
    assert mai.person.origin.country == "VN"
    assert mai.person.phone == "13900000002"
    assert mai.intake.exploitation == ["sexual_exploitation", "forced_marriage"]
    assert mai.intake.identified_by == "ngo"
    assert (mai.status, mai.closed_on, mai.closure_reason) == (
        "closed",
        dt.date(2024, 9, 30),
        "reintegrated_family",
    )
    (referral,) = mai.referrals
    assert (referral.to, referral.organisation, referral.sent_on, referral.reason) == (
        "womens_federation",
        "福州市妇联",
        dt.date(2024, 6, 1),
        "job training",
    )
    assert "Home Phone: 0591-8888" in mai.notes[0].text
    assert "Methods of Control: Debt bondage; Withholds documents" in mai.notes[0].text

    lan = _stored(team, "HTCDS-0004")
    assert (lan.person.full_name, lan.person.sex, lan.status) == ("Lan", "unknown", "open")
    assert "Gender: TransgenderFeminine" in lan.notes[0].text
    assert "Status: Follow up" in lan.notes[0].text
    assert lan.intake.exploitation == ["forced_begging"]

    (entry,) = audit.entries(team.opened("wang").conn, action="cases_imported")
    assert entry.detail["file_sha256"] == preview.sha256
    assert (entry.detail["rows"], entry.detail["imported"]) == (3, 3)
    assert entry.detail["template"] == variant


def test_the_spreadsheet_is_not_copied_anywhere(team, tmp_path):
    path = fill_template(tmp_path, htcds.SINGLE_SELECT, ROWS)
    team.opened("wang")
    before = {p.name for p in team.folder.iterdir()}
    importer, preview = _preview(team, path, closed_on=CLOSED_ON)
    importer.commit(preview)
    after = {p.name for p in team.folder.iterdir()}
    assert not {name for name in after - before if not name.startswith("vault.db")}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, team.folder.name])
