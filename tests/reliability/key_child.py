"""The child process of test_crash_keys.py: one key change, then wait to be killed.

    python tests/reliability/key_child.py VAULT_FOLDER remove|passwd

`remove`: unlocks as the admin and removes the caseworker "wang". `passwd`: unlocks as the
health worker "li" and changes her passphrase to NEW. Prints `begin` before the change and
`done` once it returned, then sleeps until the parent's SIGKILL (which may come at any
moment: while starting, unlocking, during the change or after it).
"""

from __future__ import annotations

import sys
import time

from app.vault.vault import Vault
from tests.helpers import ADMIN, ADMIN_PASSPHRASE, TEAM

NEW = "granite harbour violet 5"


def main(folder: str, op: str) -> None:
    if op == "remove":
        opened = Vault(folder).unlock(ADMIN, ADMIN_PASSPHRASE)
        print("begin", flush=True)
        opened.remove_user("wang")
    else:
        opened = Vault(folder).unlock("li", TEAM["li"][1])
        print("begin", flush=True)
        opened.change_passphrase(TEAM["li"][1], NEW)
    print("done", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
