from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# prev_hash of the first entry: there is nothing before it to link to.
GENESIS_HASH = "0" * 64


class AuditEntry(models.Model):
    """One link of the append-only, HMAC-chained audit log.

    Rows are only ever inserted by ``safepassage.audit.chain.record``; triggers refuse
    UPDATE and DELETE (PostgreSQL, and SQLite outside ``flush``). ``hash`` covers every
    other column, so an edit, a deletion or a reordering is found by
    ``safepassage.audit.chain.verify``.
    """

    # Chain order. Set explicitly by record() because the hash covers it and the row cannot
    # be updated after the insert.
    seq = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("time"))
    # Not a ForeignKey: users are never deleted, and the log must not cascade or be blocked.
    actor_id = models.UUIDField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=120)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        constraints = [
            models.CheckConstraint(condition=Q(seq__gte=1), name="audit_entry_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """One row per chain (id 1, 2, …; see ``audit.chains``) naming its latest entry.

    A writer locks one with SELECT ... FOR UPDATE, which serialises the appends to that
    chain on PostgreSQL (on SQLite, BEGIN IMMEDIATE serialises every write and only chain
    1 is used). It also lets verify() notice a cut-off tail.
    ``mac`` authenticates (seq, hash) under a key derived from the audit key
    (``hashing.head_mac``): without the key, the head cannot be moved back over a cut-off
    tail or reset to the empty log. The migration writes the first one; ``record`` each next.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    seq = models.BigIntegerField(_("latest sequence number"), default=0)
    hash = models.CharField(_("latest hash"), max_length=64, default=GENESIS_HASH)
    mac = models.CharField(_("head MAC"), max_length=64, blank=True, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit head")
        verbose_name_plural = _("audit heads")
        constraints = [
            # One row per chain; 8 is audit.chains.CHAINS (a migration, should it change).
            models.CheckConstraint(
                condition=Q(id__gte=1, id__lte=8), name="audit_head_one_per_chain"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.hash}"
