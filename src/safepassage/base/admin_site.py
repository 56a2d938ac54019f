"""The admin is for superusers who signed in with a second factor; to anyone else it is 404."""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.http import Http404


def install_admin_guard(site) -> None:
    original_admin_view = site.admin_view

    def has_permission(request) -> bool:
        user = request.user
        return bool(
            user.is_authenticated and user.is_active and user.is_superuser and user.is_verified()
        )

    def admin_view(view, cacheable=False):
        inner = original_admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return guarded

    def login(request, extra_context=None):
        raise Http404

    site.has_permission = has_permission
    site.admin_view = admin_view
    site.login = login
    site.site_header = "Safe Passage"
    site.site_title = "Safe Passage"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Admin pages only look: every write goes through a service that audits it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
