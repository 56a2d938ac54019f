"""A case's notes and contact log, on the case's page and on each person's page.

Lists go through ``selectors.case_notes`` and ``selectors.case_contacts``; the sealed text
of an entry shows only after the audited reveal every protected value takes
(``vault.pages.reveal_and_grant``), for the minutes of its grant.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base.submitting import submit
from safepassage.cases import forms, selectors, services
from safepassage.cases.models import Case, CaseNote, ContactEntry, Person
from safepassage.vault import grants, pages

NOTE_REVEALABLE = [("text", gettext_lazy("note"))]
CONTACT_REVEALABLE = [("summary", gettext_lazy("what was said"))]
SHREDDED = gettext_lazy("This entry was shredded with its case.")
SECTION = "#notes"


def notes_context(request, case: Case, *, person: Person | None = None) -> dict:
    """What the notes section of a case's or a person's page shows; the forms only to
    those who may edit the case."""
    user = request.user
    notes = selectors.case_notes(user, case, person=person)
    contacts = selectors.case_contacts(user, case, person=person)
    context = {
        "notes": [(note, grants.revealed_values(request, note)) for note in notes],
        "contacts": [(entry, grants.revealed_values(request, entry)) for entry in contacts],
        "may_reveal_notes": permissions.can(user, "people.reveal", case),
        "notes_on": person,
    }
    if permissions.can(user, "cases.edit", case) and not case.relayed_by.is_shredded:
        people = [] if person is not None else list(selectors.case_people(case))
        on, where = (person, "person") if person is not None else (case, "case")
        context.update(
            note_form=forms.CaseNoteForm(people=people, fixed=person),
            contact_form=forms.ContactForm(people=people, fixed=person),
            note_action=reverse(f"cases:{where}_note_add", args=[on.code]),
            contact_action=reverse(f"cases:{where}_contact_add", args=[on.code]),
        )
    return context


def _case(request, code: str) -> Case:
    return permissions.get_or_404(
        request.user, "cases.edit", Case.objects.select_related("data_key"), code=code.upper()
    )


def _person(request, code: str) -> Person:
    return permissions.get_or_404(
        request.user, "people.edit", Person.objects.select_related("case"), code=code.upper()
    )


def _back(entry, on: str) -> str:
    """Back to the page the entry was revealed on: the person's page named by ``on`` if
    they are in the entry's case, else the entry's person's or its case's page."""
    # A code never holds a NUL, which PostgreSQL refuses in a query: no such person.
    shown_on = (
        entry.case.people.filter(code=on.upper()).first() if on and "\x00" not in on else None
    )
    target = shown_on or entry.person or entry.case
    return target.get_absolute_url() + SECTION


def _add(request, case: Case, form, service, success: str, back: str):
    submit(request, form, lambda: service(actor=request.user, case=case, **form.entry()), success)
    return redirect(back + SECTION)


@staff_required("cases.edit")
@require_POST
def case_note_add(request, code: str):
    found = _case(request, code)
    form = forms.CaseNoteForm(request.POST, people=list(found.people.all()))
    return _add(
        request, found, form, services.case_note_add, _("Note saved."), found.get_absolute_url()
    )


@staff_required("cases.edit")
@require_POST
def case_contact_add(request, code: str):
    found = _case(request, code)
    form = forms.ContactForm(request.POST, people=list(found.people.all()))
    return _add(
        request,
        found,
        form,
        services.contact_log_add,
        _("Contact logged."),
        found.get_absolute_url(),
    )


@staff_required("cases.edit")
@require_POST
def person_note_add(request, code: str):
    found = _person(request, code)
    form = forms.CaseNoteForm(request.POST, people=[], fixed=found)
    return _add(
        request,
        found.case,
        form,
        services.case_note_add,
        _("Note saved."),
        found.get_absolute_url(),
    )


@staff_required("cases.edit")
@require_POST
def person_contact_add(request, code: str):
    found = _person(request, code)
    form = forms.ContactForm(request.POST, people=[], fixed=found)
    return _add(
        request,
        found.case,
        form,
        services.contact_log_add,
        _("Contact logged."),
        found.get_absolute_url(),
    )


def _entry(request, model, code: str):
    return permissions.get_or_404(
        request.user,
        "people.reveal",
        model.objects.select_related("case", "person", "data_key"),
        code=code.upper(),
    )


@staff_required("people.reveal")
@require_POST
def note_reveal(request, code: str):
    note = _entry(request, CaseNote, code)
    back = _back(note, request.POST.get("on", ""))
    return pages.reveal_and_grant(request, note, NOTE_REVEALABLE, back, SHREDDED)


@staff_required("people.reveal")
@require_POST
def contact_reveal(request, code: str):
    entry = _entry(request, ContactEntry, code)
    back = _back(entry, request.POST.get("on", ""))
    return pages.reveal_and_grant(request, entry, CONTACT_REVEALABLE, back, SHREDDED)
