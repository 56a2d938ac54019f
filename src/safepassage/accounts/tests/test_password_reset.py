""" "Forgot password": an e-mailed link, signed, single use and short-lived, that still needs
the second factor; the same answer for any address; throttled."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from safepassage.accounts import services, tokens
from safepassage.accounts.models import Role, TOTPDevice, User
from safepassage.audit.models import AuditEntry
from safepassage.testing.members import PASSWORD, make_member

pytestmark = pytest.mark.django_db(transaction=True)

FORGOT = "/accounts/password/forgot/"
NEW = "/accounts/password/new/"
NEW_PASSWORD = "a fresh long passphrase 77"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # the throttle's counters live in the cache, which a flush leaves
    yield
    cache.clear()


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def link_from(message) -> str:
    body = message["message"].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", body).group(0)


def ask(client, email, address="10.1.2.3"):
    return client.post(FORGOT, {"email": email}, REMOTE_ADDR=address)


def requested_link(member, smtp_server, run_tasks) -> str:
    assert ask(Client(), member.user.email).status_code == 200
    run_tasks()
    [mail] = [m for m in smtp_server.messages if m["to"] == [member.user.email]]
    return link_from(mail)


def test_a_forgotten_password_is_reset_with_the_link_and_the_second_factor(
    smtp_server, run_tasks, client
):
    member = make_member(Role.Code.CASE_WORKER)
    elsewhere = Client()
    elsewhere.post("/accounts/login/", {"email": member.user.email, "password": PASSWORD})
    elsewhere.post("/accounts/login/verify/", {"code": member.code()})
    assert elsewhere.get(reverse("web:dashboard")).status_code == 200

    response = ask(client, member.user.email)
    assert response.status_code == 200
    assert b"Check your e-mail" in response.content
    assert smtp_server.messages == []  # sent by the worker, not the request
    run_tasks()
    [mail] = smtp_server.messages
    assert mail["to"] == [member.user.email]
    link = link_from(mail)
    # The queue never held the token.
    from django_tasks_db.models import DBTaskResult

    token = link.rstrip("/").rsplit("/", 1)[1]
    assert not any(token in str(r.args_kwargs) for r in DBTaskResult.objects.all())

    response = client.get(path_of(link))
    assert response.status_code == 302
    assert response["Location"] == NEW
    assert client.get(NEW).status_code == 200
    # The password alone is not enough: the second factor is asked for first.
    no_code = client.post(NEW, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    wrong = client.post(
        NEW, {"code": "000000", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert no_code.status_code == wrong.status_code == 400
    assert User.objects.get(pk=member.user.pk).check_password(PASSWORD)

    # Past the wrong code's back-off (a second), with the next code (the sign-in elsewhere
    # spent the current one).
    TOTPDevice.objects.filter(user=member.user).update(throttling_failure_count=0)
    response = client.post(
        NEW,
        {
            "code": member.code(at=time.time() + 30),
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    user = User.objects.get(pk=member.user.pk)
    assert user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="accounts.password_reset").count() == 1
    assert elsewhere.get(reverse("web:dashboard")).status_code == 302  # sessions ended
    assert "_auth_user_id" not in client.session  # the reset itself signs nobody in
    # The link is spent.
    assert Client().get(path_of(link)).status_code == 404
    # Signing in with the new password still asks for the second factor.
    fresh = Client()
    step = fresh.post("/accounts/login/", {"email": user.email, "password": NEW_PASSWORD})
    assert step["Location"].startswith("/accounts/login/verify/")
    assert "_auth_user_id" not in fresh.session


def test_a_recovery_code_completes_a_reset(smtp_server, run_tasks, client):
    member = make_member(Role.Code.FINANCE)
    codes = services.recovery_codes_replace(user=member.user)
    link = requested_link(member, smtp_server, run_tasks)
    client.get(path_of(link))
    response = client.post(
        NEW, {"code": codes[3], "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=member.user.pk).check_password(NEW_PASSWORD)


def test_a_link_opened_in_two_browsers_works_once(smtp_server, run_tasks):
    member = make_member(Role.Code.FINANCE)
    codes = services.recovery_codes_replace(user=member.user)
    link = requested_link(member, smtp_server, run_tasks)
    first, second = Client(), Client()
    first.get(path_of(link))
    second.get(path_of(link))
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert first.post(NEW, {"code": codes[0], **data}).status_code == 302
    stolen = "someone else's passphrase 99"
    response = second.post(NEW, {"code": codes[1], "password1": stolen, "password2": stolen})
    assert response.status_code == 404
    assert User.objects.get(pk=member.user.pk).check_password(NEW_PASSWORD)


def test_the_answer_is_the_same_for_any_address(smtp_server, run_tasks):
    member = make_member(Role.Code.CASE_WORKER)
    donor = make_member(Role.Code.DONOR)
    known = ask(Client(), member.user.email, address="10.0.0.1")
    unknown = ask(Client(), "nobody-here@example.org", address="10.0.0.2")
    not_staff = ask(Client(), donor.user.email, address="10.0.0.3")
    assert known.status_code == unknown.status_code == not_staff.status_code == 200

    def page(response):
        html = response.content.decode()
        return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]+"', "", html)

    assert page(known) == page(unknown) == page(not_staff)
    run_tasks()
    assert [m["to"] for m in smtp_server.messages] == [[member.user.email]]


def test_a_deactivated_account_gets_no_link(smtp_server, run_tasks):
    director = make_member(Role.Code.DIRECTOR)
    member = make_member(Role.Code.CASE_WORKER)
    services.user_deactivate(actor=director.user, user=member.user)
    assert ask(Client(), member.user.email).status_code == 200
    run_tasks()
    assert smtp_server.messages == []


def test_requests_are_throttled_per_address_and_per_account(settings, smtp_server, run_tasks):
    settings.AXES_FAILURE_LIMIT = 3
    member = make_member(Role.Code.CASE_WORKER)
    client = Client()
    answers = [ask(client, f"made-up-{i}@example.org").status_code for i in range(3)]
    assert answers == [200, 200, 200]
    blocked = ask(client, member.user.email)
    assert blocked.status_code == 429
    assert b"Too many requests" in blocked.content
    # Another address is not held back; one e-mail per account per window, however often
    # (and from wherever) someone asks.
    for address in ("10.9.9.1", "10.9.9.2"):
        assert ask(Client(), member.user.email, address=address).status_code == 200
    run_tasks()
    assert [m["to"] for m in smtp_server.messages] == [[member.user.email]]


def test_an_expired_or_made_up_link_is_refused(monkeypatch):
    member = make_member(Role.Code.CASE_WORKER)
    # Django's token clock is naive local time.
    past = datetime.now() - timedelta(seconds=tokens.lifetime_seconds() + 60)  # noqa: DTZ005
    monkeypatch.setattr(tokens.reset_tokens, "_now", lambda: past)
    old = tokens.reset_link(member.user)
    monkeypatch.undo()
    assert Client().get(path_of(old)).status_code == 404
    made_up = reverse("accounts:password_reset", args=["bm90LWEtdXNlcg", "abc-def"])
    response = Client().get(made_up)
    assert response.status_code == 404
    assert b"expired or was already used" in response.content
    assert Client().get(NEW).status_code == 404
    # A fresh link for the same account works.
    assert Client().get(path_of(tokens.reset_link(member.user))).status_code == 302
