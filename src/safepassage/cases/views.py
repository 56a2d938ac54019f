"""People pages: pseudonyms by default; plain values only after an audited, timed reveal.

Every view fetches its object through ``permissions.get_or_404`` (404 for "missing" and
"not yours" alike), validates a form, calls one service, and redirects.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base.submitting import show_errors, submit
from safepassage.cases import (
    deliverers,
    forms,
    lifecycle,
    lists,
    note_views,
    person_page,
    priority,
    selectors,
    services,
)
from safepassage.cases.models import Person, Relief, Testimony
from safepassage.vault import grants, pages
from safepassage.vault.forms import RevealForm

REVEALABLE = [
    ("real_name", gettext_lazy("real name")),
    ("aliases", gettext_lazy("other names")),
    ("phone", gettext_lazy("phone")),
    ("whereabouts", gettext_lazy("exact whereabouts")),
]
TESTIMONY_REVEALABLE = [
    ("raw_text", gettext_lazy("message as given")),
    ("publishable_text", gettext_lazy("edited version for publication")),
]
SHREDDED = gettext_lazy("This person's identifying data was shredded.")


def _person(request, code: str, action: str = "people.view") -> Person:
    return permissions.get_or_404(
        request.user,
        action,
        Person.objects.select_related("data_key", "case", "group"),
        code=code.upper(),
    )


def _testimony(request, code: str, action: str) -> Testimony:
    return permissions.get_or_404(
        request.user,
        action,
        Testimony.objects.select_related("person__case", "data_key"),
        code=code.upper(),
    )


@staff_required("people.view")
@require_http_methods(["GET", "HEAD", "POST"])
def people(request):
    """The search form posts, so a real name or phone typed into it never lands in a URL,
    a browser history or an access log; codes, pseudonyms and filters work as links."""
    posted = request.method == "POST"
    form = forms.SearchForm(request.POST if posted else (request.GET or None))
    filters = selectors.PeopleFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.PeopleFilter(
            query=data["q"],
            status=data["status"],
            province=data["province"],
            flag=data["flag"],
            min_priority=data["min_priority"],
        )
    found = selectors.people_list(request.user, identifying=posted, filters=filters)
    page = Paginator(found.order_by("-priority", "-created_at"), 50).get_page(
        1 if posted else request.GET.get("page")
    )
    params = QueryDict(mutable=True) if posted else request.GET.copy()
    params.pop("page", None)
    shown = lists.shown_by_code(request, found)
    return render(
        request,
        "cases/people.html",
        {
            "page": page,
            "rows": [(person, shown[person.code]) for person in page],
            "form": form,
            "query": params.urlencode(),
            "may_export": permissions.has_capability(request.user, "cases.export"),
            **_exact_context(request, back="people"),
        },
    )


@staff_required("people.view")
@require_safe
def queue(request):
    """Who waits for rescue, most urgent first (by the exact priority), and why."""
    waiting = selectors.priority_queue(request.user)
    page = Paginator(waiting, 50).get_page(request.GET.get("page"))
    shown = lists.shown_by_code(request, waiting)
    rows = [
        (person, priority.explain(person.priority_reasons), shown[person.code]) for person in page
    ]
    context = {"page": page, "rows": rows, **_exact_context(request, back="queue")}
    return render(request, "cases/queue.html", context)


def _exact_context(request, *, back: str) -> dict:
    exact = lists.exact_granted(request)
    may_reveal = permissions.has_capability(request.user, "people.reveal")
    return {
        "exact": exact,
        "exact_form": forms.ExactValuesForm(initial={"back": back})
        if may_reveal and not exact
        else None,
        "min_group": settings.EXPORT_MIN_GROUP,
        "reveal_minutes": settings.REVEAL_MINUTES,
    }


@staff_required("people.reveal")
@require_POST
def people_exact(request):
    """Exact sex, birth year, province and pseudonyms in lists and exports, for a few
    minutes, after a reason that is audited."""
    form = forms.ExactValuesForm(request.POST)
    back = "cases:queue" if request.POST.get("back") == "queue" else "cases:people"
    if not form.is_valid():
        messages.error(request, _("Give a reason to see exact values."))
        return redirect(back)
    services.people_exact_shown(actor=request.user, reason=form.cleaned_data["reason"])
    lists.grant_exact(request)
    return redirect(back)


@staff_required("people.view")
@require_safe
def person(request, code: str):
    found = _person(request, code)
    may_edit = permissions.can(request.user, "people.edit", found)
    may_reveal = permissions.can(request.user, "people.reveal", found)
    shredded = found.real_name.is_shredded
    testimonies = []
    for testimony in found.testimonies.select_related("data_key"):
        testimonies.append((testimony, grants.revealed_values(request, testimony)))
    context = {
        "person": found,
        "revealed": grants.revealed_values(request, found),
        "reveal_form": RevealForm(fields=REVEALABLE) if may_reveal else None,
        "testimony_reveal_form": RevealForm(fields=TESTIMONY_REVEALABLE) if may_reveal else None,
        "reveal_minutes": settings.REVEAL_MINUTES,
        "shredded": shredded,
        "reasons": priority.explain(found.priority_reasons),
        "history": found.status_changes.select_related("actor"),
        "relief": found.relief.all(),
        "support": found.support.all(),
        "testimonies": testimonies,
        "may_edit": may_edit and not shredded,
        "flags": [label for flag, label in forms.FLAG_LABELS.items() if getattr(found, flag)],
        **note_views.notes_context(request, found.case, person=found),
        # What other apps add (rescue: which missions the person is on, never the route).
        **person_page.context_for(found),
    }
    if context["may_edit"]:
        context.update(
            status_form=forms.StatusForm(choices=lifecycle.next_statuses(found.status)),
            flags_form=forms.FlagsForm(initial={f: getattr(found, f) for f in services.FLAGS}),
            relief_form=forms.ReliefForm(partners=deliverers.pseudonyms_for(request.user)),
            support_form=forms.SupportForm(),
            testimony_form=forms.TestimonyForm(),
            consent_form=forms.ConsentForm(),
        )
    return render(request, "cases/person.html", context)


@staff_required("people.reveal")
@require_POST
def person_reveal(request, code: str):
    found = _person(request, code, "people.reveal")
    return pages.reveal_and_grant(request, found, REVEALABLE, found, SHREDDED)


@staff_required("people.edit")
@require_POST
def person_status(request, code: str):
    found = _person(request, code, "people.edit")
    form = forms.StatusForm(request.POST, choices=lifecycle.next_statuses(found.status))
    if not form.is_valid():
        messages.error(request, _("That status change is not possible from here."))
        return redirect(found)
    try:
        services.person_set_status(
            actor=request.user, person=found, to_status=form.cleaned_data["status"]
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("Status changed."))
    return redirect(found)


@staff_required("people.edit")
@require_POST
def person_flags(request, code: str):
    found = _person(request, code, "people.edit")
    form = forms.FlagsForm(request.POST)
    if form.is_valid():
        services.person_update_flags(actor=request.user, person=found, **form.flags())
        messages.success(request, _("Vulnerability flags saved; priority recalculated."))
    return redirect(found)


@staff_required("people.edit")
@require_POST
def relief_add(request, code: str):
    found = _person(request, code, "people.edit")
    form = forms.ReliefForm(request.POST, partners=deliverers.pseudonyms_for(request.user))
    submit(
        request,
        form,
        lambda: services.relief_add(actor=request.user, person=found, **form.relief_fields()),
        _("Relief recorded."),
    )
    return redirect(found)


@staff_required("people.edit")
@require_POST
def relief_confirm(request, code: str, relief_id):
    found = _person(request, code, "people.edit")
    relief = Relief.objects.filter(person=found, pk=relief_id).first()
    if relief is not None:
        services.relief_confirm(actor=request.user, relief=relief)
        messages.success(request, _("Receipt confirmed."))
    return redirect(found)


@staff_required("people.edit")
@require_POST
def support_add(request, code: str):
    found = _person(request, code, "people.edit")
    form = forms.SupportForm(request.POST)
    submit(
        request,
        form,
        lambda: services.support_add(actor=request.user, person=found, **form.cleaned_data),
        _("Support recorded."),
    )
    return redirect(found)


@staff_required("people.edit")
@require_POST
def testimony_add(request, code: str):
    found = _person(request, code, "people.edit")
    form = forms.TestimonyForm(request.POST)
    submit(
        request,
        form,
        lambda: services.record_testimony(actor=request.user, person=found, **form.cleaned_data),
        _("Testimony recorded. It stays internal until consent is recorded."),
    )
    return redirect(found)


@staff_required("people.edit")
@require_POST
def testimony_consent(request, code: str):
    testimony = _testimony(request, code, "people.edit")
    form = forms.ConsentForm(request.POST)
    submit(
        request,
        form,
        lambda: services.consent_record(
            actor=request.user, testimony=testimony, **form.cleaned_data
        ),
        _("Consent recorded."),
    )
    return redirect(testimony.person)


@staff_required("people.edit")
@require_POST
def testimony_withdraw(request, code: str):
    testimony = _testimony(request, code, "people.edit")
    services.consent_withdraw(actor=request.user, testimony=testimony)
    messages.success(request, _("Consent withdrawn: the text is no longer published anywhere."))
    return redirect(testimony.person)


@staff_required("people.reveal")
@require_POST
def testimony_reveal(request, code: str):
    testimony = _testimony(request, code, "people.reveal")
    return pages.reveal_and_grant(
        request, testimony, TESTIMONY_REVEALABLE, testimony.person, SHREDDED
    )
