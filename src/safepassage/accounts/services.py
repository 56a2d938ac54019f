"""Writes to accounts: keyword-only, atomic, audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import otp
from safepassage.accounts.models import (
    Invitation,
    RecoveryCode,
    RecoveryCodeDevice,
    Role,
    TOTPDevice,
    User,
)
from safepassage.audit.chain import record
from safepassage.base.tasks import enqueue_on_commit


class AccountError(Exception):
    """A request that cannot be carried out; the message is safe to show the actor."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def staff_invite(
    *,
    actor: User | None,
    email: str,
    display_name: str,
    role_codes: Iterable[str],
    language: str = "ko",
    send: bool = True,
) -> Invitation:
    """Create an inactive account and an invitation; the e-mail goes out after commit."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(_("An account with this e-mail address already exists."))
    roles = list(Role.objects.filter(code__in=set(role_codes)))
    if not roles:
        raise AccountError(_("Choose at least one role."))
    user = User.objects.create_user(
        email=email, display_name=display_name, language=language, is_active=False
    )
    user.roles.set(roles)
    invitation = Invitation.objects.create(
        user=user,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(hours=settings.INVITATION_HOURS),
    )
    record(
        actor=actor or "system",
        action="accounts.staff_invited",
        target=user,
        data={"roles": sorted(r.code for r in roles), "invitation": str(invitation.id)},
    )
    if send:
        enqueue_on_commit(
            "safepassage.accounts.tasks.send_invitation", invitation_id=str(invitation.id)
        )
    return invitation


@transaction.atomic
def invitation_issue_link(*, invitation: Invitation) -> str:
    """Make the invitation's one usable token and return its link. Call once per sending.

    Only the token's hash is stored, so the queue, the table and a database dump hold no
    working link. Issuing again replaces the earlier token.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at or invitation.revoked_at:
        raise AccountError(_("This invitation was already used or withdrawn."))
    token = secrets.token_urlsafe(32)
    invitation.token_digest = token_digest(token)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["token_digest", "sent_at", "updated_at"])
    record(actor="system", action="accounts.invitation_issued", target=invitation.user)
    return settings.BASE_URL + reverse("accounts:invitation", args=[token])


def invitation_for_token(token: str) -> Invitation:
    """The open invitation for a token, or AccountError with the same message for all faults."""
    invitation = (
        Invitation.objects.select_related("user").filter(token_digest=token_digest(token)).first()
    )
    if (
        invitation is None
        or invitation.used_at
        or invitation.revoked_at
        or invitation.expires_at <= timezone.now()
    ):
        raise AccountError(_("This invitation link has expired or was already used."))
    return invitation


def open_invitation(invitation_id: str) -> Invitation:
    invitation = Invitation.objects.select_related("user").filter(pk=invitation_id).first()
    if (
        invitation is None
        or invitation.used_at
        or invitation.revoked_at
        or invitation.expires_at <= timezone.now()
    ):
        raise AccountError(_("This invitation link has expired or was already used."))
    return invitation


@transaction.atomic
def invitation_set_password(*, invitation: Invitation, password: str) -> None:
    """Raises django's ValidationError for a weak password."""
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    record(actor=user, action="accounts.password_set", target=user)


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for enrolment, replacing unconfirmed ones."""
    otp.devices_delete(TOTPDevice.objects.filter(user=user, confirmed=False))
    return otp.device_create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> list[str]:
    """Confirm enrolment with a first code; returns new recovery codes (shown once)."""
    if not otp.verify_totp(device, token):
        raise AccountError(_("That code is not right. Check the time on your phone and try again."))
    user = device.user
    otp.devices_delete(TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk))
    device.confirmed = True
    device.save(update_fields=["confirmed", "updated_at"])
    codes = recovery_codes_replace(user=user)
    record(actor=user, action="accounts.second_factor_enrolled", target=user)
    return codes


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """New recovery codes on the user's one recovery device; every earlier code is gone.
    The device itself stays, so a session signed in with a recovery code goes on."""
    device = RecoveryCodeDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = RecoveryCodeDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    RecoveryCodeDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.codes.all().delete()
    codes = otp.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=otp.recovery_digest(code)) for code in codes
    )
    return codes


@transaction.atomic
def invitation_enrol(*, invitation: Invitation, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the invitee's authenticator and spend the invitation, in one transaction
    under the invitation's row lock: a second browser holding the same link (a replayed
    token) cannot confirm its own authenticator over the owner's, before or after.
    Returns the new recovery codes (shown once)."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.used_at or locked.revoked_at or locked.expires_at <= timezone.now():
        raise AccountError(_("This invitation link has expired or was already used."))
    codes = totp_device_confirm(device=device, token=token)
    invitation_complete(invitation=locked)
    return codes


@transaction.atomic
def invitation_complete(*, invitation: Invitation) -> User:
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if invitation.used_at:
        raise AccountError(_("This invitation link has expired or was already used."))
    user = invitation.user
    if (
        not user.has_usable_password()
        or not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    ):
        raise AccountError(_("Set a password and confirm your authenticator first."))
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at", "updated_at"])
    user.is_active = True
    user.save(update_fields=["is_active", "updated_at"])
    record(actor=user, action="accounts.invitation_accepted", target=user)
    return user


@transaction.atomic
def roles_change(*, actor: User, user: User, role_codes: Iterable[str]) -> User:
    """Replace a user's roles. The caller has checked staff.manage and recent sign-in."""
    codes = set(role_codes)
    roles = list(Role.objects.filter(code__in=codes))
    if len(roles) != len(codes):
        raise AccountError(_("Unknown role."))
    if user.pk == actor.pk and Role.Code.DIRECTOR not in codes:
        raise AccountError(_("You cannot remove your own director role."))
    before = sorted(user.role_codes())
    user.roles.set(roles)
    user.forget_roles()
    record(
        actor=actor,
        action="accounts.roles_changed",
        target=user,
        data={"before": before, "after": sorted(codes)},
    )
    return user


