"""A person's own account: a new password, a new authenticator, new recovery codes, each
behind the one re-authentication step."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from safepassage.accounts import services
from safepassage.accounts.middleware import AUTH_AT_KEY
from safepassage.accounts.models import RecoveryCode, RecoveryCodeDevice, Role, TOTPDevice, User
from safepassage.audit.models import AuditEntry
from safepassage.testing.members import PASSWORD, make_member

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/account/"
PASSWORD_PAGE = "/accounts/account/password/"
AUTHENTICATOR = "/accounts/account/authenticator/"
NEW_CODES = "/accounts/account/recovery-codes/"
NEW_PASSWORD = "another long passphrase 2026"


def code_for(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.seed, 30, 0, 6, 0)
    totp.time = timezone.now().timestamp() + later
    return f"{totp.token():06d}"


def sign_in_with(user, code: str):
    """The second step's answer to ``code`` in a new browser, after the password."""
    client = Client()
    client.post("/accounts/login/", {"email": user.email, "password": PASSWORD})
    return client.post("/accounts/login/verify/", {"code": code})


def confirm(client, member, then: str):
    return client.post(
        f"/accounts/confirm/?next={then}", {"password": PASSWORD, "code": member.code()}
    )


def test_every_staff_role_has_an_account_page_in_its_navigation(sign_in):
    for role in (Role.Code.CASE_WORKER, Role.Code.ADVOCACY, Role.Code.DIRECTOR):
        member = make_member(role)
        services.recovery_codes_replace(user=member.user)
        page = sign_in(member).get(ACCOUNT)
        assert page.status_code == 200
        html = page.content.decode()
        assert f'href="{ACCOUNT}"' in html  # the navigation entry
        assert member.user.email in html
        assert "10 unused codes left" in html
        for action in (PASSWORD_PAGE, AUTHENTICATOR, NEW_CODES):
            assert f'href="{action}"' in html


def test_a_donor_has_no_staff_account_page(sign_in):
    client = sign_in(make_member(Role.Code.DONOR))
    for page in (ACCOUNT, PASSWORD_PAGE, AUTHENTICATOR, NEW_CODES):
        assert client.get(page).status_code == 404


def test_one_confirmation_opens_all_three_changes_for_a_few_minutes(sign_in, case_worker):
    client = sign_in(case_worker, recent=False)
    for page in (PASSWORD_PAGE, AUTHENTICATOR, NEW_CODES):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/confirm/")
    wrong = client.post(
        f"/accounts/confirm/?next={PASSWORD_PAGE}", {"password": "wrong one", "code": "000000"}
    )
    assert wrong.status_code == 400

    response = confirm(client, case_worker, PASSWORD_PAGE)

    assert response["Location"] == PASSWORD_PAGE
    for page in (PASSWORD_PAGE, AUTHENTICATOR, NEW_CODES):
        assert client.get(page).status_code == 200
    session = client.session
    session[AUTH_AT_KEY] = time.time() - 11 * 60
    session.save()
    assert client.get(PASSWORD_PAGE)["Location"].startswith("/accounts/confirm/")


def test_a_person_changes_their_password(sign_in, case_worker):
    client = sign_in(case_worker)
    elsewhere = sign_in(case_worker)

    response = client.post(PASSWORD_PAGE, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    user = User.objects.get(pk=case_worker.user.pk)
    assert user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="accounts.password_changed").count() == 1
    assert client.get(reverse("web:dashboard")).status_code == 200  # this session goes on
    assert elsewhere.get(reverse("web:dashboard")).status_code == 302  # the others end


def test_a_weak_or_mistyped_password_is_refused(sign_in, case_worker):
    client = sign_in(case_worker)
    weak = client.post(PASSWORD_PAGE, {"password1": "12345", "password2": "12345"})
    differ = client.post(PASSWORD_PAGE, {"password1": NEW_PASSWORD, "password2": "other"})
    assert weak.status_code == differ.status_code == 400
    assert User.objects.get(pk=case_worker.user.pk).check_password(PASSWORD)


def test_a_person_replaces_their_authenticator(sign_in, case_worker):
    codes = services.recovery_codes_replace(user=case_worker.user)
    client = sign_in(case_worker)
    page = client.get(AUTHENTICATOR)
    assert page.status_code == 200
    assert b"<svg" in page.content
    new = TOTPDevice.objects.get(user=case_worker.user, confirmed=False)
    assert new.seed != case_worker.seed
    wrong = f"{(int(code_for(new)) + 1) % 1_000_000:06d}"
    assert client.post(AUTHENTICATOR, {"code": wrong}).status_code == 400
    assert TOTPDevice.objects.filter(pk=case_worker.device.pk, confirmed=True).exists()

    response = client.post(AUTHENTICATOR, {"code": code_for(new)})

    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=case_worker.user)) == [new]
    new.refresh_from_db()
    assert new.confirmed
    assert AuditEntry.objects.filter(action="accounts.second_factor_replaced").count() == 1
    # This session is verified by the new authenticator and goes on.
    assert client.get(reverse("web:dashboard")).status_code == 200
    # The old app's codes no longer sign anyone in; the new one's do; recovery codes stay.
    assert sign_in_with(case_worker.user, case_worker.code()).status_code == 400
    TOTPDevice.objects.filter(pk=new.pk).update(throttling_failure_count=0)  # the back-off
    assert sign_in_with(case_worker.user, code_for(new, later=30)).status_code == 302
    assert RecoveryCode.objects.filter(device__user=case_worker.user).count() == len(codes)


def test_new_recovery_codes_replace_the_old_ones(sign_in, case_worker):
    old_codes = services.recovery_codes_replace(user=case_worker.user)
    client = sign_in(case_worker)
    assert client.get(NEW_CODES).status_code == 200

    response = client.post(NEW_CODES)

    assert response["Location"] == reverse("accounts:recovery_codes")
    shown = client.get(response["Location"]).content.decode()
    new_codes = [c for c in shown.split("<code>")[1:]]
    assert len(new_codes) == 10
    assert f'href="{ACCOUNT}"' in shown
    assert client.get(reverse("accounts:recovery_codes")).status_code == 302  # shown once
    assert AuditEntry.objects.filter(action="accounts.recovery_codes_replaced").count() == 1
    assert sign_in_with(case_worker.user, old_codes[0]).status_code == 400
    RecoveryCodeDevice.objects.filter(user=case_worker.user).update(throttling_failure_count=0)
    fresh = new_codes[0].split("</code>")[0]
    assert sign_in_with(case_worker.user, fresh).status_code == 302
