from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from safepassage.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is changed by nobody, the admin included."""

    list_display = ["seq", "created_at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["=action", "=actor_label", "=target_id", "=request_id"]
    ordering = ["-seq"]
    # Counting a million rows on every page view is slow and tells nobody anything.
    show_full_result_count = False
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
