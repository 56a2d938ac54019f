from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models import Province, Sex


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[])
    reason = forms.CharField(label=_("Why do you need to see this?"), max_length=500)

    def __init__(self, *args, fields: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = fields


class PersonForm(forms.Form):
    real_name = forms.CharField(label=_("Real name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, min_value=1900)
    province = forms.ChoiceField(
        label=_("Home province"), choices=[("", "—"), *Province.choices], required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and year > timezone.now().year:
            raise forms.ValidationError(_("A birth year cannot be in the future."))
        return year


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code, pseudonym, full name or phone"), max_length=200, required=False
    )
