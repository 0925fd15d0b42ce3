"""Hypothesis strategies that turn a valid JSON document into a bad one.

`mutated(base)` draws a document: `base` (a JSON value) with one to three changes to its
values, then, sometimes, a change to its bytes:

- values: one value anywhere replaced by something of another type or range (text, numbers
  of any size, NaN, booleans, null, lists, objects, dates that do not exist, codes), a key
  removed or added, a list entry repeated or removed, a count nudged by a little;
- placeholders in values that become, in the bytes, what Python objects cannot be: nesting
  thousands of levels deep, a text of megabytes, an integer of thousands of digits, NaN and
  Infinity, a lone surrogate (invalid UTF-8);
- bytes: cut off at any point, one byte changed, junk inserted, a repeated key, another
  encoding (UTF-16, GB18030, Latin-1) or a byte-order mark.

`resign`, when given, is applied (half the time) to the changed document before it is
written, so a summary with wrong content but a good signature reaches the checks behind the
signature check.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from tests.reliability.conftest import FULL

_MARK = "\ue000"  # a private-use character: a placeholder's start and end in the JSON text
_PLACEHOLDER = re.compile(rf'"{_MARK}(\w+):(\d+){_MARK}"')

Path = tuple[Any, ...]


def _placeholder(kind: str, n: int) -> str:
    return f"{_MARK}{kind}:{n}{_MARK}"


def _expand(found: re.Match) -> str:
    kind, n = found[1], int(found[2])
    if kind == "deep":
        return "[" * n + "]" * n
    if kind == "deepobj":
        return '{"a":' * n + "1" + "}" * n
    if kind == "bigtext":  # at most 200,000 characters: the search index holds every trigram
        return '"' + "案" * min(n, 200_000) + '"'
    if kind == "bigint":
        return "9" * n
    if kind == "nan":
        return ("NaN", "Infinity", "-Infinity")[n % 3]
    if kind == "surrogate":
        return '"\\ud800x"' if n % 2 else '"\ud800"'
    raise ValueError(kind)


def render(doc: Any) -> bytes:
    """The document's JSON bytes, with every placeholder expanded."""
    text = json.dumps(doc, ensure_ascii=False, allow_nan=True)
    return _PLACEHOLDER.sub(_expand, text).encode("utf-8", "surrogatepass")


_WORDS = st.sampled_from(
    [
        "",
        " ",
        "2026-11-28",
        "2026-02-30",
        "2099-01-01",
        "1899-12-31",
        "26-1-1",
        "0000-01",
        "2026-Q3",
        "2026-Q5",
        "350100",
        "female",
        "open",
        "closed",
        "shelter_care",
        "none",
        "suppression",
        "aftercare.cases",
        "aftercare.summary",
        "total",
        "\x00",
        "林小梅",
        "Nguyễn",
    ]
)
_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(-3, 30)
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | st.text(max_size=30)
    | _WORDS
)
EVIL = st.recursive(
    _LEAF,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
) | st.builds(
    _placeholder,
    st.sampled_from(["deep", "deepobj", "bigtext", "bigint", "nan", "surrogate"]),
    st.sampled_from([1, 2, 50, 1_000, 5_000, 100_000, *([1_000_000] * FULL)]),
)


def _paths(value: Any, here: Path = ()) -> list[Path]:
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*here, i))
    return found


def _get(doc: Any, path: Path) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _mutate_value(draw, doc: Any) -> Any:
    path = draw(st.sampled_from(_paths(doc)))
    target = _get(doc, path)
    kind = draw(st.sampled_from(["replace", "replace", "remove", "add", "repeat", "nudge"]))
    if kind == "replace" or (not path and kind == "remove"):
        new = draw(EVIL)
        if not path:
            return new
        _get(doc, path[:-1])[path[-1]] = new
    elif kind == "remove" and path:
        parent = _get(doc, path[:-1])
        del parent[path[-1]]
    elif kind == "add" and isinstance(target, dict):
        target[draw(st.text(max_size=12) | _WORDS)] = draw(EVIL)
    elif kind == "repeat" and isinstance(target, list) and target:
        target.insert(
            draw(st.integers(0, len(target))), copy.deepcopy(draw(st.sampled_from(target)))
        )
    elif kind == "nudge" and path and type(target) is int:
        _get(doc, path[:-1])[path[-1]] = target + draw(st.integers(-3, 3))
    elif path:  # the chosen change does not fit this value: replace it instead
        _get(doc, path[:-1])[path[-1]] = draw(EVIL)
    return doc


def _mutate_bytes(draw, raw: bytes) -> bytes:
    kind = draw(st.sampled_from(["cut", "flip", "insert", "repeat_key", "encoding"]))
    at = draw(st.integers(0, max(len(raw) - 1, 0)))
    if kind == "cut":
        return raw[:at]
    if kind == "flip" and raw:
        return raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1 :]
    if kind == "insert":
        return raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    if kind == "repeat_key":
        brace = raw.find(b"{", at)
        if brace >= 0:
            return raw[: brace + 1] + b'"k":1,"k":2,' + raw[brace + 1 :]
        return raw
    text = raw.decode("utf-8", "surrogatepass")
    codec = draw(st.sampled_from(["utf-16", "utf-16-le", "gb18030", "latin-1", "utf-8-sig"]))
    return text.encode(codec, "replace")


@st.composite
def mutated(draw, base: Any, *, resign: Callable[[dict], dict] | None = None) -> tuple[bytes, str]:
    """(bytes, how): a changed copy of `base` and a few words on how it was changed."""
    doc = copy.deepcopy(base)
    changes = draw(st.integers(1, 3))
    for _ in range(changes):
        doc = _mutate_value(draw, doc)
    how = f"{changes} value changes"
    if resign is not None and isinstance(doc, dict) and draw(st.booleans()):
        doc = resign(doc)
        how += ", signed again"
    raw = render(doc)
    if draw(st.integers(0, 3)) == 0:
        raw = _mutate_bytes(draw, raw)
        how += ", bytes changed"
    return raw, how
