"""export-sheet --format htcds: consent per case, the template layout, and a lossless round trip."""

from __future__ import annotations

import copy
import datetime as dt
import io
import warnings

import openpyxl

from app import audit
from app.domain import Case, Consent, Guardian, Intake, Origin, Person, Referral
from app.interchange import htcds
from app.services.transfer import Transfer
from app.storage import cases_repo
from tests.htcds.conftest import Team

SHARE = Consent("data_sharing", True, dt.date(2024, 3, 6))


def _cases() -> list[Case]:
    adult = Case(
        case_number="FZ-2024-0001",
        status="open",
        opened_on=dt.date(2024, 3, 6),
        person=Person(
            full_name="王芳",
            sex="female",
            date_of_birth=dt.date(1990, 5, 1),
            phone="13800000001",
            address="福州市鼓楼区某路1号",
            origin=Origin("CN"),
        ),
        intake=Intake(
            identified_on=dt.date(2024, 3, 5),
            identified_by="public_security",
            exploitation=["forced_marriage", "forced_labour"],
        ),
        consents=[SHARE],
        referrals=[Referral("health", dt.date(2024, 4, 2), organisation="县医院", reason="体检")],
    )
    closed = Case(
        case_number="FZ-2024-0002",
        status="closed",
        opened_on=dt.date(2024, 1, 10),
        closed_on=dt.date(2024, 8, 1),
        closure_reason="reintegrated_family",
        person=Person(full_name="Trần Thị Mai", sex="female", origin=Origin("VN")),
        intake=Intake(identified_by="ngo", exploitation=["sexual_exploitation"]),
        consents=[SHARE],
        referrals=[Referral("civil_affairs", dt.date(2024, 7, 1))],
    )
    child = Case(
        case_number="FZ-2024-0003",
        status="open",
        opened_on=dt.date(2024, 5, 1),
        person=Person(full_name="林小梅", sex="female", date_of_birth=dt.date(2010, 7, 14)),
        intake=Intake(identified_by="hotline", exploitation=["forced_begging"]),
        consents=[SHARE],
        guardian=Guardian("tracing"),
    )
    no_consent = copy.deepcopy(adult)
    no_consent.case_number, no_consent.consents = "FZ-2024-0004", []
    withdrawn = copy.deepcopy(adult)
    withdrawn.case_number = "FZ-2024-0005"
    withdrawn.consents = [Consent("data_sharing", True, dt.date(2024, 3, 6), dt.date(2024, 6, 1))]
    return [adult, closed, child, no_consent, withdrawn]


def _mapped(case: Case) -> tuple:
    """Every field the HTCDS layout carries (docs/htcds-mapping.md)."""
    p, t = case.person, case.intake
    return (
        case.case_number,
        case.status,
        case.opened_on,
        case.closed_on,
        case.closure_reason,
        p.full_name,
        p.sex,
        p.date_of_birth,
        p.phone,
        p.address,
        p.origin.country,
        t.identified_on,
        t.identified_by,
        t.exploitation,
        case.guardian.status if case.guardian else None,
        [(c.purpose, c.given) for c in case.consents],
        [(r.to, r.organisation, r.sent_on, r.reason) for r in case.referrals],
    )


def test_round_trip_keeps_every_mapped_field(team, make_vault, tmp_path):
    Transfer(team.opened("wang")).import_built(_cases(), {"source": "test"})
    result = team.exporter("chen").export_htcds()
    assert (result.exported, result.left_out) == (3, 2)
    (entry,) = audit.entries(team.opened("chen").conn, action="cases_exported")
    assert entry.detail["left_out_without_consent"] == 2

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(result.data))
    assert book.sheetnames == ["Case Sheet", "about", "validation"]
    sheet = book["Case Sheet"]
    assert sheet["D1"].value == "prs_FirstName" and sheet["D2"].value == "First Name"
    assert sheet["D3"].value == "王芳" and sheet["H3"].value == "Feminine"
    assert sheet["X3"].value == "Forced marriage; Forced labour"
    assert sheet.max_row == 5

    out = tmp_path / "shared.xlsx"
    out.write_bytes(result.data)
    other = Team(make_vault("other", team=True)[0])
    try:
        importer = other.importer()
        preview = importer.preview(importer.open(out))
        assert preview.template == htcds.SINGLE_SELECT
        assert preview.problems == []
        importer.commit(preview)
        conn = other.opened("wang").conn
        back = {
            n: cases_repo.load_case(conn, cases_repo.case_id(conn, n))
            for n in ("FZ-2024-0001", "FZ-2024-0002", "FZ-2024-0003")
        }
        assert cases_repo.case_id(conn, "FZ-2024-0004") is None
    finally:
        other.lock_all()
    for original in _cases()[:3]:
        assert _mapped(back[original.case_number]) == _mapped(original)
