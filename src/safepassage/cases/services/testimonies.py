"""Testimonies and the consent that decides whether any of them may be published."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.cases.models import Person, Testimony
from safepassage.cases.services.rules import CaseError


@transaction.atomic
def record_testimony(
    *, actor, person: Person, raw_text: str, language: str = "ko", publishable_text: str = ""
) -> Testimony:
    if not raw_text.strip():
        raise CaseError({"raw_text": _("The message is empty.")})
    testimony = Testimony(person=person, language=language)
    testimony.raw_text = raw_text
    testimony.publishable_text = publishable_text
    testimony.save()
    record(
        actor=actor,
        action="cases.testimony_added",
        target=testimony,
        data={"person": person.code, "language": language},
    )
    return testimony


@transaction.atomic
def edit_testimony(*, actor, testimony: Testimony, publishable_text: str) -> Testimony:
    testimony.publishable_text = publishable_text
    testimony.save(update_fields=["publishable_text", "updated_at"])
    record(actor=actor, action="cases.testimony_edited", target=testimony)
    return testimony


@transaction.atomic
def consent_record(
    *,
    actor,
    testimony: Testimony,
    scope: str,
    given_on: dt.date,
    expires_on: dt.date | None = None,
) -> Testimony:
    if expires_on is not None and expires_on <= given_on:
        raise CaseError({"expires_on": _("A consent must expire after it was given.")})
    if given_on > timezone.localdate():
        raise CaseError({"given_on": _("A consent cannot be given in the future.")})
    testimony.consent_scope = scope
    testimony.consent_given_on = given_on
    testimony.consent_expires_on = expires_on
    testimony.consent_withdrawn_at = None
    testimony.full_clean(exclude=["data_key", "person"])
    testimony.save()
    record(
        actor=actor,
        action="cases.consent_recorded",
        target=testimony,
        data={
            "scope": scope,
            "given_on": given_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
    )
    return testimony


@transaction.atomic
def consent_withdraw(*, actor, testimony: Testimony) -> Testimony:
    """From this moment the text is unpublishable everywhere (selectors read the consent)."""
    testimony.consent_withdrawn_at = timezone.now()
    testimony.save(update_fields=["consent_withdrawn_at", "updated_at"])
    record(actor=actor, action="cases.consent_withdrawn", target=testimony)
    return testimony
