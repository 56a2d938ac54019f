"""HEAD answers as GET does (load balancers, link checkers and uptime monitors send it)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safepassage.accounts.models import Role
from safepassage.testing.members import make_member, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/health/", "/accounts/login/"])
def test_head_answers_as_get_for_anyone(client, path):
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code
    assert head.status_code != 405
    assert head.get("Location") == got.get("Location")


@pytest.mark.parametrize("name", ["web:dashboard", "cases:people", "rescue:board", "funds:totals"])
def test_head_answers_as_get_for_staff(name):
    client = signed_in_client(make_member(Role.Code.DIRECTOR))
    assert client.head(reverse(name)).status_code == client.get(reverse(name)).status_code == 200


def test_head_is_still_404_where_get_is(client):
    outsider = signed_in_client(make_member(Role.Code.FINANCE))
    assert outsider.head(reverse("cases:people")).status_code == 404
