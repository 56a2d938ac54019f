"""Donor pages: pseudonyms by default; contact details only after an audited, timed reveal.

The search form posts, so an e-mail address, phone or IBAN typed into it never lands in a
URL, a browser history or an access log; it matches exactly, through the blind indexes,
without decrypting anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base.submitting import attach_errors, show_errors
from safepassage.funds import forms, selectors
from safepassage.funds.models import Donor
from safepassage.funds.services import donors as donor_services
from safepassage.vault import grants, pages
from safepassage.vault.forms import RevealForm

PAGE_SIZE = 50
REVEALABLE = [
    ("name", gettext_lazy("name")),
    ("email", gettext_lazy("e-mail")),
    ("phone", gettext_lazy("phone")),
    ("iban", gettext_lazy("IBAN")),
    ("address", gettext_lazy("postal address")),
    ("rrn", gettext_lazy("resident registration number")),
]
SHREDDED = gettext_lazy("This donor's contact details were shredded.")


def _donor(request, code: str, action: str = "funds.view") -> Donor:
    return permissions.get_or_404(
        request.user,
        action,
        Donor.objects.select_related("data_key", "merged_into"),
        code=code.upper(),
    )


@staff_required("funds.view")
@require_http_methods(["GET", "HEAD", "POST"])
def donors(request):
    posted = request.method == "POST"
    form = forms.DonorSearchForm(request.POST if posted else request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = selectors.donors_list(request.user, query=query, identifying=posted)
    page = Paginator(found.order_by("-created_at"), PAGE_SIZE).get_page(
        1 if posted else request.GET.get("page")
    )
    for donor in page:
        donor.total = selectors.base(donor.total_minor)
    params = QueryDict(mutable=True) if posted else request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "funds/donors.html",
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "searched": bool(query),
            "may_edit": permissions.has_capability(request.user, "funds.edit"),
        },
    )


@staff_required("funds.edit")
@require_http_methods(["GET", "HEAD", "POST"])
def donor_new(request):
    form = forms.DonorForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        same = donor_services.match(email=data["email"], phone=data["phone"], iban=data["iban"])
        if same is not None and not data["allow_duplicate"]:
            form.add_error(
                "allow_duplicate",
                _("Donor %(code)s has the same e-mail, phone or IBAN.") % {"code": same.code},
            )
        else:
            try:
                donor = donor_services.donor_create(actor=request.user, **form.donor_fields())
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, _("Donor %(code)s added.") % {"code": donor.code})
                return redirect(donor)
    return render(
        request,
        "funds/donor_new.html",
        {"form": form, "duplicate": form.has_error("allow_duplicate")},
        status=400 if form.errors else 200,
    )


@staff_required("funds.view")
@require_safe
def donor(request, code: str):
    found = _donor(request, code)
    user = request.user
    may_reveal = permissions.can(user, "donors.reveal", found)
    may_edit = permissions.can(user, "funds.edit", found)
    return render(
        request,
        "funds/donor.html",
        {
            "donor": found,
            "total": selectors.donor_total(found),
            "gifts": selectors.donor_gifts(found),
            "soft_credits": selectors.donor_soft_credits(found),
            "receipts": found.receipts.order_by("-issued_at"),
            "merged": found.merged.only("code", "updated_at"),
            "revealed": grants.revealed_values(request, found) if may_reveal else {},
            "reveal_form": RevealForm(fields=REVEALABLE) if may_reveal else None,
            "reveal_minutes": settings.REVEAL_MINUTES,
            "shredded": found.name.is_shredded,
            "merge_form": forms.MergeForm() if may_edit and not found.merged_into_id else None,
            "statement_form": (
                forms.StatementForm(initial={"year": _last_year()})
                if may_edit and not found.merged_into_id
                else None
            ),
        },
    )


def _last_year() -> int:
    return timezone.localdate().year - 1


@staff_required("donors.reveal")
@require_POST
def donor_reveal(request, code: str):
    found = _donor(request, code, "donors.reveal")
    return pages.reveal_and_grant(request, found, REVEALABLE, found, SHREDDED)


@staff_required("funds.edit")
@require_POST
def donor_merge(request, code: str):
    """Merge the donor named in the form into this one, which keeps every gift."""
    keep = _donor(request, code, "funds.edit")
    form = forms.MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the code of the duplicate donor."))
        return redirect(keep)
    duplicate = (
        selectors.donors_for(request.user, action="funds.edit")
        .filter(code=form.cleaned_data["duplicate"])
        .first()
    )
    if duplicate is None:
        messages.error(request, _("No donor has this code."))
        return redirect(keep)
    try:
        donor_services.donor_merge(actor=request.user, keep=keep, duplicate=duplicate)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(
            request,
            _("Donor %(duplicate)s merged into %(keep)s.")
            % {"duplicate": duplicate.code, "keep": keep.code},
        )
    return redirect(keep)
