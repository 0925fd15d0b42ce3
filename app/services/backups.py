"""Backups made and restored by hand: supervisors and administrators (`back_up`,
`restore_backup`).

The automatic backup when the window locks is not here: it is no one's action and runs for
every role (app.vault.auto_backup). The command restores without an open vault; it checks
`restore_backup` on the restored copy instead (app.cli.vault_cmds.cmd_restore).
"""

from __future__ import annotations

from pathlib import Path

from app.access import Action
from app.services.base import VaultService
from app.vault import auto_backup, backup


class Backups(VaultService):
    def back_up_now(self, second_folder: str | Path | None) -> auto_backup.Outcome:
        """The window's "Back up now": into backups/ and the second folder, always."""
        self.require(Action.BACK_UP)
        return auto_backup.back_up(self.opened, second_folder, trigger="manual", force=True)

    def write_to(self, out: Path) -> backup.BackupInfo:
        """`aftercare backup --out FILE`: one verified backup where the user said."""
        self.require(Action.BACK_UP)
        info = backup.write_backup(
            self.opened.folder, self.conn, self.opened.data_key_for_backup(), out
        )
        with self.opened.write():
            self.opened.audit("backup_written", detail={"sha256": info.sha256, "size": info.size})
        return info

    def restore(self, backup_file: Path, target: Path) -> Path:
        """Unpack `backup_file` into the new folder `target`, recorded in this vault."""
        self.require(Action.RESTORE_BACKUP)
        backup.restore_backup(backup_file, target)
        with self.opened.write():
            self.opened.audit(
                "backup_restored", detail={"file": backup_file.name, "to": str(target)}
            )
        return target
