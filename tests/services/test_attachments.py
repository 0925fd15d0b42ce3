"""Attachments through the service: kinds, limits, thumbnails, section rights, the photo,
audit entries, and removal."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from app import audit
from app.errors import AccessDenied, AftercareError
from app.services.attachments import MAX_BYTES, THUMBNAIL_PX
from tests import attachment_files as files
from tests.services.conftest import FULL, MINIMAL


def test_a_scan_is_stored_with_a_thumbnail_and_read_back_whole(team):
    wang = team.services("caseworker")
    data = files.png(size=(1200, 800))
    added = wang.attachments.add(MINIMAL, data, title="  ID card,   front ", section="profile")
    assert (added.kind, added.size, added.title) == ("png", len(data), "ID card, front")
    assert added.sha256 == hashlib.sha256(data).hexdigest() and added.added_by == "wang"
    with Image.open(io.BytesIO(wang.attachments.thumbnail(MINIMAL, added.id))) as thumb:
        assert max(thumb.size) == THUMBNAIL_PX and thumb.size[0] > thumb.size[1]
    found, content = wang.attachments.content(MINIMAL, added.id)
    assert content == data and found == added
    pdf = wang.attachments.add(MINIMAL, files.pdf(), title="Consent", section="consent")
    assert pdf.kind == "pdf" and wang.attachments.thumbnail(MINIMAL, pdf.id) is None
    assert [a.id for a in wang.attachments.for_case(MINIMAL)] == [added.id, pdf.id]
    assert wang.attachments.for_case(FULL) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (files.zip_file(), "is not a JPEG, PNG or PDF file"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "cannot be read; it may be damaged"),
        (b"%PDF-" + b"\x00" * MAX_BYTES, "is 20.0 MB; an attachment may be at most 20 MB"),
    ],
)
def test_a_file_that_cannot_be_attached_is_refused_with_its_name_and_nothing_stored(
    team, data, message
):
    wang = team.services("caseworker")
    with pytest.raises(AftercareError, match=message) as refused:
        wang.attachments.add(MINIMAL, data, title="scan", source="scan-07.bin")
    assert "scan-07.bin" in str(refused.value)
    assert wang.attachments.for_case(MINIMAL) == []


def test_each_section_is_seen_only_by_its_readers(team):
    wang, health = team.services("caseworker"), team.services("health")
    legal, supervisor = team.services("legal"), team.services("supervisor")
    medical = health.attachments.add(MINIMAL, files.pdf(), title="Lab report", section="medical")
    court = legal.attachments.add(MINIMAL, files.pdf(), title="Judgment", section="legal")
    scan = wang.attachments.add(MINIMAL, files.jpeg(), title="ID card", section="profile")

    def seen(services) -> set[str]:
        return {a.title for a in services.attachments.for_case(MINIMAL)}

    assert seen(health) == {"Lab report"}  # LIST on the profile: not the ID card
    assert seen(legal) == {"Judgment"}
    assert seen(wang) == {"ID card"}  # LIST on medical and legal: not even a title
    assert seen(supervisor) == {"Judgment", "ID card"}
    with pytest.raises(AccessDenied):
        wang.attachments.content(MINIMAL, medical.id)
    with pytest.raises(AccessDenied):
        health.attachments.export(MINIMAL, scan.id)
    with pytest.raises(AccessDenied):
        supervisor.attachments.add(MINIMAL, files.pdf(), title="x", section="legal")
    with pytest.raises(AccessDenied):
        supervisor.attachments.remove(MINIMAL, court.id)
    refused = [e for e in audit.entries(team.conn) if e.action == "access_denied"]
    assert len(refused) == 4


def test_the_photo_is_seen_with_the_profile_and_replaced_by_a_newer_one(team):
    wang, health = team.services("caseworker"), team.services("health")
    with pytest.raises(AftercareError, match="must be a JPEG or PNG"):
        wang.attachments.add(MINIMAL, files.pdf(), title="Photo", photo=True)
    first = wang.attachments.add(MINIMAL, files.jpeg(), title="Photo", photo=True)
    second = wang.attachments.add(MINIMAL, files.png(), title="Photo 2", photo=True)
    found, thumbnail = health.attachments.photo(MINIMAL)
    assert found.id == second.id and thumbnail.startswith(b"\x89PNG")
    assert [a.is_photo for a in wang.attachments.for_case(MINIMAL)] == [False, True]
    assert {a.id for a in health.attachments.for_case(MINIMAL)} == {second.id}
    assert first.id != second.id and team.services("admin").attachments.photo(MINIMAL)


def test_viewing_exporting_and_removing_are_audited_without_titles(team):
    wang = team.services("caseworker")
    added = wang.attachments.add(MINIMAL, files.png(), title="Secret title 甲", section="notes")
    wang.attachments.content(MINIMAL, added.id)
    wang.attachments.export(MINIMAL, added.id)
    wang.attachments.export(MINIMAL, added.id, purpose="viewer")
    wang.attachments.remove(MINIMAL, added.id)
    entries = sorted(
        (e for e in audit.entries(team.conn) if e.action.startswith("attachment_")),
        key=lambda e: e.id,
    )
    assert [e.action for e in entries] == [
        "attachment_added", "attachment_viewed", "attachment_exported", "attachment_exported",
        "attachment_removed",
    ]  # fmt: skip
    assert [e.detail.get("purpose") for e in entries[2:4]] == ["export", "viewer"]
    assert all("Secret title" not in str(e.detail) for e in entries)
    assert wang.attachments.for_case(MINIMAL) == []
    with pytest.raises(AftercareError, match="has no attachment"):
        wang.attachments.content(MINIMAL, added.id)
    assert audit.verify(team.conn).ok
