"""Planning an import (which gifts are new, which donor each goes to) and writing it.

``Plan.make`` only reads, so a dry run can report exactly what a real run would do; the
real run makes the plan again inside its transaction, after taking the import lock, and
then ``Plan.write`` inserts everything in bulk.

Writing builds no model instance per gift: at a million rows, building them cost more
than inserting them. New donors are sealed as plain rows (``donors.NewDonors``); each gift
is handed to the service that writes an import's gifts (``gift_batches.gifts_import_rows``):
each becomes its row through ``donations.gift_rows``, booked with the same
``donations.lines`` and ``ledger.entry_rows`` as a gift recorded by hand; those entries are
summed into one ledger transaction per day of the file (``ledger.Summary``: kind "import",
tied to the batch), as a bank deposit is booked, so the ledger grows by a few rows a day
instead of four per gift and every total stays what the gifts one by one give.
``safepassage.base.bulk`` writes the rows (COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from itertools import batched

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.base import bulk, money
from safepassage.funds.importing.choices import language_for_currency
from safepassage.funds.importing.rows import Problem, Progress, Row
from safepassage.funds.models import (
    Campaign,
    Channel,
    Donation,
    Donor,
    ImportBatch,
    Restriction,
)
from safepassage.funds.services import donations, donors, gift_batches
from safepassage.vault import masks
from safepassage.vault import records as vault_records

PREVIEW_ROWS = 20


@dataclass(frozen=True)
class PreviewRow:
    position: str
    received_on: dt.date
    amount: str
    fee: str
    base_amount: str
    channel: str
    restriction: str
    campaign: str
    donor: str


class Refused(Exception):
    """Rows the plan cannot take; nothing is written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class _NewDonor:
    """A donor first seen in this file; rows after the first may add what it lacked."""

    __slots__ = ("fields", "language", "pk", "position")

    def __init__(self, row: Row) -> None:
        self.pk: uuid.UUID | None = None  # set when written
        self.fields = {"name": "", "email": "", "phone": "", "iban": ""}
        self.position = row.position
        # The file's word for it, else the first gift's currency (KRW: Korean, else
        # English): a donor abroad is not written to in Korean by default.
        self.language = row.language
        self.add(row)
        self.language = self.language or language_for_currency(row.currency)

    def add(self, row: Row) -> None:
        for name in self.fields:
            self.fields[name] = self.fields[name] or getattr(row, name)
        self.language = self.language or row.language


@dataclass
class Plan:
    rows: list[tuple[Row, object]]  # the donor: an existing pk, a _NewDonor or ANONYMOUS
    skipped: list[Problem]
    new_donors: list[_NewDonor]
    matched: set
    anonymous: int
    rejected: list[Problem]

    ANONYMOUS = "anonymous"

    @classmethod
    def make(cls, rows: list[Row]) -> Plan:
        recorded = bulk.existing(Donation, "source_key", [row.source_key for row in rows])
        plan = cls(rows=[], skipped=[], new_donors=[], matched=set(), anonymous=0, rejected=[])
        fresh = []
        for row in rows:
            if row.source_key in recorded:
                plan.skipped.append(Problem(row.position, _("already recorded"), row.order))
            else:
                fresh.append(row)
        digests = _Digests()
        named = [row for row in fresh if not row.anonymous and digests.of(row)]
        by_index = _existing_donors(digests, named)
        for row in fresh:
            if row.anonymous or not (row.name or row.email or row.phone or row.iban):
                plan.anonymous += 1
                plan.rows.append((row, cls.ANONYMOUS))
                continue
            # A name alone never matches: two people can share one.
            keys = digests.of(row)
            target = next((by_index[key] for key in keys if key in by_index), None)
            if target is None:
                if not (row.name or row.email):
                    plan.rejected.append(
                        Problem(
                            row.position,
                            _(
                                "the sender matches no donor, and a new donor needs a name "
                                "or an e-mail address."
                            ),
                            row.order,
                        )
                    )
                    continue
                target = _NewDonor(row)
                plan.new_donors.append(target)
            elif isinstance(target, _NewDonor):
                target.add(row)
            else:
                plan.matched.add(target)
            for key in keys:
                by_index.setdefault(key, target)
            plan.rows.append((row, target))
        return plan

    def fill(self, report) -> None:
        """Counts, skipped gifts and a preview into ``report`` (a ``runner.Report``)."""
        for problem in self.skipped:
            report.skip(problem)
        report.skipped.sort(key=lambda p: p.order)
        report.new = len(self.rows)
        report.new_donors = len(self.new_donors)
        report.matched_donors = len(self.matched)
        report.anonymous = self.anonymous
        base = settings.BASE_CURRENCY
        report.base_total_minor = sum(
            donations.to_base(row.gross_minor, row.currency, row.rate) for row, _d in self.rows
        )
        if report.rows and not self.rows and not report.rejected_rows:
            report.notes.append(_("Nothing new: every gift in the file is already recorded."))
        codes = dict(
            Donor.objects.filter(
                pk__in=[d for _r, d in self.rows[:PREVIEW_ROWS] if isinstance(d, uuid.UUID)]
            ).values_list("pk", "code")
        )
        for row, target in self.rows[:PREVIEW_ROWS]:
            if target == self.ANONYMOUS:
                who = _("anonymous")
            elif isinstance(target, _NewDonor):
                shown = masks.name(target.fields["name"]) if target.fields["name"] else ""
                who = _("new donor %(name)s") % {"name": shown} if shown else _("new donor")
            else:
                who = _("donor %(code)s") % {"code": codes.get(target, "")}
            report.preview.append(
                PreviewRow(
                    position=row.position,
                    received_on=row.received_on,
                    amount=money.display(row.gross_minor, row.currency),
                    fee=money.display(row.fee_minor, row.currency),
                    base_amount=money.display(
                        money.convert(row.gross_minor, row.currency, row.rate, base), base
                    ),
                    channel=str(Channel(row.channel).label),
                    restriction=str(Restriction(row.restriction).label),
                    campaign=row.campaign,
                    donor=who,
                )
            )

    def write(self, *, batch: ImportBatch, actor, progress: Progress | None) -> None:
        """Insert the new donors, then hand the gifts to ``gift_batches.gifts_import_rows``
        (their ledger postings, one a day, and the gift hooks). Call inside the import's
        transaction, after ``make`` (in it); the rows passed ``runner._check``."""
        now = timezone.now()
        anonymous = donors.anonymous_donor().pk if self.anonymous else None
        codes = bulk.fresh_codes(Donor, len(self.new_donors))
        written = donors.NewDonors(now=now).write(
            zip(codes, (pending.fields for pending in self.new_donors), strict=True)
        )
        by_language: dict[str, list[uuid.UUID]] = defaultdict(list)
        for pending, pk in zip(self.new_donors, written, strict=True):
            pending.pk = pk
            by_language[pending.language].append(pk)
        _set_languages(by_language)
        campaigns = dict(
            Campaign.objects.filter(
                code__in={row.campaign for row, _d in self.rows if row.campaign}
            ).values_list("code", "pk")
        )

        def gifts():
            for row, target in self.rows:
                if target == self.ANONYMOUS:
                    donor = anonymous
                elif isinstance(target, _NewDonor):
                    donor = target.pk
                else:
                    donor = target
                yield gift_batches.ImportedGift(
                    donor,
                    row.gross_minor,
                    row.fee_minor,
                    row.currency,
                    row.rate,
                    row.received_on,
                    row.channel,
                    row.restriction,
                    campaigns[row.campaign] if row.campaign else None,
                    row.source_key,
                    row.iban_unverified,
                )

        gift_batches.gifts_import_rows(
            actor=actor, batch=batch, gifts=gifts(), total=len(self.rows), progress=progress
        )


