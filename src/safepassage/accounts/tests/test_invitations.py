"""Staff invitations: e-mailed through the worker to a real SMTP server, single use, expiring."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import TOTP

from safepassage.accounts.models import Invitation, RecoveryCode, Role, TOTPDevice, User
from safepassage.testing.members import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PASSWORD = "a long new passphrase 2026"


def invite(client, **overrides):
    data = {
        "email": "new.worker@example.org",
        "display_name": "New worker",
        "language": "en",
        "roles": ["case_worker"],
    } | overrides
    return client.post("/accounts/staff/invite/", data)


def link_from(message) -> str:
    body = message["message"].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/accounts/invitation/\S+/", body).group(0)


def accept(client, link: str) -> list[str]:
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 302
    response = client.post(
        "/accounts/welcome/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302, response.content
    assert client.get("/accounts/welcome/authenticator/").status_code == 200
    device = TOTPDevice.objects.get(user__email="new.worker@example.org", confirmed=False)
    totp = TOTP(device.seed, 30, 0, 6, 0)
    totp.time = timezone.now().timestamp()
    response = client.post("/accounts/welcome/authenticator/", {"code": f"{totp.token():06d}"})
    assert response.status_code == 302, response.content
    page = client.get("/accounts/welcome/recovery-codes/")
    return re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", page.content.decode())


def test_a_director_invites_and_the_invitee_joins(
    sign_in, director, smtp_server, run_tasks, client
):
    staff_page = sign_in(director)
    assert invite(staff_page).status_code == 302
    assert smtp_server.messages == []  # nothing is sent inside the request
    run_tasks()
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["to"] == ["new.worker@example.org"]
    link = link_from(mail)
    token = link.rstrip("/").rsplit("/", 1)[1]
    # Neither the queue nor the invitation table holds the usable token.
    from django_tasks_db.models import DBTaskResult

    assert not any(token in str(r.args_kwargs) for r in DBTaskResult.objects.all())
    assert not Invitation.objects.filter(token_digest=token).exists()

    codes = accept(client, link)
    assert len(codes) == 10
    assert RecoveryCode.objects.filter(device__user__email="new.worker@example.org").count() == 10
    user = User.objects.get(email="new.worker@example.org")
    assert user.is_active
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)
    # The link is spent.
    again = type(client)().get(link.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
    assert again.status_code == 404
    assert b"expired or was already used" in again.content


def test_an_expired_invitation_is_refused(sign_in, director, smtp_server, run_tasks, client):
    invite(sign_in(director))
    run_tasks()
    link = link_from(smtp_server.messages[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert response.status_code == 404
    assert b"expired or was already used" in response.content


def test_a_made_up_invitation_is_refused(client):
    response = client.get("/accounts/invitation/not-a-real-token/")
    assert response.status_code == 404


def test_a_weak_password_is_refused_and_nothing_is_saved(
    sign_in, director, smtp_server, run_tasks, client
):
    invite(sign_in(director))
    run_tasks()
    link = link_from(smtp_server.messages[0])
    client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    response = client.post("/accounts/welcome/", {"password1": "12345", "password2": "12345"})
    assert response.status_code == 400
    assert not User.objects.get(email="new.worker@example.org").has_usable_password()


def test_inviting_an_existing_address_is_refused(sign_in, director):
    response = invite(sign_in(director), email=director.user.email.upper())
    assert response.status_code == 400
    assert User.objects.filter(email__iexact=director.user.email).count() == 1


def test_only_a_director_may_invite(sign_in, case_worker):
    assert invite(sign_in(case_worker)).status_code == 404
    assert not User.objects.filter(email="new.worker@example.org").exists()


def test_changing_roles_needs_a_fresh_confirmation(sign_in, director, case_worker):
    client = sign_in(director, recent=False)
    url = f"/accounts/staff/{case_worker.user.pk}/roles/"
    response = client.post(url, {"roles": ["finance"]})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm/")
    assert sorted(case_worker.user.role_codes()) == ["case_worker"]
    response = client.post(
        "/accounts/confirm/?next=" + url, {"password": PASSWORD, "code": director.code()}
    )
    assert response.status_code == 302
    assert response["Location"] == url
    assert client.post(url, {"roles": ["finance"]}).status_code == 302
    case_worker.user.forget_roles()
    assert sorted(case_worker.user.role_codes()) == ["finance"]


def test_a_director_cannot_drop_their_own_director_role(sign_in, director):
    client = sign_in(director)
    response = client.post(f"/accounts/staff/{director.user.pk}/roles/", {"roles": ["finance"]})
    assert response.status_code == 400
    assert "director" in director.user.role_codes()


def test_a_replayed_invitation_link_cannot_set_a_password_or_enrol(
    sign_in, director, smtp_server, run_tasks, client
):
    """Someone else opened the same link (read from a log, say) before the invitee joined:
    once the invitee has enrolled, neither the link nor that browser's session does anything."""
    from safepassage.accounts import services

    invite(sign_in(director))
    run_tasks()
    link = link_from(smtp_server.messages[0])
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    replay = type(client)()
    assert replay.get(path).status_code == 302  # opened before the invitee finished
    accept(client, link)
    user = User.objects.get(email="new.worker@example.org")
    owner_device = TOTPDevice.objects.get(user=user, confirmed=True)

    assert type(client)().get(path).status_code == 404
    assert replay.get(path).status_code == 404
    stolen = "someone else's passphrase 99"
    response = replay.post("/accounts/welcome/", {"password1": stolen, "password2": stolen})
    assert response.status_code == 404
    assert replay.get("/accounts/welcome/authenticator/").status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [owner_device]

    # The same race inside one request: a device confirmed against an invitation that was
    # spent meanwhile is refused, and the owner's authenticator stays.
    stale = Invitation.objects.get(user=user)
    stale.used_at = None  # as a request that loaded it before the owner finished saw it
    intruder = services.totp_device_start(user=user)
    totp = TOTP(intruder.seed, 30, 0, 6, 0)
    totp.time = timezone.now().timestamp()
    with pytest.raises(services.AccountError):
        services.invitation_enrol(invitation=stale, device=intruder, token=f"{totp.token():06d}")
    assert list(TOTPDevice.objects.filter(user=user, confirmed=True)) == [owner_device]


def test_the_invitation_offers_staff_roles_only():
    from safepassage.accounts.forms import InviteForm, RolesForm

    for form in (InviteForm(), RolesForm()):
        offered = {code for code, _label in form.fields["roles"].choices}
        assert Role.Code.DONOR not in offered
        assert Role.Code.DIRECTOR in offered
        assert Role.Code.ADVOCACY in offered
    form = InviteForm(
        {
            "email": "new.donor@example.org",
            "display_name": "김후원",
            "language": "ko",
            "roles": [Role.Code.DONOR],
        }
    )
    assert not form.is_valid()
    assert "roles" in form.errors
