"""Forms for the Hope Sharing and fundraising pages.

Amounts are typed in major units ("1234.50") and become integer minor units here
(``funds.forms.to_minor``, which says clearly what is wrong with a typed amount). Donors
are picked by their code, from the queryset the view allows; field names follow the keys
of the services' errors (``goal``, ``total``, ``amount``...) so each error lands on its
field.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from safepassage.base.date_fields import DateField, DateInput
from safepassage.base.money_forms import (
    MoneyForm,
    amount_field,
    clean_currency,
    currency_field,
    to_minor,
)
from safepassage.cases.models import Person
from safepassage.fundraising.models import (
    EventKind,
    Frequency,
    MatchUnit,
    Share,
    ShareStatus,
    SponsorMode,
)
from safepassage.fundraising.services.pledges import MAX_INSTALMENTS
from safepassage.funds.models import Campaign, CampaignKind


def _campaign_field(**kwargs) -> forms.ModelChoiceField:
    kwargs.setdefault("label", gettext_lazy("Campaign"))
    kwargs.setdefault("required", False)
    kwargs.setdefault("empty_label", gettext_lazy("none"))
    return forms.ModelChoiceField(
        queryset=Campaign.objects.order_by("name"), to_field_name="code", **kwargs
    )


def _donor_by_code(donors, code: str):
    """The donor with this code among ``donors`` (one merged away gives the donor it was
    merged into), or a ValidationError."""
    found = donors.filter(code=code.strip().upper()).select_related("merged_into").first()
    if found is None:
        raise forms.ValidationError(_("No donor has this code."))
    return found.merged_into or found


def _optional_minor(text: str, currency: str) -> int | None:
    return to_minor(text, currency) if (text or "").strip() else None


class DonorCodeMixin:
    """A required ``donor`` code field, found among the donors the view passes."""

    def clean_donor(self):
        return _donor_by_code(self.donors, self.cleaned_data["donor"])


# The board ------------------------------------------------------------------------------


class CostForm(forms.Form):
    starts_on = DateField(
        label=pgettext_lazy("date range", "From"), widget=DateInput, initial=timezone.localdate
    )
    amount = amount_field(
        label=gettext_lazy("Cost of one rescue"),
        help_text=gettext_lazy("In the base currency; shares opened before keep their cost."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def clean_amount(self) -> int:
        return to_minor(self.cleaned_data["amount"], settings.BASE_CURRENCY)


class AssignForm(forms.Form):
    """One funded share to a person a coordinator chooses, by the person's code, among
    ``people``: the view passes the people the user may give a share to
    (``permissions.visible(user, "hope.assign", ...)``)."""

    share = forms.ModelChoiceField(
        label=gettext_lazy("Funded share"),
        queryset=Share.objects.filter(status=ShareStatus.FUNDED).order_by("funded_at"),
        to_field_name="code",
        error_messages={"invalid_choice": gettext_lazy("This share is not waiting for a person.")},
    )
    person = forms.CharField(
        label=gettext_lazy("Person code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people

    def clean_person(self) -> Person:
        code = self.cleaned_data["person"].strip().upper()
        # A code that does not exist and one the user may not use get the same answer.
        found = self.people.filter(code=code).first()
        if found is None:
            raise forms.ValidationError(_("No person awaiting rescue has this code."))
        return found


# Campaigns and events -------------------------------------------------------------------


class CampaignForm(forms.Form):
    """A campaign or a volunteer team's page; the goal in any currency, in major units."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    code = forms.SlugField(
        label=gettext_lazy("Code in links"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Letters, digits and dashes; made from the name if left empty."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            (CampaignKind.CAMPAIGN, CampaignKind.CAMPAIGN.label),
            (CampaignKind.TEAM, CampaignKind.TEAM.label),
        ],
        initial=CampaignKind.CAMPAIGN,
    )
    parent = _campaign_field(label=gettext_lazy("Part of"))
    description = forms.CharField(
        label=gettext_lazy("Public description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Never a name, a place or a date of a journey."),
    )
    starts_on = DateField(label=gettext_lazy("Starts on"), widget=DateInput, required=False)
    ends_on = DateField(label=gettext_lazy("Ends on"), widget=DateInput, required=False)
    goal = amount_field(label=gettext_lazy("Goal"), required=False)
    goal_currency = currency_field(
        label=gettext_lazy("Goal currency"), initial=lambda: settings.BASE_CURRENCY
    )
    rescues_target = forms.IntegerField(
        label=gettext_lazy("Rescues to fund"), min_value=1, max_value=100_000, required=False
    )
    hope_sharing = forms.BooleanField(
        label=gettext_lazy("Hope Sharing: gifts fund rescue shares"), required=False
    )
    fundraiser = forms.CharField(
        label=gettext_lazy("Soft credit to (donor code)"), max_length=12, required=False
    )
    public = forms.BooleanField(label=gettext_lazy("Public page"), required=False)

    def __init__(self, *args, donors, campaign: Campaign | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.donors = donors
        self.campaign = campaign
        if campaign is not None:
            # The code is in links already given out; it does not change.
            del self.fields["code"]
            self.fields["parent"].queryset = Campaign.objects.exclude(pk=campaign.pk).order_by(
                "name"
            )
            if campaign.kind == CampaignKind.EVENT:
                del self.fields["kind"]

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict:
        goal = ""
        if campaign.goal_minor is not None:
            from safepassage.base import money

            goal = str(money.to_major(campaign.goal_minor, campaign.goal_currency))
        return {
            "name": campaign.name,
            "kind": campaign.kind,
            "parent": campaign.parent.code if campaign.parent else None,
            "description": campaign.description,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "goal": goal,
            "goal_currency": campaign.goal_currency or settings.BASE_CURRENCY,
            "rescues_target": campaign.rescues_target,
            "hope_sharing": campaign.hope_sharing,
            "fundraiser": campaign.fundraiser.code if campaign.fundraiser else "",
            "public": campaign.public,
        }

    def clean_goal_currency(self) -> str:
        return clean_currency(self.cleaned_data["goal_currency"])

    def clean_fundraiser(self):
        code = self.cleaned_data["fundraiser"].strip()
        return _donor_by_code(self.donors, code) if code else None

    def clean(self):
        data = super().clean()
        currency = data.get("goal_currency")
        if currency is not None and "goal" in data:
            try:
                data["goal_minor"] = _optional_minor(data["goal"], currency)
            except forms.ValidationError as exc:
                self.add_error("goal", exc)
        return data

    def campaign_fields(self) -> dict:
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in (
                "name",
                "kind",
                "parent",
                "description",
                "starts_on",
                "ends_on",
                "goal_minor",
                "rescues_target",
                "hope_sharing",
                "fundraiser",
                "public",
            )
            if name in data
        }
        values["goal_currency"] = data["goal_currency"] if data["goal_minor"] else ""
        if "code" in data:
            values["code"] = data["code"]
        return values


class EventForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=EventKind.choices)
    held_on = DateField(label=gettext_lazy("Date"), widget=DateInput)
    city = forms.CharField(
        label=gettext_lazy("City"),
        max_length=80,
        help_text=gettext_lazy("Where the event is held, e.g. Seoul, Toronto."),
    )
    parent = _campaign_field(label=gettext_lazy("Part of"))
    goal = amount_field(label=gettext_lazy("Goal"), required=False)
    goal_currency = currency_field(
        label=gettext_lazy("Goal currency"), initial=lambda: settings.BASE_CURRENCY
    )

    def clean_goal_currency(self) -> str:
        return clean_currency(self.cleaned_data["goal_currency"])

    def clean(self):
        data = super().clean()
        currency = data.get("goal_currency")
        if currency is not None and "goal" in data:
            try:
                data["goal_minor"] = _optional_minor(data["goal"], currency)
            except forms.ValidationError as exc:
                self.add_error("goal", exc)
        return data

    def event_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "held_on": data["held_on"],
            "city": data["city"],
            "parent": data["parent"],
            "goal_minor": data["goal_minor"],
            "goal_currency": data["goal_currency"] if data["goal_minor"] else "",
        }


# Pledges and matching pledges -----------------------------------------------------------


class PledgeForm(DonorCodeMixin, MoneyForm):
    amount_fields = ("total",)

    donor = forms.CharField(label=gettext_lazy("Donor code"), max_length=12)
    total = amount_field(label=gettext_lazy("Total promised"))
    currency = currency_field(initial=lambda: settings.BASE_CURRENCY)
    instalments = forms.IntegerField(
        label=gettext_lazy("Instalments"), min_value=1, max_value=MAX_INSTALMENTS
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("Frequency"), choices=Frequency.choices, initial=Frequency.MONTHLY
    )
    starts_on = DateField(
        label=gettext_lazy("First instalment due on"), widget=DateInput, initial=timezone.localdate
    )
    campaign = _campaign_field()

    def __init__(self, *args, donors, **kwargs):
        super().__init__(*args, **kwargs)
        self.donors = donors

    def pledge_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "donor": data["donor"],
            "currency": data["currency"],
            "total_minor": data["total_minor"],
            "instalments": data["instalments"],
            "frequency": data["frequency"],
            "starts_on": data["starts_on"],
            "campaign": data["campaign"],
        }


class CancelPledgeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this pledge cancelled?"),
        max_length=200,
        help_text=gettext_lazy("e.g. the donor asked to stop"),
    )


class MatchingForm(DonorCodeMixin, forms.Form):
    """A sponsor's promise to match gifts; caps in the base currency."""

    donor = forms.CharField(label=gettext_lazy("Sponsor's donor code"), max_length=12)
    campaign = _campaign_field(required=True, empty_label=None)
    unit = forms.ChoiceField(
        label=gettext_lazy("Matched in"), choices=MatchUnit.choices, initial=MatchUnit.MONEY
    )
    percent = forms.IntegerField(
        # xgettext:no-python-format
        label=gettext_lazy("Match (% of each gift)"),
        min_value=1,
        max_value=1000,
        initial=100,
    )
    per_gift_cap = amount_field(
        label=gettext_lazy("At most per gift"),
        required=False,
        help_text=gettext_lazy("In the base currency; leave empty for no cap."),
    )
    total_cap = amount_field(
        label=gettext_lazy("At most in all (money)"),
        required=False,
        help_text=gettext_lazy("In the base currency."),
    )
    rescues_target = forms.IntegerField(
        label=gettext_lazy("Rescues (in rescues)"), min_value=1, max_value=100_000, required=False
    )
    starts_on = DateField(
        label=gettext_lazy("Matches gifts from"), widget=DateInput, initial=timezone.localdate
    )
    ends_on = DateField(label=gettext_lazy("Until"), widget=DateInput, required=False)

    def __init__(self, *args, donors, **kwargs):
        super().__init__(*args, **kwargs)
        self.donors = donors

    def clean_per_gift_cap(self) -> int | None:
        return _optional_minor(self.cleaned_data["per_gift_cap"], settings.BASE_CURRENCY)

    def clean_total_cap(self) -> int | None:
        return _optional_minor(self.cleaned_data["total_cap"], settings.BASE_CURRENCY)

    def matching_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "donor": data["donor"],
            "campaign": data["campaign"],
            "unit": data["unit"],
            "percent": data["percent"],
            "per_gift_cap_minor": data["per_gift_cap"],
            "total_cap_minor": data["total_cap"],
            "rescues_target": data["rescues_target"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
        }


# Sponsors and consent -------------------------------------------------------------------


class SponsorForm(DonorCodeMixin, forms.Form):
    donor = forms.CharField(label=gettext_lazy("Donor code"), max_length=12)
    mode = forms.ChoiceField(
        label=gettext_lazy("How they give"), choices=SponsorMode.choices, initial=SponsorMode.OWN
    )

    def __init__(self, *args, donors, **kwargs):
        super().__init__(*args, **kwargs)
        self.donors = donors


class ConsentForm(forms.Form):
    given_on = DateField(
        label=gettext_lazy("Consent given on"), widget=DateInput, initial=timezone.localdate
    )
