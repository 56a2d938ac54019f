"""The director's staff pages: who works here, invitations, roles, deactivation and
reactivation, a lost second factor's reset."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.accounts import forms, permissions, selectors, services
from safepassage.accounts.decorators import recent_auth_required, staff_required
from safepassage.accounts.models import User


@staff_required("staff.view")
def staff_list(request):
    context = {
        "users": selectors.staff_for(request.user),
        "can_manage": permissions.has_capability(request.user, "staff.manage"),
    }
    return render(request, "accounts/staff_list.html", context)


@staff_required("staff.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def staff_invite(request):
    form = forms.InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.staff_invite(
                actor=request.user,
                email=data["email"],
                display_name=data["display_name"],
                role_codes=data["roles"],
                language=data["language"],
            )
        except services.AccountError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("Invitation sent."))
            return redirect("accounts:staff")
    return render(
        request, "accounts/staff_invite.html", {"form": form}, status=400 if form.errors else 200
    )


@staff_required("staff.manage")
@recent_auth_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_roles(request, user_id):
    member = permissions.get_or_404(request.user, "staff.manage", User.objects.all(), pk=user_id)
    initial = {"roles": sorted(member.role_codes())}
    form = forms.RolesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.roles_change(
                actor=request.user, user=member, role_codes=form.cleaned_data["roles"]
            )
        except services.AccountError as exc:
            form.add_error("roles", str(exc))
        else:
            messages.success(request, _("Roles changed."))
            return redirect("accounts:staff")
    return render(
        request,
        "accounts/staff_roles.html",
        {"form": form, "member": member},
        status=400 if form.errors else 200,
    )


def _member_action(request, user_id, *, service, texts: dict, success: str):
    """A confirmation page that says what will happen (GET), then the change (POST)."""
    member = permissions.get_or_404(request.user, "staff.manage", User.objects.all(), pk=user_id)
    error = ""
    if request.method == "POST":
        try:
            service(actor=request.user, user=member)
        except services.AccountError as exc:
            error = str(exc)
        else:
            messages.success(request, success % {"name": member.display_name})
            return redirect("accounts:staff")
    name = {"name": member.display_name}
    context = {
        "member": member,
        "error": error,
        "heading": texts["heading"] % name,
        "explanation": texts["explanation"],
        "button": texts["button"],
    }
    return render(request, "accounts/staff_action.html", context, status=400 if error else 200)


@staff_required("staff.manage")
@recent_auth_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_deactivate(request, user_id):
    texts = {
        "heading": _("Deactivate %(name)s"),
        "explanation": _(
            "They are signed out everywhere at once and can no longer sign in. Their records "
            "and history stay. You can reactivate the account later."
        ),
        "button": _("Deactivate"),
    }
    return _member_action(
        request,
        user_id,
        service=services.user_deactivate,
        texts=texts,
        success=_("%(name)s is deactivated and signed out everywhere."),
    )


@staff_required("staff.manage")
@recent_auth_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_reactivate(request, user_id):
    texts = {
        "heading": _("Reactivate %(name)s"),
        "explanation": _(
            "They can sign in again with their password and their second factor as before."
        ),
        "button": _("Reactivate"),
    }
    return _member_action(
        request,
        user_id,
        service=services.user_reactivate,
        texts=texts,
        success=_("%(name)s can sign in again."),
    )


@staff_required("staff.manage")
@recent_auth_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_second_factor_reset(request, user_id):
    texts = {
        "heading": _("Reset the second factor of %(name)s"),
        "explanation": _(
            "For a lost or replaced phone. Their authenticator and recovery codes stop working "
            "and they are signed out everywhere. At their next sign-in, after the password, "
            "they set up a new authenticator. Do this only after you have spoken to them "
            "yourself, by phone or in person, never on an e-mail's word: until they enrol, "
            "their password alone is enough to set one up."
        ),
        "button": _("Reset the second factor"),
    }
    return _member_action(
        request,
        user_id,
        service=services.second_factor_reset,
        texts=texts,
        success=_("The second factor of %(name)s is reset; they set up a new one at sign-in."),
    )
