"""``safepassage restore ARCHIVE --keys LATEST_KEY_FILE [--keyring]``: into an empty database.

Data keys missing from the latest key file (people shredded since the archive was taken)
come back shredded.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safepassage.vault import backups
from safepassage.vault.errors import VaultError


class Command(BaseCommand):
    help = "Restore an encrypted backup archive into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--keys", type=Path, required=True, help="the latest key file")
        parser.add_argument(
            "--keyring",
            action="store_true",
            help="also write the archive's keyring to SAFEPASSAGE_VAULT_KEYRING_FILE",
        )

    def handle(self, *args, archive: Path, keys: Path, keyring: bool, **options):
        try:
            result = backups.restore(archive=archive, keys=keys, restore_keyring=keyring)
        except VaultError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored the {result['engine']} database of {result['created_at']}: "
            f"{result['data_keys']} data keys, {result['shredded_since']} shredded since"
        )
