"""Campaigns, volunteer teams' pages and events: progress against goals, and their forms.

A campaign is found by its code once the decorator checked the capability (campaigns
have no per-object rule: whoever may see fundraising sees them all); a missing code is
404. Progress is read from the gifts (``selectors.progress``), never stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base.submitting import attach_errors
from safepassage.fundraising import forms, selectors
from safepassage.fundraising.models import Event
from safepassage.fundraising.services import campaigns as campaign_services
from safepassage.funds.models import Campaign, CampaignKind, Donor


def _campaign(code: str) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("parent", "fundraiser"), code=code)


def _donors(request):
    return permissions.visible(request.user, "hope.manage", Donor.objects.all())


def _url(campaign: Campaign) -> str:
    return reverse("fundraising:campaign", args=[campaign.code])


@staff_required("hope.view")
@require_safe
def campaign_list(request):
    return render(
        request,
        "fundraising/campaigns.html",
        {
            "rows": selectors.campaigns(),
            "may_manage": permissions.has_capability(request.user, "hope.manage"),
        },
    )


@staff_required("hope.view")
@require_safe
def campaign(request, code: str):
    found = _campaign(code)
    children = selectors.children(found)
    event = Event.objects.filter(campaign=found).first()
    return render(
        request,
        "fundraising/campaign.html",
        {
            "campaign": found,
            "progress": selectors.progress(found),
            "event": event,
            "sub_campaigns": [p for p in children if p.campaign.kind == CampaignKind.CAMPAIGN],
            "teams": [p for p in children if p.campaign.kind == CampaignKind.TEAM],
            "events": [p for p in children if p.campaign.kind == CampaignKind.EVENT],
            "pools": selectors.campaign_pools(found),
            "may_manage": permissions.has_capability(request.user, "hope.manage"),
        },
    )


@staff_required("hope.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_new(request):
    form = forms.CampaignForm(request.POST or None, donors=_donors(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = campaign_services.campaign_create(
                actor=request.user, **form.campaign_fields()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Campaign %(name)s created.") % {"name": created.name})
            return redirect(_url(created))
    return render(
        request,
        "fundraising/campaign_form.html",
        {"form": form, "campaign": None},
        status=400 if form.errors else 200,
    )


@staff_required("hope.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_edit(request, code: str):
    found = _campaign(code)
    form = forms.CampaignForm(
        request.POST or None,
        donors=_donors(request),
        campaign=found,
        initial=forms.CampaignForm.initial_for(found),
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign_services.campaign_update(
                actor=request.user, campaign=found, **form.campaign_fields()
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Campaign %(name)s saved.") % {"name": found.name})
            return redirect(_url(found))
    return render(
        request,
        "fundraising/campaign_form.html",
        {"form": form, "campaign": found},
        status=400 if form.errors else 200,
    )


@staff_required("hope.view")
@require_safe
def event_list(request):
    return render(
        request,
        "fundraising/events.html",
        {
            "rows": selectors.events(),
            "may_manage": permissions.has_capability(request.user, "hope.manage"),
        },
    )


@staff_required("hope.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def event_new(request):
    form = forms.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = campaign_services.event_create(actor=request.user, **form.event_fields())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Event %(name)s added.") % {"name": created.campaign.name})
            return redirect(_url(created.campaign))
    return render(
        request, "fundraising/event_new.html", {"form": form}, status=400 if form.errors else 200
    )
