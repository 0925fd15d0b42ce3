"""Case sections to and from the JSON stored in the database (the cases-v1 shapes)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from app.domain.model import Consent, Guardian, Intake, Origin, Person


def date_text(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def parse_day(value: str) -> dt.date:
    """The date of a column that always holds one."""
    return dt.date.fromisoformat(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default, separators=(",", ":"))


# Hand-written rather than dataclasses.asdict, which is several times slower and is on the
# path of every save and of bulk imports.


def person_json(p: Person) -> str:
    return dumps(
        {
            "full_name": p.full_name,
            "aliases": p.aliases,
            "sex": p.sex,
            "date_of_birth": date_text(p.date_of_birth),
            "age_at_intake": p.age_at_intake,
            "id_number": p.id_number,
            "phone": p.phone,
            "address": p.address,
            "origin": {"country": p.origin.country, "division": p.origin.division},
            "languages": p.languages,
            "disability": p.disability,
        }
    )


def person_from(text: str) -> Person:
    d = json.loads(text)
    d["date_of_birth"] = parse_date(d.get("date_of_birth"))
    d["origin"] = Origin(**(d.get("origin") or {}))
    return Person(**d)


def intake_json(i: Intake) -> str:
    return dumps(
        {
            "identified_on": date_text(i.identified_on),
            "prefecture": i.prefecture,
            "identified_by": i.identified_by,
            "police_case_number": i.police_case_number,
            "exploitation": i.exploitation,
            "relationship_to_trafficker": i.relationship_to_trafficker,
            "cross_border": i.cross_border,
            "narrative": i.narrative,
        }
    )


def intake_from(text: str) -> Intake:
    d = json.loads(text)
    d["identified_on"] = parse_date(d.get("identified_on"))
    return Intake(**d)


def consents_json(consents: list[Consent]) -> str:
    return dumps(
        [
            {
                "purpose": c.purpose,
                "given": c.given,
                "recorded_on": date_text(c.recorded_on),
                "withdrawn_on": date_text(c.withdrawn_on),
            }
            for c in consents
        ]
    )


def consents_from(text: str) -> list[Consent]:
    return [
        Consent(
            c["purpose"],
            c["given"],
            parse_day(c["recorded_on"]),
            parse_date(c.get("withdrawn_on")),
        )
        for c in json.loads(text)
    ]


def guardian_json(guardian: Guardian | None) -> str | None:
    return (
        dumps({"status": guardian.status, "notes": guardian.notes})
        if guardian is not None
        else None
    )


def guardian_from(text: str | None) -> Guardian | None:
    return Guardian(**json.loads(text)) if text else None
