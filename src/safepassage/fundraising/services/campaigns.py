"""Campaigns, volunteer teams' pages and events: created and changed here, audited."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from safepassage.audit.chain import record, user_of
from safepassage.base import money
from safepassage.fundraising.models import Event, EventKind
from safepassage.fundraising.services.errors import FundraisingError
from safepassage.funds.models import Campaign, CampaignKind, Donor
from safepassage.vault.models import new_code

FIELDS = (
    "name",
    "kind",
    "parent",
    "description",
    "starts_on",
    "ends_on",
    "goal_currency",
    "goal_minor",
    "rescues_target",
    "hope_sharing",
    "fundraiser",
    "public",
)


def _check(values: dict, *, campaign: Campaign | None) -> dict:
    errors = {}
    values["name"] = " ".join((values.get("name") or "").split())
    if not values["name"]:
        errors["name"] = _("Give the campaign a name.")
    if values.get("kind", CampaignKind.CAMPAIGN) not in CampaignKind.values:
        errors["kind"] = _("Unknown kind of campaign.")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and ends < starts:
        errors["ends_on"] = _("The end comes after the start.")
    goal = values.get("goal_minor")
    if goal is not None:
        try:
            values["goal_currency"] = money.currency_code(
                values.get("goal_currency") or settings.BASE_CURRENCY
            )
        except money.MoneyError as exc:
            errors["goal_currency"] = str(exc)
        if not isinstance(goal, int) or not 0 < goal < money.LIMIT:
            errors["goal"] = _("A goal must be more than zero and plausible.")
    else:
        values["goal_currency"] = ""
    parent = values.get("parent")
    if campaign is not None and parent is not None:
        seen = parent
        while seen is not None:
            if seen.pk == campaign.pk:
                errors["parent"] = _("A campaign cannot be part of itself.")
                break
            seen = seen.parent
    fundraiser = values.get("fundraiser")
    if fundraiser is not None and not isinstance(fundraiser, Donor):
        errors["fundraiser"] = _("Choose a donor.")
    if errors:
        raise FundraisingError(errors)
    return values


@transaction.atomic
def campaign_create(*, actor, code: str = "", **values) -> Campaign:
    values = _check(values, campaign=None)
    code = slugify(code or values["name"])[:40]
    if not code:
        raise FundraisingError({"code": _("Give the campaign a code of letters and digits.")})
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                code=code, **{k: v for k, v in values.items() if k in FIELDS}
            )
    except IntegrityError:
        raise FundraisingError({"code": _("Another campaign has this code.")}) from None
    record(
        actor=actor,
        action="fundraising.campaign_created",
        target=campaign,
        data={
            "code": code,
            "kind": campaign.kind,
            "parent": getattr(values.get("parent"), "code", ""),
        },
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **values) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    merged = {name: getattr(campaign, name) for name in FIELDS} | values
    merged = _check(merged, campaign=campaign)
    changed = [name for name in FIELDS if getattr(campaign, name) != merged[name]]
    for name in changed:
        setattr(campaign, name, merged[name])
    if changed:
        campaign.save(update_fields=[*changed, "updated_at"])
    record(
        actor=actor,
        action="fundraising.campaign_changed",
        target=campaign,
        data={"changed": changed},
    )
    return campaign


@transaction.atomic
def event_create(
    *,
    actor,
    name: str,
    kind: str,
    held_on: dt.date,
    city: str,
    parent: Campaign | None = None,
    goal_minor: int | None = None,
    goal_currency: str = "",
) -> Event:
    """An event and the campaign its takings and costs are booked to (channel "event")."""
    if kind not in EventKind.values:
        raise FundraisingError({"kind": _("Unknown kind of event.")})
    city = " ".join(city.split())
    if not city:
        raise FundraisingError({"city": _("Say where the event is held.")})
    # A Korean name slugifies to nothing; a random tail keeps two events of a day apart.
    base = slugify(name)[:24] or "event"
    code = f"{base}-{held_on:%Y%m%d}"
    if Campaign.objects.filter(code=code).exists():
        code = f"{code}-{new_code().lower()[:6]}"
    campaign = campaign_create(
        actor=actor,
        code=code,
        name=name,
        kind=CampaignKind.EVENT,
        parent=parent,
        starts_on=held_on,
        ends_on=held_on,
        goal_minor=goal_minor,
        goal_currency=goal_currency,
    )
    event = Event.objects.create(
        campaign=campaign,
        kind=kind,
        held_on=held_on,
        city=city[:80],
        created_by=user_of(actor),
    )
    record(
        actor=actor,
        action="fundraising.event_created",
        target=event,
        data={"campaign": campaign.code, "kind": kind, "held_on": held_on.isoformat()},
    )
    return event
