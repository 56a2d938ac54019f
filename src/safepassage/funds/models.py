"""Money in and money out: donors, donations, expenses, and the ledger they post to.

Every amount is integer minor units of its currency, with the rate to the organisation's
base currency and the converted amount fixed when the money is received or spent.
Corrections are new rows (a reversal points to what it reverses), never edits. Every
donation, fee, reversal and expense posts a balanced ledger transaction.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safepassage.base.money_fields import CurrencyField, MinorUnitsField
from safepassage.vault import masks
from safepassage.vault.fields import ProtectedField, normalise_phone
from safepassage.vault.models import VaultRecord, new_code


def normalise_email(value: str) -> str:
    return value.strip().casefold()


def normalise_iban(value: str) -> str:
    return "".join(value.split()).upper()


class Channel(models.TextChoices):
    PLATFORM = "platform", _("Giving platform")
    BANK = "bank", _("Bank transfer")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


class Restriction(models.TextChoices):
    RESCUE = "rescue", _("Rescue")
    RELIEF = "relief", _("Relief")
    RESETTLEMENT = "resettlement", _("Resettlement")
    ADVOCACY = "advocacy", _("Advocacy")
    UNRESTRICTED = "unrestricted", _("Unrestricted")


class DonorKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("kind of donor", "Person")
    ORGANISATION = "organisation", _("Organisation")
    ANONYMOUS = "anonymous", _("Anonymous")


class Donor(VaultRecord):
    """Someone who gives. Contact details are sealed; e-mail, phone and IBAN have blind
    indexes so imports can match a returning donor without decrypting anyone."""

    name = ProtectedField(_("name"), mask=masks.name, blind_index=True)
    email = ProtectedField(_("e-mail"), blind_index=True, normalise=normalise_email)
    phone = ProtectedField(
        _("phone"), mask=masks.phone, blind_index=True, normalise=normalise_phone
    )
    iban = ProtectedField(_("IBAN"), blind_index=True, normalise=normalise_iban)
    address = ProtectedField(_("postal address"))

    kind = models.CharField(
        _("kind"), max_length=12, choices=DonorKind.choices, default=DonorKind.PERSON
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ko"
    )
    consent_to_contact = models.BooleanField(_("agrees to be contacted"), default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")

    def __str__(self) -> str:
        return f"{self.name.masked or self.get_kind_display()} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("funds:donor", args=[self.code])


class ExchangeRate(models.Model):
    """Units of the base currency for one unit of ``currency`` on a day, with its source."""

    id = models.BigAutoField(primary_key=True)
    currency = CurrencyField(_("currency"))
    on = models.DateField(_("date"))
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    source = models.CharField(_("source"), max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-on", "currency"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "on"], name="funds_rate_per_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="funds_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.on}: {self.rate}"


class CampaignKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Campaign")
    TEAM = "team", _("Volunteer team page")
    EVENT = "event", pgettext_lazy("kind of campaign", "Event")


class Campaign(models.Model):
    """A fundraising campaign, a volunteer team's page under one, or an event's takings.

    Campaigns nest (``parent``): what a team page or an event raises also counts for the
    campaign above it. A campaign marked ``hope_sharing`` (or under one) turns its gifts
    into rescue shares (see ``fundraising``). Goals are in any currency; progress is read
    from the gifts' base amounts (see ``fundraising.selectors.progress``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CampaignKind.choices, default=CampaignKind.CAMPAIGN
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    description = models.TextField(
        _("public description"),
        blank=True,
        help_text=_("Shown on the public page: never a name, a place or a date of a journey."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    goal_currency = CurrencyField(_("goal currency"), blank=True)
    goal_minor = MinorUnitsField(_("goal"), null=True, blank=True)
    rescues_target = models.PositiveIntegerField(_("rescues to fund"), null=True, blank=True)
    hope_sharing = models.BooleanField(
        _("Hope Sharing"),
        default=False,
        help_text=_("Gifts to this campaign, and to those under it, fund rescue shares."),
    )
    fundraiser = models.ForeignKey(
        Donor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("soft credit to"),
        help_text=_("The volunteer or team credited with what this page raises."),
    )
    public = models.BooleanField(_("public page"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(goal_minor__isnull=True)
                | models.Q(goal_minor__gt=0, goal_currency__gt=""),
                name="funds_campaign_goal_has_currency",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="funds_campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One imported file. The same file (by SHA-256) is imported at most once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20)
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=200, blank=True)
    counts = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "sha256"], name="funds_import_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"


class Donation(models.Model):
    """A gift as received: original currency, fee and net, and the base-currency amounts at
    the rate of the day. A refund or a mistake is a reversal row with negative amounts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    currency = CurrencyField(_("currency"))
    gross_minor = MinorUnitsField(_("gross"))
    fee_minor = MinorUnitsField(_("fee"), default=0)
    net_minor = MinorUnitsField(_("net"))
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    base_currency = CurrencyField()
    base_gross_minor = MinorUnitsField()
    base_fee_minor = MinorUnitsField()
    base_net_minor = MinorUnitsField()
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    restriction = models.CharField(
        _("restriction"),
        max_length=14,
        choices=Restriction.choices,
        default=Restriction.UNRESTRICTED,
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="donations"
    )
    soft_credit = models.ForeignKey(
        Donor, on_delete=models.PROTECT, null=True, blank=True, related_name="soft_credits"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="donations"
    )
    source_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        indexes = [
            models.Index(fields=["received_on"]),
            models.Index(fields=["donor", "received_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(net_minor=models.F("gross_minor") - models.F("fee_minor"))
                & models.Q(
                    base_net_minor=models.F("base_gross_minor") - models.F("base_fee_minor")
                ),
                name="funds_donation_net_is_gross_less_fee",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        reverses__isnull=True,
                        gross_minor__gt=0,
                        fee_minor__gte=0,
                        net_minor__gte=0,
                    )
                    | models.Q(
                        reverses__isnull=False,
                        gross_minor__lt=0,
                        fee_minor__lte=0,
                        net_minor__lte=0,
                    )
                ),
                name="funds_donation_signs",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("funds:donation", args=[self.code])


class ExpenseCategory(models.TextChoices):
    RESCUE = "rescue_operations", _("Rescue operations")
    RELIEF = "relief_aid", _("Relief aid")
    RESETTLEMENT = "resettlement", _("Resettlement")
    ADVOCACY = "advocacy", _("Advocacy")
    FUNDRAISING = "fundraising", _("Fundraising")
    ADMINISTRATION = "administration", _("Administration")


class ExpenseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")


class Expense(models.Model):
    """Money spent, with its approval trail. A link to a mission or a case is kept by code
    only: finance never sees who was helped."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    description = models.CharField(
        _("what for"), max_length=200, help_text=_("No names or places: they go in receipts.")
    )
    currency = CurrencyField(_("currency"))
    amount_minor = MinorUnitsField(_("amount"))
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    base_currency = CurrencyField()
    base_amount_minor = MinorUnitsField()
    spent_on = models.DateField(_("spent on"))
    restriction = models.CharField(
        _("paid from"),
        max_length=14,
        choices=Restriction.choices,
        default=Restriction.UNRESTRICTED,
    )
    mission = models.ForeignKey(
        "rescue.Mission", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("campaign or event"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decision_note = models.CharField(_("note"), max_length=200, blank=True)
    override_reason = models.CharField(
        _("why this may overdraw its fund"), max_length=200, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-spent_on", "-created_at"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        indexes = [models.Index(fields=["status", "spent_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0, base_amount_minor__gt=0),
                name="funds_expense_positive",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("funds:expense", args=[self.code])


class ExpenseReceipt(VaultRecord):
    """A scan or photo of a receipt. Sealed: a receipt can name a place or a person."""

    content = ProtectedField(_("file"), binary=True)
    filename = ProtectedField(_("file name"))

    expense = models.ForeignKey(Expense, on_delete=models.PROTECT, related_name="receipts")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("expense receipt")
        verbose_name_plural = _("expense receipts")

    def __str__(self) -> str:
        return self.code


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class Account(models.Model):
    """The chart of accounts: a short fixed list, created by a data migration."""

    code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=AccountKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Transaction(models.Model):
    """One balanced posting: its entries sum to zero (checked by the service and, on
    PostgreSQL, by a deferred constraint trigger at commit).

    A gift recorded by hand, a reversal and an expense each post their own. An import
    posts one per day of its gifts (kind "import", ``batch`` set), as a bank deposit or a
    payout is booked: its entries are the entries of those gifts summed by account,
    restriction, campaign, channel and currency, so every total is the same."""

    class Kind(models.TextChoices):
        DONATION = "donation", _("Donation")
        REVERSAL = "reversal", _("Reversal")
        EXPENSE = "expense", _("Expense")
        IMPORT = "import", _("Import")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on = models.DateField()
    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    expense = models.ForeignKey(
        Expense, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["on", "created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class Entry(models.Model):
    """One line of a transaction in the base currency: debit positive, credit negative.

    Carries what the reports group by (month, restriction, campaign, channel, category) and
    the original currency and amount, so every total is one query over this table.
    """

    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_minor = MinorUnitsField()
    on = models.DateField()
    restriction = models.CharField(max_length=14, choices=Restriction.choices)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    category = models.CharField(max_length=20, choices=ExpenseCategory.choices, blank=True)
    currency = CurrencyField()
    original_minor = MinorUnitsField()

    class Meta:
        ordering = ["transaction", "id"]
        indexes = [
            models.Index(fields=["account", "on"]),
            models.Index(fields=["restriction", "account"]),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_minor}"


class ReceiptCounter(models.Model):
    """The last receipt number used in a year; locked while a number is taken, so numbers
    have no gaps (a rolled-back receipt rolls its number back too)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Receipt(models.Model):
    """A tax receipt: for one donation, or a donor's statement for a year."""

    class Kind(models.TextChoices):
        GIFT = "gift", _("Receipt for a gift")
        ANNUAL = "annual", _("Statement for a year")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="receipts")
    donation = models.OneToOneField(
        Donation, on_delete=models.PROTECT, null=True, blank=True, related_name="receipt"
    )
    period = models.PositiveSmallIntegerField(null=True, blank=True)
    language = models.CharField(max_length=8)
    total_minor = MinorUnitsField()
    currency = CurrencyField()
    # What the receipt listed when last issued (gift codes, dates, amounts; nothing
    # personal), so a PDF made again later shows what was issued, whatever was reversed
    # or merged since.
    lines = models.JSONField(default=list, editable=False)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    times_issued = models.PositiveSmallIntegerField(default=1)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-seq"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="funds_receipt_seq"),
            models.UniqueConstraint(
                fields=["donor", "period"],
                condition=models.Q(kind="annual"),
                name="funds_one_statement_per_year",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ColumnMapping(models.Model):
    """A saved mapping from a CSV's headers to donation fields (cash books, event sheets)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=60, unique=True)
    columns = models.JSONField(default=dict)
    defaults = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
