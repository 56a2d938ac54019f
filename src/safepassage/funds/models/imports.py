"""Imported files of gifts, and the saved column mappings for CSV files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One imported file. The same file (by SHA-256) is imported at most once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20)
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=200, blank=True)
    counts = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "sha256"], name="funds_import_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"


class ColumnMapping(models.Model):
    """A saved mapping from a CSV's headers to donation fields (cash books, event sheets)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=60, unique=True)
    columns = models.JSONField(default=dict)
    defaults = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
