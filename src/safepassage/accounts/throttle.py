"""Sign-in throttling that an attacker cannot aim at a named person (django-axes).

Three limits, all counted over the cool-off window from axes' own attempt rows:

- **account and address** (``AXES_FAILURE_LIMIT``, 5): the fast lock, for that pair only.
  Failures for Kim's e-mail from an attacker's address lock the attacker's address out of
  Kim's account, not Kim.
- **account, from every address** (``LOGIN_ACCOUNT_FAILURE_LIMIT``): past it, the account
  is under attack: browsers that have not completed a sign-in to it before are asked to
  wait, a browser that has (it holds a signed "trusted device" cookie for the account)
  goes on as usual, and the owner is e-mailed once per window.
- **address, over every account** (``LOGIN_ADDRESS_FAILURE_LIMIT``): spraying many
  (made-up) e-mails locks that address, except for a trusted device signing in to its own
  account.

A device cookie, not the address, says who is known: staff in the field change addresses
with every mobile network, and an address kept per account would be one more list of staff
addresses in the database. The rows keep the account as a keyed digest, never the e-mail,
and no user agent.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.utils.crypto import salted_hmac

DEVICE_COOKIE = "safepassage_device"
DEVICE_SALT = "safepassage.accounts.trusted-device"
DEVICE_DAYS = 180


def normalise(email: str) -> str:
    """Lower-cased and trimmed, so "Kim@Example.org " and "kim@example.org" share one counter."""
    return str(email).strip().lower()[:254]


def account_key(email: str) -> str:
    """The account as axes records it: a keyed digest, so a copy of the database does not
    list which e-mails were tried."""
    cleaned = normalise(email)
    if not cleaned:
        return ""
    return salted_hmac("safepassage.accounts.sign-in", cleaned, algorithm="sha256").hexdigest()


def username(request, credentials) -> str:
    """``AXES_USERNAME_CALLABLE``: how django-axes names the account in an attempt."""
    raw = ""
    if credentials:
        raw = credentials.get("email") or credentials.get("username") or ""
    elif request is not None and request.method == "POST":
        raw = request.POST.get("email", "")
    return account_key(raw)


def trust_device(response, *, request, user) -> None:
    """After a full sign-in (password and second factor): this browser is known for user."""
    response.set_signed_cookie(
        DEVICE_COOKIE,
        account_key(user.email),
        salt=DEVICE_SALT,
        max_age=DEVICE_DAYS * 86400,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def is_trusted_device(request, account: str) -> bool:
    if not account:
        return False
    known = request.get_signed_cookie(
        DEVICE_COOKIE, default="", salt=DEVICE_SALT, max_age=DEVICE_DAYS * 86400
    )
    return known == account


def count_as_failure(request, *, email: str) -> None:
    """Record a sign-in that checked out but may not go on as a failed one (the signal
    ``authenticate`` sends for a wrong password), so it locks at the same point."""
    user_login_failed.send(sender=__name__, credentials={"email": email}, request=request)


def _failures(request, **match) -> int:
    recent = AccessAttempt.objects.filter(
        attempt_time__gte=get_cool_off_threshold(request), **match
    )
    return recent.aggregate(n=Sum("failures_since_start"))["n"] or 0


def account_failures(request, account: str) -> int:
    return _failures(request, username=account) if account else 0


def address_failures(request) -> int:
    return _failures(request, ip_address=request.axes_ip_address)


class SignInHandler(AxesDatabaseHandler):
    """``AXES_HANDLER``: axes' database handler with the pair lock plus the account and
    address limits above, and attempt rows that keep no user agent or accept header."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        account = get_client_username(request, credentials)
        if is_trusted_device(request, account):
            return False
        return (
            address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
            or account_failures(request, account) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        request.axes_user_agent = ""
        request.axes_http_accept = ""
        result = super().user_login_failed(sender, credentials, request, **kwargs)
        # axes marks the request locked for its own (pair) limit; the other two as well.
        if not request.axes_locked_out and self.is_locked(request, credentials):
            request.axes_locked_out = True
        account = get_client_username(request, credentials)
        if account_failures(request, account) >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
            from safepassage.accounts import services

            services.sign_in_attack_noticed(email=normalise((credentials or {}).get("email", "")))
        return result

    def user_logged_in(self, sender, request, user, **kwargs):
        request.axes_user_agent = ""
        request.axes_http_accept = ""
        return super().user_logged_in(sender, request, user, **kwargs)


def _window_seconds() -> int:
    return max(60, round(settings.AXES_COOLOFF_TIME * 3600))


def reset_request_allowed(request) -> bool:
    """ "Forgot password" from this address: at most ``AXES_FAILURE_LIMIT`` requests per
    cool-off window, and none from an address locked for spraying sign-ins. Counted per
    address only, whatever e-mail is typed, so the answer says nothing about accounts.
    The cache keeps the address as a keyed digest."""
    from axes.handlers.proxy import AxesProxyHandler
    from django.core.cache import cache

    AxesProxyHandler.update_request(request)
    if address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return False
    address = salted_hmac(
        "safepassage.accounts.reset-address", str(request.axes_ip_address), algorithm="sha256"
    ).hexdigest()
    key = f"accounts.reset:address:{address}"
    cache.add(key, 0, timeout=_window_seconds())
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_window_seconds())
        count = 1
    return count <= settings.AXES_FAILURE_LIMIT


def reset_mail_allowed(email: str) -> bool:
    """One "forgot password" e-mail per account per cool-off window, so nobody can fill a
    colleague's mailbox with links. The caller answers the same either way."""
    from django.core.cache import cache

    account = account_key(email)
    if not account:
        return False
    return cache.add(f"accounts.reset:account:{account}", True, timeout=_window_seconds())
