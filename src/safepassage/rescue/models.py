"""Rescue missions: safe points, routes, missions with their legs, field check-ins, alerts.

Place names never appear in clear: a safe point is known by its code name and its country;
its real place, directions and contact are sealed by the vault and revealed only to the
people named on it. A field partner is known by a pseudonym; who they are is sealed too.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safepassage.base.money_fields import CurrencyField, MinorUnitsField
from safepassage.cases.models import Person
from safepassage.vault.fields import ProtectedField, normalise_phone
from safepassage.vault.models import CODE_ALPHABET, VaultRecord


def new_mission_code() -> str:
    """A short code said over the phone: "M-" and six characters without look-alikes."""
    return "M-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class Means(models.TextChoices):
    BUS = "bus", _("Bus")
    CAR = "car", _("Car")
    TRAIN = "train", _("Train")
    ON_FOOT = "on_foot", _("On foot")
    RIVER = "river", _("River crossing")
    BOAT = "boat", _("Boat")
    OTHER = "other", _("Other")


class SafePoint(VaultRecord):
    """A place where a group can rest: a code name and a country, the rest sealed."""

    real_place = ProtectedField(_("real place"))
    directions = ProtectedField(_("directions"))
    contact = ProtectedField(_("contact"))

    code_name = models.CharField(
        _("code name"), max_length=30, unique=True, help_text=_("e.g. LOTUS; never a place")
    )
    country = models.CharField(_("country"), max_length=2)
    named_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="safe_points_named",
        verbose_name=_("people who may see the real place"),
    )

    class Meta:
        ordering = ["code_name"]
        verbose_name = _("safe point")
        verbose_name_plural = _("safe points")

    def __str__(self) -> str:
        return self.code_name

    def get_absolute_url(self) -> str:
        return reverse("rescue:safe_point", args=[self.code])


class Route(models.Model):
    """An ordered list of safe points; each stop says how the group gets there from the last."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        _("name"), max_length=60, unique=True, help_text=_("e.g. Southern route A; no places")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("route")
        verbose_name_plural = _("routes")

    def __str__(self) -> str:
        return self.name