def _end_sessions(user: User) -> None:
    """Every session of ``user`` ends at its next request (see ``User._get_session_auth_hash``)."""
    user.session_generation += 1


def _active_directors():
    return User.objects.filter(is_active=True, roles__code=Role.Code.DIRECTOR)


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Close an account: it cannot sign in, every session of it ends now, open
    invitations are withdrawn. The caller has checked staff.manage. The directors' rows
    are locked so that two directors cannot deactivate each other at the same moment."""
    if user.pk == actor.pk:
        raise AccountError(_("You cannot deactivate your own account."))
    directors = list(
        _active_directors().select_for_update(of=("self",)).values_list("pk", flat=True)
    )
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deactivated_at is not None:
        raise AccountError(_("This account is already deactivated."))
    if user.pk in directors and len(directors) == 1:
        raise AccountError(_("The last active director cannot be deactivated."))
    was_active = user.is_active
    user.is_active = False
    user.deactivated_at = timezone.now()
    _end_sessions(user)
    user.save(update_fields=["is_active", "deactivated_at", "session_generation", "updated_at"])
    withdrawn = Invitation.objects.filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    record(
        actor=actor,
        action="accounts.user_deactivated",
        target=user,
        data={"was_active": was_active, "invitations_withdrawn": withdrawn},
    )
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    """Open a deactivated account again with its password and second factor as they were.
    The caller has checked staff.manage."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deactivated_at is None:
        raise AccountError(_("Only a deactivated account can be reactivated."))
    if not user.has_usable_password():
        raise AccountError(_("This person never joined: send a new invitation instead."))
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    record(actor=actor, action="accounts.user_reactivated", target=user)
    return user


@transaction.atomic
def second_factor_reset(*, actor: User, user: User) -> User:
    """A lost phone: remove the authenticator and the recovery codes, end every session.
    The next sign-in within INVITATION_HOURS enrols a new authenticator after the
    password, so the caller (a director, with staff.manage) must have confirmed who is
    asking by other means than e-mail."""
    if user.pk == actor.pk:
        raise AccountError(_("Set up your own authenticator again from your account page."))
    user = User.objects.select_for_update().get(pk=user.pk)
    otp.devices_delete(TOTPDevice.objects.filter(user=user))
    RecoveryCodeDevice.objects.filter(user=user).delete()
    user.second_factor_reset_at = timezone.now()
    _end_sessions(user)
    user.save(update_fields=["second_factor_reset_at", "session_generation", "updated_at"])
    record(actor=actor, action="accounts.second_factor_reset", target=user)
    return user


