"""The vault's encrypted pages, checked as they are copied, without decrypting them.

SQLCipher 4 (the settings `connect` uses: 4096-byte pages, HMAC-SHA512, a raw 256-bit key)
ends every page with a 16-byte IV and a 64-byte HMAC of the page's ciphertext, its IV and its
page number (4 bytes, little-endian). The HMAC key is PBKDF2-HMAC-SHA512 of the data key, with
the file's salt (its first 16 bytes, which page 1 keeps in the clear) XOR 0x3a, 2 iterations.
Checking every page's HMAC finds any damaged or altered byte of the file, as
`PRAGMA cipher_integrity_check` does, while the bytes pass through a backup on their way to
the archive: one read of the file, no second pass, nothing decrypted.
`tests/test_backup_pages.py` checks this against SQLCipher itself.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

PAGE_SIZE = 4096
HMAC_SIZE = 64
SALT_SIZE = 16
_HMAC_SALT_MASK = 0x3A
_HMAC_KDF_ITERATIONS = 2
_PAGES_PER_CHUNK = 256  # 1 MiB read at a time
_CHECKS_AHEAD = 4  # chunks the writer may be ahead of the checks (memory: a few MiB)


class DamagedPage(Exception):
    """A page whose HMAC does not match: the file was damaged or altered (page numbers from 1)."""

    def __init__(self, page: int):
        super().__init__(page)
        self.page = page


class PageChecker:
    """Checks pages of one database file (its salt is the first 16 bytes of page 1)."""

    def __init__(self, data_key: bytes, salt: bytes):
        mask = bytes(b ^ _HMAC_SALT_MASK for b in salt)
        key = hashlib.pbkdf2_hmac("sha512", data_key, mask, _HMAC_KDF_ITERATIONS, 32)
        self._base = hmac.new(key, digestmod="sha512")

    def check(self, chunk: bytes, first_page: int) -> None:
        """Check the whole pages in `chunk`, numbered from `first_page`; DamagedPage if one fails."""
        view = memoryview(chunk)
        for number, start in enumerate(range(0, len(chunk), PAGE_SIZE), start=first_page):
            # Page 1 begins with the salt, which is not encrypted and not in its HMAC.
            body_start = start + SALT_SIZE if number == 1 else start
            mac_start = start + PAGE_SIZE - HMAC_SIZE
            mac = self._base.copy()
            mac.update(view[body_start:mac_start])
            mac.update(struct.pack("<I", number))
            if not hmac.compare_digest(mac.digest(), view[mac_start : start + PAGE_SIZE]):
                raise DamagedPage(number)


def page_chunks(fh: BinaryIO, size: int) -> Iterator[tuple[int, bytes]]:
    """(number of the chunk's first page, chunk) for the first `size` bytes of a database file,
    a MiB of whole pages at a time; ValueError when `size` is not whole pages or the file ends
    early."""
    if size % PAGE_SIZE or size == 0:
        raise ValueError(f"a database of {size} bytes is not whole pages of {PAGE_SIZE}")
    first_page, remaining = 1, size
    while remaining:
        chunk = fh.read(min(remaining, PAGE_SIZE * _PAGES_PER_CHUNK))
        if not chunk or len(chunk) % PAGE_SIZE:
            raise ValueError("the database file ended early")
        yield first_page, chunk
        first_page += len(chunk) // PAGE_SIZE
        remaining -= len(chunk)


def copy_checked(fh: BinaryIO, data_key: bytes, size: int, sink: Callable[[bytes], object]) -> None:
    """Hand the first `size` bytes of the database file `fh` to `sink`, a MiB at a time, and
    check every page's HMAC. The checks run on a second thread while `sink` writes (hashlib
    and file writes let go of the GIL), so a backup takes about the longer of the two rather
    than their sum; DamagedPage for a page that fails, once the chunks before it are handed on.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-check") as pool:
        checker: PageChecker | None = None
        pending: deque[Future[None]] = deque()
        for first_page, chunk in page_chunks(fh, size):
            checker = checker or PageChecker(data_key, chunk[:SALT_SIZE])
            pending.append(pool.submit(checker.check, chunk, first_page))
            sink(chunk)
            while len(pending) > _CHECKS_AHEAD or (pending and pending[0].done()):
                pending.popleft().result()
        for check in pending:
            check.result()
