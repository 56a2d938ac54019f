"""Admin pages for verified superusers (see base/admin_site.py); secrets never appear here."""

from django.contrib import admin

from safepassage.accounts.models import Invitation, Role, User
from safepassage.base.admin_site import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "display_name", "is_active", "is_superuser", "created_at"]
    list_filter = ["is_active", "is_superuser", "roles"]
    search_fields = ["email", "display_name"]
    fields = ["email", "display_name", "language", "roles", "is_active"]


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ["code"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["user", "expires_at", "sent_at", "used_at", "revoked_at"]
    fields = ["user", "invited_by", "expires_at", "sent_at", "used_at", "revoked_at"]
