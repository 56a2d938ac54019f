"""Recording many gifts at once, by the rules ``donations.donation_record`` applies to one.

Two doors, one set of rules (``donations.check`` and the conversion of ``donations.build``
and ``donations.gift_rows``, the booking of ``donations.lines``, the gift hooks run once
for the whole batch):

- ``gifts_record_many``: gifts entered together (a day's cash book and statements; the
  demo's year), each saved as ``donation_record`` saves it, with a ledger transaction and,
  unless it came on a statement, an audit entry of its own.
- ``gifts_import_rows``: an import's gifts, already checked row by row for the import's
  report, written as plain rows by COPY and booked as one summary transaction a day tied to
  the import batch (see ``ledger.Summary``): the totals are the same to the minor unit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import batched
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from safepassage.audit.chain import record
from safepassage.base import bulk
from safepassage.funds.models import Donation, Entry, ImportBatch, Transaction
from safepassage.funds.services import donations, hooks, ledger, rollups

# Gifts per COPY of an import: the rows of one chunk are made while the database inserts.
IMPORT_CHUNK = 10000


@transaction.atomic
def gifts_record_many(
    *, actor, gifts: Sequence[Mapping], statements: Collection[str] = ()
) -> list[Donation]:
    """Record many gifts at once, as ``donation_record`` records each: every gift is
    checked, converted and soft-credited the same way and posted in a ledger transaction of
    its own, then the gift hooks run once for all of them. Each of ``gifts`` holds
    ``donation_record``'s keyword arguments (``donor`` and the fields of ``build``). Returns
    the saved gifts in the order given. All or nothing: one gift refused (``FundsError``,
    ``source_key`` already recorded) and none is.

    Each gift gets its own ``funds.donation_recorded`` audit entry, except those on a
    channel in ``statements`` (a bank statement, a platform export entered in one go): the
    gifts of each such channel get one ``funds.donations_recorded`` entry listing them.
    Cheaper than one call a gift: a few inserts for all, one rate lookup per currency and
    day."""
    day_rates: dict[tuple[str, dt.date], Decimal] = {}
    built = []
    for fields in gifts:
        fields = donations.credited(dict(fields))
        built.append(donations.build(actor=actor, day_rates=day_rates, **fields))
    if not built:
        return []
    postings = [ledger.prepare(**donations.posting(donation)) for donation in built]
    try:
        with transaction.atomic():
            Donation.objects.bulk_create(built)
    except IntegrityError:
        raise donations.already_recorded() from None
    ledger.post_many(postings)
    listed: dict[str, list[Donation]] = {}
    for donation in built:
        if donation.channel in statements:
            listed.setdefault(donation.channel, []).append(donation)
            continue
        record(
            actor=actor,
            action="funds.donation_recorded",
            target=donation,
            data=donations.recorded_data(donation),
        )
    for channel, statement in listed.items():
        record(
            actor=actor,
            action="funds.donations_recorded",
            data={
                "channel": channel,
                "received_on": sorted({d.received_on.isoformat() for d in statement}),
                "gifts": [d.code for d in statement],
                "base_gross_minor": sum(d.base_gross_minor for d in statement),
            },
        )
    if hooks.GIFT_HOOKS:
        hooks.gifts_recorded(
            donations=Donation.objects.filter(pk__in=[d.pk for d in built]), actor=actor
        )
    return built


class ImportedGift(NamedTuple):
    """One gift of an import, checked (``donations.check``), with a known currency code,
    the rate of its day, and its donor and campaign as primary keys."""

    donor_id: uuid.UUID
    gross_minor: int
    fee_minor: int
    currency: str
    rate: Decimal
    received_on: dt.date
    channel: str
    restriction: str
    campaign_id: uuid.UUID | None
    source_key: str | None
    # The statement's payer IBAN failed its checksum (the gift is recorded all the same).
    payer_iban_unverified: bool = False


def gifts_import_rows(
    *,
    actor,
    batch: ImportBatch,
    gifts: Iterable[ImportedGift],
    total: int,
    progress: Callable[[str, int, int], None] | None = None,
) -> None:
    """Write an import's ``gifts`` (``total`` of them) tied to ``batch``, booked as one
    ledger transaction a day, then run the gift hooks once over the batch's gifts. Call
    inside the import's transaction, holding its lock; ``gifts`` may be a generator, and it
    runs while a COPY holds the connection, so it must run no query. ``progress("writing",
    done, total)`` is called after each chunk. The caller audits the import (one entry for
    the batch, with its counts). Does not soft-credit gifts to a team's page, as imports
    never have."""
    now = timezone.now()
    created_by = actor.pk if getattr(actor, "pk", None) else None
    summary = ledger.Summary()
    done = 0
    for chunk in batched(gifts, IMPORT_CHUNK):
        codes = bulk.fresh_codes(Donation, len(chunk))

        def rows(chunk=chunk, codes=codes):
            for gift, code in zip(chunk, codes, strict=True):
                row, booked = donations.gift_rows(
                    donation_id=uuid.uuid4(),
                    code=code,
                    donor_id=gift.donor_id,
                    gross_minor=gift.gross_minor,
                    fee_minor=gift.fee_minor,
                    currency=gift.currency,
                    rate=gift.rate,
                    received_on=gift.received_on,
                    channel=gift.channel,
                    restriction=gift.restriction,
                    campaign_id=gift.campaign_id,
                    source_key=gift.source_key,
                    payer_iban_unverified=gift.payer_iban_unverified,
                    batch_id=batch.pk,
                    created_by_id=created_by,
                    now=now,
                )
                summary.add(booked, gift=True)
                yield row

        bulk.insert_rows(Donation, donations.DONATION_COLUMNS, rows())
        done += len(chunk)
        if progress is not None:
            progress("writing", done, total)
    postings, entries = summary.rows(kind=Transaction.Kind.IMPORT.value, batch_id=batch.pk, now=now)
    bulk.insert_rows(Transaction, ledger.TRANSACTION_COLUMNS, postings)
    bulk.insert_rows(Entry, ledger.ENTRY_COLUMNS, entries)
    rollups.write(summary.rollup_rows())
    # Pledges, matching and Hope Sharing: one query when no gift concerns them.
    hooks.gifts_recorded(donations=Donation.objects.filter(batch=batch), actor=actor)
