"""`aftercare caseload` and `aftercare assign` on a vault with known cases."""

from __future__ import annotations

import json

from tests.case_examples import TODAY
from tests.helpers import credentials, run_cli
from tests.services.conftest import MINIMAL, PLANTED, Team


def test_caseload_prints_what_the_home_page_shows(team: Team, capsys):
    team.services("caseworker").cases.close_case(MINIMAL, TODAY, "independent_living")
    done = run_cli(["caseload", str(team.folder), "--json"], capsys, env=credentials("wang"))
    assert done.code == 0, done.err
    view = json.loads(done.out)
    assert view["user"] == "wang"
    assert sum(view["my_cases"]["closure_requested"].values()) == 1
    assert view["closures_awaiting_approval"] == []
    # The supervisor's queue holds the request; her own caseload is empty.
    done = run_cli(["caseload", str(team.folder), "--json"], capsys, env=credentials("chen"))
    view = json.loads(done.out)
    assert [c["case_number"] for c in view["closures_awaiting_approval"]] == [MINIMAL]
    assert view["my_cases"] == {}
    done = run_cli(["caseload", str(team.folder)], capsys, env=credentials("chen"))
    assert done.code == 0 and "Closures awaiting approval: 1" in done.out
    assert MINIMAL in done.out


def test_assign_moves_a_case_and_refuses_clearly(team: Team, capsys):
    folder = str(team.folder)
    done = run_cli(["assign", folder, PLANTED, "--to", "chen"], capsys, env=credentials("chen"))
    assert done.code == 0, done.err
    assert f"chen now holds case {PLANTED}" in done.out
    assert team.services("supervisor").caseload.holder(PLANTED) == "chen"
    # wang no longer holds it: refused in one line, nothing changed.
    done = run_cli(["assign", folder, PLANTED, "--to", "wang"], capsys, env=credentials("wang"))
    assert done.code == 1 and len(done.err.strip().splitlines()) == 1
    assert "may not assign a case" in done.err
    done = run_cli(["assign", folder, "NOPE-1", "--to", "wang"], capsys, env=credentials("chen"))
    assert done.code == 1 and "NOPE-1" in done.err
    assert team.services("supervisor").caseload.holder(PLANTED) == "chen"
