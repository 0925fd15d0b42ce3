"""The three-way merge of one section: one-sided changes taken, two-sided ones a conflict."""

from __future__ import annotations

from app.referrals.sections import merge


def svc(kind: str, status: str, notes: str | None = None) -> dict:
    return {"kind": kind, "status": status, "notes": notes}


BASE = {"services": [svc("shelter_care", "ongoing")], "guardian": {"status": "tracing"}}


def test_a_change_on_their_side_only_is_taken():
    theirs = {"services": [svc("shelter_care", "completed")], "guardian": {"status": "tracing"}}
    assert merge(BASE, BASE, theirs) == theirs


def test_no_change_on_their_side_keeps_mine():
    mine = {"services": [svc("shelter_care", "cancelled")], "guardian": {"status": "not_found"}}
    assert merge(BASE, mine, BASE) == mine


def test_entries_added_on_both_sides_are_all_kept_once():
    mine = {**BASE, "services": [*BASE["services"], svc("schooling", "planned")]}
    theirs = {**BASE, "services": [*BASE["services"], svc("vocational_training", "ongoing")]}
    merged = merge(BASE, mine, theirs)
    assert merged["services"] == [
        svc("shelter_care", "ongoing"),
        svc("schooling", "planned"),
        svc("vocational_training", "ongoing"),
    ]
    assert merge(BASE, merged, theirs) == merged  # the same reply again adds nothing


def test_different_entries_changed_on_each_side_merge():
    base = {"services": [svc("shelter_care", "ongoing"), svc("schooling", "planned")]}
    mine = {"services": [svc("shelter_care", "ongoing", "room 3"), svc("schooling", "planned")]}
    theirs = {"services": [svc("shelter_care", "ongoing"), svc("schooling", "ongoing")]}
    assert merge(base, mine, theirs) == {
        "services": [svc("shelter_care", "ongoing", "room 3"), svc("schooling", "ongoing")]
    }


def test_the_same_entry_changed_on_both_sides_is_a_conflict():
    mine = {**BASE, "services": [svc("shelter_care", "cancelled")]}
    theirs = {**BASE, "services": [svc("shelter_care", "completed")]}
    assert merge(BASE, mine, theirs) is None
    assert merge(BASE, mine, mine) == mine  # the same change on both sides is no conflict


def test_the_guardian_changed_on_both_sides_is_a_conflict():
    mine = {**BASE, "guardian": {"status": "not_found"}}
    theirs = {**BASE, "guardian": {"status": "with_guardian"}}
    assert merge(BASE, mine, theirs) is None


def test_lists_of_a_section_that_was_not_sent_start_from_nothing():
    mine = {"services": [svc("medical_care", "planned")]}
    theirs = {"services": [svc("medical_care", "completed")]}
    assert merge({}, mine, theirs) == {"services": [*mine["services"], *theirs["services"]]}
