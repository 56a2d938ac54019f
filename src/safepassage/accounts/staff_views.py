"""The director's staff pages: who works here, invitations, roles."""

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
    return render(request, "accounts/staff_list.html", {"users": selectors.staff_for(request.user)})


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
