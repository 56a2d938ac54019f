from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.base.countries import country_code
from safepassage.base.date_fields import DateField, DateTimeField
from safepassage.base.money_forms import MoneyForm, amount_field
from safepassage.cases.models import (
    ConsentScope,
    ContactChannel,
    ContactDirection,
    Province,
    ReliefKind,
    Sex,
    Status,
    SupportKind,
    Urgency,
)
from safepassage.cases.services import FLAGS

FLAG_LABELS = {
    "pregnant": _("pregnant"),
    "trafficked": _("trafficked or sold"),
    "forced_marriage": _("in a forced marriage"),
    "unaccompanied_minor": _("unaccompanied minor"),
    "health_need": _("urgent health need"),
    "prior_repatriation": _("repatriated before"),
    "religious_contact": _("religious contact in China"),
}


class FlagsMixin(forms.Form):
    def add_flag_fields(self) -> None:
        for flag in FLAGS:
            self.fields[flag] = forms.BooleanField(label=FLAG_LABELS[flag], required=False)

    def flags(self) -> dict[str, bool]:
        return {flag: self.cleaned_data.get(flag, False) for flag in FLAGS}


# The form's word for ``Sex.NOT_RECORDED`` (stored as ""): a select's "" is "nothing
# chosen", and a person's sex is never left to a default, either way.
SEX_NOT_RECORDED = "not_recorded"
SEX_CHOICES = [
    ("", "—"),
    (Sex.FEMALE, Sex.FEMALE.label),
    (Sex.MALE, Sex.MALE.label),
    (SEX_NOT_RECORDED, Sex.NOT_RECORDED.label),
]


