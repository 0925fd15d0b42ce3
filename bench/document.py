"""`python -m bench.document N SEED PREFIX`: a cases-v1 document of N invented cases, on stdout.

The import benchmark makes its documents in a child process with this, so that holding the
generated cases does not set the measuring process's peak memory.
"""

from __future__ import annotations

import sys

from app.demo_data import generate_cases
from app.interchange.cases_v1 import dump_document
from bench.vaults import TODAY


def main(argv: list[str]) -> int:
    count, seed, prefix = int(argv[0]), int(argv[1]), argv[2]
    sys.stdout.buffer.write(
        dump_document(list(generate_cases(count, seed, today=TODAY, prefix=prefix)))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
