"""Case sections to and from the JSON stored in the database (the cases-v1 shapes)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

from app.domain.model import Consent, Guardian, Intake, Origin, Person


def date_text(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default, separators=(",", ":"))


def person_json(person: Person) -> str:
    return dumps(asdict(person))


def person_from(text: str) -> Person:
    d = json.loads(text)
    d["date_of_birth"] = parse_date(d.get("date_of_birth"))
    d["origin"] = Origin(**(d.get("origin") or {}))
    return Person(**d)


def intake_json(intake: Intake) -> str:
    return dumps(asdict(intake))


def intake_from(text: str) -> Intake:
    d = json.loads(text)
    d["identified_on"] = parse_date(d.get("identified_on"))
    return Intake(**d)


def consents_json(consents: list[Consent]) -> str:
    return dumps([asdict(c) for c in consents])


def consents_from(text: str) -> list[Consent]:
    return [
        Consent(
            c["purpose"],
            c["given"],
            parse_date(c["recorded_on"]),
            parse_date(c.get("withdrawn_on")),
        )
        for c in json.loads(text)
    ]


def guardian_json(guardian: Guardian | None) -> str | None:
    return dumps(asdict(guardian)) if guardian is not None else None


def guardian_from(text: str | None) -> Guardian | None:
    return Guardian(**json.loads(text)) if text else None
