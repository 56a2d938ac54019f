"""The demo organisation, built once for all the demo's tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings


@contextmanager
def built_demo(mail_folder: Path) -> Iterator[str]:
    """Build the demo inside a transaction that is rolled back afterwards; yields what the
    command printed. E-mail goes to files in ``mail_folder``, as in the demo itself."""
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(mail_folder)},
        }
    }
    with override_settings(MAILERS=mailers), transaction.atomic():
        out = StringIO()
        # What the command queues after its commit (alert e-mails, receipts) is queued
        # here too, inside the transaction that is rolled back.
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("demo", no_serve=True, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
