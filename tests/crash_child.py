"""The child process of tests/test_crash.py: unlock a vault and write until killed.

    python tests/crash_child.py VAULT_FOLDER FIRST_N

Unlocks once as AFTERCARE_USER / AFTERCARE_PASSPHRASE, then writes audit entries in a loop,
one transaction each, through the program's own write path (OpenVault.write + audit). Each
entry's id is printed and flushed only after its transaction committed: a printed id is an
acknowledged write, which must survive the SIGKILL that ends this process.
"""

from __future__ import annotations

import os
import sys


def main(folder: str, first_n: int) -> None:
    from app.vault.vault import Vault

    opened = Vault(folder).unlock(os.environ["AFTERCARE_USER"], os.environ["AFTERCARE_PASSPHRASE"])
    n = first_n
    while True:
        with opened.write():
            entry_id = opened.audit("crash_test", detail={"n": n, "pad": "x" * (n % 7 * 900)})
        print(entry_id, flush=True)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
