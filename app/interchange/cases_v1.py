"""Reading and writing cases-v1 documents (../shared/spec/cases-v1.md).

Reading has two stages, so that an importer can choose all-or-nothing or skip-invalid:

1. `parse_document` checks the document as a whole (JSON, `format`, `version`, top-level
   keys) and raises AftercareError when it is wrong, since then no case can be trusted. It
   then checks each case's *structure* (known keys, required keys, JSON types, dates written
   `YYYY-MM-DD` that exist) and returns a `ParsedDocument`: one entry per case in the file,
   the Case or None, and the structure problems by position.
2. `check_document` adds the rules of `validate_case` (codes, dates not in the future,
   closure, guardian, ...) and duplicate case numbers within the file.

`read_cases` does both and applies the importer's choice. Writing (`case_to_dict`,
`dump_document`) gives keys in the order of the spec and leaves out the storage ids, so
that reading a written document gives back the same cases.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from app.domain.model import (
    Case,
    Consent,
    Followup,
    Guardian,
    Intake,
    Note,
    Origin,
    Person,
    Referral,
    Service,
)
from app.domain.validation import Problem, case_label, validate_case
from app.errors import AftercareError
from app.gc_pause import collector_paused
from app.i18n import _

FORMAT = "aftercare.cases"
VERSION = 1
TOP_LEVEL_KEYS = ("format", "version", "cases")
# Far above a real shelter's files (100,000 cases are ~200 MB); parsing a file this size
# already takes several times its size in memory.
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")

# --- the shape of a case ------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    kind: str  # text, date, int, bool, texts, object, objects, details
    required: bool = False
    nullable: bool = False
    schema: _Schema | None = None

    @property
    def nested(self) -> _Schema:
        """The schema of an object or objects field (which always has one)."""
        if self.schema is None:
            raise TypeError(f"a {self.kind} field has no nested schema")
        return self.schema


@dataclass(frozen=True)
class _Schema:
    build: Callable[..., Any]
    fields: dict[str, _Field]  # in the order of the spec, which is the order written


def _f(
    kind: str, *, required: bool = False, nullable: bool = False, schema: _Schema | None = None
) -> _Field:
    return _Field(kind, required, nullable, schema)


_ORIGIN = _Schema(
    Origin, {"country": _f("text", nullable=True), "division": _f("text", nullable=True)}
)
_PERSON = _Schema(
    Person,
    {
        "full_name": _f("text", required=True),
        "aliases": _f("texts"),
        "sex": _f("text"),
        "date_of_birth": _f("date", nullable=True),
        "age_at_intake": _f("int", nullable=True),
        "id_number": _f("text", nullable=True),
        "phone": _f("text", nullable=True),
        "address": _f("text", nullable=True),
        # null is read as an empty origin: neither country nor division known
        "origin": _f("object", nullable=True, schema=_ORIGIN),
        "languages": _f("texts"),
        "disability": _f("bool", nullable=True),
    },
)
_INTAKE = _Schema(
    Intake,
    {
        "identified_on": _f("date", nullable=True),
        "prefecture": _f("text"),
        "identified_by": _f("text"),
        "police_case_number": _f("text", nullable=True),
        "exploitation": _f("texts"),
        "relationship_to_trafficker": _f("text"),
        "cross_border": _f("bool"),
        "narrative": _f("text", nullable=True),
    },
)
_CONSENT = _Schema(
    Consent,
    {
        "purpose": _f("text", required=True),
        "given": _f("bool", required=True),
        "recorded_on": _f("date", required=True),
        "withdrawn_on": _f("date", nullable=True),
    },
)
_GUARDIAN = _Schema(
    Guardian, {"status": _f("text", required=True), "notes": _f("text", nullable=True)}
)
_SERVICE = _Schema(
    Service,
    {
        "kind": _f("text", required=True),
        "status": _f("text", required=True),
        "started_on": _f("date", nullable=True),
        "ended_on": _f("date", nullable=True),
        "provider": _f("text", nullable=True),
        "details": _f("details"),
        "notes": _f("text", nullable=True),
    },
)
_FOLLOWUP = _Schema(
    Followup,
    {
        "due_on": _f("date", required=True),
        "done_on": _f("date", nullable=True),
        "living_conditions": _f("text", nullable=True),
        "notes": _f("text", nullable=True),
    },
)
_REFERRAL = _Schema(
    Referral,
    {
        "to": _f("text", required=True),
        "organisation": _f("text", nullable=True),
        "sent_on": _f("date", required=True),
        "status": _f("text"),
        "reason": _f("text", nullable=True),
    },
)
_NOTE = _Schema(
    Note,
    {
        "written_on": _f("date", required=True),
        "section": _f("text", required=True),
        "text": _f("text", required=True),
    },
)
_CASE = _Schema(
    Case,
    {
        "case_number": _f("text", required=True),
        "status": _f("text", required=True),
        "opened_on": _f("date", required=True),
        "closed_on": _f("date", nullable=True),
        "closure_reason": _f("text", nullable=True),
        "person": _f("object", required=True, schema=_PERSON),
        "intake": _f("object", required=True, schema=_INTAKE),
        "consents": _f("objects", schema=_CONSENT),
        "guardian": _f("object", nullable=True, schema=_GUARDIAN),
        "services": _f("objects", schema=_SERVICE),
        "followups": _f("objects", schema=_FOLLOWUP),
        "referrals": _f("objects", schema=_REFERRAL),
        "notes": _f("objects", schema=_NOTE),
    },
)

# --- writing --------------------------------------------------------------------------------


def _to_json(obj: Any, schema: _Schema) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, spec in schema.fields.items():
        value = getattr(obj, key)
        if value is None:
            out[key] = None
        elif spec.kind == "date":
            out[key] = value.isoformat()
        elif spec.kind == "object":
            out[key] = _to_json(value, spec.nested)
        elif spec.kind == "objects":
            out[key] = [_to_json(item, spec.nested) for item in value]
        elif spec.kind in ("texts", "details"):
            out[key] = list(value) if spec.kind == "texts" else dict(value)
        else:
            out[key] = value
    return out


def case_to_dict(case: Case) -> dict[str, Any]:
    """The case as cases-v1 JSON values, keys in the spec's order, without storage ids."""
    return _to_json(case, _CASE)


