"""Saved column mappings for "other CSV" imports: one form, one field per donation field."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from safepassage.accounts.decorators import staff_required
from safepassage.base.submitting import attach_errors
from safepassage.funds.importing.mapped_csv import DEFAULTS, FIELDS, REQUIRED
from safepassage.funds.models import Channel, ColumnMapping, Restriction
from safepassage.funds.services import mappings


class MappingForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the mapping"), max_length=60)
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel when the file has none"),
        choices=Channel.choices,
        initial=Channel.CASH,
    )
    restriction = forms.ChoiceField(
        label=gettext_lazy("Fund when the file has none"),
        choices=Restriction.choices,
        initial=Restriction.UNRESTRICTED,
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency when the file has none"), max_length=3, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in FIELDS:
            self.fields[f"column_{field}"] = forms.CharField(
                label=_("Column holding “%(field)s”") % {"field": field},
                max_length=80,
                required=field in REQUIRED,
            )

    def columns(self) -> dict[str, str]:
        return {field: self.cleaned_data.get(f"column_{field}", "") for field in FIELDS}

    def defaults(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key in DEFAULTS}


@staff_required("funds.import")
@require_http_methods(["GET", "HEAD", "POST"])
def column_mappings(request):
    form = MappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mappings.mapping_save(
                actor=request.user,
                name=form.cleaned_data["name"],
                columns=form.columns(),
                defaults=form.defaults(),
            )
        except forms.ValidationError as exc:
            attach_errors(form, exc)
        else:
            from django.contrib import messages

            messages.success(request, _("Mapping saved."))
            return redirect("funds:mappings")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "funds/mappings.html",
        {"form": form, "mappings": ColumnMapping.objects.all()},
        status=status,
    )
