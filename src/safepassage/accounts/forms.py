from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Role


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=256)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class ConfirmForm(forms.Form):
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=256)
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SetPasswordForm(forms.Form):
    """A new password twice; given ``user``, also the password rules (so that a weak one is
    refused before anything else on the page, such as a one-time code, is spent)."""

    password1 = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput, max_length=256, min_length=1
    )
    password2 = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput, max_length=256
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        if self.user is not None and data.get("password1"):
            try:
                validate_password(data["password1"], self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)


class ResetPasswordForm(SetPasswordForm):
    """The page a "forgot password" link leads to: the second factor, then a new password."""

    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )
    field_order = ["code", "password1", "password2"]


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code your app shows now"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _role_choices():
    """Staff roles only: a donor signs in to the donor portal, never as staff."""
    return [(code, label) for code, label in Role.Code.choices if code != Role.Code.DONOR]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    display_name = forms.CharField(label=_("Name shown to colleagues"), max_length=80)
    language = forms.ChoiceField(label=_("Language"), choices=[("ko", "한국어"), ("en", "English")])
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=_role_choices, widget=forms.CheckboxSelectMultiple
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=_role_choices, widget=forms.CheckboxSelectMultiple
    )
