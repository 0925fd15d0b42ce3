"""Summaries and the roll-up (../shared/spec/summary-v1.md), without the database or PDFs.

- periods: `parse_period("2026-Q3")` -> Period(label, start, end)
- tables: `build_summary_body(cases, period)` -> {"tables", "indicators"} with exact counts;
  `summary_body(facts, period)` the same from `case_facts.CaseFacts` (what the service reads)
- suppression: `protect_body(body, k)`, `protect(table, k)`, `feasible_interval(table, i, j)`
- summary_format: `make_summary_document(...)`, `validate_summary_document(doc)`
- signing: `sign_summary(doc, private_key)`, `verify_summary(doc)`, `key_id(raw)`
- rollup: `rollup(files, trust=..., threshold=5)`, `load_trust_file(path)`
- rollup_xlsx: `write_rollup_xlsx(rollup_doc, path)`
"""
