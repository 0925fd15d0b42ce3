"""The three-way merge of one section, entry by entry: one-sided changes taken, an entry
changed on both sides a conflict of that entry alone."""

from __future__ import annotations

from app.referrals.sections import EntryConflict, merge_keyed


def svc(kind: str, status: str, notes: str | None = None) -> dict:
    return {"kind": kind, "status": status, "notes": notes}


BASE = {"services": [["a", svc("shelter_care", "ongoing")]], "guardian": {"status": "tracing"}}


def test_a_change_on_their_side_only_is_taken():
    theirs = {"services": [["a", svc("shelter_care", "completed")]], "guardian": BASE["guardian"]}
    assert merge_keyed(BASE, BASE, theirs) == (theirs, [])


def test_no_change_on_their_side_keeps_mine():
    mine = {"services": [["a", svc("shelter_care", "cancelled")]], "guardian": {"status": "x"}}
    assert merge_keyed(BASE, mine, BASE) == (mine, [])


def test_entries_added_on_both_sides_are_all_kept_once():
    mine = {**BASE, "services": [*BASE["services"], ["m", svc("schooling", "planned")]]}
    theirs = {**BASE, "services": [*BASE["services"], ["t", svc("vocational_training", "ongoing")]]}
    merged, conflicts = merge_keyed(BASE, mine, theirs)
    assert conflicts == []
    assert [uid for uid, _v in merged["services"]] == ["a", "m", "t"]
    assert merge_keyed(BASE, merged, theirs) == (merged, [])  # the same reply again adds nothing


def test_different_entries_changed_on_each_side_merge():
    base = {"services": [["a", svc("shelter_care", "ongoing")], ["b", svc("schooling", "planned")]]}
    mine = {"services": [["a", svc("shelter_care", "ongoing", "room 3")], base["services"][1]]}
    theirs = {"services": [base["services"][0], ["b", svc("schooling", "ongoing")]]}
    assert merge_keyed(base, mine, theirs) == (
        {
            "services": [
                ["a", svc("shelter_care", "ongoing", "room 3")],
                ["b", svc("schooling", "ongoing")],
            ]
        },
        [],
    )


def test_the_same_entry_changed_on_both_sides_is_a_conflict_of_that_entry_only():
    base = {"services": [["a", svc("shelter_care", "ongoing")], ["b", svc("schooling", "planned")]]}
    mine = {"services": [["a", svc("shelter_care", "cancelled")], base["services"][1]]}
    theirs = {
        "services": [["a", svc("shelter_care", "completed")], ["b", svc("schooling", "ongoing")]]
    }
    merged, conflicts = merge_keyed(base, mine, theirs)
    assert conflicts == [
        EntryConflict(
            "services", "a", svc("shelter_care", "cancelled"), svc("shelter_care", "completed")
        )
    ]
    # Mine is kept for the conflicting entry; the other entry's change is taken.
    assert merged == {"services": [mine["services"][0], theirs["services"][1]]}
    assert merge_keyed(base, mine, mine) == (mine, [])  # the same change on both sides


def test_removed_on_one_side_and_changed_on_the_other_is_a_conflict():
    mine = {"services": [], "guardian": BASE["guardian"]}
    theirs = {"services": [["a", svc("shelter_care", "completed")]], "guardian": BASE["guardian"]}
    merged, conflicts = merge_keyed(BASE, mine, theirs)
    assert merged["services"] == []
    assert conflicts == [EntryConflict("services", "a", None, svc("shelter_care", "completed"))]


def test_removed_on_their_side_only_is_removed():
    theirs = {"services": [], "guardian": BASE["guardian"]}
    assert merge_keyed(BASE, BASE, theirs)[0]["services"] == []


def test_the_guardian_changed_on_both_sides_is_a_conflict():
    mine = {**BASE, "guardian": {"status": "not_found"}}
    theirs = {**BASE, "guardian": {"status": "with_guardian"}}
    merged, conflicts = merge_keyed(BASE, mine, theirs)
    assert merged["guardian"] == {"status": "not_found"}
    assert conflicts == [EntryConflict("guardian", None, mine["guardian"], theirs["guardian"])]


def test_lists_of_a_section_that_was_not_sent_start_from_nothing():
    mine = {"services": [["m", svc("medical_care", "planned")]]}
    theirs = {"services": [["t", svc("medical_care", "completed")]]}
    merged, conflicts = merge_keyed({}, mine, theirs)
    assert conflicts == [] and merged == {"services": [*mine["services"], *theirs["services"]]}