class RouteStop(models.Model):
    id = models.BigAutoField(primary_key=True)
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField()
    safe_point = models.ForeignKey(SafePoint, on_delete=models.PROTECT, related_name="+")
    hours = models.PositiveSmallIntegerField(_("typical hours from the previous stop"), default=0)
    slack_hours = models.PositiveSmallIntegerField(_("width of the arrival window"), default=0)
    means = models.CharField(_("means"), max_length=10, choices=Means.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["route", "position"]
        constraints = [
            models.UniqueConstraint(fields=["route", "position"], name="rescue_stop_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.safe_point_id}"


class FieldPartner(VaultRecord):
    """A local activist who guides groups. Known by a pseudonym; identity sealed."""

    real_name = ProtectedField(_("real name"), blind_index=True)
    phone = ProtectedField(_("phone"), blind_index=True, normalise=normalise_phone)
    notes = ProtectedField(_("notes"))

    pseudonym = models.CharField(_("pseudonym"), max_length=30, unique=True)
    language = models.CharField(
        _("language of the check-in page"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="ko",
    )

    class Meta:
        ordering = ["pseudonym"]
        verbose_name = _("field partner")
        verbose_name_plural = _("field partners")

    def __str__(self) -> str:
        return self.pseudonym


class MissionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed: arrested")
    ABORTED = "aborted", _("Aborted")


ACTIVE = (MissionStatus.PLANNED, MissionStatus.UNDER_WAY, MissionStatus.PAUSED)
ENDED = (MissionStatus.COMPLETED, MissionStatus.FAILED, MissionStatus.ABORTED)


class Silence(models.IntegerChoices):
    """How long a mission has been silent past its window, in escalating steps."""

    NONE = 0, _("On schedule")
    OVERDUE = 1, _("Overdue")
    ESCALATED = 2, _("Overdue: director alerted")
    SILENT = 3, _("Silent")


class Mission(models.Model):
    """One group's journey along a route."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_mission_code, editable=False)
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="missions")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="missions_led",
        verbose_name=_("coordinator"),
    )
    partners = models.ManyToManyField(
        FieldPartner, blank=True, related_name="missions", verbose_name=_("field partners")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MissionStatus.choices, default=MissionStatus.PLANNED
    )
    silence = models.PositiveSmallIntegerField(
        _("silence"), choices=Silence.choices, default=Silence.NONE
    )
    planned_start = models.DateTimeField(_("planned departure"))
    started_at = models.DateTimeField(_("departed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    compromised_at = models.DateTimeField(_("reported compromised"), null=True, blank=True)
    last_check_in_at = models.DateTimeField(_("last check-in"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        indexes = [models.Index(fields=["status", "-silence"], name="rescue_mission_board")]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("rescue:mission", args=[self.code])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class Outcome(models.TextChoices):
    TRAVELLING = "travelling", _("Travelling")
    ARRIVED = "arrived", _("Arrived")
    DETAINED = "detained", _("Detained")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    LEFT = "left", _("Left the mission")


class Traveller(models.Model):
    """A person on a mission, and how the journey ended for them."""

    id = models.BigAutoField(primary_key=True)
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="travellers")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="journeys")
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.TRAVELLING
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    # True while the person is still on this mission and the mission has not ended: a
    # person can be on one active mission at a time, which the database enforces.
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["mission_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "person"], name="rescue_traveller_once"),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(active=True),
                name="rescue_traveller_one_active_mission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.mission_id}"


class LegStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    UNDER_WAY = "under_way", _("Under way")
    ARRIVED = "arrived", _("Arrived")


class Leg(models.Model):
    """One hop between safe points, with the window in which the group should arrive.

    ``due_at`` is when silence starts to count: the end of the arrival window, moved by a
    check-in that says the group is delayed. The overdue scan compares it with the clock.
    """

    id = models.BigAutoField(primary_key=True)
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="legs")
    position = models.PositiveSmallIntegerField()
    from_point = models.ForeignKey(SafePoint, on_delete=models.PROTECT, related_name="+")
    to_point = models.ForeignKey(SafePoint, on_delete=models.PROTECT, related_name="+")
    means = models.CharField(_("means"), max_length=10, choices=Means.choices, blank=True)
    hours = models.PositiveSmallIntegerField(_("planned hours"))
    slack_hours = models.PositiveSmallIntegerField(_("window width in hours"), default=0)
    window_opens = models.DateTimeField(_("expected from"))
    window_closes = models.DateTimeField(_("expected by"))
    status = models.CharField(max_length=10, choices=LegStatus.choices, default=LegStatus.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    alert_level = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["mission_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "position"], name="rescue_leg_position"),
            models.CheckConstraint(
                condition=models.Q(window_closes__gte=models.F("window_opens")),
                name="rescue_leg_window_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="rescue_leg_watch")]

    def __str__(self) -> str:
        return f"{self.position}: {self.from_point_id} → {self.to_point_id}"


class CheckInLink(models.Model):
    """A field partner's secret link to report on one mission, without an account.

    Only keyed hashes of the token and of the two PINs are stored: the link is shown once
    when it is made and cannot be recovered from the database.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="links")
    partner = models.ForeignKey(FieldPartner, on_delete=models.PROTECT, related_name="links")
    token_digest = models.CharField(max_length=64, unique=True)
    pin_digest = models.CharField(max_length=64)
    duress_digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    failed_pins = models.PositiveSmallIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("check-in link")
        verbose_name_plural = _("check-in links")

    def __str__(self) -> str:
        return f"link for {self.partner_id} on {self.mission_id}"


class CheckInKind(models.TextChoices):
    ARRIVED = "arrived", _("Arrived at the safe point")
    DELAYED = "delayed", _("Delayed")
    NEED_HELP = "need_help", _("Need help")
    COMPROMISED = "compromised", _("Compromised")


class CheckInFlag(models.TextChoices):
    """Why a report was recorded but did not move the group as it said (``progress``)."""

    EARLY = "early", _("Far earlier than the leg's planned time")
    AHEAD = "ahead", _("Named a safe point beyond the next one")


class CheckIn(VaultRecord):
    """A field report. The reason, which may name a place, is sealed.

    ``flag`` says the report was implausible and is held for the coordinator;
    ``head_count`` is how many people the partner said were with them, when they said.
    """

    reason = ProtectedField(_("reason"))

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="check_ins")
    link = models.ForeignKey(
        CheckInLink, on_delete=models.PROTECT, null=True, blank=True, related_name="check_ins"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    kind = models.CharField(_("kind"), max_length=12, choices=CheckInKind.choices)
    leg = models.ForeignKey(Leg, on_delete=models.PROTECT, null=True, related_name="check_ins")
    safe_point = models.ForeignKey(
        SafePoint, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delay_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    duress = models.BooleanField(default=False)
    effect = models.CharField(max_length=20, blank=True)
    flag = models.CharField(
        _("flag"), max_length=8, choices=CheckInFlag.choices, blank=True, default=""
    )
    head_count = models.PositiveSmallIntegerField(_("people reported"), null=True, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["received_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "idempotency_key"], name="rescue_checkin_idempotent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.received_at:%Y-%m-%d %H:%M}"


class AlertKind(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Overdue: director alerted")
    SILENT = "silent", _("Silent")
    NEED_HELP = "need_help", _("Help requested")
    COMPROMISED = "compromised", _("Compromised")
    FLAGGED = "flagged", _("Check-in to verify")
    HEAD_COUNT = "head_count", _("Fewer people than planned")


SILENCE_ALERTS = {
    Silence.OVERDUE: AlertKind.OVERDUE,
    Silence.ESCALATED: AlertKind.ESCALATED,
    Silence.SILENT: AlertKind.SILENT,
}


class Alert(models.Model):
    """Something a coordinator must see now. Silence alerts are unique per leg, level and
    deadline, so each threshold alerts once even when several workers scan at once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="alerts")
    leg = models.ForeignKey(Leg, on_delete=models.PROTECT, null=True, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=12, choices=AlertKind.choices)
    level = models.PositiveSmallIntegerField(default=0)
    deadline = models.DateTimeField(null=True, blank=True)
    check_in = models.ForeignKey(
        CheckIn, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["leg", "level", "deadline"],
                condition=models.Q(level__gt=0),
                name="rescue_alert_once_per_threshold",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.mission_id}"


class MissionEvent(models.Model):
    """The mission's timeline: every plan, check-in, alert, move and outcome, in order.

    ``data`` holds codes only (safe point code names, people's codes), never places.
    """

    id = models.BigAutoField(primary_key=True)
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    data = models.JSONField(default=dict)
    actor_label = models.CharField(max_length=80, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("mission event")
        verbose_name_plural = _("mission events")

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class MissionCost(models.Model):
    """Money spent on a mission, in minor units; linked to the ledger by the funds app."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="costs")
    description = models.CharField(
        _("what for"), max_length=120, help_text=_("e.g. bus tickets; no places or names")
    )
    amount_minor = MinorUnitsField(_("amount (minor units)"))
    currency = CurrencyField(_("currency"))
    spent_on = models.DateField(_("spent on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["spent_on", "created_at"]
        verbose_name = _("mission cost")
        verbose_name_plural = _("mission costs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="rescue_cost_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.amount_minor} {self.currency}"


class UrgentCaseDraft(models.Model):
    """Prepared when a mission falls silent: the advocacy team picks it up from here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mission = models.OneToOneField(Mission, on_delete=models.PROTECT, related_name="urgent_draft")
    people = models.ManyToManyField(Person, related_name="+")
    picked_up_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("urgent-case draft")
        verbose_name_plural = _("urgent-case drafts")

    def __str__(self) -> str:
        return f"urgent draft for {self.mission_id}"
