"""``safepassage backup ARCHIVE [--keys FILE] [--with-keyring]``: an encrypted backup.

Writes the archive (keep it as long as backups are kept) and replaces the key file (keep
only the latest: a shred after this backup is defeated only once this key file is gone).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safepassage.vault import backups
from safepassage.vault.errors import VaultError


class Command(BaseCommand):
    help = "Write an encrypted backup archive and replace the latest key file."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--keys", type=Path, default=None, help="the key file to replace")
        parser.add_argument(
            "--with-keyring", action="store_true", help="seal the master keys into the archive"
        )

    def handle(self, *args, archive: Path, keys: Path | None, with_keyring: bool, **options):
        keys = keys or Path(settings.BACKUP_KEYS_FILE)
        try:
            manifest = backups.backup(archive=archive, keys=keys, with_keyring=with_keyring)
        except VaultError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"archive {archive}: {manifest['engine']} database, {manifest['data_keys']} data "
            f"keys{' and the keyring' if with_keyring else ''}\n"
            f"key file {keys}: {manifest['wrapped']} wrapped keys (replaces the previous one)"
        )
