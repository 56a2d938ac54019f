"""A person's consent to a sponsor being told of their journey (in general words only)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record, user_of
from safepassage.base.tasks import enqueue_on_commit
from safepassage.cases.models import Person
from safepassage.fundraising.models import Share, ShareStatus, SponsorConsent
from safepassage.fundraising.services.errors import FundraisingError
from safepassage.fundraising.services.share_assignment import release
from safepassage.fundraising.services.share_journey import ASSIGN_SHARES


@transaction.atomic
def consent_record(*, actor, person: Person, given_on: dt.date) -> SponsorConsent:
    """The person agreed; a funded share may now go to them (the worker gives waiting
    shares out)."""
    if given_on > timezone.localdate():
        raise FundraisingError({"given_on": _("Consent cannot be given in the future.")})
    consent, _created = SponsorConsent.objects.update_or_create(
        person=person,
        defaults={
            "given_on": given_on,
            "withdrawn_at": None,
            "recorded_by": user_of(actor),
        },
    )
    if Share.objects.filter(status=ShareStatus.FUNDED).exists():
        enqueue_on_commit(ASSIGN_SHARES)
    record(
        actor=actor,
        action="fundraising.consent_recorded",
        target=person,
        data={"given_on": given_on.isoformat()},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor, person: Person) -> None:
    """No sponsor hears of this person again: an active share is released and goes to
    the next person, and its sponsors are told kindly (never why)."""
    updated = SponsorConsent.objects.filter(person=person, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if not updated:
        raise FundraisingError({"consent": _("There is no consent to withdraw.")})
    held = Share.objects.filter(person=person, status=ShareStatus.ASSIGNED).first()
    if held is not None:
        release(share=held, actor=actor)
    record(actor=actor, action="fundraising.consent_withdrawn", target=person)
