"""Recording gifts as received, and reversing them; both post to the ledger."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_EVEN, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.base import money
from safepassage.funds.models import Campaign, Channel, Donation, Donor, ImportBatch, Restriction
from safepassage.funds.services import hooks, ledger, rates
from safepassage.funds.services.errors import FundsError


def _currency(value: str) -> str:
    try:
        return money.currency_code(value)
    except money.MoneyError as exc:
        raise FundsError({"currency": str(exc)}) from None


_CHANNELS = frozenset(Channel.values)
_RESTRICTIONS = frozenset(Restriction.values)


def check(
    *,
    gross_minor: int,
    fee_minor: int,
    currency: str,
    received_on: dt.date,
    channel: str,
    restriction: str,
    today: dt.date | None = None,
) -> None:
    """The rules every gift must pass, whichever door it comes through. ``today`` is the
    organisation's date, for callers that check many gifts at once."""
    if not isinstance(gross_minor, int) or not isinstance(fee_minor, int):
        raise FundsError({"amount": _("Amounts are whole numbers of minor units.")})
    if gross_minor <= 0:
        raise FundsError({"amount": _("A gift must be more than zero.")})
    if gross_minor >= money.LIMIT:
        raise FundsError({"amount": _("This amount is not plausible.")})
    if not 0 <= fee_minor <= gross_minor:
        raise FundsError({"fee": _("A fee is between zero and the gift itself.")})
    if received_on > (today or timezone.localdate()):
        raise FundsError({"received_on": _("A gift cannot be received in the future.")})
    if channel not in _CHANNELS:
        raise FundsError({"channel": _("Unknown channel.")})
    if restriction not in _RESTRICTIONS:
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
    day_rates: dict[tuple[str, dt.date], Decimal] | None = None,
    payer_iban_unverified: bool = False,
) -> Donation:
    """A checked, converted, unsaved donation (imports save many at once). ``day_rates``,
    when given, keeps the rates read by currency and day for the next gifts of a batch."""
    currency = _currency(currency)
    check(
        gross_minor=gross_minor,
        fee_minor=fee_minor,
        currency=currency,
        received_on=received_on,
        channel=channel,
        restriction=restriction,
    )
    if rate is None and day_rates is not None:
        rate = day_rates.get((currency, received_on))
        if rate is None:
            rate = day_rates[currency, received_on] = rates.rate_for(currency, received_on)
    elif rate is None:
        rate = rates.rate_for(currency, received_on)
    base = settings.BASE_CURRENCY
    base_gross = to_base(gross_minor, currency, rate)
    base_fee = to_base(fee_minor, currency, rate)
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
        payer_iban_unverified=payer_iban_unverified,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def to_base(minor: int, currency: str, rate: Decimal) -> int:
    """``money.convert`` of a gift's amount into the base currency, exactly (the same
    product, rounded half to even once), with the scale of each currency and rate worked
    out once: an import converts two amounts of every row."""
    exact = Decimal(minor) * _scaled_rate(currency, rate, settings.BASE_CURRENCY)
    return int(exact.to_integral_value(rounding=ROUND_HALF_EVEN))


@functools.lru_cache(maxsize=4096)
def _scaled_rate(currency: str, rate: Decimal, base: str) -> Decimal:
    money.convert(0, currency, rate, base)  # refuses what it refuses
    # Scaling by a power of ten is exact, so this rounds where money.convert rounds.
    return rate.scaleb(money.exponent(base) - money.exponent(currency))


def lines(
    *,
    channel: str,
    currency: str,
    gross_minor: int,
    fee_minor: int,
    net_minor: int,
    base_gross_minor: int,
    base_fee_minor: int,
    base_net_minor: int,
) -> list[ledger.Line]:
    """How a gift (or reversal) is booked: net to the bank or the platform, the fee to
    fees, the gross to donations income."""
    asset = ledger.PLATFORM if channel == Channel.PLATFORM else ledger.BANK
    return [
        ledger.Line(asset, base_net_minor, currency, net_minor),
        ledger.Line(ledger.FEES, base_fee_minor, currency, fee_minor),
        ledger.Line(ledger.DONATIONS, -base_gross_minor, currency, -gross_minor),
    ]


def posting(donation: Donation) -> dict:
    """How a donation (or reversal) is booked (see ``lines``), all under the gift's
    restriction: the fields of ``ledger.post``."""
    return {
        "kind": "reversal" if donation.reverses_id else "donation",
        "on": donation.received_on,
        "restriction": donation.restriction,
        "campaign": donation.campaign,
        "channel": donation.channel,
        "donation": donation,
        "lines": lines(
            channel=donation.channel,
            currency=donation.currency,
            gross_minor=donation.gross_minor,
            fee_minor=donation.fee_minor,
            net_minor=donation.net_minor,
            base_gross_minor=donation.base_gross_minor,
            base_fee_minor=donation.base_fee_minor,
            base_net_minor=donation.base_net_minor,
        ),
    }


