"""Sign-in, second factor, invitation and re-authentication pages.

A correct password alone never creates a session: it only marks the browser's anonymous
session as "password checked for user X, until T". The session becomes a login after a
valid second factor, and cancelling throws the mark away.
"""

from __future__ import annotations

import math
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth import login as auth_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from safepassage.accounts import forms, services, throttle
from safepassage.accounts.middleware import mark_recent_auth, mark_signed_in
from safepassage.accounts.models import RecoveryCodeDevice, TOTPDevice, User

PENDING_KEY = "safepassage_pending_login"
PENDING_SECONDS = 300
INVITATION_KEY = "safepassage_invitation"
ENROL_DEVICE_KEY = "safepassage_enrol_device"
NEW_CODES_KEY = "safepassage_new_recovery_codes"
# A sign-in after a director reset the second factor: password checked, authenticator to enrol.
ENROL_PENDING_KEY = "safepassage_pending_enrolment"
ENROL_PENDING_SECONDS = 900
SIGN_IN_DEVICE_KEY = "safepassage_sign_in_enrol_device"
RESET_KEY = "safepassage_password_reset"


def _next_url(request, default: str = "") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this once an account or an address has failed too often."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    form = forms.LoginForm()
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "error": _("Too many failed sign-ins. Wait %(minutes)d minutes and try again.")
            % {"minutes": minutes},
        },
        status=429,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = forms.LoginForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            user = authenticate(
                request,
                email=form.cleaned_data["email"].strip().lower(),
                password=form.cleaned_data["password"],
            )
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            if (
                user is not None
                and user.is_active
                and user.is_staff_member
                and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            ):
                request.session.cycle_key()
                request.session[PENDING_KEY] = {"user": str(user.pk), "at": time.time()}
                query = urlencode({"next": _next_url(request)})
                return redirect(f"{reverse('accounts:verify')}?{query}")
            if (
                user is not None
                and user.is_active
                and user.is_staff_member
                and services.second_factor_reset_open(user)
            ):
                request.session.cycle_key()
                request.session[ENROL_PENDING_KEY] = {"user": str(user.pk), "at": time.time()}
                return redirect("accounts:login_enrol")
            if user is not None:
                # A right password that cannot lead to a session (no authenticator yet, a
                # donor's account) is answered, and counted, exactly as a wrong one: the
                # page must not confirm a password. The invited enrol through their link.
                throttle.count_as_failure(request, email=user.email)
                if getattr(request, "axes_locked_out", False):
                    return locked_out(request)
            error = _("E-mail or password is wrong.")
        else:
            error = _("E-mail or password is wrong.")
    status = 400 if error else 200
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": _next_url(request, default="")},
        status=status,
    )


def _pending_user(request) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    user = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    form = forms.CodeForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            device, error = check_second_factor(user, form.cleaned_data["code"])
            if device is not None:
                request.session.pop(PENDING_KEY, None)
                return _sign_in(request, user, device)
        else:
            error = _("Enter the code.")
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "error": error, "next": _next_url(request, default="")},
        status=400 if error else 200,
    )


def _sign_in(request, user: User, device, *, to: str = ""):
    """Both factors are checked: make the session a login and leave for ``to`` (or
    ``next``)."""
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    mark_signed_in(request)
    request.session["django_language"] = user.language
    services.login_recorded(user=user, method=type(device).__name__)
    response = redirect(to or _next_url(request))
    throttle.trust_device(response, request=request, user=user)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        user.language,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


def check_second_factor(user: User, code: str):
    """Try the authenticator, then the recovery codes; returns (device, error message)."""
    cleaned = "".join(code.split())
    candidates = []
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    recovery = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
    if cleaned.isdigit() and totp is not None:
        candidates.append(totp)
    elif recovery is not None:
        candidates.append(recovery)
    for device in candidates:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            wait = info.get("locked_until", timezone.now()) - timezone.now()
            seconds = max(1, math.ceil(wait.total_seconds()))
            return None, ngettext(
                "Too many wrong codes. Try again in %(seconds)d second.",
                "Too many wrong codes. Try again in %(seconds)d seconds.",
                seconds,
            ) % {"seconds": seconds}
        if device.verify_token(cleaned):
            device.throttle_reset()
            return device, ""
        device.throttle_increment()
        if device.throttling_failure_count == services.CODE_FAILURES_NOTICE:
            services.sign_in_attack_noticed(email=user.email, wrong_codes=True)
    return None, _("That code is not right, or it was already used. Try the next one.")


