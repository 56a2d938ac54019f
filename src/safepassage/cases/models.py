"""Cases: a call for help, the people it concerns, and what was done for them.

Identity (names, contacts, exact places, raw testimonies) is sealed by the vault; what is
needed for operations and statistics (sex, birth year, province, status, flags) stays in
clear so lists, the priority queue and reports never decrypt anything.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safepassage.base.money_fields import CurrencyField, MinorUnitsField
from safepassage.vault import masks
from safepassage.vault.fields import ProtectedField, normalise_phone
from safepassage.vault.models import VaultRecord


class Province(models.TextChoices):
    """North Korea's provinces and directly governed cities, as the NGO publishes them."""

    NORTH_HAMGYONG = "north_hamgyong", _("North Hamgyong Province")
    SOUTH_HAMGYONG = "south_hamgyong", _("South Hamgyong Province")
    RYANGGANG = "ryanggang", _("Ryanggang Province")
    CHAGANG = "chagang", _("Chagang Province")
    NORTH_PYONGAN = "north_pyongan", _("North Pyongan Province")
    SOUTH_PYONGAN = "south_pyongan", _("South Pyongan Province")
    NORTH_HWANGHAE = "north_hwanghae", _("North Hwanghae Province")
    SOUTH_HWANGHAE = "south_hwanghae", _("South Hwanghae Province")
    KANGWON = "kangwon", _("Kangwon Province")
    PYONGYANG = "pyongyang", _("Pyongyang City")
    RASON = "rason", _("Rason City")
    NAMPO = "nampo", _("Nampo City")
    KAESONG = "kaesong", _("Kaesong City")


class Sex(models.TextChoices):
    """A person's sex as the source gave it. A published list often gives none ("Lee OO,
    child, born in 2003"): that is ``NOT_RECORDED``, a category of its own, never guessed
    (stored as "", which every count and list shows as "Not recorded")."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NOT_RECORDED = "", _("Not recorded")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical: life at risk now")


class Status(models.TextChoices):
    """Where a person stands. Allowed moves are in ``cases.lifecycle``."""

    INTAKE = "intake", _("Intake")
    IN_HIDING = "in_hiding", _("In hiding, receiving relief")
    AWAITING_RESCUE = "awaiting_rescue", _("Awaiting rescue")
    IN_TRANSIT = "in_transit", _("In transit")
    THIRD_COUNTRY = "third_country", _("Reached a third country")
    ARRIVED = "arrived", _("Arrived at destination")
    RESETTLEMENT = "resettlement", _("Resettlement support")
    CLOSED = "closed", _("Closed")
    DETAINED = "detained", _("Detained")
    FEARED_REPATRIATED = "feared_repatriated", _("Feared repatriated")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    DECLINED = "declined", _("Declined help")


class Team(models.Model):
    """Case workers see the cases of their teams."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=80, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="case_teams", verbose_name=_("members")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Case(VaultRecord):
    """A call for help, concerning one or more people."""

    relayed_by = ProtectedField(_("who relayed the call"))
    exact_place = ProtectedField(_("exact place"))
    situation = ProtectedField(_("situation"))

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=80, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    opened_on = models.DateField(_("call received on"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    source_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opened_on", "-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["team", "closed_at"])]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("cases:case", args=[self.code])


