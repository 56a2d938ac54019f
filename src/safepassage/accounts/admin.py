"""Admin pages for superusers (see web/admin_site.py): read-only, since every write must go
through a service that audits; secrets never appear here."""

from django.contrib import admin

from safepassage.accounts.models import Invitation, Role, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "display_name", "is_active", "is_superuser", "created_at"]
    list_filter = ["is_active", "is_superuser", "roles"]
    search_fields = ["email", "display_name"]
    fields = ["email", "display_name", "language", "roles", "is_active"]

    def has_add_permission(self, request):
        # Accounts are created by invitation, so every one has a second factor.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Users are deactivated, never deleted: the audit log names them.
        return False


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "expires_at", "sent_at", "used_at", "revoked_at"]
    fields = ["user", "invited_by", "expires_at", "sent_at", "used_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
