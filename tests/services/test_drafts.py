"""Drafts kept in the vault on an automatic lock: per user, access-checked, audited, removable."""

from __future__ import annotations

import pytest

from app import audit
from app.errors import AccessDenied, AftercareError
from tests.services.conftest import FULL, MINIMAL


def test_a_draft_is_the_users_own_and_replaced_per_form(team):
    wang = team.services("caseworker")
    wang.drafts.save(MINIMAL, "profile", {"full_name": "王小红", "phone": "138"})
    wang.drafts.save(MINIMAL, "profile", {"full_name": "王小红", "phone": "1380"})
    wang.drafts.save(MINIMAL, "care_plan:entry", {"kind": "schooling"})
    found = {d.section: d.payload for d in wang.drafts.for_case(MINIMAL)}
    assert found == {
        "care_plan:entry": {"kind": "schooling"},
        "profile": {"full_name": "王小红", "phone": "1380"},
    }
    assert team.services("supervisor").drafts.for_case(MINIMAL) == []
    assert wang.drafts.for_case(FULL) == []

    wang.drafts.discard(MINIMAL, "profile")
    assert [d.section for d in wang.drafts.for_case(MINIMAL)] == ["care_plan:entry"]
    wang.drafts.discard(MINIMAL)
    assert wang.drafts.for_case(MINIMAL) == []

    actions = [e.action for e in audit.entries(team.conn) if e.case_number == MINIMAL]
    assert actions.count("case_draft_saved") == 3
    assert actions.count("case_draft_discarded") == 2
    assert audit.verify(team.conn).ok


def test_a_draft_needs_write_on_its_section_and_an_existing_case(team):
    health = team.services("health")
    health.drafts.save(MINIMAL, "medical:entry", {"kind": "medical_care"})
    with pytest.raises(AccessDenied):
        health.drafts.save(MINIMAL, "profile", {"full_name": "x"})
    with pytest.raises(AftercareError, match="no case numbered"):
        team.services("caseworker").drafts.save("XX-0000", "profile", {})
