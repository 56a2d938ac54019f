"""A director deactivates and reactivates staff and resets a lost second factor."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from safepassage.accounts import services
from safepassage.accounts.models import RecoveryCode, Role, TOTPDevice, User
from safepassage.audit.models import AuditEntry
from safepassage.testing.members import PASSWORD, make_member

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def url(name: str, member) -> str:
    return reverse(f"accounts:{name}", args=[member.user.pk])


def password_step(client, email):
    return client.post(LOGIN, {"email": email, "password": PASSWORD})


def code_for(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.seed, 30, 0, 6, 0)
    totp.time = timezone.now().timestamp() + later
    return f"{totp.token():06d}"


# --- Deactivation -----------------------------------------------------------------------------


def test_a_deactivated_person_is_signed_out_at_once_and_cannot_sign_in(
    sign_in, director, case_worker
):
    theirs = sign_in(case_worker)
    assert theirs.get(reverse("web:dashboard")).status_code == 200
    page = sign_in(director)

    shown = page.get(url("staff_deactivate", case_worker))
    assert shown.status_code == 200
    assert b"signed out everywhere" in shown.content
    response = page.post(url("staff_deactivate", case_worker))

    assert response.status_code == 302
    user = User.objects.get(pk=case_worker.user.pk)
    assert not user.is_active
    assert user.deactivated_at is not None
    # Their open session ended with the change, not at its next timeout.
    response = theirs.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    # The right password is answered as a wrong one.
    refused = password_step(type(page)(), case_worker.user.email)
    assert refused.status_code == 400
    assert b"E-mail or password is wrong." in refused.content
    assert AuditEntry.objects.get(action="accounts.user_deactivated").data["was_active"] is True
    # Ended for good: reactivating the account does not bring that session back.
    services.user_reactivate(actor=director.user, user=user)
    assert theirs.get(reverse("web:dashboard")).status_code == 302
    assert "_auth_user_id" not in theirs.session


def test_the_last_active_director_cannot_be_deactivated(director):
    other = make_member(Role.Code.DIRECTOR)
    services.user_deactivate(actor=director.user, user=other.user)
    # The other director deactivating this one at the same moment (a stale page):
    # refused, so the organisation always keeps someone who can manage staff.
    with pytest.raises(services.AccountError, match="last active director"):
        services.user_deactivate(actor=other.user, user=director.user)
    assert User.objects.get(pk=director.user.pk).is_active
    with pytest.raises(services.AccountError):
        services.user_deactivate(actor=director.user, user=director.user)


def test_a_director_may_be_deactivated_while_another_stays(sign_in, director):
    other = make_member(Role.Code.DIRECTOR)
    response = sign_in(director).post(url("staff_deactivate", other))
    assert response.status_code == 302
    assert not User.objects.get(pk=other.user.pk).is_active


def test_deactivating_an_invitee_withdraws_the_invitation(director):
    invitation = services.staff_invite(
        actor=director.user,
        email="invitee@example.org",
        display_name="Invitee",
        role_codes=["finance"],
        send=False,
    )
    services.user_deactivate(actor=director.user, user=invitation.user)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    # Never joined: there is nothing to reactivate, a new invitation is the way.
    with pytest.raises(services.AccountError):
        services.user_reactivate(actor=director.user, user=invitation.user)


def test_a_reactivated_person_signs_in_as_before(sign_in, director, case_worker, client):
    page = sign_in(director)
    page.post(url("staff_deactivate", case_worker))
    assert page.get(url("staff_reactivate", case_worker)).status_code == 200

    response = page.post(url("staff_reactivate", case_worker))

    assert response.status_code == 302
    user = User.objects.get(pk=case_worker.user.pk)
    assert user.is_active
    assert user.deactivated_at is None
    assert AuditEntry.objects.filter(action="accounts.user_reactivated").count() == 1
    response = password_step(client, case_worker.user.email)
    assert response["Location"].startswith("/accounts/login/verify/")
    assert client.post("/accounts/login/verify/", {"code": case_worker.code()}).status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_reactivating_an_active_account_is_refused(sign_in, director, case_worker):
    response = sign_in(director).post(url("staff_reactivate", case_worker))
    assert response.status_code == 400
    assert b"Only a deactivated account" in response.content


def test_the_staff_list_offers_the_actions(sign_in, director, case_worker):
    page = sign_in(director).get(reverse("accounts:staff")).content.decode()
    assert url("staff_deactivate", case_worker) in page
    assert url("staff_second_factor_reset", case_worker) in page
    # None on the director's own row.
    assert url("staff_deactivate", director) not in page


@pytest.mark.parametrize(
    "name", ["staff_deactivate", "staff_reactivate", "staff_second_factor_reset"]
)
def test_only_a_director_reaches_the_staff_actions(name, sign_in, director, case_worker):
    for role in (Role.Code.CASE_WORKER, Role.Code.FINANCE, Role.Code.RESCUE_COORDINATOR):
        client = sign_in(make_member(role))
        assert client.get(url(name, director)).status_code == 404
        assert client.post(url(name, director)).status_code == 404
    assert User.objects.get(pk=director.user.pk).is_active
    assert TOTPDevice.objects.filter(user=director.user, confirmed=True).exists()


def test_the_staff_actions_need_a_fresh_confirmation(sign_in, director, case_worker):
    client = sign_in(director, recent=False)
    response = client.post(url("staff_deactivate", case_worker))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm/")
    assert User.objects.get(pk=case_worker.user.pk).is_active


# --- A lost second factor -----------------------------------------------------------------------


def test_a_reset_second_factor_is_enrolled_again_at_the_next_sign_in(
    sign_in, director, case_worker, client
):
    services.recovery_codes_replace(user=case_worker.user)
    theirs = sign_in(case_worker)

    response = sign_in(director).post(url("staff_second_factor_reset", case_worker))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=case_worker.user).exists()
    assert not RecoveryCode.objects.filter(device__user=case_worker.user).exists()
    assert AuditEntry.objects.filter(action="accounts.second_factor_reset").count() == 1
    assert theirs.get(reverse("web:dashboard")).status_code == 302  # signed out

    # Next sign-in: the password, then a new authenticator, and that signs them in.
    response = password_step(client, case_worker.user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login_enrol")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("accounts:login_enrol"))
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=case_worker.user, confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    assert client.post(reverse("accounts:login_enrol"), {"code": wrong}).status_code == 400
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("accounts:login_enrol"), {"code": code_for(device)})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:recovery_codes")
    codes = client.get(response["Location"])
    assert codes.content.count(b"<li><code>") == 10
    assert client.get(reverse("web:dashboard")).status_code == 200
    user = User.objects.get(pk=case_worker.user.pk)
    assert user.second_factor_reset_at is None
    assert TOTPDevice.objects.get(user=user, confirmed=True).pk == device.pk
    # From now on the sign-in asks for the new authenticator's code as always.
    again = type(client)()
    assert password_step(again, user.email)["Location"].startswith("/accounts/login/verify/")


def test_a_reset_left_unused_past_its_window_lets_nobody_enrol(director, case_worker, client):
    services.second_factor_reset(actor=director.user, user=case_worker.user)
    User.objects.filter(pk=case_worker.user.pk).update(
        second_factor_reset_at=timezone.now() - timedelta(hours=24 * 30)
    )
    response = password_step(client, case_worker.user.email)
    assert response.status_code == 400
    assert client.get(reverse("accounts:login_enrol")).status_code == 302


def test_the_enrolment_after_a_reset_expires(director, case_worker, client, monkeypatch):
    services.second_factor_reset(actor=director.user, user=case_worker.user)
    password_step(client, case_worker.user.email)
    later = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get(reverse("accounts:login_enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_director_resets_only_someone_elses_second_factor(director):
    with pytest.raises(services.AccountError):
        services.second_factor_reset(actor=director.user, user=director.user)
    assert TOTPDevice.objects.filter(user=director.user, confirmed=True).exists()


def test_after_a_reset_only_the_first_browser_to_confirm_enrols(director, case_worker):
    """Two browsers that both passed the password step after a reset: once the first has
    confirmed its authenticator, the other can enrol nothing and signs nobody in."""
    services.second_factor_reset(actor=director.user, user=case_worker.user)
    owner, other = Client(), Client()
    for browser in (owner, other):
        password_step(browser, case_worker.user.email)
    assert owner.get(reverse("accounts:login_enrol")).status_code == 200
    mine = TOTPDevice.objects.get(user=case_worker.user, confirmed=False)
    assert owner.post(reverse("accounts:login_enrol"), {"code": code_for(mine)}).status_code == 302

    response = other.post(reverse("accounts:login_enrol"), {"code": code_for(mine, later=30)})

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in other.session
    assert other.get(reverse("accounts:login_enrol"))["Location"].startswith(LOGIN)
    assert list(TOTPDevice.objects.filter(user=case_worker.user)) == [mine]
