"""New case numbers: one width per unit, set by its administrator."""

from __future__ import annotations

import pytest

from app.errors import AccessDenied, AftercareError


def test_new_case_numbers_keep_the_units_width(team):
    wang, admin = team.services("caseworker"), team.services("admin")
    assert wang.cases.next_case_number("QQ", 2026) == "QQ-2026-0001"
    admin.cases.set_case_number_digits(5)
    assert wang.cases.next_case_number("QQ", 2026) == "QQ-2026-00001"
    # Numbers already wider than the setting keep their width: FZ-2026-0100 -> 0101.
    admin.cases.set_case_number_digits(3)
    assert wang.cases.next_case_number("FZ", 2026) == "FZ-2026-0101"
    with pytest.raises(AccessDenied):
        wang.cases.set_case_number_digits(6)
    with pytest.raises(AftercareError, match="3 to 8 digits"):
        admin.cases.set_case_number_digits(12)
