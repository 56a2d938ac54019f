"""Sign-in: a correct password alone never makes a session."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from safepassage.accounts.middleware import IDLE_KEY
from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.testing.members import PASSWORD, make_member

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"


def password_step(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


def test_it_signs_in_with_password_and_code(client):
    member = make_member(Role.Code.CASE_WORKER)
    response = password_step(client, member.user.email)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"code": member.code()})
    assert response.status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.logged_in").count() == 1


def test_a_correct_password_alone_creates_no_session(client):
    member = make_member(Role.Code.DIRECTOR)
    password_step(client, member.user.email)
    assert "_auth_user_id" not in client.session
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_cancelling_the_second_step_does_not_sign_in(client):
    member = make_member(Role.Code.DIRECTOR)
    password_step(client, member.user.email)
    client.post("/accounts/login/cancel/")
    assert "_auth_user_id" not in client.session
    # The half-done sign-in is gone: a code alone no longer gets anyone in.
    response = client.post(VERIFY, {"code": member.code()})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_a_wrong_code_is_refused(client):
    member = make_member(Role.Code.DIRECTOR)
    password_step(client, member.user.email)
    wrong = f"{(int(member.code()) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_replayed_code_is_refused(client, django_user_model):
    member = make_member(Role.Code.DIRECTOR)
    code = member.code()
    password_step(client, member.user.email)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = type(client)()
    password_step(other, member.user.email)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert "_auth_user_id" not in other.session


def test_a_recovery_code_works_once(client):
    from safepassage.accounts import services

    member = make_member(Role.Code.DIRECTOR)
    codes = services.recovery_codes_replace(user=member.user)
    password_step(client, member.user.email)
    assert client.post(VERIFY, {"code": codes[0].lower()}).status_code == 302
    other = type(client)()
    password_step(other, member.user.email)
    assert other.post(VERIFY, {"code": codes[0]}).status_code == 400


def test_the_second_step_expires(client, monkeypatch):
    member = make_member(Role.Code.DIRECTOR)
    password_step(client, member.user.email)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(VERIFY, {"code": member.code()})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_an_unknown_account_gets_the_same_answer_as_a_wrong_password(client):
    member = make_member(Role.Code.DIRECTOR)
    unknown = password_step(client, "nobody@example.org")
    wrong = password_step(client, member.user.email, password="wrong password 123")
    assert unknown.status_code == wrong.status_code == 400
    message = b"E-mail or password is wrong."
    assert message in unknown.content
    assert message in wrong.content


def test_a_donor_cannot_sign_in_to_the_staff_site(client):
    member = make_member(Role.Code.DONOR)
    response = password_step(client, member.user.email)
    assert response.status_code == 400
    assert "safepassage_pending_login" not in client.session


def test_an_idle_session_ends(sign_in, director):
    client = sign_in(director)
    session = client.session
    session[IDLE_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_a_session_without_a_second_factor_is_ended(client, director):
    client.force_login(director.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post(sign_in, director):
    client = sign_in(director)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_the_next_parameter_cannot_leave_the_site(client):
    member = make_member(Role.Code.DIRECTOR)
    client.post(
        LOGIN + "?next=https://evil.example/", {"email": member.user.email, "password": PASSWORD}
    )
    response = client.post(VERIFY + "?next=https://evil.example/", {"code": member.code()})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_a_self_refreshing_page_does_not_keep_an_idle_session_alive(sign_in, director):
    client = sign_in(director)
    session = client.session
    session[IDLE_KEY] = time.time() - 29 * 60
    session.save()
    poll = {"HX-Request": "true", "X-Safepassage-Background": "poll"}
    assert client.get(reverse("rescue:board"), headers=poll).status_code == 200
    session = client.session
    session[IDLE_KEY] -= 2 * 60  # two more minutes of nothing but polls
    session.save()
    response = client.get(reverse("rescue:board"), headers=poll)
    # htmx is told to load the sign-in page as a whole page, not inside the board.
    assert response.status_code == 204
    assert response["HX-Redirect"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_click_counts_as_activity(sign_in, director):
    client = sign_in(director)
    session = client.session
    session[IDLE_KEY] = time.time() - 29 * 60
    session.save()
    client.get(reverse("rescue:board"))
    assert time.time() - client.session[IDLE_KEY] < 5


def test_a_session_ends_at_its_time_limit_however_active(sign_in, director, settings):
    from safepassage.accounts.middleware import SIGNED_IN_KEY
    from safepassage.audit.models import AuditEntry

    client = sign_in(director)
    session = client.session
    # Active a minute ago, but signed in more than SESSION_MAX_HOURS ago.
    session[SIGNED_IN_KEY] = time.time() - settings.SESSION_COOKIE_AGE - 60
    session[IDLE_KEY] = time.time() - 60
    session.save()

    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert client.get(reverse("web:dashboard")).status_code == 302
    ended = AuditEntry.objects.filter(action="accounts.logged_out").last()
    assert ended.data == {"reason": "session_limit"}


def test_a_session_within_its_time_limit_goes_on(sign_in, director, settings):
    from safepassage.accounts.middleware import SIGNED_IN_KEY

    client = sign_in(director)
    signed_in = client.session[SIGNED_IN_KEY]
    assert abs(time.time() - signed_in) < 60  # set by the sign-in itself
    session = client.session
    session[SIGNED_IN_KEY] = time.time() - settings.SESSION_COOKIE_AGE + 600
    session.save()

    assert client.get(reverse("web:dashboard")).status_code == 200
