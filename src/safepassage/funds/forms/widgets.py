"""Widgets and choices the finance forms share: inputs that never write a sealed
value back into a page, and filter choices with "any"."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy


class SealedTextInput(forms.TextInput):
    def format_value(self, value):
        return None


class SealedEmailInput(forms.EmailInput):
    def format_value(self, value):
        return None


class SealedTextarea(forms.Textarea):
    def format_value(self, value):
        return None


def any_of(choices) -> list:
    return [("", gettext_lazy("any")), *choices]
