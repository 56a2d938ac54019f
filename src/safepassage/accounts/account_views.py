"""A person's own account: the page, a new password, a new authenticator, new recovery codes.

Each change first asks who is at the keyboard again (``recent_auth_required``: the password
and a current second factor, unless given in the last few minutes), the one step that also
guards role changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from safepassage.accounts import forms, selectors, services, views
from safepassage.accounts.decorators import recent_auth_required, staff_required

REPLACE_DEVICE_KEY = "safepassage_replace_device"


@staff_required("account.own")
def account(request):
    context = {"member": request.user, **selectors.account_overview(request.user)}
    return render(request, "accounts/account.html", context)


@staff_required("account.own")
@recent_auth_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password_change(request):
    form = forms.SetPasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            # This session goes on; the others signed in with the old password end.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect("accounts:account")
    return render(
        request, "accounts/password_change.html", {"form": form}, status=400 if form.errors else 200
    )


@staff_required("account.own")
@recent_auth_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def authenticator(request):
    """Enrol a new authenticator (a new secret) and confirm it with its first code."""
    user = request.user
    device = views.enrolment_device(request, user, REPLACE_DEVICE_KEY)
    form = forms.EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_replace(device=device, token=form.cleaned_data["code"])
        except services.AccountError as exc:
            form.add_error("code", str(exc))
        else:
            request.session.pop(REPLACE_DEVICE_KEY, None)
            # The old authenticator is gone: this session is verified by the new one.
            otp_login(request, device)
            messages.success(
                request, _("Your new authenticator is set up; the old one no longer works.")
            )
            return redirect("accounts:account")
    intro = _(
        "Scan this code with your new authenticator app, or type the key by hand, then enter "
        "the code the app shows. Until then your current authenticator goes on working."
    )
    return views.render_enrolment(request, user=user, device=device, form=form, intro=intro)


@staff_required("account.own")
@recent_auth_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def recovery_codes_new(request):
    if request.method == "POST":
        codes = services.recovery_codes_regenerate(user=request.user)
        request.session[views.NEW_CODES_KEY] = codes
        return redirect("accounts:recovery_codes")
    return render(request, "accounts/recovery_codes_new.html")
