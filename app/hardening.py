"""What the process does about its own memory before it touches a vault.

While a vault is unlocked, this process holds its data key, the rows it has read and up to
64 MB of decrypted database pages (app.storage.connection.CACHE_KIB). A core dump would
write all of that to disk in the clear, so core dumps are switched off at start (soft and
hard limit 0, so that nothing later in the process can switch them on again).
"""

from __future__ import annotations

import contextlib


def no_core_dumps() -> None:
    try:
        import resource
    except ImportError:  # Windows: no core files; crash dumps are the system's setting
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
