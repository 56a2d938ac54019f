"""``safepassage shred APP.MODEL CODE --reason ...``: destroy one record's data key."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from safepassage.vault import services
from safepassage.vault.fields import protected_fields


class Command(BaseCommand):
    help = "Crypto-shred one record: its protected values become unreadable for good."

    def add_arguments(self, parser):
        parser.add_argument("model", help="e.g. cases.person")
        parser.add_argument("code", help="the record's code")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, model: str, code: str, reason: str, yes: bool, **options):
        try:
            model_class = apps.get_model(model)
        except (LookupError, ValueError):
            raise CommandError(f"unknown model {model!r}") from None
        if not protected_fields(model_class):
            raise CommandError(f"{model} has no protected fields")
        obj = model_class.objects.filter(code=code.upper()).first()
        if obj is None:
            raise CommandError(f"no {model} with code {code!r}")
        if not yes:
            answer = input(f"Shred {model} {obj.code} for good? Type the code to confirm: ")
            if answer.strip().upper() != obj.code:
                raise CommandError("not confirmed; nothing was changed")
        services.shred(record_obj=obj, actor="command line", reason=reason)
        self.stdout.write(f"shredded {model} {obj.code}")
