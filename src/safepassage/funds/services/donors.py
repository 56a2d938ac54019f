"""Donors: created, matched through blind indexes (never by decrypting), merged."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.base import bulk
from safepassage.funds.models import Donation, Donor, DonorKind, Receipt
from safepassage.funds.services import tax_receipts
from safepassage.funds.services.errors import FundsError
from safepassage.vault import records
from safepassage.vault.models import DataKey

MATCH_FIELDS = ("email", "iban", "phone")


@transaction.atomic
def donor_create(
    *,
    actor,
    kind: str = DonorKind.PERSON,
    name: str = "",
    email: str = "",
    phone: str = "",
    iban: str = "",
    address: str = "",
    language: str = "ko",
    consent_to_contact: bool = False,
    wants_tax_receipt: bool = False,
    rrn: str = "",
    rrn_confirmed: bool = False,
) -> Donor:
    if kind not in DonorKind.values:
        raise FundsError({"kind": _("Unknown kind of donor.")})
    if language not in dict(settings.LANGUAGES):
        raise FundsError({"language": _("Unknown language.")})
    if kind != DonorKind.ANONYMOUS and not (name.strip() or email.strip()):
        raise FundsError({"name": _("A donor needs a name or an e-mail address.")})
    if iban.strip():
        iban = check_iban(iban)
    rrn = tax_receipts.tax_fields(
        wants_tax_receipt=wants_tax_receipt, rrn=rrn, rrn_confirmed=rrn_confirmed
    )
    donor = Donor(
        kind=kind,
        language=language,
        consent_to_contact=consent_to_contact,
        wants_tax_receipt=wants_tax_receipt,
    )
    for field, value in {
        "name": name,
        "email": email,
        "phone": phone,
        "iban": iban,
        "address": address,
        "rrn": rrn,
    }.items():
        if value.strip():
            setattr(donor, field, value.strip())
    donor.save()
    record(actor=actor, action="funds.donor_created", target=donor, data={"kind": kind})
    return donor


class NewDonors:
    """Donors first seen in an import, written as plain rows: each a person with its own
    data key, its values sealed, masked and indexed as ``donor_create`` seals them
    (``vault.records.BulkSealer``: the keyring is read once for all of them). The caller
    has checked the values (a name or an e-mail address; an IBAN through ``check_iban``)
    and audits the import as a whole."""

    COLUMNS = (
        "id",
        "code",
        "kind",
        "language",
        "consent_to_contact",
        "wants_tax_receipt",
        "merged_into_id",
        "created_at",
        "updated_at",
    )

    def __init__(self, *, now: dt.datetime) -> None:
        self.now = now
        self.sealer = records.BulkSealer(Donor, now=now)
        self.columns = (*self.COLUMNS, *self.sealer.columns)
        self.language = Donor._meta.get_field("language").get_default()

    def write(self, donors: Iterable[tuple[str, Mapping[str, str]]]) -> list[uuid.UUID]:
        """Insert donors given as (code, values by field name); returns their ids, in
        order. Call inside a transaction: the rows go in before their data keys (foreign
        keys are checked at commit), so that sealing overlaps the database's work."""
        ids: list[uuid.UUID] = []
        now, person = self.now, DonorKind.PERSON.value

        def rows():
            for code, values in donors:
                pk = uuid.uuid4()
                ids.append(pk)
                sealed = self.sealer.seal(pk, values)
                yield (pk, code, person, self.language, False, False, None, now, now, *sealed)

        bulk.insert_rows(Donor, self.columns, rows())
        bulk.insert_rows(DataKey, records.DATA_KEY_COLUMNS, self.sealer.data_keys)
        self.sealer.data_keys = []
        return ids


def check_iban(value: str) -> str:
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        return IBAN(value).compact
    except SchwiftyException:
        raise FundsError({"iban": _("This is not a valid IBAN.")}) from None


def match(*, email: str = "", phone: str = "", iban: str = "") -> Donor | None:
    """The donor (after merges) with the same e-mail, IBAN or phone, by blind index."""
    donors = Donor.objects.filter(merged_into__isnull=True)
    for field, value in (("email", email), ("iban", iban), ("phone", phone)):
        if value and value.strip():
            found = records.filter_by(donors, field, value.strip()).order_by("created_at").first()
            if found is not None:
                return found
    return None


def anonymous_donor() -> Donor:
    """The one donor that stands for every anonymous gift."""
    found = Donor.objects.filter(kind=DonorKind.ANONYMOUS, merged_into__isnull=True).first()
    return found or donor_create(actor="funds", kind=DonorKind.ANONYMOUS)


@transaction.atomic
def donor_merge(*, actor, keep: Donor, duplicate: Donor) -> Donor:
    """Move every gift, soft credit and receipt of ``duplicate`` to ``keep``.

    ``duplicate`` stays (pointing to ``keep``) so old references and receipts still resolve.
    """
    if keep.pk == duplicate.pk:
        raise FundsError({"duplicate": _("A donor cannot be merged into itself.")})
    if keep.merged_into_id or duplicate.merged_into_id:
        raise FundsError({"duplicate": _("One of these donors was already merged.")})
    both = set(
        keep.receipts.filter(kind=Receipt.Kind.ANNUAL).values_list("period", flat=True)
    ) & set(duplicate.receipts.filter(kind=Receipt.Kind.ANNUAL).values_list("period", flat=True))
    if both:
        raise FundsError(
            {
                "duplicate": _(
                    "Both donors already have a statement for %(years)s: a merged donor "
                    "would have two. Merge before issuing statements."
                )
                % {"years": ", ".join(str(y) for y in sorted(both))}
            }
        )
    moved = Donation.objects.filter(donor=duplicate).update(donor=keep, updated_at=timezone.now())
    credits = Donation.objects.filter(soft_credit=duplicate).update(soft_credit=keep)
    duplicate.receipts.update(donor=keep)
    duplicate.merged_into = keep
    duplicate.save(update_fields=["merged_into", "updated_at"])
    record(
        actor=actor,
        action="funds.donors_merged",
        target=keep,
        data={"duplicate": duplicate.code, "donations": moved, "soft_credits": credits},
    )
    return keep
