from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RevealForm(forms.Form):
    """Which protected field to reveal, and why: the reason goes into the audit entry."""

    field = forms.ChoiceField(choices=[])
    reason = forms.CharField(label=_("Why do you need to see this?"), max_length=500)

    def __init__(self, *args, fields: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = fields
