"""The referral commands, in-process, on copies of the referral vaults."""

from __future__ import annotations

import json

from tests import helpers
from tests.referrals.conftest import CONSENTED, NO_CONSENT


def test_cards_refer_receive_reply_through_the_commands(units, cli):
    shelter, hospital = str(units.folders["shelter"]), str(units.folders["hospital"])
    admin, wang, li = (
        helpers.credentials(helpers.ADMIN),
        helpers.credentials("wang"),
        helpers.credentials("li"),
    )
    card = units.root / "xiamen.accard"
    made = cli("contact", "card", str(units.folders["stranger"]), "--out", str(card), env=admin)
    assert made.code == 0 and card.exists()
    fingerprint = made.out.strip().splitlines()[-1].strip()

    added = cli("contact", "add", shelter, "--card", str(card), "--name", "Xiamen", env=admin)
    assert added.code == 0 and fingerprint in added.out
    wrong = cli(
        "contact", "verify", shelter, "--name", "Xiamen", "--fingerprint", "1" * 30, env=admin
    )
    assert wrong.code == 1 and "does not match" in wrong.err_lines[0]
    ok = cli(
        "contact", "verify", shelter, "--name", "Xiamen", "--fingerprint", fingerprint, env=admin
    )
    assert ok.code == 0
    listed = json.loads(cli("contact", "list", shelter, "--json", env=admin).out)
    assert [(c["name"], c["verified"]) for c in listed] == [("Hospital", True), ("Xiamen", True)]

    refused = cli(
        "refer", shelter, NO_CONSENT, "--to", "Hospital", "--sections", "profile",
        "--out", str(units.outbox), env=wang,
    )  # fmt: skip
    assert refused.code == 1 and "no referral consent" in refused.err
    sent = cli(
        "refer", shelter, CONSENTED, "--to", "Hospital", "--sections", "profile,consent",
        "--out", str(units.outbox), "--json", env=wang,
    )  # fmt: skip
    assert sent.code == 0, sent.err
    package_file = json.loads(sent.out)["file"]

    got = cli("receive", hospital, package_file, "--json", env=li)
    assert got.code == 0, got.err
    number = json.loads(got.out)["case_number"]
    again = cli("receive", hospital, package_file, env=li)
    assert again.code == 1 and "already imported" in again.err

    reply_file = units.root / "reply.acpkg"
    replied = cli("reply", hospital, number, "--out", str(reply_file), "--completed", env=li)
    assert replied.code == 0, replied.err
    merged = cli("receive", shelter, str(reply_file), env=wang)
    assert merged.code == 0 and "Reply from Hospital" in merged.out
    listing = json.loads(cli("referrals", shelter, CONSENTED, "--json", env=wang).out)
    (record,) = listing["referrals"]
    assert (record["state"], record["reply_status"]) == ("replied", "completed")
