from __future__ import annotations

from django.contrib import admin
from django.test import RequestFactory

from safepassage.audit.models import AuditEntry


def test_the_admin_cannot_add_change_or_delete_entries():
    model_admin = admin.site._registry[AuditEntry]
    request = RequestFactory().get("/")

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