def dump_document(cases: Iterable[Case]) -> bytes:
    """A whole cases-v1 document: UTF-8, Chinese as is, indented, ending in a newline."""
    doc = {"format": FORMAT, "version": VERSION, "cases": [case_to_dict(c) for c in cases]}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- reading --------------------------------------------------------------------------------


@dataclass
class ParsedDocument:
    """One entry per case in the file: the Case, or None where its structure is wrong."""

    cases: list[Case | None]
    problems: dict[int, list[Problem]] = field(default_factory=dict)  # by position in the file


@dataclass
class ReadResult:
    cases: list[Case]  # the valid cases, in file order
    skipped: dict[int, list[Problem]]  # position in the file -> problems (skip-invalid only)


class InvalidDocument(AftercareError):
    """Some cases of a document have problems; `problems` holds all of them."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


class _DuplicateKey(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key would silently keep only its last value; refuse it instead.
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(_("{value} is not a number JSON allows").format(value=name))


def _load_json(raw: bytes, source: str) -> Any:
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise AftercareError(
            _("{source} is larger than {limit} MB; split it into smaller files").format(
                source=source, limit=MAX_DOCUMENT_BYTES // (1024 * 1024)
            )
        )
    try:
        text = raw.decode("utf-8-sig")  # spreadsheet tools on Windows start files with a BOM
    except UnicodeDecodeError as exc:
        raise AftercareError(
            _("{source} is not UTF-8 text (byte {offset})").format(source=source, offset=exc.start)
        ) from None
    try:
        doc = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise AftercareError(
            _("{source} is not valid JSON: {reason} at line {line}, column {column}").format(
                source=source, reason=exc.msg, line=exc.lineno, column=exc.colno
            )
        ) from None
    except _DuplicateKey as exc:
        raise AftercareError(
            _('{source}: the key "{key}" appears twice in one object').format(
                source=source, key=exc.args[0]
            )
        ) from None
    except RecursionError:
        raise AftercareError(
            _("{source} is nested too deeply to be a case file").format(source=source)
        ) from None
    except ValueError as exc:  # NaN or Infinity, or an integer of thousands of digits
        raise AftercareError(
            _("{source} is not valid JSON: {reason}").format(source=source, reason=exc)
        ) from None
    # An escaped lone surrogate ("\ud800") parses into a string that is no text and that the
    # database cannot store; only a file with surrogate escapes needs the walk.
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(doc):
        raise AftercareError(
            _(
                "{source} is not valid JSON: it holds an escaped half of a UTF-16 surrogate pair"
            ).format(source=source)
        )
    return doc


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _check_top_level(doc: Any, source: str) -> list[Any]:
    if not isinstance(doc, dict):
        raise AftercareError(
            _("{source} is not a case file: it must be one JSON object").format(source=source)
        )
    if doc.get("format") != FORMAT:
        raise AftercareError(
            _('{source} is not a case file: "format" must be "{format}"').format(
                source=source, format=FORMAT
            )
        )
    if "version" not in doc:
        raise AftercareError(_('{source}: "version" is missing').format(source=source))
    version = doc["version"]
    if type(version) is not int or version != VERSION:
        raise AftercareError(
            _(
                "{source} has version {version} of the case format; this program reads version 1"
            ).format(source=source, version=json.dumps(version))
        )
    for key in doc:
        if key not in TOP_LEVEL_KEYS:
            raise AftercareError(
                _('{source}: unknown top-level key "{key}"').format(source=source, key=key)
            )
    cases = doc.get("cases")
    if not isinstance(cases, list):
        raise AftercareError(_('{source}: "cases" must be a list of cases').format(source=source))
    return cases


class _Reader:
    """Builds one case from its JSON value, collecting every structure problem."""

    def __init__(self, label: str):
        self.label = label
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.label, path, message))

    def read_object(self, value: Any, schema: _Schema, path: str) -> Any:
        if not isinstance(value, dict):
            self.add(path, _("must be an object"))
            return None
        before = len(self.problems)
        prefix = f"{path}." if path else ""
        for key in value:
            if key not in schema.fields:
                self.add(prefix + key, _("is not a key of the case format"))
        kwargs = {}
        for key, spec in schema.fields.items():
            if key not in value:
                if spec.required:
                    self.add(prefix + key, _("is missing"))
                continue
            kwargs[key] = self.read_value(value[key], spec, prefix + key)
        if len(self.problems) > before:
            return None
        return schema.build(**kwargs)

    def read_value(self, value: Any, spec: _Field, path: str) -> Any:
        if value is None:
            if spec.kind == "object" and spec.nullable and spec.schema is _ORIGIN:
                return Origin()
            if not spec.nullable:
                self.add(path, _("must not be null"))
            return None
        if spec.kind == "text":
            return self.text(value, path)
        if spec.kind == "date":
            return self.date(value, path)
        if spec.kind == "int":
            if type(value) is not int:
                self.add(path, _("must be a whole number"))
            return value
        if spec.kind == "bool":
            if not isinstance(value, bool):
                self.add(path, _("must be true or false"))
            return value
        if spec.kind == "details":
            if not isinstance(value, dict):
                self.add(path, _("must be an object"))
            return value
        if spec.kind == "object":
            return self.read_object(value, spec.nested, path)
        if not isinstance(value, list):
            self.add(path, _("must be a list"))
            return None
        if spec.kind == "texts":
            return [self.text(item, f"{path}[{i}]") for i, item in enumerate(value)]
        return [self.read_object(item, spec.nested, f"{path}[{i}]") for i, item in enumerate(value)]

    def text(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            self.add(path, _("must be text"))
        return value

    def date(self, value: Any, path: str) -> dt.date | None:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            self.add(path, _("must be a date written YYYY-MM-DD"))
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.add(path, _("is not a real date: {value}").format(value=value))
            return None


class _NotPlain(Exception):
    """The fast reader met something the careful one must look at."""


# Valid dates seen, so the same day is checked and built once per import (files repeat few
# thousand days); bounded, so a file of invented dates cannot grow it without end.
_DATES: dict[str, dt.date] = {}
_DATES_MAX = 50_000


def _fast_date(value: Any) -> dt.date:
    found = _DATES.get(value) if type(value) is str else None
    if found is not None:
        return found
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise _NotPlain
    try:
        found = dt.date.fromisoformat(value)
    except ValueError:
        raise _NotPlain from None
    if len(_DATES) < _DATES_MAX:
        _DATES[value] = found
    return found


def _fast_object(value: Any, schema: _Schema) -> Any:
    """The object `_Reader.read_object` builds when it finds no problem; raises _NotPlain
    at the first thing it would report, so the careful reader can say what and where.
    Same checks, in one pass and without building key paths: most files have no problem."""
    if not isinstance(value, dict):
        raise _NotPlain
    fields = schema.fields
    for key in value:
        if key not in fields:
            raise _NotPlain
    kwargs = {}
    for key, spec in fields.items():
        if key not in value:
            if spec.required:
                raise _NotPlain
            continue
        item = value[key]
        kind = spec.kind
        if item is None:
            if kind == "object" and spec.nullable and spec.schema is _ORIGIN:
                item = Origin()
            elif not spec.nullable:
                raise _NotPlain
        elif kind == "text":
            if not isinstance(item, str):
                raise _NotPlain
        elif kind == "date":
            item = _fast_date(item)
        elif kind == "int":
            if type(item) is not int:
                raise _NotPlain
        elif kind == "bool":
            if not isinstance(item, bool):
                raise _NotPlain
        elif kind == "details":
            if not isinstance(item, dict):
                raise _NotPlain
        elif kind == "object":
            item = _fast_object(item, spec.nested)
        elif not isinstance(item, list):
            raise _NotPlain
        elif kind == "texts":
            for text in item:
                if not isinstance(text, str):
                    raise _NotPlain
            item = list(item)
        else:
            item_schema = spec.nested
            item = [_fast_object(entry, item_schema) for entry in item]
        kwargs[key] = item
    return schema.build(**kwargs)


def parse_document(raw: bytes, source: str = "file") -> ParsedDocument:
    """Read a cases-v1 document; raise AftercareError when the document itself is wrong.

    `source` names the file in messages (pass the file's base name, never a path that could
    name a person). Per-case structure problems are returned, not raised.
    """
    with collector_paused():
        return _parse_entries(_check_top_level(_load_json(raw, source), source))


def _parse_entries(entries: list[Any]) -> ParsedDocument:
    parsed = ParsedDocument(cases=[])
    for index, entry in enumerate(entries):
        try:
            parsed.cases.append(_fast_object(entry, _CASE))
            continue
        except _NotPlain:
            pass
        number = entry.get("case_number") if isinstance(entry, dict) else None
        reader = _Reader(case_label(number, index))
        case = reader.read_object(entry, _CASE, "")
        parsed.cases.append(case)
        if reader.problems:
            parsed.problems[index] = reader.problems
    return parsed


def check_document(parsed: ParsedDocument, today: dt.date) -> dict[int, list[Problem]]:
    """Every problem of every case, by position: structure, validation, repeated numbers."""
    problems = {index: list(found) for index, found in parsed.problems.items()}
    first_at: dict[str, int] = {}
    for index, case in enumerate(parsed.cases):
        if case is None:
            continue
        found = validate_case(case, today, index)
        number = case.case_number
        if number in first_at:
            found.append(
                Problem(
                    case_label(number, index),
                    "case_number",
                    _("is also the number of case #{first} in this file").format(
                        first=first_at[number] + 1
                    ),
                )
            )
        elif number.strip():
            first_at[number] = index
        if found:
            problems[index] = found
    return problems


def read_cases(
    raw: bytes, today: dt.date, *, source: str = "file", skip_invalid: bool = False
) -> ReadResult:
    """The cases of a document, ready to import.

    All or nothing by default: any problem raises InvalidDocument listing them. With
    `skip_invalid`, the valid cases are returned and the others reported in `skipped`.
    Whether a case number already exists in the vault is for the importer to check.
    """
    parsed = parse_document(raw, source)
    problems = check_document(parsed, today)
    if problems and not skip_invalid:
        flat = [p for index in sorted(problems) for p in problems[index]]
        shown = "; ".join(str(p) for p in flat[:10])
        if len(flat) > 10:
            shown += "; " + _("and {count} more").format(count=len(flat) - 10)
        raise InvalidDocument(
            _("{source}: {invalid} of {total} cases have problems: {problems}").format(
                source=source, invalid=len(problems), total=len(parsed.cases), problems=shown
            ),
            flat,
        )
    valid = [c for i, c in enumerate(parsed.cases) if c is not None and i not in problems]
    return ReadResult(cases=valid, skipped=problems)
