"""``safepassage keys``: master-key rotation.

safepassage keys status            which master keys wrap how many data keys
safepassage keys rotate [--new]    (add a fresh master key, then) re-wrap every data key
safepassage keys retire KEY_ID     drop an old master key no data key needs any more
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from tqdm import tqdm

from safepassage.vault import keyring, services
from safepassage.vault.errors import VaultError
from safepassage.vault.models import DataKey


class Command(BaseCommand):
    help = "Show, rotate and retire the vault's master keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status")
        rotate = sub.add_parser("rotate")
        rotate.add_argument("--new", action="store_true", help="add a fresh master key first")
        rotate.add_argument("--batch-size", type=int, default=500)
        retire = sub.add_parser("retire")
        retire.add_argument("key_id")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except VaultError as exc:
            raise CommandError(str(exc)) from None

    def do_status(self, **options):
        ring = keyring.load()
        counts = dict(
            DataKey.objects.filter(wrapped__isnull=False)
            .values_list("master_key_id")
            .annotate(n=Count("id"))
        )
        for kid in sorted(ring.keys):
            mark = " (current)" if kid == ring.current else ""
            self.stdout.write(f"{kid}{mark}: {counts.pop(kid, 0)} data keys")
        for kid, n in counts.items():
            self.stdout.write(self.style.ERROR(f"{kid} (MISSING from keyring): {n} data keys"))
        shredded = DataKey.objects.filter(wrapped__isnull=True).count()
        self.stdout.write(f"shredded: {shredded} data keys")

    def do_rotate(self, *, new: bool, batch_size: int, **options):
        if new:
            ring = keyring.add_key()
            self.stdout.write(f"new master key {ring.current} is now current")
        current = keyring.load().current
        todo = DataKey.objects.exclude(master_key_id=current).filter(wrapped__isnull=False).count()
        bar = tqdm(total=todo, unit="keys", disable=todo == 0, file=self.stderr)
        result = services.rotate(batch_size=batch_size, progress=bar.update)
        bar.close()
        self.stdout.write(
            f"re-wrapped {result.rewrapped} data keys under {result.current}; "
            f"{result.remaining} remain under older keys"
        )
        if result.retired_candidates:
            names = ", ".join(result.retired_candidates)
            self.stdout.write(f"no longer needed: {names} (safepassage keys retire KEY_ID)")

    def do_retire(self, *, key_id: str, **options):
        services.retire(key_id=key_id)
        self.stdout.write(f"retired {key_id}")
