"""``import_donations``: one file of gifts in, all or nothing, never twice.

**Once per file.** A file is known by its SHA-256: the same file of the same kind is never
imported twice (``ImportBatch`` is unique on kind and hash, so two people importing it at
the same moment make one import; the other is told "already imported").

**Check everything first.** The format's parser reads the rows; then every row passes the
rules a gift entered by hand passes (``donations.check``: more than zero, not absurd, fee
at most the gift, not in the future, known channel and restriction) and the import's own:
a known currency with no more decimals than it has, an exchange rate for its day, a known
campaign. A payer's IBAN that fails its checksum does not refuse the row: the money came
in, so the gift is recorded with the IBAN marked unverified
(``Donation.payer_iban_unverified``). One rejected row and nothing is written; the report
names every rejected row by its place in the file.

**Then plan, then write, in one transaction.** Gifts whose source key is already recorded
are skipped (an overlapping statement); donors are matched through blind indexes (e-mail,
then IBAN, then phone; never by decrypting anyone), within the file too, so two rows of one
new donor make one donor; the rest are new donors, sealed in bulk. The gifts are written by
the service for an import's gifts (``gift_batches.gifts_import_rows``, which also runs the
gift hooks once): each becomes plain rows through ``donations.gift_rows``, the same
conversion as one gift, booked with the same ``donations.lines`` and ``ledger.entry_rows``
(the same balanced entries). The ledger gets
those entries summed into one transaction per day of the gifts (kind "import", tied to the
batch by ``Transaction.batch``), as a deposit is booked: every total is the same as with a
transaction per gift. Everything is inserted in bulk (``safepassage.base.bulk``: COPY on
PostgreSQL). One audit entry records the batch with its counts; the gifts themselves are
tied to it by ``Donation.batch``. A reversal of an imported gift posts its own transaction.

A dry run does the reading, checking and planning (reads only) and reports the same counts
with a preview; it writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from safepassage import faults
from safepassage.audit.chain import record
from safepassage.base import money
from safepassage.base.csv_in import source
from safepassage.base.csv_in.cells import quoted
from safepassage.funds.importing import camt053, mapped_csv, platform_export, swift_mt940
from safepassage.funds.importing.plan import Plan, PreviewRow, Refused
from safepassage.funds.importing.rows import Problem, Progress, Row, Unreadable
from safepassage.funds.models import (
    Account,
    Campaign,
    ColumnMapping,
    ExchangeRate,
    ImportBatch,
)
from safepassage.funds.services import donations, donors, ledger, rates
from safepassage.funds.services.errors import FundsError

FORMATS = {
    platform_export.KIND: platform_export,
    camt053.KIND: camt053,
    swift_mt940.KIND: swift_mt940,
    mapped_csv.KIND: mapped_csv,
}
MAX_LISTED = 1000
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass
class Report:
    """What an import did or, for a dry run, would do. ``ok`` is False when anything was
    rejected (then nothing was written) or the file was imported before."""

    kind: str
    filename: str
    sha256: str
    dry_run: bool
    rows: int = 0
    new: int = 0
    new_donors: int = 0
    matched_donors: int = 0
    anonymous: int = 0
    base_currency: str = ""
    base_total_minor: int = 0
    skipped: list[Problem] = field(default_factory=list)
    skipped_count: int = 0
    rejected: list[Problem] = field(default_factory=list)
    rejected_rows: int = 0
    already_imported_on: dt.datetime | None = None
    batch_id: uuid.UUID | None = None
    preview: list[PreviewRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected_rows and self.already_imported_on is None

    @property
    def base_total(self) -> str:
        return money.display(self.base_total_minor, self.base_currency or settings.BASE_CURRENCY)

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "new": self.new,
            "new_donors": self.new_donors,
            "matched_donors": self.matched_donors,
            "anonymous": self.anonymous,
            "skipped": self.skipped_count,
            "rejected": self.rejected_rows,
            "base_total_minor": self.base_total_minor,
        }

    def summary(self) -> str:
        if self.already_imported_on is not None:
            return _("Already imported on %(when)s: nothing was added.") % {
                "when": formats.date_format(
                    timezone.localtime(self.already_imported_on), "SHORT_DATETIME_FORMAT"
                )
            }
        return _(
            "gifts: %(new)s new (%(total)s); donors: %(donors)s new, %(matched)s matched, "
            "%(anonymous)s anonymous gifts; skipped: %(skipped)s; rejected: %(rejected)s"
        ) % {
            "new": self.new,
            "total": self.base_total,
            "donors": self.new_donors,
            "matched": self.matched_donors,
            "anonymous": self.anonymous,
            "skipped": self.skipped_count,
            "rejected": self.rejected_rows,
        }

    def refuse(self, problems: list[Problem]) -> Report:
        ordered = sorted(problems, key=lambda p: p.order)
        self.rejected = ordered[:MAX_LISTED]
        self.rejected_rows = len({p.position for p in problems}) or 1
        return self

    def skip(self, problem: Problem) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_LISTED:
            self.skipped.append(problem)


class _AlreadyImported(Exception):
    pass


def import_donations(
    *,
    path_or_bytes,
    kind: str,
    actor,
    mapping: ColumnMapping | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    filename: str = "",
) -> Report:
    """Import the gifts in a file of ``kind`` (see ``FORMATS``): a path, bytes, or a file
    object (an upload). The caller has checked that ``actor`` may import. ``mapping`` is
    needed for ``csv``. ``progress(stage, done, total)`` is called now and then with stage
    "reading" or "writing". Raises ``OSError`` if a path cannot be read; every problem with
    the file itself is in the report."""
    module = FORMATS.get(kind)
    if module is None:
        raise ValueError(f"unknown kind of donation file: {kind!r}")
    if not filename:
        if isinstance(path_or_bytes, str | os.PathLike):
            filename = os.fspath(path_or_bytes)
        else:
            filename = str(getattr(path_or_bytes, "name", "") or "")
    filename = os.path.basename(filename)[:200]
    try:
        data = source.read_bytes(path_or_bytes)
    except source.Unreadable as exc:
        report = Report(kind=kind, filename=filename, sha256="", dry_run=dry_run)
        return report.refuse([Problem("", exc.error.message)])
    report = Report(
        kind=kind,
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        dry_run=dry_run,
        base_currency=settings.BASE_CURRENCY,
    )
    if _already_imported(report):
        return report
    try:
        parsed = module.parse(data, mapping=mapping, progress=progress)
    except Unreadable as exc:
        return report.refuse([exc.problem])
    report.notes.extend(parsed.notes)
    for problem in parsed.skipped:
        report.skip(problem)
    report.rows = len(parsed.rows) + len(parsed.skipped)
    problems = list(parsed.rejected)
    rows = _check(parsed.rows, problems, report)
    if problems:
        return report.refuse(problems)
    if not rows and not report.skipped_count:
        report.notes.append(_("The file holds no gifts."))
    if dry_run:
        plan = Plan.make(rows)
        if plan.rejected:
            return report.refuse(plan.rejected)
        plan.fill(report)
        return report
    try:
        with transaction.atomic():
            batch = _claim(report, actor)
            # Imports take turns: the second sees the first's gifts and donors. FOR NO KEY
            # UPDATE does not block the key-share locks that posting a single gift takes.
            list(Account.objects.select_for_update(no_key=True).filter(code=ledger.DONATIONS))
            plan = Plan.make(rows)
            if plan.rejected:
                raise Refused(plan.rejected)
            plan.write(batch=batch, actor=actor, progress=progress)
            faults.point("funds.import.written")
            plan.fill(report)
            batch.counts = report.counts()
            batch.save(update_fields=["counts", "updated_at"])
            record(
                actor=actor,
                action="funds.donations_imported",
                target=batch,
                data={
                    **report.counts(),
                    "kind": kind,
                    "file_sha256": report.sha256,
                    "file_bytes": len(data),
                },
            )
    except _AlreadyImported:
        _already_imported(report)
        return report
    except Refused as refused:
        return report.refuse(refused.problems)
    except IntegrityError as exc:
        if "source_key" not in str(exc):
            raise
        # Another import of an overlapping file committed the same gifts in between.
        return report.refuse(
            [
                Problem(
                    "",
                    _(
                        "Another import recorded some of these gifts at the same moment; "
                        "nothing was written. Import the file again: what is now recorded "
                        "will be skipped."
                    ),
                )
            ]
        )
    report.batch_id = batch.pk
    return report


def _already_imported(report: Report) -> bool:
    found = (
        ImportBatch.objects.filter(kind=report.kind, sha256=report.sha256)
        .values_list("pk", "created_at")
        .first()
    )
    if found is None:
        return False
    report.batch_id, report.already_imported_on = found
    return True


def _claim(report: Report, actor) -> ImportBatch:
    """The batch row, inserted first: a concurrent import of the same file waits on its
    unique index and then fails here, having written nothing."""
    try:
        with transaction.atomic():
            return ImportBatch.objects.create(
                kind=report.kind,
                sha256=report.sha256,
                filename=report.filename,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise _AlreadyImported from None


# --- checking -------------------------------------------------------------------------------


def _check(rows: list[Row], problems: list[Problem], report: Report) -> list[Row]:
    """The rows that pass every rule; the others become ``problems``. Exact repeats of a
    row (a duplicated statement entry) are skipped, not counted twice."""

    def refuse(row: Row, reason: str) -> None:
        problems.append(Problem(row.position, reason, row.order))

    first: dict[str, Row] = {}
    unique: list[Row] = []
    for row in rows:
        earlier = first.get(row.source_key)
        if earlier is None:
            first[row.source_key] = row
            unique.append(row)
        elif row.same_gift(earlier):
            report.skip(
                Problem(
                    row.position,
                    _("repeats %(position)s (a duplicated entry)") % {"position": earlier.position},
                    row.order,
                )
            )
        else:
            refuse(
                row,
                _("has the same reference as %(position)s but a different gift.")
                % {"position": earlier.position},
            )

    currencies: dict[str, str | None] = {}
    ibans: dict[str, str | None] = {}
    today = timezone.localdate()
    campaign_codes = {row.campaign for row in unique if row.campaign}
    campaigns = {c.code: c for c in Campaign.objects.filter(code__in=campaign_codes)}
    good: list[Row] = []
    for row in unique:
        if row.currency not in currencies:
            try:
                currencies[row.currency] = money.currency_code(row.currency)
            except money.MoneyError:
                currencies[row.currency] = None
        currency = currencies[row.currency]
        if currency is None:
            refuse(row, _("unknown currency %(code)s.") % {"code": quoted(row.currency, 10)})
            continue
        row.currency = currency
        try:
            row.gross_minor = money.to_minor(row.amount, currency)
            row.fee_minor = money.to_minor(row.fee, currency)
        except money.MoneyError as exc:
            refuse(row, str(exc))
            continue
        if row.iban:
            if row.iban not in ibans:
                try:
                    ibans[row.iban] = donors.check_iban(row.iban)
                except FundsError:
                    ibans[row.iban] = None
            if ibans[row.iban] is None:
                # Money received all the same: the gift is recorded with the IBAN marked
                # unverified, and the IBAN as written still matches the same payer again.
                row.iban_unverified = True
            else:
                row.iban = ibans[row.iban]
        if row.email and not _EMAIL.fullmatch(row.email):
            refuse(row, _("the e-mail address is not valid."))
            continue
        if row.campaign and row.campaign not in campaigns:
            refuse(
                row,
                _("no campaign has the code %(code)s; add it first or leave the cell empty.")
                % {"code": quoted(row.campaign)},
            )
            continue
        try:
            donations.check(
                gross_minor=row.gross_minor,
                fee_minor=row.fee_minor,
                currency=currency,
                received_on=row.received_on,
                channel=row.channel,
                restriction=row.restriction,
                today=today,
            )
        except FundsError as exc:
            refuse(row, " ".join(exc.messages))
            continue
        good.append(row)
    _rates(good, problems)
    failed = {p.order for p in problems}
    return [row for row in good if row.order not in failed]


def _rates(rows: list[Row], problems: list[Problem]) -> None:
    """The rate of each row's day, read in one query; a missing one gets the same message
    as a gift entered by hand."""
    wanted = {(row.currency, row.received_on) for row in rows}
    currencies = {c for c, _day in wanted if c != settings.BASE_CURRENCY}
    known: dict[tuple[str, dt.date], Decimal] = {}
    if currencies:
        days = [day for _c, day in wanted]
        known = {
            (currency, on): rate
            for currency, on, rate in ExchangeRate.objects.filter(
                currency__in=currencies, on__gte=min(days), on__lte=max(days)
            ).values_list("currency", "on", "rate")
        }
    missing: dict[tuple[str, dt.date], str] = {}
    for row in rows:
        pair = (row.currency, row.received_on)
        if row.currency == settings.BASE_CURRENCY:
            row.rate = rates.ONE
        elif pair in known:
            row.rate = known[pair]
        else:
            if pair not in missing:
                try:
                    row.rate = rates.rate_for(*pair)
                    known[pair] = row.rate
                    continue
                except FundsError as exc:
                    missing[pair] = " ".join(exc.messages)
            problems.append(Problem(row.position, missing[pair], row.order))
