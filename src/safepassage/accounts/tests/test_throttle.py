"""Sign-in throttling that an attacker cannot aim at a named person.

Given an attacker who knows a coordinator's e-mail, when they fail from many addresses,
then the coordinator still signs in from their own browser, the attacker's address is
locked, and the coordinator is told, once, in their language.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Role, TOTPDevice
from safepassage.accounts.throttle import account_key
from safepassage.testing.members import PASSWORD, make_member

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
HOME = "10.20.30.40"  # the coordinator's own address
ATTACKER = "203.0.113.66"
# Made-up e-mails an attacker sprays: names in Latin with and without separators, in
# Western and Korean order, and Hangul (also decomposed) and Chinese domains.
SPRAY = [
    "sunhee@example.org",
    "younghee.kim@example.org",
    "kim.younghee@example.org",
    "younghee@김영희.kr",
    f"younghee@{unicodedata.normalize('NFD', '김영희')}.kr",
    "meihua@王美华.cn",
]


@pytest.fixture(autouse=True)
def _limits(settings):
    # Lower than the defaults (5, 20, 20) so that each test needs few Argon2 checks.
    settings.AXES_FAILURE_LIMIT = 3
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    cache.clear()


def attempt(client, email, password=PASSWORD, address=HOME, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=address, **extra)


def sign_in(client, member, *, address=HOME, at=None):
    response = attempt(client, member.user.email, address=address)
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"code": member.code(at=at)}, REMOTE_ADDR=address)
    assert response.status_code == 302
    return client


def is_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_signs_in_during_an_attack(smtp_server, run_tasks):
    coordinator = make_member(Role.Code.RESCUE_COORDINATOR, language="ko")
    own_browser = sign_in(Client(), coordinator)
    own_browser.post("/accounts/logout/")
    email = coordinator.user.email

    # The attack: wrong passwords for the coordinator from many addresses, more than the
    # account limit in all, and the attacker's own address past the pair limit.
    for n in range(2):
        attempt(Client(), email, "wrong", address=f"198.51.100.{n + 1}")
        attempt(Client(), email.upper(), "wrong", address=f"198.51.100.{n + 1}")
    for _ in range(3):
        attempt(Client(), email, "wrong", address=ATTACKER)

    # The attacker's address is locked, even with the right password.
    assert attempt(Client(), email, address=ATTACKER).status_code == 429
    # A browser that never signed in to the account is asked to wait.
    stranger = attempt(Client(), email, address="192.0.2.7")
    assert stranger.status_code == 429
    assert b"Too many failed sign-ins" in stranger.content

    # The coordinator, from their own browser and address: password, code, in.
    later = timezone.now().timestamp() + 30  # the next code: the last one was used
    sign_in(own_browser, coordinator, at=later)
    assert own_browser.get(reverse("web:dashboard")).status_code == 200

    # Their own sign-in did not wipe the attacker's record: still locked.
    assert attempt(Client(), email, address=ATTACKER).status_code == 429

    # Told once, in Korean, through the queue.
    run_tasks()
    notices = [m for m in smtp_server.messages if m["to"] == [email]]
    assert len(notices) == 1
    notice = notices[0]["message"]
    assert is_hangul(str(notice["subject"]))
    assert coordinator.user.display_name in notice.get_body(preferencelist=("plain",)).get_content()

    # What axes keeps names no e-mail and no user agent.
    rows = list(AccessAttempt.objects.all())
    assert rows
    assert {row.user_agent for row in rows} == {""}
    assert all(email not in row.username and email not in row.post_data for row in rows)
    assert {row.username for row in rows} == {account_key(email)}


def test_failures_from_one_address_lock_only_that_address_out_of_that_account():
    director = make_member(Role.Code.DIRECTOR)
    for _ in range(3):
        attempt(Client(), director.user.email, "wrong", address=ATTACKER)
    assert attempt(Client(), director.user.email, address=ATTACKER).status_code == 429
    # Another account from the same address, and the same account from elsewhere, go on.
    other = make_member(Role.Code.FINANCE)
    assert attempt(Client(), other.user.email, address=ATTACKER).status_code == 302
    assert attempt(Client(), director.user.email, address=HOME).status_code == 302


def test_spraying_made_up_emails_locks_that_address_only():
    director = make_member(Role.Code.DIRECTOR)
    trusted = sign_in(Client(), director, address=ATTACKER)
    trusted.post("/accounts/logout/")
    for n in range(6):
        attempt(Client(), f"{n}{SPRAY[n % len(SPRAY)]}", "wrong", address=ATTACKER)
    assert attempt(Client(), director.user.email, address=ATTACKER).status_code == 429
    assert attempt(Client(), director.user.email, address="192.0.2.99").status_code == 302
    # A browser that signed in to this account before is not caught by its address.
    assert attempt(trusted, director.user.email, address=ATTACKER).status_code == 302


def test_made_up_emails_are_never_told_apart_from_real_ones():
    """The account limit answers a made-up e-mail as it answers a real one."""
    director = make_member(Role.Code.DIRECTOR)
    for email in (director.user.email, "nobody-here@example.org"):
        for n in range(6):
            attempt(Client(), email, "wrong", address=f"198.51.100.{n + 1}")
        assert attempt(Client(), email, "wrong", address="192.0.2.50").status_code == 429


def test_it_ignores_x_forwarded_for_without_configured_proxies():
    member = make_member(Role.Code.DIRECTOR)
    for n in range(3):
        spoofed = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{n}"}
        attempt(Client(), member.user.email, "wrong", address=ATTACKER, **spoofed)
    response = attempt(
        Client(), member.user.email, address=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.200"
    )
    assert response.status_code == 429


def test_email_case_and_spaces_do_not_dodge_the_counter():
    member = make_member(Role.Code.DIRECTOR)
    email = member.user.email
    for variant in [email.upper(), f" {email.title()}", email.swapcase()]:
        attempt(Client(), variant, "wrong", address=ATTACKER)
    assert attempt(Client(), email, address=ATTACKER).status_code == 429


def test_a_right_password_without_an_authenticator_is_answered_as_a_wrong_one():
    member = make_member(Role.Code.CASE_WORKER)
    TOTPDevice.objects.filter(user=member.user).delete()

    def page(response) -> str:
        text = response.content.decode()
        return re.sub(r'(value|nonce)="[^"]*"', "", text)

    right = attempt(Client(), member.user.email)
    wrong = attempt(Client(), member.user.email, "wrong password 123")
    assert right.status_code == wrong.status_code == 400
    assert page(right) == page(wrong)
    assert "no authenticator yet" not in page(right)
    # Counted as a failure too, so the lock comes at the same point.
    for _ in range(1):
        attempt(Client(), member.user.email)
    assert attempt(Client(), member.user.email).status_code == 429


def test_the_code_back_off_is_capped(settings):
    settings.LOGIN_CODE_BACKOFF_MAX_SECONDS = 300
    member = make_member(Role.Code.DIRECTOR)
    device = member.device
    device.throttling_failure_count = 40  # uncapped: 2**39 seconds
    device.throttling_failure_timestamp = timezone.now() - dt.timedelta(seconds=200)
    device.save()
    client = Client()
    attempt(client, member.user.email)
    refused = client.post(VERIFY, {"code": member.code()}, REMOTE_ADDR=HOME)
    assert refused.status_code == 400
    seconds = int(re.search(rb"Try again in (\d+) seconds", refused.content).group(1))
    assert 90 <= seconds <= 100
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(seconds=301)
    )
    assert client.post(VERIFY, {"code": member.code()}, REMOTE_ADDR=HOME).status_code == 302


def test_old_attempt_rows_are_pruned_on_a_schedule(settings):
    from django_tasks_db.models import DBTaskResult

    from safepassage.accounts import tasks
    from safepassage.base.schedule import PERIODIC

    path = "safepassage.accounts.tasks.prune_sign_in_records"
    assert path in PERIODIC
    for n in range(3):
        attempt(Client(), f"guess{n}@example.org", "wrong", address=f"198.51.100.{n + 1}")
    old = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    AccessAttempt.objects.filter(ip_address__in=["198.51.100.1", "198.51.100.2"]).update(
        attempt_time=old
    )
    assert tasks.prune_sign_in_records.call() == 2
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.3"]
    assert DBTaskResult.objects.filter(task_path=path, status="READY").count() == 1


@pytest.mark.django_db(transaction=True)
def test_wrong_codes_after_the_right_password_tell_the_owner(smtp_server, run_tasks):
    member = make_member(Role.Code.FINANCE, language="en")
    TOTPDevice.objects.filter(pk=member.device.pk).update(
        throttling_failure_count=4,
        throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=1),
    )
    client = Client()
    attempt(client, member.user.email)
    wrong = f"{(int(member.code()) + 1) % 1_000_000:06d}"
    assert client.post(VERIFY, {"code": wrong}, REMOTE_ADDR=HOME).status_code == 400
    run_tasks()
    [notice] = [m["message"] for m in smtp_server.messages]
    body = notice.get_body(preferencelist=("plain",)).get_content()
    assert "entered the right password" in body
    assert notice["to"] == member.user.email