def _set_languages(by_language: dict[str, list[uuid.UUID]]) -> None:
    """New donors' languages, where they differ from the one ``NewDonors`` writes: one
    UPDATE a language. The rows are this transaction's own, not yet visible to anyone."""
    written = Donor._meta.get_field("language").get_default()
    for language, pks in by_language.items():
        if language == written:
            continue
        for chunk in batched(pks, 1000):
            Donor.objects.filter(pk__in=chunk).update(language=language)


class _Digests:
    """Blind indexes of each row's e-mail, IBAN and phone (in that order of trust), each
    value hashed once however many rows repeat it."""

    FIELDS = donors.MATCH_FIELDS

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], str] = {}
        self.by_row: dict[int, list[tuple[str, str]]] = {}

    def of(self, row: Row) -> list[tuple[str, str]]:
        found = self.by_row.get(row.order)
        if found is None:
            found = []
            for name in self.FIELDS:
                value = getattr(row, name)
                if value:
                    key = (name, value)
                    if key not in self.cache:
                        self.cache[key] = vault_records.blind_index(Donor, name, value)
                    found.append((name, self.cache[key]))
            self.by_row[row.order] = found
        return found


def _existing_donors(digests: _Digests, rows: list[Row]) -> dict[tuple[str, str], uuid.UUID]:
    """(field, blind index) → the donor that keeps it: the oldest, and after a merge the
    donor it was merged into (whose gifts it now shows)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for name, digest in digests.of(row):
            wanted[name].add(digest)
    found: dict[tuple[str, str], uuid.UUID] = {}
    merged: dict[uuid.UUID, uuid.UUID] = {}
    for name in _Digests.FIELDS:
        column = f"{name}_bidx"
        for chunk in batched(sorted(wanted[name]), 1000):
            for pk, merged_into, digest in (
                Donor.objects.filter(**{f"{column}__in": chunk})
                .order_by("created_at", "pk")
                .values_list("pk", "merged_into", column)
            ):
                found.setdefault((name, digest), pk)
                if merged_into:
                    merged[pk] = merged_into
    pending = set(merged.values()) - set(merged)
    while pending:
        more = dict(
            Donor.objects.filter(pk__in=pending, merged_into__isnull=False).values_list(
                "pk", "merged_into"
            )
        )
        merged.update(more)
        pending = set(more.values()) - set(merged)
    for key, pk in found.items():
        seen = {pk}
        while pk in merged and merged[pk] not in seen:
            pk = merged[pk]
            seen.add(pk)
        found[key] = pk
    return found
