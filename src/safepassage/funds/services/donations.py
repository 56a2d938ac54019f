"""Recording gifts as received, and reversing them; both post to the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.funds import money
from safepassage.funds.models import Campaign, Channel, Donation, Donor, ImportBatch, Restriction
from safepassage.funds.services import hooks, ledger, rates
from safepassage.funds.services.errors import FundsError


def _currency(value: str) -> str:
    try:
        return money.currency_code(value)
    except money.MoneyError as exc:
        raise FundsError({"currency": str(exc)}) from None


def check(
    *,
    gross_minor: int,
    fee_minor: int,
    currency: str,
    received_on: dt.date,
    channel: str,
    restriction: str,
) -> None:
    """The rules every gift must pass, whichever door it comes through."""
    if not isinstance(gross_minor, int) or not isinstance(fee_minor, int):
        raise FundsError({"amount": _("Amounts are whole numbers of minor units.")})
    if gross_minor <= 0:
        raise FundsError({"amount": _("A gift must be more than zero.")})
    if gross_minor >= money.LIMIT:
        raise FundsError({"amount": _("This amount is not plausible.")})
    if not 0 <= fee_minor <= gross_minor:
        raise FundsError({"fee": _("A fee is between zero and the gift itself.")})
    if received_on > timezone.localdate():
        raise FundsError({"received_on": _("A gift cannot be received in the future.")})
    if channel not in Channel.values:
        raise FundsError({"channel": _("Unknown channel.")})
    if restriction not in Restriction.values:
        raise FundsError({"restriction": _("Unknown restriction.")})


def build(
    *,
    donor: Donor,
    gross_minor: int,
    currency: str,
    received_on: dt.date,
    channel: str,
    fee_minor: int = 0,
    restriction: str = Restriction.UNRESTRICTED,
    campaign: Campaign | None = None,
    soft_credit: Donor | None = None,
    rate: Decimal | None = None,
    source_key: str | None = None,
    batch: ImportBatch | None = None,
    actor=None,
) -> Donation:
    """A checked, converted, unsaved donation (imports save many at once)."""
    currency = _currency(currency)
    check(
        gross_minor=gross_minor,
        fee_minor=fee_minor,
        currency=currency,
        received_on=received_on,
        channel=channel,
        restriction=restriction,
    )
    rate = rate if rate is not None else rates.rate_for(currency, received_on)
    base = settings.BASE_CURRENCY
    base_gross = money.convert(gross_minor, currency, rate, base)
    base_fee = money.convert(fee_minor, currency, rate, base)
    return Donation(
        donor=donor,
        currency=currency,
        gross_minor=gross_minor,
        fee_minor=fee_minor,
        net_minor=gross_minor - fee_minor,
        rate=rate,
        base_currency=base,
        base_gross_minor=base_gross,
        base_fee_minor=base_fee,
        base_net_minor=base_gross - base_fee,
        received_on=received_on,
        channel=channel,
        restriction=restriction,
        campaign=campaign,
        soft_credit=soft_credit,
        source_key=source_key,
        batch=batch,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def posting(donation: Donation) -> dict:
    """How a donation (or reversal) is booked: net to the bank or the platform, the fee to
    fees, the gross to donations income, all under the gift's restriction. The fields of
    ``ledger.prepare``; imports prepare many and save them at once."""
    asset = ledger.PLATFORM if donation.channel == Channel.PLATFORM else ledger.BANK
    return {
        "kind": "reversal" if donation.reverses_id else "donation",
        "on": donation.received_on,
        "restriction": donation.restriction,
        "campaign": donation.campaign,
        "channel": donation.channel,
        "donation": donation,
        "lines": [
            ledger.Line(asset, donation.base_net_minor, donation.currency, donation.net_minor),
            ledger.Line(
                ledger.FEES, donation.base_fee_minor, donation.currency, donation.fee_minor
            ),
            ledger.Line(
                ledger.DONATIONS,
                -donation.base_gross_minor,
                donation.currency,
                -donation.gross_minor,
            ),
        ],
    }


def post(donation: Donation) -> None:
    """Book a saved donation (or reversal); see ``posting``."""
    ledger.post(**posting(donation))


@transaction.atomic
def donation_record(*, actor, donor: Donor, **fields) -> Donation:
    """Record one gift as received and post it. See ``build`` for the fields."""
    donation = build(donor=donor, actor=actor, **fields)
    try:
        with transaction.atomic():
            donation.save()
    except IntegrityError:
        raise FundsError({"source_key": _("This gift was already recorded.")}) from None
    post(donation)
    record(
        actor=actor,
        action="funds.donation_recorded",
        target=donation,
        data={
            "gross_minor": donation.gross_minor,
            "currency": donation.currency,
            "base_gross_minor": donation.base_gross_minor,
            "channel": donation.channel,
            "restriction": donation.restriction,
        },
    )
    hooks.gift_recorded(donation=donation, actor=actor)
    return donation


@transaction.atomic
def donation_reverse(*, actor, donation: Donation, reason: str) -> Donation:
    """A refund or a mistake: a new row with the amounts negated, at the original rate."""
    reason = " ".join(reason.split())
    if not reason:
        raise FundsError({"reason": _("Say why the gift is reversed.")})
    original = Donation.objects.select_for_update().get(pk=donation.pk)
    if original.reverses_id:
        raise FundsError({"donation": _("A reversal cannot itself be reversed.")})
    if Donation.objects.filter(reverses=original).exists():
        raise FundsError({"donation": _("This gift was already reversed.")})
    reversal = Donation.objects.create(
        donor=original.donor,
        currency=original.currency,
        gross_minor=-original.gross_minor,
        fee_minor=-original.fee_minor,
        net_minor=-original.net_minor,
        rate=original.rate,
        base_currency=original.base_currency,
        base_gross_minor=-original.base_gross_minor,
        base_fee_minor=-original.base_fee_minor,
        base_net_minor=-original.base_net_minor,
        received_on=timezone.localdate(),
        channel=original.channel,
        restriction=original.restriction,
        campaign=original.campaign,
        soft_credit=original.soft_credit,
        reverses=original,
        reason=reason[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    post(reversal)
    record(
        actor=actor,
        action="funds.donation_reversed",
        target=original,
        data={"reversal": reversal.code, "reason": reason[:200]},
    )
    hooks.gift_recorded(donation=reversal, actor=actor)
    return reversal