@require_POST
def cancel(request):
    """Abandon a half-finished sign-in: nothing stays signed in."""
    request.session.flush()
    return redirect("accounts:login")


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.logout_recorded(user=request.user, reason="user")
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request):
    """Re-authentication before a sensitive action: password and a fresh code."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    form = forms.ConfirmForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        user = request.user
        password_ok = authenticate(
            request, email=user.email, password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)
        device, error = (None, _("Password or code is wrong."))
        if password_ok is not None and password_ok.pk == user.pk:
            device, code_error = check_second_factor(user, form.cleaned_data["code"])
            if device is not None:
                mark_recent_auth(request)
                return redirect(_next_url(request))
            error = code_error
    elif request.method == "POST":
        error = _("Password or code is wrong.")
    return render(
        request,
        "accounts/confirm.html",
        {"form": form, "error": error, "next": _next_url(request, default="")},
        status=400 if error else 200,
    )


# --- Invitation -------------------------------------------------------------------------------


@never_cache
def invitation(request, token: str):
    """Trade the link's token for a mark in the session, then leave the token-bearing URL."""
    try:
        found = services.invitation_for_token(token)
    except services.AccountError as exc:
        return render(request, "accounts/invitation_invalid.html", {"error": str(exc)}, status=404)
    if request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()
    request.session[INVITATION_KEY] = str(found.pk)
    return redirect("accounts:welcome")


def _session_invitation(request):
    invitation_id = request.session.get(INVITATION_KEY)
    if not invitation_id:
        return None
    try:
        return services.open_invitation(invitation_id)
    except services.AccountError:
        request.session.pop(INVITATION_KEY, None)
        return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def welcome(request):
    """Step 1 of accepting an invitation: choose a password."""
    found = _session_invitation(request)
    if found is None:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"error": _("This invitation link has expired or was already used.")},
            status=404,
        )
    form = forms.SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_set_password(
                invitation=found, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            return redirect("accounts:enrol")
    return render(
        request,
        "accounts/welcome.html",
        {"form": form, "invited": found.user},
        status=400 if form.errors else 200,
    )


def enrolment_device(request, user: User, key: str) -> TOTPDevice:
    """The unconfirmed authenticator this browser is enrolling for ``user`` (its id kept in
    the session under ``key``), made on the first visit."""
    device = TOTPDevice.objects.filter(
        pk=request.session.get(key), user=user, confirmed=False
    ).first()
    if device is None:
        device = services.totp_device_start(user=user)
        request.session[key] = str(device.pk)
    return device


def render_enrolment(request, *, user: User, device: TOTPDevice, form, intro: str):
    """The one page that shows a new authenticator's QR code and asks for its first code:
    joining, enrolling again after a reset, replacing one's own."""
    from safepassage.accounts import otp

    uri = otp.provisioning_uri(device, account=user.email)
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "intro": intro,
            "qr_svg": otp.qr_svg(uri),
            "secret": otp.readable_secret(device),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request):
    """Step 2: scan the QR code and confirm with a first code; then see recovery codes."""
    found = _session_invitation(request)
    if found is None or not found.user.has_usable_password():
        return redirect("accounts:welcome")
    user = found.user
    device = enrolment_device(request, user, ENROL_DEVICE_KEY)
    form = forms.EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.invitation_enrol(
                invitation=found, device=device, token=form.cleaned_data["code"]
            )
        except services.AccountError as exc:
            form.add_error("code", str(exc))
        else:
            for key in (INVITATION_KEY, ENROL_DEVICE_KEY):
                request.session.pop(key, None)
            request.session[NEW_CODES_KEY] = codes
            return redirect("accounts:recovery_codes")
    intro = _(
        "Step 2 of 2: scan this code with an authenticator app, or type the key by hand. "
        "Then enter the code the app shows."
    )
    return render_enrolment(request, user=user, device=device, form=form, intro=intro)


