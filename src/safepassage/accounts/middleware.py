"""Session rules for staff: no session without a second factor; idle sessions end;
nothing a signed-in person saw is left in a cache."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from safepassage.secret_paths import is_secret_path

IDLE_KEY = "safepassage_last_seen"
# When the session signed in: it ends SESSION_MAX_HOURS later however active it is (the
# session row's own expiry moves on with every save, so it cannot be the limit).
SIGNED_IN_KEY = "safepassage_signed_in_at"
# Sent by pages that refresh themselves (the mission board): such a request is not the
# user's activity, so an open board does not keep an unattended session alive.
BACKGROUND_HEADER = "X-Safepassage-Background"


def to_login(request):
    """Back to the sign-in page; for an htmx request, tell htmx to load it as a whole page
    instead of swapping it into a fragment of the old one."""
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Redirect": resolve_url(settings.LOGIN_URL)})
    return redirect(settings.LOGIN_URL)


AUTH_AT_KEY = "safepassage_auth_at"


class SecondFactorRequiredMiddleware:
    """Belt and braces: a session that was never verified with a second factor is ended.

    The login view never creates such a session; this catches any other path
    (a bug, a library change, a forged session) before a view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            logout(request)
            return to_login(request)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """A session ends after IDLE_TIMEOUT_MINUTES without the user's activity, and
    SESSION_MAX_HOURS after it signed in whatever the activity (both audited)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            signed_in = request.session.get(SIGNED_IN_KEY)
            if signed_in is None:
                # A session from before the limit was kept: it counts from now.
                request.session[SIGNED_IN_KEY] = now
            elif now - signed_in > settings.SESSION_COOKIE_AGE:
                from safepassage.accounts import services

                services.logout_recorded(user=user, reason="session_limit")
                logout(request)
                messages.info(
                    request, _("Your session reached its time limit. Please sign in again.")
                )
                return to_login(request)
            last = request.session.get(IDLE_KEY)
            if last is not None and now - last > settings.IDLE_TIMEOUT_SECONDS:
                from safepassage.accounts import services

                services.logout_recorded(user=user, reason="idle")
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                return to_login(request)
            # Writing the session on every request would cost a query per page; a minute's
            # precision is plenty for a thirty-minute timeout.
            background = request.headers.get(BACKGROUND_HEADER) == "poll"
            if last is None or (now - last > 60 and not background):
                request.session[IDLE_KEY] = now
        return self.get_response(request)


def mark_signed_in(request) -> None:
    """At sign-in: the session's time limit counts from now, and it has just authenticated."""
    request.session[SIGNED_IN_KEY] = time.time()
    mark_recent_auth(request)


def mark_recent_auth(request) -> None:
    request.session[AUTH_AT_KEY] = time.time()
    request.session[IDLE_KEY] = time.time()


def has_recent_auth(request) -> bool:
    at = request.session.get(AUTH_AT_KEY)
    return at is not None and time.time() - at <= settings.RECENT_AUTH_SECONDS


class NoStoreMiddleware:
    """No cache may keep what a signed-in person, a token holder or a download saw.

    ``Cache-Control: no-store`` (and ``Pragma: no-cache`` for old proxies) on every
    response to a request that was signed in before or after the view ran, that carried
    an ``Authorization`` header or a token-bearing path (``safepassage.secret_paths``), or
    that is a file download. Static files and public pages stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = _signed_in(request)
        response = self.get_response(request)
        if (
            signed_in
            or _signed_in(request)
            or "HTTP_AUTHORIZATION" in request.META
            or is_secret_path(request.path)
            or response.get("Content-Disposition", "").startswith("attachment")
        ):
            if "no-store" not in response.get("Cache-Control", ""):
                add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
