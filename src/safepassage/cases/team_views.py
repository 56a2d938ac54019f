"""The director's team pages: case workers see the cases of their teams."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.accounts.models import Role, User
from safepassage.cases import services
from safepassage.cases.models import Team


def _staff():
    return User.objects.filter(is_active=True, roles__code=Role.Code.CASE_WORKER).distinct()


class TeamForm(django_forms.Form):
    name = django_forms.CharField(label=gettext_lazy("Team name"), max_length=80)


class MembersForm(django_forms.Form):
    members = django_forms.ModelMultipleChoiceField(
        label=gettext_lazy("Case workers in this team"),
        queryset=User.objects.none(),
        required=False,
        widget=django_forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _staff()


@staff_required("staff.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def teams(request):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_create(actor=request.user, name=form.cleaned_data["name"])
        except IntegrityError:
            form.add_error("name", _("A team with this name exists already."))
        else:
            messages.success(request, _("Team created."))
            return redirect("cases:teams")
    found = Team.objects.prefetch_related("members")
    return render(
        request,
        "cases/teams.html",
        {"teams": found, "form": form},
        status=400 if form.errors else 200,
    )


@staff_required("staff.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def team(request, team_id):
    found = permissions.get_or_404(request.user, "staff.manage", Team.objects.all(), pk=team_id)
    form = MembersForm(request.POST or None, initial={"members": found.members.all()})
    if request.method == "POST" and form.is_valid():
        services.team_set_members(
            actor=request.user, team=found, members=form.cleaned_data["members"]
        )
        messages.success(request, _("Team members saved."))
        return redirect("cases:teams")
    return render(request, "cases/team.html", {"team": found, "form": form})
