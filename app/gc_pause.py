"""Pausing Python's cyclic garbage collector while a large structure without cycles is built.

Allocating hundreds of thousands of containers (a parsed case file, a summary's facts) sets
off collections that walk every one of them again and again, for nothing: parsed JSON,
cases and facts form no reference cycles. Reading a large document took half its time in
them; a summary of a year at 100,000 cases about a third of its reading.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector's earlier state is restored."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
