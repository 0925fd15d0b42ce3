"""The directory of services, on the three real vaults of tests/referrals/conftest.py.

The shelter knows the hospital as a verified contact and does not know the stranger. Files
are written, tampered with and read back for real; PDFs are read back with pypdf.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from pypdf import PdfReader

from app.directory.model import NATIONAL, Organisation
from app.errors import AccessDenied, AftercareError
from tests.helpers import credentials
from tests.referrals.conftest import (
    CONSENTED,
    NO_CONSENT,
    SENTINEL_ID,
    SENTINEL_NAME,
    SENTINEL_NOTE,
    audit_actions,
    table_counts,
)

XIAMEN_SIMING = "350203"  # 厦门市 思明区
XIAMEN = "350200"
FUZHOU = "350100"


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _hospital() -> Organisation:
    return Organisation(
        name="厦门市第一医院 救助定点",
        kind="appointed_medical",
        services=("medical_care", "psychological_care"),
        division=XIAMEN,
        address="思明区镇海路55号",
        phones=("0592-2137000",),
        hours="8:00-17:30",
        languages=("zh", "en"),
    )


def _legal_aid() -> Organisation:
    return Organisation(
        name="思明区法律援助中心",
        kind="legal_aid_centre",
        services=("legal_aid",),
        division=XIAMEN_SIMING,
        phones=("0592-2222348",),
    )


def test_a_vault_starts_with_the_national_hotlines_marked_and_fixed(units):
    directory = units.services("shelter", "wang").directory
    found = directory.entries()
    numbers = [o.phones[0] for o in found if o.national]
    assert numbers == sorted(["110", "120", "12338", "12355", "12348"], key=numbers.index)
    assert set(numbers) == {"110", "120", "12338", "12355", "12348"}
    assert all(o.source == NATIONAL for o in found[:5])
    hotline = found[0]
    for attempt in (lambda: directory.remove(hotline.id), lambda: directory.edit(hotline)):
        with pytest.raises(AftercareError, match="national hotline"):
            attempt()


def test_adding_editing_and_removing_are_checked_and_audited(units):
    directory = units.services("shelter", "wang").directory
    added = directory.add(_hospital())
    assert added.id and added.source is None and added.languages == ("zh", "en")
    edited = directory.edit(replace(added, phones=("0592-1111111",)))
    assert edited.phones == ("0592-1111111",)
    with pytest.raises(AftercareError, match="division code"):
        directory.add(replace(_hospital(), division="999999"))
    with pytest.raises(AftercareError, match="Unknown kind"):
        directory.add(replace(_hospital(), kind="spa"))
    directory.remove(added.id)
    actions = [a for a, _d in audit_actions(units.opened("shelter", "wang"))]
    assert actions[-3:] == ["directory_added", "directory_edited", "directory_removed"]
    assert [
        d for a, d in audit_actions(units.opened("shelter", "wang")) if a == "directory_edited"
    ][-1]["fields"] == ["phones"]


def test_sharing_the_directory_is_for_supervisors_and_admins(units, tmp_path):
    directory = units.services("shelter", "wang").directory
    with pytest.raises(AccessDenied):
        directory.export_file(tmp_path / "d.json")
    assert audit_actions(units.opened("shelter", "wang"))[-1][0] == "access_denied"
    assert not (tmp_path / "d.json").exists()


def test_the_signed_file_round_trips_and_merges_keeping_the_shelters_own(units, tmp_path):
    published = units.services("hospital", "admin").directory
    kept = published.add(_hospital())
    gone = published.add(_legal_aid())
    published.add(replace(_hospital(), name="第三家", division=FUZHOU))
    path = tmp_path / "province.json"
    assert published.export_file(path) == 3

    shelter = units.services("shelter", "chen").directory
    ours = shelter.add(replace(_legal_aid(), name="我们自己的律师"))
    incoming, signer = shelter.read_import(path)
    assert signer == "Hospital"  # a verified contact's key signed it
    plan = shelter.apply_import(incoming, signer=signer, accept_key=None)
    assert sorted(o.name for o in plan.added) == sorted([kept.name, gone.name, "第三家"])
    merged = {o.uid: o for o in shelter.entries()}
    assert merged[kept.uid].imported and merged[ours.uid].source is None
    # The shelter corrects the third entry locally: it becomes its own.
    third = next(o for o in shelter.entries() if o.name == "第三家")
    shelter.edit(replace(third, hours="全天"))

    # The publisher changes one, removes one, changes the third: a second file.
    published.edit(replace(kept, phones=("0592-9999999",)))
    published.remove(gone.id)
    third_there = next(o for o in published.entries() if o.name == "第三家")
    published.edit(replace(third_there, notes="changed at the office"))
    published.export_file(path)
    incoming, signer = shelter.read_import(path)
    plan = shelter.apply_import(incoming, signer=signer, accept_key=None)
    assert [n.phones for _o, n in plan.updated] == [("0592-9999999",)]
    assert [o.name for o in plan.removed] == [gone.name]
    assert [o.name for o in plan.kept_ours] == ["第三家"]
    after = {o.name: o for o in shelter.entries()}
    assert after["第三家"].hours == "全天" and after["我们自己的律师"].source is None
    assert gone.name not in after
    detail = [
        d for a, d in audit_actions(units.opened("shelter", "chen")) if a == "directory_imported"
    ]
    assert detail[-1]["updated"] == 1 and detail[-1]["removed"] == 1


@pytest.mark.parametrize("where", ["name", "phone", "signature"])
def test_a_changed_byte_is_refused_and_nothing_changes(units, tmp_path, where):
    published = units.services("hospital", "admin").directory
    published.add(_hospital())
    path = tmp_path / "d.json"
    published.export_file(path)
    text = path.read_text(encoding="utf-8")
    if where == "name":
        text = text.replace("厦门市第一医院", "厦门市第二医院")
    elif where == "phone":
        text = text.replace("0592-2137000", "0592-2137001")
    else:
        doc = json.loads(text)
        value = doc["signature"]["value"]
        doc["signature"]["value"] = ("A" if value[0] != "A" else "B") + value[1:]
        text = json.dumps(doc, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    shelter = units.services("shelter", "chen").directory
    before = table_counts(units.opened("shelter", "chen"))
    with pytest.raises(AftercareError, match="changed after it was signed"):
        shelter.read_import(path)
    assert table_counts(units.opened("shelter", "chen")) == before


def test_a_strangers_file_needs_its_key_accepted(units, tmp_path):
    stranger = units.services("stranger", "admin").directory
    stranger.add(_legal_aid())
    path = tmp_path / "d.json"
    stranger.export_file(path)
    shelter = units.services("shelter", "chen").directory
    incoming, signer = shelter.read_import(path)
    assert signer is None
    with pytest.raises(AftercareError, match=incoming.key_id):
        shelter.apply_import(incoming, signer=signer, accept_key=None)
    plan = shelter.apply_import(incoming, signer=signer, accept_key=incoming.key_id)
    assert [o.name for o in plan.added] == [_legal_aid().name]


def test_oversized_and_malformed_files_are_refused_before_reading(units, tmp_path):
    shelter = units.services("shelter", "chen").directory
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (6 * 2**20))
    with pytest.raises(AftercareError, match="larger than"):
        shelter.read_import(big)
    for content in (b"\xff\xfe", b"[]", b'{"format": "aftercare-directory", "version": 1}'):
        bad = tmp_path / "bad.json"
        bad.write_bytes(content)
        with pytest.raises(AftercareError, match=r"bad\.json"):
            shelter.read_import(bad)


def test_picking_the_provider_puts_organisations_offering_the_service_first(units):
    directory = units.services("shelter", "wang").directory
    directory.add(_legal_aid())
    hospital = directory.add(_hospital())
    providers = directory.providers("medical_care")
    assert providers[0].name == "120 医疗急救" or providers[0].name == hospital.name
    assert {providers[0].name, providers[1].name} == {"120 医疗急救", hospital.name}


def test_the_resources_sheet_lists_help_near_her_and_nothing_about_her(units):
    directory = units.services("shelter", "wang").directory
    directory.add(_hospital())  # serves all of Xiamen
    directory.add(_legal_aid())  # serves Siming district
    directory.add(replace(_legal_aid(), name="福州某中心", division=FUZHOU))
    data = directory.resources_sheet(XIAMEN_SIMING, languages=("en",), case_number=CONSENTED)
    text = _pdf_text(data)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    for expected in ("12338", "12355", "12348", "110", "思明区法律援助中心", "厦门市第一医院"):
        assert expected in text
    assert "Where to get help" in text  # English beside the Chinese: she reads English
    assert "福州某中心" not in text  # another prefecture
    for secret in (SENTINEL_NAME, SENTINEL_ID, CONSENTED, "Fuzhou Shelter", "Confidential"):
        assert secret not in text
    action, detail = audit_actions(units.opened("shelter", "wang"))[-1]
    assert action == "resources_sheet_printed" and detail["division"] == XIAMEN_SIMING


def test_a_case_is_referred_by_letter_with_only_the_chosen_sections(units):
    services = units.services("shelter", "wang")
    centre = services.directory.add(_legal_aid())
    data, change = services.directory.referral_letter(CONSENTED, centre.id, ["profile", "intake"])
    text = _pdf_text(data)
    assert centre.name in text and CONSENTED in text and SENTINEL_NAME in text
    assert SENTINEL_NOTE not in text  # the notes section was not chosen
    case = services.cases.open_case(CONSENTED)
    letter = case.referrals[-1]
    assert (letter.organisation, letter.to, letter.status) == (
        centre.name,
        "justice_legal_aid",
        "pending",
    )
    assert change.section == "referrals"
    letters = [
        d
        for a, d in audit_actions(units.opened("shelter", "wang"))
        if a.startswith("referral_letter")
    ]
    assert [d["sections"] for d in letters] == [["profile", "intake"]]


def test_a_letter_without_the_referral_consent_is_refused(units):
    services = units.services("shelter", "wang")
    centre = services.directory.add(_legal_aid())
    before = len(services.cases.open_case(NO_CONSENT).referrals)
    with pytest.raises(AftercareError, match="no referral consent"):
        services.directory.referral_letter(NO_CONSENT, centre.id, ["profile"])
    assert len(services.cases.open_case(NO_CONSENT).referrals) == before


def test_the_command_adds_lists_edits_shares_prints_and_refers(units, cli, tmp_path):
    folder = str(units.folders["shelter"])
    wang, chen = credentials("wang"), credentials("chen")
    added = cli(
        "directory", "add", folder, "--name", "思明区法律援助中心", "--kind", "legal_aid_centre",
        "--division", XIAMEN_SIMING, "--phone", "0592-2222348", "--services", "legal_aid",
        "--json", env=wang,
    )  # fmt: skip
    assert added.code == 0, added.err
    entry = json.loads(added.out)
    listed = cli("directory", "list", folder, "--division", XIAMEN_SIMING, "--json", env=wang)
    names = [o["name"] for o in json.loads(listed.out)]
    assert names[:5] and "思明区法律援助中心" in names and "12338 妇女维权公益服务热线" in names
    only_police = cli("directory", "list", folder, "--kind", "police", env=wang)
    assert only_police.out.strip().count("\n") == 0 and "110" in only_police.out
    edited = cli("directory", "edit", folder, str(entry["id"]), "--hours", "9:00-17:00", env=wang)
    assert edited.code == 0 and "Changed" in edited.out
    bad = cli("directory", "edit", folder, "9999", "--hours", "x", env=wang)
    assert bad.code == 1 and "no organisation with id 9999" in bad.err
    assert "Traceback" not in bad.err

    out = tmp_path / "dir.json"
    refused = cli("directory", "export", folder, "--out", str(out), env=wang)
    assert refused.code == 1 and not out.exists()
    assert cli("directory", "export", folder, "--out", str(out), env=chen).code == 0
    again = cli("directory", "import", folder, str(out), "--dry-run", env=chen)
    assert again.code == 0 and "dry run" in again.out

    sheet = tmp_path / "sheet.pdf"
    printed = cli("directory", "sheet", folder, "--division", XIAMEN_SIMING, "--case", CONSENTED,
                  "--out", str(sheet), env=wang)  # fmt: skip
    assert printed.code == 0, printed.err
    assert "思明区法律援助中心" in _pdf_text(sheet.read_bytes())

    letter = tmp_path / "letter.pdf"
    sent = cli("refer-letter", folder, CONSENTED, "--to", str(entry["id"]), "--sections",
               "profile", "--out", str(letter), env=wang)  # fmt: skip
    assert sent.code == 0, sent.err
    assert SENTINEL_NAME in _pdf_text(letter.read_bytes())


def test_an_organisation_with_a_vault_is_linked_to_its_contact_and_not_sent_letters(units, cli):
    services = units.services("shelter", "chen")
    hospital_contact = services.referrals.contact("Hospital")
    linked = services.directory.add(replace(_hospital(), contact_id=hospital_contact.id))
    assert services.directory.contact_of(linked) == "Hospital"
    letters = services.directory.letter_recipients()
    assert linked.name not in [o.name for o in letters]
    with pytest.raises(AftercareError, match="does not exist"):
        services.directory.add(replace(_legal_aid(), contact_id=9999))

    folder = str(units.folders["shelter"])
    added = cli("directory", "add", folder, "--name", "X", "--kind", "ngo", "--contact",
                "Hospital", "--json", env=credentials("chen"))  # fmt: skip
    assert added.code == 0 and json.loads(added.out)["contact_id"] == hospital_contact.id
    unknown = cli("directory", "add", folder, "--name", "Y", "--kind", "ngo", "--contact",
                  "Nobody", env=credentials("chen"))  # fmt: skip
    assert unknown.code == 1 and "no contact named" in unknown.err
