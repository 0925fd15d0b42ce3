"""The cases-v1 JSON import/export (../shared/spec/cases-v1.md)."""

from app.interchange.cases_v1 import (
    InvalidDocument,
    ParsedDocument,
    ReadResult,
    case_to_dict,
    check_document,
    dump_document,
    parse_document,
    read_cases,
)

__all__ = [
    "InvalidDocument",
    "ParsedDocument",
    "ReadResult",
    "case_to_dict",
    "check_document",
    "dump_document",
    "parse_document",
    "read_cases",
]
