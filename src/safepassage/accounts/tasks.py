"""Background work for accounts, run by ``safepassage worker``."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from safepassage.accounts import services
from safepassage.accounts.models import Invitation, User


@task
def send_invitation(*, invitation_id: str) -> None:
    """E-mail a fresh invitation link. The token is made here, so the queue never holds it."""
    invitation = Invitation.objects.select_related("user").filter(pk=invitation_id).first()
    if invitation is None or invitation.used_at or invitation.revoked_at:
        return
    link = services.invitation_issue_link(invitation=invitation)
    user = invitation.user
    with translation.override(user.language):
        context = {
            "user": user,
            "link": link,
            "hours": settings.INVITATION_HOURS,
            "organisation": settings.ORGANISATION_NAME,
        }
        subject = _("Your invitation to %(organisation)s") % context
        body = render_to_string("accounts/email/invitation.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
    message.send()


@task
def send_attack_notice(*, user_id: str, wrong_codes: bool = False) -> None:
    """Tell a person that someone is trying to sign in as them, in their language."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    with translation.override(user.language):
        context = {
            "user": user,
            "organisation": settings.ORGANISATION_NAME,
            "minutes": max(1, round(settings.AXES_COOLOFF_TIME * 60)),
            "wrong_codes": wrong_codes,
        }
        subject = _("Someone is trying to sign in to your %(organisation)s account") % context
        body = render_to_string("accounts/email/sign_in_attack.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[user.email]).send()


@task
def send_password_reset(*, user_id: str) -> None:
    """E-mail a "forgot password" link. The token is made here, so the queue never holds it."""
    from safepassage.accounts import tokens

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    with translation.override(user.language):
        context = {
            "user": user,
            "link": tokens.reset_link(user),
            "minutes": tokens.lifetime_seconds() // 60,
            "organisation": settings.ORGANISATION_NAME,
        }
        subject = _("Choose a new password for %(organisation)s") % context
        body = render_to_string("accounts/email/password_reset.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=[user.email]).send()


@task
def prune_sign_in_records() -> int:
    """Periodic: drop sign-in attempt rows past the cool-off (see ``base.schedule``)."""
    from safepassage.base import schedule

    removed = services.sign_in_records_prune()
    schedule.queue_next("safepassage.accounts.tasks.prune_sign_in_records")
    return removed