class SexField(forms.ChoiceField):
    """Female, male or not recorded, one of them chosen on purpose."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Sex"))
        kwargs.setdefault("help_text", _("Not recorded when the source does not say; never guess."))
        super().__init__(choices=SEX_CHOICES, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return Sex.NOT_RECORDED if value == SEX_NOT_RECORDED else value


class PersonForm(FlagsMixin):
    real_name = forms.CharField(label=_("Real name"), max_length=200)
    aliases = forms.CharField(label=_("Other names"), max_length=200, required=False)
    sex = SexField()
    birth_year = forms.IntegerField(label=_("Birth year"), required=False)
    age = forms.IntegerField(label=_("or age now"), required=False)
    province = forms.ChoiceField(
        label=_("Home province"), choices=[("", "—"), *Province.choices], required=False
    )
    born_abroad = forms.BooleanField(label=_("Born outside North Korea"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    whereabouts = forms.CharField(
        label=_("Exact whereabouts"), max_length=500, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_flag_fields()

    def person_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "real_name": data["real_name"],
            "aliases": data["aliases"],
            "sex": data["sex"],
            "birth_year": data["birth_year"],
            "age": data["age"],
            "province": data["province"],
            "born_abroad": data["born_abroad"],
            "phone": data["phone"],
            "whereabouts": data["whereabouts"],
            **self.flags(),
        }


class CaseForm(forms.Form):
    country = forms.CharField(
        label=_("Country where they are (2-letter code)"),
        max_length=2,
        min_length=2,
        initial="CN",
    )
    region = forms.CharField(label=_("Region"), max_length=80, required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)
    relayed_by = forms.CharField(label=_("Who relayed the call"), max_length=200, required=False)
    exact_place = forms.CharField(label=_("Exact place"), max_length=500, required=False)
    situation = forms.CharField(
        label=_("Situation"), max_length=5000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean_country(self):
        return country_code(self.cleaned_data["country"])


class UrgencyForm(forms.Form):
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[])

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Status(s).label) for s in choices]


class FlagsForm(FlagsMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_flag_fields()


class ReliefForm(MoneyForm):
    amount_fields = ("cost",)
    zero_amounts = ("cost",)

    kind = forms.ChoiceField(label=_("Kind"), choices=ReliefKind.choices)
    quantity = forms.CharField(label=_("Quantity"), max_length=40, required=False)
    cost = amount_field(label=_("Cost"))
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=[
            ("USD", "USD"),
            ("CNY", "CNY"),
            ("KRW", "KRW"),
            ("THB", "THB"),
            ("LAK", "LAK"),
            ("VND", "VND"),
        ],
    )
    given_on = DateField(label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}))
    delivered_by = forms.ChoiceField(label=_("Delivered by (field partner)"), required=False)

    def __init__(self, *args, partners: list[str] = (), **kwargs):
        """``partners``: the pseudonyms the user may pick (``deliverers.pseudonyms_for``)."""
        super().__init__(*args, **kwargs)
        self.fields["delivered_by"].choices = [
            ("", _("Not through a field partner")),
            *((name, name) for name in partners),
        ]

    def relief_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "quantity": data["quantity"],
            "cost_minor": data["cost_minor"],
            "currency": data["currency"],
            "given_on": data["given_on"],
            "delivered_by": data["delivered_by"],
        }


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportKind.choices)
    provider = forms.CharField(label=_("Provider"), max_length=80)
    started_on = DateField(label=_("Started on"), widget=forms.DateInput(attrs={"type": "date"}))
    ended_on = DateField(
        label=_("Ended on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.CharField(label=_("Outcome"), max_length=200, required=False)


class TestimonyForm(forms.Form):
    raw_text = forms.CharField(
        label=_("The message as given"), max_length=20000, widget=forms.Textarea
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("ko", "한국어"), ("en", "English"), ("zh", "中文")]
    )
    publishable_text = forms.CharField(
        label=_("Edited version for publication (optional)"),
        max_length=20000,
        required=False,
        widget=forms.Textarea,
    )


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=_("Consent covers"), choices=ConsentScope.choices)
    given_on = DateField(label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AboutPersonForm(forms.Form):
    """Whom in the case an entry is about: chosen on the case's page (one of its people,
    or the whole case); on a person's page, that person (the URL names them)."""

    person = forms.ChoiceField(label=_("About"), required=False)

    def __init__(self, *args, people, fixed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed = fixed
        self.people = {p.code: p for p in people}
        if fixed is not None:
            del self.fields["person"]
        else:
            self.fields["person"].choices = [
                ("", _("the whole case")),
                *((p.code, f"{p.real_name} · {p.code}") for p in people),
            ]

    def about(self):
        """The person the entry is about, or None for the whole case."""
        if self.fixed is not None:
            return self.fixed
        return self.people.get(self.cleaned_data.get("person") or "")


class CaseNoteForm(AboutPersonForm):
    prefix = "note"

    text = forms.CharField(
        label=_("Note"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )

    field_order = ["text", "person"]

    def entry(self) -> dict:
        """The keyword arguments of ``services.case_note_add`` besides actor and case."""
        return {"text": self.cleaned_data["text"], "person": self.about()}


class ContactForm(AboutPersonForm):
    prefix = "contact"

    contacted_at = DateTimeField(
        label=_("When"),
        latest=timezone.localdate,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    channel = forms.ChoiceField(label=_("Contact channel"), choices=ContactChannel.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=ContactDirection.choices)
    summary = forms.CharField(
        label=_("What was said"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    field_order = ["contacted_at", "channel", "direction", "summary", "person"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacted_at"].initial = lambda: timezone.localtime().replace(
            second=0, microsecond=0
        )

    def entry(self) -> dict:
        """The keyword arguments of ``services.contact_log_add`` besides actor and case."""
        data = self.cleaned_data
        return {
            "contacted_at": data["contacted_at"],
            "channel": data["channel"],
            "direction": data["direction"],
            "summary": data["summary"],
            "person": self.about(),
        }


class GroupForm(forms.Form):
    label = forms.CharField(label=_("Label (no names)"), max_length=40, initial=_("Family A"))
    people = forms.MultipleChoiceField(
        label=_("Who travels together"), choices=[], widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(p.code, f"{p.real_name} · {p.code}") for p in people]

    def clean_people(self):
        chosen = self.cleaned_data["people"]
        if len(chosen) < 2:
            raise forms.ValidationError(_("A group has at least two people."))
        return chosen


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code, pseudonym, full name or phone"), max_length=200, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("any")), *Status.choices], required=False
    )
    province = forms.ChoiceField(
        label=_("Home province"),
        choices=[("", _("any")), ("none", _("none (born abroad)")), *Province.choices],
        required=False,
    )
    flag = forms.ChoiceField(
        label=_("Flag"),
        choices=[("", _("any")), ("child", _("child")), *FLAG_LABELS.items()],
        required=False,
    )
    min_priority = forms.IntegerField(label=_("Priority at least"), required=False, min_value=0)


class ExactValuesForm(forms.Form):
    """Why the exact sex, birth year, province and pseudonyms are needed in lists."""

    reason = forms.CharField(label=_("Why do you need to see this?"), max_length=500)
    back = forms.ChoiceField(choices=[("people", "people"), ("queue", "queue")], required=False)