def second_factor_reset_open(user: User) -> bool:
    """Whether ``user`` may enrol a new authenticator at sign-in after a director's reset."""
    reset_at = user.second_factor_reset_at
    return (
        reset_at is not None
        and timezone.now() - reset_at <= timedelta(hours=settings.INVITATION_HOURS)
        and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


@transaction.atomic
def second_factor_enrol_after_reset(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator enrolled at sign-in after a reset; returns new recovery
    codes (shown once). Under the user's row lock, so two browsers holding the password
    cannot both enrol."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active or not second_factor_reset_open(user):
        raise AccountError(_("Please sign in again."))
    codes = totp_device_confirm(device=device, token=token)
    user.second_factor_reset_at = None
    user.save(update_fields=["second_factor_reset_at", "updated_at"])
    return codes


@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """A person's own new password (after re-authentication). Every other session of the
    user ends, as the session hash follows the password; the caller keeps its own with
    ``update_session_auth_hash``. Raises django's ValidationError for a weak password."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    record(actor=user, action="accounts.password_changed", target=user)
    return user


@transaction.atomic
def totp_device_replace(*, device: TOTPDevice, token: str) -> TOTPDevice:
    """A person's own new authenticator (after re-authentication), confirmed with its first
    code; the old one stops working. Recovery codes stay as they are."""
    if not otp.verify_totp(device, token):
        raise AccountError(_("That code is not right. Check the time on your phone and try again."))
    user = device.user
    otp.devices_delete(TOTPDevice.objects.filter(user=user).exclude(pk=device.pk))
    device.confirmed = True
    device.save(update_fields=["confirmed", "updated_at"])
    record(actor=user, action="accounts.second_factor_replaced", target=user)
    return device


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """A person's own new recovery codes (after re-authentication); the old ones stop
    working. Returns the codes (shown once)."""
    codes = recovery_codes_replace(user=user)
    record(actor=user, action="accounts.recovery_codes_replaced", target=user)
    return codes


def password_reset_request(*, email: str) -> bool:
    """Someone asked for a reset link for ``email``. Only an active staff account with an
    authenticator gets one (the reset asks for its code); the caller's answer is the same
    either way. Returns whether an e-mail was queued."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if (
        user is None
        or not user.is_staff_member
        or not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    ):
        return False
    with transaction.atomic():
        record(actor="anonymous", action="accounts.password_reset_requested", target=user)
        enqueue_on_commit("safepassage.accounts.tasks.send_password_reset", user_id=str(user.pk))
    return True


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> User:
    """Set the password of someone who followed a reset link and gave their second factor.
    The link is spent (its token follows the password) and every session ends. Raises
    django's ValidationError for a weak password."""
    validate_password(password, user)
    user.set_password(password)
    _end_sessions(user)
    user.save(update_fields=["password", "session_generation", "updated_at"])
    record(actor=user, action="accounts.password_reset", target=user)
    return user


def login_recorded(*, user: User, method: str) -> None:
    record(actor=user, action="accounts.logged_in", target=user, data={"second_factor": method})


def logout_recorded(*, user: User, reason: str) -> None:
    record(actor=user, action="accounts.logged_out", target=user, data={"reason": reason})


@transaction.atomic
def user_make_superuser(*, user: User, actor) -> User:
    """Let a user open the admin. Command line only: no web page grants this."""
    user.is_superuser = True
    user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff", "updated_at"])
    record(actor=actor, action="accounts.superuser_granted", target=user)
    return user


# Wrong codes in a row after a right password that make the owner e-mailed: whoever typed
# them knows the password.
CODE_FAILURES_NOTICE = 5


def sign_in_attack_noticed(*, email: str, wrong_codes: bool = False) -> bool:
    """Many failed sign-ins for one account from everywhere (or, ``wrong_codes``, wrong
    codes after its right password): e-mail its owner, once per cool-off window. Returns
    whether a notice was queued. Called for any e-mail an attacker types; only a real,
    active account gets one, and the caller's answer does not change."""
    from django.core.cache import cache

    user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None or not user.is_staff_member:
        return False
    kind = "codes" if wrong_codes else "passwords"
    window = max(60, round(settings.AXES_COOLOFF_TIME * 3600))
    if not cache.add(f"accounts.sign-in-attack:{kind}:{user.pk}", True, timeout=window):
        return False
    with transaction.atomic():
        record(
            actor="system",
            action="accounts.sign_in_attack_noticed",
            target=user,
            data={"failed": kind},
        )
        enqueue_on_commit(
            "safepassage.accounts.tasks.send_attack_notice",
            user_id=str(user.pk),
            wrong_codes=wrong_codes,
        )
    return True


@transaction.atomic
def sign_in_records_prune() -> int:
    """Delete django-axes rows past the cool-off: attempts no longer count after it, and
    each row holds an address (no user agent is stored). Returns how many went."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    before = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    removed = 0
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        count, _by_model = model.objects.filter(attempt_time__lt=before).delete()
        removed += count
    return removed
