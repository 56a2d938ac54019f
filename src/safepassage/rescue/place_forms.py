"""Forms for safe points, routes and field partners.

Sealed values (a real place, directions, a contact, a partner's identity) use widgets that
never write a value back into a page: a form shown again after an error asks for them
again rather than echoing them into HTML that a browser may keep.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.rescue.models import Means
from safepassage.rescue.services import places

MAX_LEG_HOURS = 24 * 30
HOURS = re.compile(r"^(\d{1,4})h?$", re.IGNORECASE)


class SealedTextInput(forms.TextInput):
    def format_value(self, value):
        return None


class SealedTextarea(forms.Textarea):
    def format_value(self, value):
        return None


class SafePointForm(forms.Form):
    code_name = forms.CharField(
        label=gettext_lazy("Code name"),
        max_length=30,
        help_text=gettext_lazy("e.g. LOTUS; never a place"),
    )
    country = forms.CharField(
        label=gettext_lazy("Country (2-letter code)"), max_length=2, min_length=2
    )
    real_place = forms.CharField(
        label=gettext_lazy("Real place"), max_length=300, widget=SealedTextInput
    )
    directions = forms.CharField(
        label=gettext_lazy("Directions"), max_length=2000, required=False, widget=SealedTextarea
    )
    contact = forms.CharField(
        label=gettext_lazy("Contact"), max_length=300, required=False, widget=SealedTextInput
    )


class NamedPeopleForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Who may see the real place"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = staff
        self.fields["people"].label_from_instance = lambda user: f"{user} · {user.email}"


class RouteForm(forms.Form):
    """A route typed as text: the starting point, then one stop per line with its leg."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=60,
        help_text=gettext_lazy("e.g. Southern route A; no places"),
    )
    stops = forms.CharField(
        label=gettext_lazy("Stops"),
        max_length=3000,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "spellcheck": "false",
                "placeholder": "MAGNOLIA\nPINE 9 bus\nLOTUS 20 river",
            }
        ),
        help_text=format_lazy(
            gettext_lazy(
                "One stop per line: CODE_NAME hours means. The first line is the starting "
                "point, its code name alone. Means: {means}."
            ),
            means=", ".join(Means.values),
        ),
    )

    def __init__(self, *args, points, **kwargs):
        """``points``: the safe points the user may put on a route."""
        super().__init__(*args, **kwargs)
        self.points = points

    def clean_stops(self) -> list[places.Stop]:
        lines = [
            (number, line.split())
            for number, line in enumerate(self.cleaned_data["stops"].splitlines(), start=1)
            if line.strip()
        ]
        wanted = {words[0].upper() for _number, words in lines}
        known = {p.code_name: p for p in self.points.filter(code_name__in=wanted)}
        errors: list[str] = []
        stops: list[places.Stop] = []
        first_seen: dict[str, int] = {}
        for index, (number, words) in enumerate(lines):
            code = words[0].upper()
            point = known.get(code)
            if point is None:
                errors.append(
                    _("Line %(line)d: there is no safe point called %(code)s.")
                    % {"line": number, "code": code}
                )
            elif code in first_seen:
                errors.append(
                    _("Line %(line)d: %(code)s is already on this route (line %(first)d).")
                    % {"line": number, "code": code, "first": first_seen[code]}
                )
            else:
                first_seen[code] = number
            try:
                hours, means = _leg(number, code, words[1:], start=index == 0)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
                continue
            if point is not None:
                stops.append(places.Stop(safe_point=point, hours=hours, means=means))
        if len(lines) == 1:
            errors.append(
                _("A route needs at least two safe points: the starting point and one stop.")
            )
        if errors:
            raise forms.ValidationError(errors)
        return stops


def _leg(number: int, code: str, words: list[str], *, start: bool) -> tuple[int, str]:
    """Hours and means of the leg that ends at line ``number``, from the words after its
    code name. The starting point has no leg."""
    if start:
        if words:
            raise forms.ValidationError(
                _(
                    "Line %(line)d: the starting point takes no hours or means; "
                    "write its code name alone."
                )
                % {"line": number}
            )
        return 0, ""
    found = HOURS.match(words[0]) if words else None
    if found is None:
        raise forms.ValidationError(
            _(
                "Line %(line)d: write the hours from the previous stop after the code name, "
                "e.g. %(example)s."
            )
            % {"line": number, "example": f"{code} 9 bus"}
        )
    hours = int(found.group(1))
    if not 1 <= hours <= MAX_LEG_HOURS:
        raise forms.ValidationError(
            _("Line %(line)d: a leg takes between 1 and %(most)d hours.")
            % {"line": number, "most": MAX_LEG_HOURS}
        )
    if len(words) > 2:
        raise forms.ValidationError(
            _("Line %(line)d: too many words; write the code name, the hours and the means.")
            % {"line": number}
        )
    means = words[1].lower().replace("-", "_") if len(words) == 2 else ""
    if means and means not in Means.values:
        raise forms.ValidationError(
            _("Line %(line)d: unknown means %(means)s; use one of %(known)s.")
            % {"line": number, "means": words[1], "known": ", ".join(Means.values)}
        )
    return hours, means


def _languages():
    return settings.LANGUAGES


class PartnerForm(forms.Form):
    pseudonym = forms.CharField(
        label=gettext_lazy("Pseudonym"),
        max_length=30,
        help_text=gettext_lazy("Shown everywhere instead of the real name."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the check-in page"), choices=_languages
    )
    real_name = forms.CharField(
        label=gettext_lazy("Real name"), max_length=200, required=False, widget=SealedTextInput
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"), max_length=40, required=False, widget=SealedTextInput
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), max_length=2000, required=False, widget=SealedTextarea
    )
