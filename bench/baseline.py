"""The committed figures (the JSON block in docs/benchmarks.md) and regressions against them."""

from __future__ import annotations

import json
import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
TOLERANCE = 0.20
# Figures where more is better; every other number under a size is a time or a size.
HIGHER_IS_BETTER = {"import_cases_per_s", "import_large_cases_per_s"}
IGNORED = {"demo_build_s", "peak_rss_mb", "import_large_peak_rss_mb"}
_BLOCK = re.compile(r"```json\n(.*?)\n```", re.DOTALL)


def load(doc: Path = DOC) -> dict | None:
    """The baseline result, or None when the document or its JSON block is missing."""
    if not doc.exists():
        return None
    found = _BLOCK.search(doc.read_text(encoding="utf-8"))
    return json.loads(found.group(1)) if found else None


def regressions(result: dict, base: dict | None) -> list[str]:
    """One line per figure more than 20% worse than the baseline at the same size."""
    if not base:
        return []
    out = []
    for size, figures in result["sizes"].items():
        old = base.get("sizes", {}).get(size, {})
        for key, value in figures.items():
            before = old.get(key)
            if (
                key in IGNORED
                or key.startswith("encrypted_over_plain_")
                or not isinstance(value, int | float)
                or not isinstance(before, int | float)
                or not before
                or not value
            ):
                continue
            worse = before / value - 1 if key in HIGHER_IS_BETTER else value / before - 1
            if worse > TOLERANCE:
                out.append(f"{key} at {size} cases: {value} against {before} ({worse:+.0%} worse)")
    return out