def _pending_enrolment_user(request) -> User | None:
    pending = request.session.get(ENROL_PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > ENROL_PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None or not services.second_factor_reset_open(user):
        return None
    return user


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_enrol(request):
    """Sign-in after a director reset a lost second factor: the password was right; a new
    authenticator is enrolled and confirmed, and that completes the sign-in."""
    user = _pending_enrolment_user(request)
    if user is None:
        for key in (ENROL_PENDING_KEY, SIGN_IN_DEVICE_KEY):
            request.session.pop(key, None)
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    device = enrolment_device(request, user, SIGN_IN_DEVICE_KEY)
    form = forms.EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_enrol_after_reset(
                user=user, device=device, token=form.cleaned_data["code"]
            )
        except services.AccountError as exc:
            form.add_error("code", str(exc))
        else:
            for key in (ENROL_PENDING_KEY, SIGN_IN_DEVICE_KEY):
                request.session.pop(key, None)
            device.refresh_from_db()
            response = _sign_in(request, user, device, to=reverse("accounts:recovery_codes"))
            request.session[NEW_CODES_KEY] = codes
            return response
    intro = _(
        "Your second factor was reset. Scan this code with the authenticator app on your "
        "phone, or type the key by hand, then enter the code the app shows."
    )
    return render_enrolment(request, user=user, device=device, form=form, intro=intro)


@never_cache
def recovery_codes(request):
    """Shown exactly once, right after enrolment."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        return redirect("accounts:login")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


# --- Forgot password --------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password_forgot(request):
    """Ask for a reset link. The answer is the same whether or not the address is an
    account's; only the per-address throttle answers otherwise, for any address."""
    form = forms.ForgotPasswordForm(request.POST or None)
    if request.method == "POST":
        if not throttle.reset_request_allowed(request):
            minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
            error = _("Too many requests. Wait %(minutes)d minutes and try again.") % {
                "minutes": minutes
            }
            return render(
                request, "accounts/password_forgot.html", {"form": form, "error": error}, status=429
            )
        if form.is_valid():
            email = throttle.normalise(form.cleaned_data["email"])
            if throttle.reset_mail_allowed(email):
                services.password_reset_request(email=email)
            return render(request, "accounts/password_forgot_sent.html")
    return render(
        request, "accounts/password_forgot.html", {"form": form}, status=400 if form.errors else 200
    )


def _reset_invalid(request):
    return render(
        request,
        "accounts/invitation_invalid.html",
        {
            "error": _("This link has expired or was already used."),
            "heading": _("Choose a new password"),
        },
        status=404,
    )


@never_cache
def password_reset(request, uidb64: str, token: str):
    """Trade the link for a mark in the session, then leave the token-bearing URL."""
    from safepassage.accounts import tokens

    user = tokens.user_for_link(uidb64, token)
    if user is None:
        return _reset_invalid(request)
    if request.user.is_authenticated:
        logout(request)
    request.session.cycle_key()
    request.session[RESET_KEY] = {"uid": uidb64, "token": token}
    return redirect("accounts:password_reset_set")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset_set(request):
    """The second factor, then the new password. The link is checked again on every
    request, so a link spent meanwhile (in another browser) does nothing here."""
    from safepassage.accounts import tokens

    mark = request.session.get(RESET_KEY) or {}
    user = tokens.user_for_link(mark.get("uid", ""), mark.get("token", ""))
    if user is None:
        request.session.pop(RESET_KEY, None)
        return _reset_invalid(request)
    form = forms.ResetPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        device, error = check_second_factor(user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", error)
        else:
            try:
                services.password_reset_complete(user=user, password=form.cleaned_data["password1"])
            except ValidationError as exc:
                form.add_error("password1", exc)
            else:
                request.session.pop(RESET_KEY, None)
                messages.success(
                    request,
                    _("Your password is changed. Sign in with it and your second factor."),
                )
                return redirect("accounts:login")
    return render(
        request, "accounts/password_reset.html", {"form": form}, status=400 if form.errors else 200
    )