class Group(models.Model):
    """People who travel together (a mother and child, sisters, families in one group).

    A group moves into a mission as a unit.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="groups")
    label = models.CharField(_("label"), max_length=40, help_text=_("e.g. Family A; no names"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(fields=["case", "label"], name="cases_group_label_per_case")
        ]

    def __str__(self) -> str:
        return self.label


class Person(VaultRecord):
    """A person we help. Identity is sealed by the vault; statistics stay in clear."""

    real_name = ProtectedField(_("real name"), mask=masks.name, blind_index=True)
    aliases = ProtectedField(_("other names"))
    phone = ProtectedField(
        _("phone"), mask=masks.phone, blind_index=True, normalise=normalise_phone
    )
    whereabouts = ProtectedField(_("exact whereabouts"))
    photo = ProtectedField(_("photo"), binary=True)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="people")
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    # blank: "" is Sex.NOT_RECORDED, a choice of its own (the forms ask for it explicitly).
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    birth_year_estimated = models.BooleanField(_("birth year estimated from age"), default=False)
    province = models.CharField(
        _("home province"),
        max_length=20,
        choices=Province.choices,
        blank=True,
        help_text=_("Empty for a child born outside North Korea."),
    )
    born_abroad = models.BooleanField(_("born outside North Korea"), default=False)
    languages = models.CharField(_("languages"), max_length=40, blank=True, default="ko")
    country = models.CharField(_("country now"), max_length=2, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INTAKE
    )
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)

    # Vulnerability flags: in clear, because they decide the order of rescue.
    pregnant = models.BooleanField(_("pregnant"), default=False)
    trafficked = models.BooleanField(_("trafficked or sold"), default=False)
    forced_marriage = models.BooleanField(_("in a forced marriage"), default=False)
    unaccompanied_minor = models.BooleanField(_("unaccompanied minor"), default=False)
    health_need = models.BooleanField(_("urgent health need"), default=False)
    prior_repatriation = models.BooleanField(_("repatriated before"), default=False)
    religious_contact = models.BooleanField(_("religious contact in China"), default=False)

    priority = models.PositiveSmallIntegerField(_("priority"), default=0, editable=False)
    priority_reasons = models.JSONField(default=list, editable=False)

    source_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(
                fields=["status", "-priority", "status_changed_at", "created_at"],
                name="cases_person_queue",
            ),
            models.Index(fields=["province"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True) | models.Q(birth_year__gte=1900),
                name="cases_person_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=~models.Q(born_abroad=True, province__gt=""),
                name="cases_person_born_abroad_has_no_province",
            ),
            # "" is not recorded; any other word ("unknown", "F") is a bug in a writer.
            models.CheckConstraint(
                condition=models.Q(sex__in=Sex.values), name="cases_person_sex_is_a_choice"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.real_name.masked or '—'} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("cases:person", args=[self.code])


class StatusChange(models.Model):
    """The full history of a person's status; written only by the services (``person_add``,
    ``person_set_status``, ``people_import``)."""

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class ReliefKind(models.TextChoices):
    FOOD = "food", _("Food")
    MEDICINE = "medicine", _("Medicine")
    CLOTHING = "clothing", _("Clothing")
    SHELTER = "shelter", _("Shelter")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Relief(models.Model):
    """Relief given to a person in hiding."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relief")
    kind = models.CharField(_("kind"), max_length=12, choices=ReliefKind.choices)
    quantity = models.CharField(_("quantity"), max_length=40, blank=True)
    cost_minor = MinorUnitsField(_("cost (minor units)"), default=0)
    currency = CurrencyField(_("currency"), default="USD")
    given_on = models.DateField(_("given on"))
    delivered_by = models.CharField(
        _("delivered by (field partner's pseudonym)"), max_length=40, blank=True
    )
    confirmed_received = models.BooleanField(_("receipt confirmed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-given_on", "-created_at"]
        verbose_name = _("relief")
        verbose_name_plural = _("relief")
        constraints = [
            models.CheckConstraint(condition=models.Q(cost_minor__gte=0), name="cases_relief_cost")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.given_on}"


class SupportKind(models.TextChoices):
    EDUCATION = "education", _("Education")
    ADJUSTMENT = "adjustment", _("Adjustment programme")
    LEGAL = "legal", _("Legal aid")
    MEDICAL = "medical", _("Medical help")
    OTHER = "other", _("Other")


class Support(models.Model):
    """A service after arrival: education, adjustment, legal aid, medical help."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="support")
    kind = models.CharField(_("kind"), max_length=12, choices=SupportKind.choices)
    provider = models.CharField(_("provider"), max_length=80)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("support after arrival")
        verbose_name_plural = _("support after arrival")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="cases_support_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}"


class ConsentScope(models.TextChoices):
    INTERNAL = "internal", _("Internal use only")
    DONORS = "donors", _("Donors")
    PUBLIC = "public", _("The public")


class Testimony(VaultRecord):
    """What a person said, as given (sealed), and a version edited for publication.

    Publication is decided at read time from the consent (``selectors.publishable``), so a
    withdrawn or expired consent stops the text everywhere at once.
    """

    raw_text = ProtectedField(_("message as given"))
    publishable_text = ProtectedField(_("edited version for publication"))

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="testimonies")
    language = models.CharField(_("language of the message"), max_length=8, default="ko")
    consent_scope = models.CharField(
        _("consent covers"),
        max_length=10,
        choices=ConsentScope.choices,
        default=ConsentScope.INTERNAL,
    )
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_expires_on = models.DateField(_("consent expires on"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("testimony")
        verbose_name_plural = _("testimonies")

    def __str__(self) -> str:
        return self.code


class NoteQuerySet(models.QuerySet):
    def about(self, person: Person):
        """What concerns ``person``: notes about them and notes about their whole case."""
        return self.filter(case_id=person.case_id).filter(
            models.Q(person=person) | models.Q(person__isnull=True)
        )


class CaseNote(VaultRecord):
    """A case worker's note on a case, or on one person of it. The text is sealed: it holds
    what a person told us, and reads only through an audited reveal."""

    text = ProtectedField(_("note"))

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="case_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        indexes = [models.Index(fields=["case", "-created_at"], name="cases_note_by_case")]

    def __str__(self) -> str:
        return self.code


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    MESSENGER = "messenger", _("Messenger")
    IN_PERSON = "in_person", _("In person")
    PARTNER = "partner", _("Through a partner")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")


class ContactDirection(models.TextChoices):
    INBOUND = "inbound", _("They contacted us")
    OUTBOUND = "outbound", _("We contacted them")


class ContactEntry(VaultRecord):
    """One contact with the people of a case: when, how, which way, by whom; what was said
    is sealed, as a note's text is."""

    summary = ProtectedField(_("summary"))

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    contacted_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("contact channel"), max_length=12, choices=ContactChannel.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=ContactDirection.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-contacted_at", "-created_at"]
        verbose_name = _("contact log entry")
        verbose_name_plural = _("contact log")
        indexes = [
            models.Index(fields=["case", "-contacted_at"], name="cases_contact_by_case"),
        ]

    def __str__(self) -> str:
        return self.code
