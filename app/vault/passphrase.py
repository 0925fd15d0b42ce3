"""Passphrase rules and a strength estimate for the meter in the first-run wizard.

The rule is simple enough to explain at a shelter's front desk: at least 12 characters, not
a repetition or a keyboard run, not the user's own name, and enough variety. Each refusal
says why, in words a caseworker understands.
"""

from __future__ import annotations

import math
import secrets

from app.errors import AftercareError
from app.i18n import _

MIN_LENGTH = 12
_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc")
_COMMON = (
    "password",
    "passw0rd",
    "aftercare",
    "admin",
    "qwerty",
    "iloveyou",
    "welcome",
    "abc123",
    "woaini",
)


def _pool_size(text: str) -> int:
    pool = 0
    if any(c.islower() for c in text):
        pool += 26
    if any(c.isupper() for c in text):
        pool += 26
    if any(c.isdigit() for c in text):
        pool += 10
    if any(not c.isalnum() and c.isascii() for c in text):
        pool += 32
    if any(not c.isascii() for c in text):
        pool += 2000  # a Chinese character is worth many Latin ones
    return max(pool, 1)


def estimate_bits(text: str) -> float:
    """A rough entropy estimate: distinct characters count, repeats and runs do not."""
    if not text:
        return 0.0
    lowered = text.lower()
    effective = len(set(text)) + 0.5 * (len(text) - len(set(text)))
    for run in _RUNS:
        for i in range(len(run) - 3):
            if run[i : i + 4] in lowered:
                effective -= 2
    for word in _COMMON:
        if word in lowered:
            effective -= len(word) - 1
    return max(0.0, effective) * math.log2(_pool_size(text))


def strength(text: str) -> int:
    """0 (very weak) to 4 (strong), for the meter."""
    bits = estimate_bits(text)
    return 0 if bits < 28 else 1 if bits < 40 else 2 if bits < 55 else 3 if bits < 70 else 4


def problems(text: str, user_name: str = "") -> list[str]:
    """Every reason the passphrase is refused; an empty list means it is accepted."""
    reasons = []
    if len(text) < MIN_LENGTH:
        reasons.append(_("A passphrase needs at least {n} characters.").format(n=MIN_LENGTH))
    if text and len(set(text)) <= 3:
        reasons.append(_("A passphrase must not repeat the same few characters."))
    lowered = text.lower()
    if user_name and len(user_name) >= 3 and user_name.lower() in lowered:
        reasons.append(_("A passphrase must not contain the user's name."))
    if any(word in lowered for word in _COMMON) and estimate_bits(text) < 55:
        reasons.append(_("A passphrase must not be built on a common password."))
    if not reasons and estimate_bits(text) < 40:
        reasons.append(
            _(
                "This passphrase is too easy to guess: use more words or mix letters, digits and signs."
            )
        )
    return reasons


def require_acceptable(text: str, user_name: str = "") -> None:
    found = problems(text, user_name)
    if found:
        raise AftercareError(" ".join(found))


# --- recovery codes --------------------------------------------------------------------------

RECOVERY_GROUPS = 10
RECOVERY_GROUP_DIGITS = 4  # 40 random digits: about 133 bits, read aloud digit by digit


def new_recovery_code() -> str:
    digits = "".join(
        secrets.choice("0123456789") for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_DIGITS)
    )
    return format_recovery_code(digits)


def format_recovery_code(digits: str) -> str:
    groups = [
        digits[i : i + RECOVERY_GROUP_DIGITS] for i in range(0, len(digits), RECOVERY_GROUP_DIGITS)
    ]
    return "-".join(groups)


def normalise_recovery_code(typed: str) -> str:
    """Accept the code as typed back: spaces, dashes and full-width digits are fine."""
    digits = "".join(
        chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c
        for c in typed
        if not c.isspace() and c not in "-－—"
    )
    if len(digits) != RECOVERY_GROUPS * RECOVERY_GROUP_DIGITS or not digits.isdigit():
        raise AftercareError(
            _(
                "A recovery code has {n} digits in groups of {g}; the code typed has a different form."
            ).format(n=RECOVERY_GROUPS * RECOVERY_GROUP_DIGITS, g=RECOVERY_GROUP_DIGITS)
        )
    return digits
