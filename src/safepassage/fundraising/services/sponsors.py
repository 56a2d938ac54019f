"""Sponsors: donors who take part in Hope Sharing, and their private news page."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record, user_of
from safepassage.fundraising import tokens
from safepassage.fundraising.models import Sponsor, SponsorMode
from safepassage.fundraising.services.errors import FundraisingError
from safepassage.funds.models import Donor, DonorKind


@transaction.atomic
def sponsor_enrol(*, actor, donor: Donor, mode: str = SponsorMode.OWN) -> Sponsor:
    """Make a donor a sponsor (or change how they give). Their later gifts to Hope
    Sharing fill their own share (``own``) or shared ones (``pool``)."""
    if mode not in SponsorMode.values:
        raise FundraisingError({"mode": _("Unknown way of giving.")})
    if donor.kind == DonorKind.ANONYMOUS:
        raise FundraisingError(
            {"donor": _("An anonymous giver cannot be told of a rescue: record a donor first.")}
        )
    if donor.merged_into_id:
        raise FundraisingError({"donor": _("This donor was merged into another.")})
    sponsor, created = Sponsor.objects.select_for_update().get_or_create(
        donor=donor, defaults={"mode": mode, "created_by": user_of(actor)}
    )
    if not created and sponsor.mode != mode:
        sponsor.mode = mode
        sponsor.save(update_fields=["mode", "updated_at"])
    record(
        actor=actor,
        action="fundraising.sponsor_enrolled",
        target=sponsor,
        data={"donor": donor.code, "mode": mode, "new": created},
    )
    return sponsor


def page_link(*, sponsor: Sponsor) -> str:
    """A fresh secret for the sponsor's page; the previous one stops working. Returns the
    token (shown once, in an e-mail); only its keyed hash is kept."""
    token = tokens.new_token()
    Sponsor.objects.filter(pk=sponsor.pk).update(
        page_digest=tokens.digest(token), page_issued_at=timezone.now()
    )
    return token


def by_token(token: str) -> Sponsor | None:
    if not tokens.looks_like_token(token):
        return None
    wanted = tokens.digest(token)
    sponsor = Sponsor.objects.select_related("donor").filter(page_digest=wanted).first()
    if sponsor is None or not tokens.same(sponsor.page_digest, wanted):
        return None
    return sponsor
