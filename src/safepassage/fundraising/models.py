"""Hope Sharing and the rest of fundraising: rescue shares, sponsors, pledges, matching
pledges and events.

**One citizen saves one refugee.** A rescue costs ``RescueCost`` (per period, in the base
currency). Gifts to a Hope Sharing campaign fill ``Share``\\ s: a sponsor's own share, or a
pooled one that several small gifts fill together. A funded share is assigned to one person
awaiting rescue, by priority or by a coordinator; the database refuses a second active share
for the same person. The sponsor only ever sees ``Share.profile``: generalised attributes
that passed disclosure control when the share was assigned, and relayed news.

Amounts are integer minor units of the base currency unless a field says otherwise.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safepassage.base.money_fields import CurrencyField, MinorUnitsField
from safepassage.vault.models import new_code


class RescueCost(models.Model):
    """What one person's rescue costs, from ``starts_on`` until the next row."""

    id = models.BigAutoField(primary_key=True)
    starts_on = models.DateField(_("from"), unique=True)
    currency = CurrencyField(_("currency"))
    amount_minor = MinorUnitsField(_("cost of one rescue"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("cost of a rescue")
        verbose_name_plural = _("costs of a rescue")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="fundraising_cost_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}: {self.amount_minor} {self.currency}"


class SponsorMode(models.TextChoices):
    OWN = "own", _("Funds one person's rescue alone")
    POOL = "pool", _("Gives into shared rescues")


class Sponsor(models.Model):
    """A donor who takes part in Hope Sharing; gets news of the rescue they fund."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    donor = models.OneToOneField(
        "funds.Donor", on_delete=models.PROTECT, related_name="sponsor", verbose_name=_("donor")
    )
    mode = models.CharField(
        _("how they give"), max_length=4, choices=SponsorMode.choices, default=SponsorMode.OWN
    )
    # The private news page: only a keyed hash of its token is stored.
    page_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    page_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")

    def __str__(self) -> str:
        return self.code


class ShareStatus(models.TextChoices):
    OPEN = "open", _("Collecting gifts")
    FUNDED = "funded", _("Funded, waiting for a person")
    ASSIGNED = "assigned", _("Assigned to a person")
    RESCUED = "rescued", _("Rescued")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_SHARE = [ShareStatus.ASSIGNED, ShareStatus.RESCUED]
# A rescue funded: a share paid in full, given to a person or not. Every "rescues funded"
# (a campaign's, a matching pledge's) counts these shares, so that the numbers agree.
FUNDED_SHARE = [ShareStatus.FUNDED, *ACTIVE_SHARE]


class AssignedHow(models.TextChoices):
    PRIORITY = "priority", _("By priority")
    COORDINATOR = "coordinator", _("By a coordinator")


class Share(models.Model):
    """The cost of one person's rescue, filled by one sponsor or by several pooled gifts.

    ``funded_minor`` is the sum of its contributions, kept under the share's row lock.
    """

    class Kind(models.TextChoices):
        OWN = "own", _("One sponsor's")
        POOLED = "pooled", _("Pooled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    sponsor = models.ForeignKey(
        Sponsor, on_delete=models.PROTECT, null=True, blank=True, related_name="shares"
    )
    campaign = models.ForeignKey(
        "funds.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="shares"
    )
    currency = CurrencyField()
    cost_minor = MinorUnitsField(_("cost"))
    funded_minor = MinorUnitsField(_("funded"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=ShareStatus.choices, default=ShareStatus.OPEN
    )
    funded_at = models.DateTimeField(_("funded"), null=True, blank=True)
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    assigned_how = models.CharField(max_length=12, choices=AssignedHow.choices, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # What the sponsor may know, fixed at assignment: generalised attributes only.
    profile = models.JSONField(default=dict, blank=True)
    rescued_at = models.DateTimeField(_("rescued"), null=True, blank=True)
    reassigned = models.PositiveSmallIntegerField(_("times reassigned"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("rescue share")
        verbose_name_plural = _("rescue shares")
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            # Two sponsors can never hold the same person, however close their gifts.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status__in=ACTIVE_SHARE),
                name="fundraising_one_share_per_person",
            ),
            # A sponsor fills one own share at a time.
            models.UniqueConstraint(
                fields=["sponsor"],
                condition=models.Q(status=ShareStatus.OPEN, kind="own"),
                name="fundraising_one_open_share_per_sponsor",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=True) | models.Q(status__in=[*ACTIVE_SHARE]),
                name="fundraising_only_assigned_shares_have_a_person",
            ),
            models.CheckConstraint(
                condition=models.Q(funded_minor__gte=0, cost_minor__gt=0),
                name="fundraising_share_amounts",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def missing_minor(self) -> int:
        return max(self.cost_minor - self.funded_minor, 0)


class Contribution(models.Model):
    """Part of one gift (or of its match) that went into a share; negative when the gift
    was reversed."""

    id = models.BigAutoField(primary_key=True)
    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="contributions")
    donation = models.ForeignKey("funds.Donation", on_delete=models.PROTECT, related_name="+")
    donor = models.ForeignKey("funds.Donor", on_delete=models.PROTECT, related_name="+")
    match = models.ForeignKey(
        "fundraising.Match", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount_minor = MinorUnitsField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("contribution to a share")
        verbose_name_plural = _("contributions to shares")
        indexes = [models.Index(fields=["donation"])]

    def __str__(self) -> str:
        return f"{self.share_id}: {self.amount_minor}"


class GiftIntake(models.Model):
    """A gift Hope Sharing has taken in (once, whichever door it came through)."""

    donation = models.OneToOneField(
        "funds.Donation", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    # Waiting for a cost of rescue to be set before it can fill shares.
    pending = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gift taken in")
        verbose_name_plural = _("gifts taken in")

    def __str__(self) -> str:
        return str(self.donation_id)


class SponsorConsent(models.Model):
    """A person's consent to a generalised profile and news of their journey being shared
    with the sponsor who funds it. Without it, nobody is assigned to them."""

    person = models.OneToOneField(
        "cases.Person", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    given_on = models.DateField(_("consent given on"))
    withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consent to sponsorship")
        verbose_name_plural = _("consents to sponsorship")

    def __str__(self) -> str:
        return str(self.person_id)


class NewsKind(models.TextChoices):
    FUNDED = "funded", _("Your share is funded")
    ASSIGNED = "assigned", _("Your gift now supports a person")
    REASSIGNED = "reassigned", _("Your gift now supports another person")
    THIRD_COUNTRY = "third_country", _("Reached a third country")
    ARRIVED = "arrived", _("Arrived safely")


class News(models.Model):
    """Something a share's sponsors are told; e-mailed once to each (``NewsDelivery``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="news")
    kind = models.CharField(max_length=16, choices=NewsKind.choices)
    profile = models.JSONField(default=dict, blank=True)
    # Edited testimonies whose consent covered donors when the news was made (codes only;
    # the text is read from the vault when the e-mail is written, if consent still holds).
    testimonies = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("news for sponsors")
        verbose_name_plural = _("news for sponsors")

    def __str__(self) -> str:
        return f"{self.share_id} {self.kind}"


class NewsDelivery(models.Model):
    id = models.BigAutoField(primary_key=True)
    news = models.ForeignKey(News, on_delete=models.PROTECT, related_name="deliveries")
    donor = models.ForeignKey("funds.Donor", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["news", "donor"], name="fundraising_news_once")
        ]

    def __str__(self) -> str:
        return f"{self.news_id} → {self.donor_id}"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


class Pledge(models.Model):
    """A total promised in equal instalments (the remainder on the first ones)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FULFILLED = "fulfilled", _("Fulfilled")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    donor = models.ForeignKey("funds.Donor", on_delete=models.PROTECT, related_name="pledges")
    campaign = models.ForeignKey(
        "funds.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="pledges"
    )
    currency = CurrencyField(_("currency"))
    total_minor = MinorUnitsField(_("total promised"))
    instalments = models.PositiveSmallIntegerField(_("instalments"))
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    starts_on = models.DateField(_("first instalment due on"))
    paid_minor = MinorUnitsField(_("paid"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_minor__gt=0, instalments__gt=0, paid_minor__gte=0),
                name="fundraising_pledge_amounts",
            )
        ]

    def __str__(self) -> str:
        return self.code


class PledgePayment(models.Model):
    """A gift counted against a pledge (a gift pays at most one pledge)."""

    id = models.BigAutoField(primary_key=True)
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="payments")
    donation = models.OneToOneField(
        "funds.Donation", on_delete=models.PROTECT, related_name="pledge_payment"
    )
    amount_minor = MinorUnitsField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.pledge_id}: {self.amount_minor}"


class PledgeReminder(models.Model):
    """One reminder per instalment, whatever the number of workers."""

    id = models.BigAutoField(primary_key=True)
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="reminders")
    instalment = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "instalment"], name="fundraising_remind_once")
        ]

    def __str__(self) -> str:
        return f"{self.pledge_id} #{self.instalment}"


class MatchUnit(models.TextChoices):
    MONEY = "money", _("Money")
    RESCUES = "rescues", _("Rescues")


class MatchingPledge(models.Model):
    """A sponsor's promise to match others' gifts to a campaign, until the pool runs out.

    In money: ``percent`` of each gift, at most ``per_gift_cap_minor`` a gift, at most
    ``total_cap_minor`` in all. In rescues: gifts are matched until the matched gifts and
    the matches together fund ``rescues_target`` rescues at ``cost_minor`` each (the cost
    when the promise was made, so the promise cannot grow).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    donor = models.ForeignKey("funds.Donor", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(
        "funds.Campaign", on_delete=models.PROTECT, related_name="matching_pledges"
    )
    unit = models.CharField(_("matched in"), max_length=8, choices=MatchUnit.choices)
    currency = CurrencyField()
    # xgettext:no-python-format
    percent = models.PositiveSmallIntegerField(_("match (% of each gift)"), default=100)
    per_gift_cap_minor = MinorUnitsField(_("at most per gift"), null=True, blank=True)
    total_cap_minor = MinorUnitsField(_("at most in all"), null=True, blank=True)
    rescues_target = models.PositiveIntegerField(_("rescues"), null=True, blank=True)
    cost_minor = MinorUnitsField(_("cost of one rescue"), null=True, blank=True)
    starts_on = models.DateField(_("matches gifts from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    drawn_minor = MinorUnitsField(_("drawn"), default=0)
    matched_gifts_minor = MinorUnitsField(_("gifts matched"), default=0)
    exhausted_at = models.DateTimeField(_("ran out"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("matching pledge")
        verbose_name_plural = _("matching pledges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gt=0, percent__lte=1000),
                name="fundraising_matching_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(unit="money", total_cap_minor__gt=0)
                | models.Q(unit="rescues", rescues_target__gt=0, cost_minor__gt=0),
                name="fundraising_matching_has_a_limit",
            ),
            models.CheckConstraint(
                condition=models.Q(drawn_minor__gte=0, matched_gifts_minor__gte=0),
                name="fundraising_matching_amounts",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def limit_minor(self) -> int:
        """Matched gifts plus matches stop at this (rescues), or matches do (money)."""
        if self.unit == MatchUnit.RESCUES:
            return self.rescues_target * self.cost_minor
        return self.total_cap_minor


class Match(models.Model):
    """What one gift drew from a matching pledge; negative when the gift was reversed."""

    id = models.BigAutoField(primary_key=True)
    matching = models.ForeignKey(MatchingPledge, on_delete=models.PROTECT, related_name="matches")
    donation = models.ForeignKey("funds.Donation", on_delete=models.PROTECT, related_name="+")
    gift_minor = MinorUnitsField()
    amount_minor = MinorUnitsField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(
                fields=["matching", "donation"], name="fundraising_match_once_per_gift"
            )
        ]

    def __str__(self) -> str:
        return f"{self.matching_id}: {self.amount_minor}"


class EventKind(models.TextChoices):
    SCREENING = "screening", _("Film screening")
    QUIZ = "quiz", _("Quiz night")
    LECTURE = "lecture", _("Lecture or tour stop")
    CONCERT = "concert", _("Concert")
    OTHER = "other", pgettext_lazy("kind of event", "Other")


class Event(models.Model):
    """A fundraising event. Its takings are the gifts to its campaign; its costs are the
    expenses booked to that campaign."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    campaign = models.OneToOneField(
        "funds.Campaign", on_delete=models.PROTECT, related_name="event"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    held_on = models.DateField(_("date"))
    city = models.CharField(_("city"), max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.campaign.name} ({self.held_on})"
