"""Cache-Control: what a signed-in person or a token holder saw is never kept by a cache.

Every URL and role is checked in ``test_authorization_matrix``; these are the cases outside
its matrix: the admin, the JSON API with a bearer token, and what stays cacheable.
"""

from __future__ import annotations

import pytest
from django.test import Client

from safepassage.accounts.models import Role
from safepassage.testing.members import make_member, signed_in_client

pytestmark = pytest.mark.django_db


def test_the_admin_is_never_cached():
    superuser = make_member(Role.Code.DIRECTOR, superuser=True)
    response = signed_in_client(superuser).get("/admin/accounts/user/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_an_api_call_with_a_bearer_token_is_never_cached():
    response = Client().get("/api/v1/check-in", headers={"Authorization": "Bearer made-up"})
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


def test_static_files_and_public_pages_stay_cacheable(director):
    signed_in = signed_in_client(director)
    static = signed_in.get("/static/safepassage/site.css")
    assert static.status_code == 200
    b"".join(static.streaming_content)
    assert "no-store" not in static.get("Cache-Control", "")
    health = Client().get("/health/")
    assert "no-store" not in health.get("Cache-Control", "")
