"""Sponsors (donors who take part in Hope Sharing) and a person's consent to sponsorship.

The consent page fetches the person through the cases access policy, so a case worker
sees only the people of their teams (anyone else's code answers 404). It shows a code,
never a name: the person's own page, one click away, is where identity lives.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base.submitting import attach_errors
from safepassage.cases.models import Person
from safepassage.fundraising import forms, selectors
from safepassage.fundraising.services import consent, sponsors
from safepassage.funds.models import Donor


@staff_required("hope.view")
@require_safe
def sponsor_list(request):
    return render(
        request,
        "fundraising/sponsors.html",
        {
            "sponsors": selectors.sponsors_list(),
            "may_manage": permissions.has_capability(request.user, "hope.manage"),
        },
    )


@staff_required("hope.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def sponsor_new(request):
    donors = permissions.visible(request.user, "hope.manage", Donor.objects.all())
    form = forms.SponsorForm(request.POST or None, donors=donors)
    if request.method == "POST" and form.is_valid():
        try:
            enrolled = sponsors.sponsor_enrol(
                actor=request.user, donor=form.cleaned_data["donor"], mode=form.cleaned_data["mode"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Donor %(donor)s is a sponsor (%(mode)s).")
                % {"donor": enrolled.donor.code, "mode": enrolled.get_mode_display()},
            )
            return redirect("fundraising:sponsors")
    return render(
        request,
        "fundraising/sponsor_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _person(request, code: str) -> Person:
    return permissions.get_or_404(
        request.user, "hope.consent", Person.objects.select_related("case"), code=code.upper()
    )


def _back(request, person: Person):
    if permissions.can(request.user, "people.view", person):
        return redirect(person)
    return redirect("fundraising:consent", code=person.code)


def _consent_page(request, person: Person, *, form=None, errors=(), status: int = 200):
    return render(
        request,
        "fundraising/consent.html",
        {
            "person": person,
            "hope": selectors.person_hope(person),
            "form": form or forms.ConsentForm(),
            "errors": errors,
            "may_see_person": permissions.can(request.user, "people.view", person),
        },
        status=status,
    )


@staff_required("hope.consent")
@require_http_methods(["GET", "HEAD", "POST"])
def consent_page(request, code: str):
    """Record the person's consent (again, after a withdrawal, if they agree again)."""
    person = _person(request, code)
    if request.method in ("GET", "HEAD"):
        return _consent_page(request, person)
    form = forms.ConsentForm(request.POST)
    if form.is_valid():
        try:
            consent.consent_record(
                actor=request.user, person=person, given_on=form.cleaned_data["given_on"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Consent to sponsorship recorded for %(code)s.") % {"code": person.code},
            )
            return _back(request, person)
    return _consent_page(request, person, form=form, status=400)


@staff_required("hope.consent")
@require_POST
def consent_withdraw(request, code: str):
    """No sponsor hears of this person again; a share they hold goes to the next person."""
    person = _person(request, code)
    try:
        consent.consent_withdraw(actor=request.user, person=person)
    except ValidationError as exc:
        return _consent_page(request, person, errors=exc.messages, status=400)
    messages.success(
        request, _("Consent to sponsorship withdrawn for %(code)s.") % {"code": person.code}
    )
    return _back(request, person)
