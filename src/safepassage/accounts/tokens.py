"""The "forgot password" link: signed by Django's token generator, spent by its own use.

A token holds its time and an HMAC of the account's state (password hash, last sign-in,
e-mail, session generation, active or not), so it stops working once the password is set
with it, once the account is deactivated or its sessions are ended, and after
``lifetime_seconds()``. Nothing about it is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

# Django's PASSWORD_RESET_TIMEOUT is three days by default: a link in a mailbox for that
# long is too much. A shorter configured value wins.
MAX_LIFETIME_SECONDS = 3600


def lifetime_seconds() -> int:
    return min(settings.PASSWORD_RESET_TIMEOUT, MAX_LIFETIME_SECONDS)


class PasswordResetTokens(PasswordResetTokenGenerator):
    key_salt = "safepassage.accounts.password-reset"

    def _make_hash_value(self, user, timestamp) -> str:
        base = super()._make_hash_value(user, timestamp)
        return f"{base}:{user.session_generation}:{int(user.is_active)}"

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        issued = base36_to_int(str(token).split("-")[0])
        return self._num_seconds(self._now()) - issued <= lifetime_seconds()


reset_tokens = PasswordResetTokens()


def reset_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = reset_tokens.make_token(user)
    return settings.BASE_URL + reverse("accounts:password_reset", args=[uid, token])


def user_for_link(uidb64: str, token: str):
    """The active account a link was made for, or None for any fault (the same for all)."""
    from safepassage.accounts.models import User

    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = User.objects.filter(pk=pk, is_active=True).first()
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError, ValidationError):
        return None
    if user is None or not reset_tokens.check_token(user, token):
        return None
    return user
