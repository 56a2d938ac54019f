from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

# Migrations name the default ``safepassage.vault.models.new_code``: re-exported here.
from safepassage.base.codes import CODE_ALPHABET, new_code  # noqa: F401
from safepassage.vault.fields import ProtectedField


class DataKey(models.Model):
    """One record's data key, stored only wrapped by a master key outside the database.

    Destroying ``wrapped`` (crypto-shredding) makes every protected value of the record
    unreadable for good, while the record's clear columns keep counting.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    master_key_id = models.CharField(max_length=40, db_index=True)
    wrapped = models.BinaryField(null=True)
    shredded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("data key")
        verbose_name_plural = _("data keys")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(wrapped__isnull=True, shredded_at__isnull=False))
                | models.Q(wrapped__isnull=False, shredded_at__isnull=True),
                name="vault_datakey_wrapped_xor_shredded",
            )
        ]

    def __str__(self) -> str:
        return f"data key {self.id} ({'shredded' if self.shredded_at else self.master_key_id})"


class VaultRecord(models.Model):
    """Base for every model that holds protected fields.

    Gives a UUID primary key (so the row id is known before the first INSERT and can be
    bound into each value's associated data), a short random code for URLs, the record's
    own data key, and timestamps. Declare protected values with ``ProtectedField``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    data_key = models.OneToOneField(
        DataKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __getstate__(self):
        # Never carry a plain data key into a pickle (a cache, a session, a task argument).
        state = super().__getstate__()
        if any(key.startswith("_vault_pending_") for key in state):
            raise TypeError("save a vault record before pickling it: it holds plain values")
        state.pop("_vault_data_key", None)
        return state

    def save(self, *args, **kwargs):
        # Encryption is storage, not business logic: a protected value assigned in
        # plain text must never reach the database, whichever code path saves it.
        from safepassage.vault import records

        update_fields = kwargs.get("update_fields")
        kwargs["update_fields"] = records.seal_pending(self, update_fields)
        if kwargs["update_fields"] is None:
            del kwargs["update_fields"]
        super().save(*args, **kwargs)


class Secret(VaultRecord):
    """A sealed secret belonging to another record, e.g. an authenticator's seed.

    For models that cannot themselves be vault records (django-otp devices need integer
    primary keys) but must not keep a secret in clear.
    """

    value = ProtectedField(_("value"), binary=True)
    purpose = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("sealed secret")
        verbose_name_plural = _("sealed secrets")

    def __str__(self) -> str:
        return f"sealed {self.purpose} {self.code}"