# The columns of ``gift_rows``'s donation, by attribute name.
DONATION_COLUMNS = (
    "id",
    "code",
    "donor_id",
    "currency",
    "gross_minor",
    "fee_minor",
    "net_minor",
    "rate",
    "base_currency",
    "base_gross_minor",
    "base_fee_minor",
    "base_net_minor",
    "received_on",
    "channel",
    "restriction",
    "campaign_id",
    "soft_credit_id",
    "reverses_id",
    "reason",
    "payer_iban_unverified",
    "batch_id",
    "source_key",
    "created_by_id",
    "created_at",
    "updated_at",
)


def gift_rows(
    *,
    donation_id,
    code: str,
    donor_id,
    gross_minor: int,
    fee_minor: int,
    currency: str,
    rate: Decimal,
    received_on: dt.date,
    channel: str,
    restriction: str,
    campaign_id=None,
    source_key: str | None = None,
    batch_id=None,
    created_by_id=None,
    payer_iban_unverified: bool = False,
    now: dt.datetime,
) -> tuple[tuple, list[tuple]]:
    """What ``build`` and ``post`` write for one gift, as plain rows for imports that
    write many at once: the donation (``DONATION_COLUMNS``) and the entries that book it
    (``ledger.ENTRY_COLUMNS``, without a transaction: an import sums them into one
    transaction per day, see ``ledger.Summary``). The caller has passed the gift through
    ``check`` and gives a known currency code and its rate."""
    base = settings.BASE_CURRENCY
    base_gross = to_base(gross_minor, currency, rate)
    base_fee = to_base(fee_minor, currency, rate)
    net, base_net = gross_minor - fee_minor, base_gross - base_fee
    donation = (
        donation_id,
        code,
        donor_id,
        currency,
        gross_minor,
        fee_minor,
        net,
        rate,
        base,
        base_gross,
        base_fee,
        base_net,
        received_on,
        channel,
        restriction,
        campaign_id,
        None,
        None,
        "",
        payer_iban_unverified,
        batch_id,
        source_key,
        created_by_id,
        now,
        now,
    )
    entries = ledger.entry_rows(
        transaction_id=None,
        kind="donation",
        on=received_on,
        lines=lines(
            channel=channel,
            currency=currency,
            gross_minor=gross_minor,
            fee_minor=fee_minor,
            net_minor=net,
            base_gross_minor=base_gross,
            base_fee_minor=base_fee,
            base_net_minor=base_net,
        ),
        restriction=restriction,
        campaign_id=campaign_id,
        channel=channel,
    )
    return donation, entries


def post(donation: Donation) -> None:
    """Book a saved donation (or reversal); see ``posting``."""
    ledger.post(**posting(donation))


def credited(fields: dict) -> dict:
    """A gift to a volunteer team's page is soft-credited to the team unless another
    credit is given."""
    campaign = fields.get("campaign")
    if campaign is not None and fields.get("soft_credit") is None and campaign.fundraiser_id:
        fields = {**fields, "soft_credit": campaign.fundraiser}
    return fields


def recorded_data(donation: Donation) -> dict:
    """The data of a gift's ``funds.donation_recorded`` audit entry."""
    return {
        "gross_minor": donation.gross_minor,
        "currency": donation.currency,
        "base_gross_minor": donation.base_gross_minor,
        "channel": donation.channel,
        "restriction": donation.restriction,
    }


def already_recorded() -> FundsError:
    """The error for a gift whose ``source_key`` is recorded already."""
    return FundsError({"source_key": _("This gift was already recorded.")})


@transaction.atomic
def donation_record(*, actor, donor: Donor, **fields) -> Donation:
    """Record one gift as received and post it. See ``build`` for the fields. A gift to a
    volunteer team's page is soft-credited to the team unless another credit is given."""
    donation = build(donor=donor, actor=actor, **credited(fields))
    try:
        with transaction.atomic():
            donation.save()
    except IntegrityError:
        raise already_recorded() from None
    post(donation)
    record(
        actor=actor,
        action="funds.donation_recorded",
        target=donation,
        data=recorded_data(donation),
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
        data={"reversal": reversal.code},
        sealed={"reason": reason[:200]},
    )
    hooks.gift_recorded(donation=reversal, actor=actor)
    return reversal
