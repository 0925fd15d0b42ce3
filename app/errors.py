"""The one exception type for errors a person can cause.

Its message says what went wrong and where (which file, which user, which case and key
path), already translated. The CLI prints it on one line and exits 1; the window shows it in
a dialog. Anything else that escapes is a bug.
"""


class AftercareError(Exception):
    """A problem the user can understand and act on; nothing was changed."""


class AccessDenied(AftercareError):
    """The signed-in user's role may not do this."""


class LockedOut(AftercareError):
    """Too many failed unlocks; `wait_s` says how long until the next try."""

    def __init__(self, message: str, wait_s: float):
        super().__init__(message)
        self.wait_s = wait_s
