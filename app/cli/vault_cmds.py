"""Subcommands that manage the vault itself: init, user, passwd, audit, backup, restore,
recovery-kit.

None of them makes an automatic backup on locking (app.vault.auto_backup says why)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from app import access
from app.access import Action
from app.cli import common
from app.cli.common import Subparsers
from app.codes import Role
from app.errors import AccessDenied, AftercareError
from app.i18n import _, ngettext
from app.services import Services
from app.vault import backup, kit
from app.vault.vault import Vault


def register(sub: Subparsers) -> None:
    p = sub.add_parser("init", help=_("create a vault"))
    p.add_argument("vault")
    p.add_argument("--unit-code", required=True)
    p.add_argument("--unit-name", required=True)
    p.add_argument("--prefecture", required=True, help=_("GB/T 2260 code, e.g. 350100"))
    p.add_argument("--admin", required=True, help=_("the first administrator's login name"))
    p.add_argument(
        "--kit",
        metavar="FILE",
        help=_("also write the recovery kit PDF (print it, then delete it)"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_init)

    p = sub.add_parser(
        "recovery-kit",
        help=_("make a new recovery code and its printable kit; the old code stops working"),
    )
    p.add_argument("vault")
    p.add_argument("--out", required=True)
    p.set_defaults(run=cmd_recovery_kit)

    p = sub.add_parser("user", help=_("add or remove users (administrators)"))
    user_sub = p.add_subparsers(dest="user_command", required=True)
    q = user_sub.add_parser("add")
    q.add_argument("vault")
    q.add_argument("--name", required=True)
    q.add_argument("--role", required=True, choices=[r.value for r in Role])
    q.set_defaults(run=cmd_user_add)
    q = user_sub.add_parser("remove")
    q.add_argument("vault")
    q.add_argument("--name", required=True)
    q.set_defaults(run=cmd_user_remove)
    q = user_sub.add_parser("list")
    q.add_argument("vault")
    q.add_argument("--json", action="store_true")
    q.set_defaults(run=cmd_user_list)

    p = sub.add_parser("passwd", help=_("change your passphrase"))
    p.add_argument("vault")
    p.set_defaults(run=cmd_passwd)

    p = sub.add_parser("audit", help=_("check or show the audit trail"))
    audit_sub = p.add_subparsers(dest="audit_command", required=True)
    q = audit_sub.add_parser("verify")
    q.add_argument("vault")
    q.add_argument("--json", action="store_true")
    q.set_defaults(run=cmd_audit_verify)
    q = audit_sub.add_parser("show")
    q.add_argument("vault")
    q.add_argument("--case")
    q.add_argument("--json", action="store_true")
    q.set_defaults(run=cmd_audit_show)

    p = sub.add_parser("backup", help=_("write an encrypted, verified backup"))
    p.add_argument("vault")
    p.add_argument("--out", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_backup)

    p = sub.add_parser("restore", help=_("restore a backup into a new folder"))
    p.add_argument("file")
    p.add_argument("--to", required=True)
    p.set_defaults(run=cmd_restore)


def cmd_init(args: argparse.Namespace) -> int:
    folder = Path(args.vault)
    if folder.exists() and (folder / "vault.db").exists():
        raise AftercareError(
            _("{path} already holds a vault; nothing was changed.").format(path=folder)
        )
    if args.kit:
        kit.check_target(args.kit)
    secret = common.new_passphrase(_("passphrase for {name}").format(name=args.admin))
    opened, code = Vault.create(
        folder,
        unit_code=args.unit_code,
        unit_name=args.unit_name,
        prefecture=args.prefecture,
        admin_name=args.admin,
        admin_passphrase=secret,
    )
    kit_failed = None
    try:
        if args.kit:
            kit.write_kit(opened, code, args.kit)
    except kit.KitNotWritten as exc:
        kit_failed = exc  # the vault exists: show its code below, then the error
    finally:
        opened.lock()
    text = _(
        "Vault created in {path}.\n\nRecovery code (shown only now; write it down, seal it, keep it apart from this laptop):\n\n    {code}\n"
    ).format(path=folder, code=code)
    if args.kit and kit_failed is None:
        text += "\n" + _(
            "The recovery kit is in {file}. It holds the code and is not encrypted: print it, "
            "then delete the file."
        ).format(file=args.kit)
    common.emit(args, {"vault": str(folder), "recovery_code": code, "kit": args.kit}, text)
    if kit_failed is not None:
        raise kit_failed
    return 0


def cmd_recovery_kit(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        try:
            kit.new_recovery_kit(opened, args.out)
        except kit.KitNotWritten as exc:
            # The old code no longer works: this is the only chance to see the new one.
            print(
                _(
                    "The new recovery code (write it down now, seal it, keep it apart from this laptop):\n\n    {code}\n"
                ).format(code=exc.code)
            )
            raise
    print(
        _(
            "New recovery kit written to {file}; the old recovery code no longer works. The PDF "
            "holds the code and is not encrypted: print it, then delete the file."
        ).format(file=args.out)
    )
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        access.require(opened, Action.MANAGE_USERS)
        user = opened.add_user(
            args.name,
            args.role,
            common.new_passphrase(_("passphrase for {name}").format(name=args.name)),
        )
    print(_("User “{name}” added as {role}.").format(name=user.name, role=user.role))
    return 0


def cmd_user_remove(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        opened.remove_user(args.name)
    print(_("User “{name}” removed; the data key was rotated.").format(name=args.name))
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        access.require(opened, Action.MANAGE_USERS)
        users = opened.users()
    common.emit(args, [u.__dict__ for u in users], "\n".join(f"{u.name}\t{u.role}" for u in users))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        opened.change_passphrase(common.passphrase(), common.new_passphrase())
    print(_("Passphrase changed."))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        result = Services(opened).audit_trail.verify()
    if result.ok:
        common.emit(
            args,
            result.__dict__,
            ngettext(
                "The audit trail holds: {n} entry verified.",
                "The audit trail holds: {n} entries verified.",
                result.entries,
            ).format(n=result.entries),
        )
        return 0
    common.emit(args, result.__dict__, "")
    print(
        _("aftercare: the audit trail is broken at entry {id}: {reason}.").format(
            id=result.first_broken, reason=result.reason
        ),
        file=sys.stderr,
    )
    return 1


def cmd_audit_show(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        found = Services(opened).audit_trail.entries(case_number=args.case)
    lines = [
        f"{e.id}\t{e.at}\t{e.user_name or '-'}\t{e.action}\t{e.case_number or ''}\t{json.dumps(e.detail, ensure_ascii=False) if e.detail else ''}"
        for e in reversed(found)
    ]
    common.emit(args, [e.__dict__ for e in reversed(found)], "\n".join(lines))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with common.session(args.vault) as opened:
        info = Services(opened).backups.write_to(Path(args.out))
    common.emit(
        args,
        {"file": str(info.path), "sha256": info.sha256, "size": info.size},
        _("Backup written and verified: {path}").format(path=info.path),
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore, then unlock the copy: the restored vault's own table decides whether its
    user may restore it (there is no other vault open to ask); a refused copy is removed."""
    target = Path(args.to)
    backup.restore_backup(Path(args.file), target)
    try:
        opened = common.unlock(target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    try:
        access.require(opened, Action.RESTORE_BACKUP)
    except AccessDenied:
        opened.lock()
        shutil.rmtree(target, ignore_errors=True)
        raise
    try:
        backup.verify_restored(target, opened.conn)
        with opened.write():
            opened.audit("restored_from_backup", detail={"file": Path(args.file).name})
    finally:
        opened.lock()
    print(
        _("Backup restored into {path}; it opens and its database is intact.").format(path=target)
    )
    return 0
