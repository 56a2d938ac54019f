from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from safepassage.accounts import permissions
from safepassage.accounts.middleware import has_recent_auth, to_login


def staff_required(capability: str):
    """Signed in with a second factor and holding ``capability``; anything else is 404.

    Anonymous visitors are sent to the login page; signed-in users without the capability
    get the same 404 as for a page that does not exist.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                if request.headers.get("HX-Request"):
                    return to_login(request)
                return redirect_to_login(request.get_full_path())
            permissions.require(user, capability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def recent_auth_required(view):
    """Ask for the password and a fresh code again before a sensitive action."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_recent_auth(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:confirm')}?{query}")
        return view(request, *args, **kwargs)

    return wrapped
