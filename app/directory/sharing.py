"""The directory file: a unit's list of organisations, signed, for other units to merge.

    {"format": "aftercare-directory", "version": 1,
     "publisher": {"unit": "350200-01", "name": "..."}, "published_at": "2026-12-06T...",
     "organisations": [{uid, name, kind, services, division, address, phones, hours,
                        languages, notes}, ...],
     "signature": {"alg": "ed25519", "key_id", "public_key", "value"}}

The signature (Ed25519, by the publishing vault's unit key) covers the canonical JSON of
everything else, as summaries do (app/reports/signing.py), so any changed byte is refused.
The national hotlines are not in the file: every vault has them.

Merging (`plan_merge`) follows one rule: the publisher's entries are the publisher's, the
vault's own are the vault's. An entry new to the vault is added; one merged earlier from the
same publisher is updated, or removed when the publisher no longer lists it; one the vault
typed itself, or edited after merging it, is kept as it is and reported.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field, replace
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.directory.model import Organisation, checked
from app.errors import AftercareError
from app.i18n import _
from app.reports.signing import canonical_bytes, key_id, public_key_raw

FORMAT = "aftercare-directory"
VERSION = 1
MAX_FILE_BYTES = 5 * 2**20  # a province's list is a few hundred entries, a few hundred KB
MAX_ENTRIES = 20_000


def write_file(
    entries: list[Organisation],
    *,
    unit_code: str,
    unit_name: str,
    published_at: str,
    signing_key: Ed25519PrivateKey,
) -> bytes:
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "publisher": {"unit": unit_code, "name": unit_name},
        "published_at": published_at,
        "organisations": [e.shared_fields() for e in entries if not e.national],
    }
    raw = public_key_raw(signing_key)
    doc["signature"] = {
        "alg": "ed25519",
        "key_id": key_id(raw),
        "public_key": base64.b64encode(raw).decode("ascii"),
        "value": base64.b64encode(signing_key.sign(canonical_bytes(doc))).decode("ascii"),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


@dataclass(frozen=True)
class DirectoryFile:
    publisher_unit: str
    publisher_name: str
    published_at: str
    key_id: str
    public_key: bytes
    organisations: list[Organisation]


def _bad(source: str, reason: str) -> AftercareError:
    return AftercareError(
        _("{file} is not a directory file Aftercare can read: {reason}").format(
            file=source, reason=reason
        )
    )


def _verified_key(doc: dict[str, Any], source: str) -> tuple[str, bytes]:
    signature = doc.get("signature")
    if not isinstance(signature, dict) or signature.get("alg") != "ed25519":
        raise _bad(source, _("it is not signed"))
    try:
        public = base64.b64decode(str(signature.get("public_key")), validate=True)
        value = base64.b64decode(str(signature.get("value")), validate=True)
        Ed25519PublicKey.from_public_bytes(public).verify(value, canonical_bytes(doc))
    except (ValueError, binascii.Error, InvalidSignature):
        raise AftercareError(
            _(
                "{file} was changed after it was signed (or is damaged); nothing was imported. "
                "Ask the publisher for the file again."
            ).format(file=source)
        ) from None
    if signature.get("key_id") != key_id(public):
        raise _bad(source, _("its key id does not match its key"))
    return key_id(public), public


def _organisation(item: object, number: int, source: str) -> Organisation:
    if not isinstance(item, dict) or not isinstance(item.get("uid"), str) or not item["uid"]:
        raise _bad(source, _("organisation {n} has no uid").format(n=number))

    def listed(key: str) -> tuple[str, ...]:
        value = item.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _bad(source, _("organisation {n}: {key} must be a list of text").format(
                n=number, key=key))  # fmt: skip
        return tuple(value)

    raw = Organisation(
        uid=item["uid"][:64],
        name=str(item.get("name") or ""),
        kind=str(item.get("kind") or ""),
        services=listed("services"),
        division=item.get("division") if isinstance(item.get("division"), str) else None,
        address=str(item.get("address") or ""),
        phones=listed("phones"),
        hours=str(item.get("hours") or ""),
        languages=listed("languages"),
        notes=str(item.get("notes") or ""),
    )
    try:
        return checked(raw)
    except AftercareError as exc:
        name = raw.name or raw.uid
        reason = _("organisation {n} ({name}): {reason}").format(n=number, name=name, reason=exc)
        raise _bad(source, reason) from None


def read_file(data: bytes, source: str) -> DirectoryFile:
    """Check size, format and signature before anything else; AftercareError if any fails."""
    if len(data) > MAX_FILE_BYTES:
        raise _bad(source, _("it is larger than {mb} MB").format(mb=MAX_FILE_BYTES // 2**20))
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _bad(source, _("it is not JSON")) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _bad(source, _("it is not an Aftercare directory file"))
    if doc.get("version") != VERSION:
        raise _bad(source, _("version {v} is not supported").format(v=doc.get("version")))
    signer, public = _verified_key(doc, source)
    items = doc.get("organisations")
    publisher = doc.get("publisher")
    if not isinstance(items, list) or not isinstance(publisher, dict):
        raise _bad(source, _("it has no list of organisations"))
    if len(items) > MAX_ENTRIES:
        raise _bad(source, _("it lists more than {n} organisations").format(n=MAX_ENTRIES))
    organisations = [_organisation(item, n, source) for n, item in enumerate(items, 1)]
    uids = [o.uid for o in organisations]
    if len(set(uids)) != len(uids):
        raise _bad(source, _("an organisation is listed twice"))
    return DirectoryFile(
        publisher_unit=str(publisher.get("unit") or ""),
        publisher_name=str(publisher.get("name") or ""),
        published_at=str(doc.get("published_at") or ""),
        key_id=signer,
        public_key=public,
        organisations=organisations,
    )


@dataclass
class MergePlan:
    """What importing a directory file would do; nothing is written until it is applied."""

    added: list[Organisation] = field(default_factory=list)
    updated: list[tuple[Organisation, Organisation]] = field(default_factory=list)  # old, new
    removed: list[Organisation] = field(default_factory=list)
    kept_ours: list[Organisation] = field(default_factory=list)  # ours, not overwritten
    unchanged: int = 0

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.updated) + len(self.removed)


def plan_merge(current: list[Organisation], incoming: DirectoryFile) -> MergePlan:
    plan = MergePlan()
    by_uid = {o.uid: o for o in current}
    listed = set()
    for new in incoming.organisations:
        listed.add(new.uid)
        old = by_uid.get(new.uid)
        if old is None:
            plan.added.append(replace(new, source=incoming.key_id))
        elif old.source != incoming.key_id:
            plan.kept_ours.append(old)
        elif old.shared_fields() != new.shared_fields():
            plan.updated.append((old, replace(new, id=old.id, contact_id=old.contact_id,
                                              source=incoming.key_id)))  # fmt: skip
        else:
            plan.unchanged += 1
    plan.removed = [o for o in current if o.source == incoming.key_id and o.uid not in listed]
    return plan
