"""Error pages keep the site's frame (the menu when signed in) and a way back; a body too
large for any form gets a framed 413 instead of a bare refusal, and a form's own limits
show the form again with what was typed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import include, path

from safepassage.accounts.models import Role
from safepassage.cases.models import Case
from safepassage.testing.members import default_team, make_member, signed_in_client

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("internal detail")


def bad(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("internal detail")


def refused(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


urlpatterns = [
    path("boom/", boom),
    path("bad/", bad),
    path("refused/", refused),
    path("", include("safepassage.urls")),
]
handler400 = "safepassage.web.views.bad_request"
handler403 = "safepassage.web.views.permission_denied"
handler404 = "safepassage.web.views.page_not_found"
handler500 = "safepassage.web.views.server_error"

MENU = '<nav aria-label="Main" class="nav">'


@pytest.fixture
def worker():
    member = make_member(Role.Code.CASE_WORKER)
    default_team().members.add(member.user)
    return member


def intake(**overrides) -> dict:
    data = {
        "case-team": str(default_team().pk),
        "case-country": "CN",
        "case-region": "Yanbian",
        "case-urgency": "high",
        "case-relayed_by": "Pastor Lee",
        "case-exact_place": "Behind the market",
        "case-situation": "Hiding with two children.",
        "person-real_name": "Choi Eun-ha",
        "person-sex": "female",
        "person-birth_year": "1991",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/bad/", 400, "Bad request"),
        ("/refused/", 403, "Not allowed"),
        ("/nowhere/", 404, "Not found"),
    ],
)
def test_an_error_page_keeps_the_menu_and_a_way_back_for_a_signed_in_user(
    settings, worker, url, status, heading
):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = signed_in_client(worker)
    client.raise_request_exception = False

    response = client.get(url, headers={"referer": "http://testserver/people/"})

    page = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in page
    assert MENU in page
    assert '<a href="http://testserver/people/">Back to the previous page</a>' in page
    assert '<a href="/dashboard/">Go to the dashboard</a>' in page


def test_an_error_page_for_a_stranger_has_the_plain_frame_and_no_link_off_site(settings):
    settings.ROOT_URLCONF = __name__
    response = Client().get("/nowhere/", headers={"referer": "https://elsewhere.example/"})

    page = response.content.decode()
    assert response.status_code == 404
    assert MENU not in page
    assert 'class="brand"' in page
    assert "elsewhere.example" not in page
    assert '<a href="/">Go to the start page</a>' in page


def test_a_crash_keeps_the_plain_frame_without_forms(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom/")

    page = response.content.decode()
    assert response.status_code == 500
    assert 'class="brand"' in page
    assert "<form" not in page
    assert '<a href="/">Go to the start page</a>' in page
    assert "internal detail" not in page


def test_an_over_long_field_in_an_intake_shows_the_form_again_with_what_was_typed(worker):
    # One megabyte of situation: under the body limit, far over the field's.
    client = signed_in_client(worker)

    response = client.post("/cases/new/", intake(**{"case-situation": "x" * 1_000_000}))

    page = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value has at most 5000 characters (it has 1000000)." in page
    assert 'value="Yanbian"' in page
    assert 'value="Pastor Lee"' in page
    assert 'value="Choi Eun-ha"' in page
    assert not Case.objects.exists()


def test_a_body_beyond_any_form_gets_the_framed_413_with_the_way_back_to_the_form(worker):
    client = signed_in_client(worker)

    response = client.post(
        "/cases/new/",
        intake(**{"case-situation": "x" * (3 * 1024 * 1024)}),
        headers={"referer": "http://testserver/cases/new/"},
    )

    page = response.content.decode()
    assert response.status_code == 413
    assert "<h1>Too much sent at once</h1>" in page
    assert "larger than this site accepts in one form (2 MB), so nothing was saved" in page
    assert "Back button: it brings the form back with what you typed" in page
    assert MENU in page
    assert '<a href="http://testserver/cases/new/">Start the form again, empty</a>' in page
    assert not Case.objects.exists()


def test_a_strangers_error_page_sets_no_cookie(settings):
    settings.ROOT_URLCONF = __name__
    response = Client().get("/nowhere/")

    assert response.status_code == 404
    assert not response.cookies
    assert "<form" not in response.content.decode()
