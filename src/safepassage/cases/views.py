"""People pages: pseudonyms by default; plain values only after an audited reveal."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.cases import forms, selectors, services
from safepassage.cases.models import Person
from safepassage.vault import services as vault_services
from safepassage.vault.errors import Shredded

REVEAL_SESSION_KEY = "safepassage_reveals"
REVEALABLE = [
    ("real_name", gettext_lazy("real name")),
    ("aliases", gettext_lazy("other names")),
    ("phone", gettext_lazy("phone")),
    ("whereabouts", gettext_lazy("exact whereabouts")),
]


@staff_required("people.view")
@require_http_methods(["GET", "POST"])
def people(request):
    """The search form posts, so a real name or phone typed into it never lands in a URL,
    a browser history or an access log; codes and pseudonyms also work as ?q= links."""
    posted = request.method == "POST"
    form = forms.SearchForm(request.POST if posted else (request.GET or None))
    query = form.cleaned_data["q"] if form.is_valid() else ""
    people = selectors.people_list(request.user, query=query, identifying=posted)
    page = Paginator(people, 50).get_page(1 if posted else request.GET.get("page"))
    context = {"page": page, "form": form, "query": "" if posted else query}
    return render(request, "cases/people.html", context)


@staff_required("people.edit")
@require_http_methods(["GET", "POST"])
def person_new(request):
    form = forms.PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.person_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Person recorded."))
        return redirect(person)
    return render(
        request, "cases/person_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _grants(request, person: Person) -> set[str]:
    now = time.time()
    grants = request.session.get(REVEAL_SESSION_KEY, {})
    live = {key: until for key, until in grants.items() if until > now}
    if live != grants:
        request.session[REVEAL_SESSION_KEY] = live
    prefix = f"{person.pk}:"
    return {key[len(prefix) :] for key in live if key.startswith(prefix)}


@staff_required("people.view")
@require_GET
def person(request, code: str):
    found = permissions.get_or_404(
        request.user, "people.view", Person.objects.select_related("data_key"), code=code
    )
    revealed = {}
    from safepassage.vault import records

    for field in _grants(request, found):
        try:
            revealed[field] = records.read(found, field)
        except Shredded:
            revealed[field] = None
    may_reveal = permissions.can(request.user, "people.reveal", found)
    return render(
        request,
        "cases/person.html",
        {
            "person": found,
            "revealed": revealed,
            "reveal_form": forms.RevealForm(fields=REVEALABLE) if may_reveal else None,
            "reveal_minutes": settings.REVEAL_MINUTES,
            "shredded": found.real_name.is_shredded,
        },
    )


@staff_required("people.reveal")
@require_POST
def person_reveal(request, code: str):
    found = permissions.get_or_404(request.user, "people.reveal", Person.objects.all(), code=code)
    form = forms.RevealForm(request.POST, fields=REVEALABLE)
    if not form.is_valid():
        messages.error(request, _("Give a reason to reveal a protected value."))
        return redirect(found)
    field = form.cleaned_data["field"]
    try:
        vault_services.reveal(
            record_obj=found,
            field_name=field,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except Shredded:
        messages.error(request, _("This person's identifying data was shredded."))
        return redirect(found)
    grants = request.session.get(REVEAL_SESSION_KEY, {})
    grants[f"{found.pk}:{field}"] = time.time() + settings.REVEAL_MINUTES * 60
    request.session[REVEAL_SESSION_KEY] = grants
    return redirect(found)
