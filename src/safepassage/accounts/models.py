from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, VerifyNotAllowed

from safepassage.vault.models import Secret


class Role(models.Model):
    """A role is data: users hold any number of them; ``permissions`` says what each may do."""

    class Code(models.TextChoices):
        DIRECTOR = "director", _("Director")
        CASE_WORKER = "case_worker", _("Case worker")
        RESCUE_COORDINATOR = "rescue_coordinator", _("Rescue coordinator")
        FINANCE = "finance", _("Finance officer")
        COMMUNICATIONS = "communications", _("Communications and fundraising")
        ADVOCACY = "advocacy", _("Advocacy officer")
        DONOR = "donor", _("Donor")

    code = models.CharField(max_length=40, choices=Code.choices, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return str(self.get_code_display())

    @property
    def is_staff_role(self) -> bool:
        return self.code != self.Code.DONOR


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_superuser=True, is_staff=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Field partners never get one: they use revocable links."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("name shown to colleagues"), max_length=80)
    language = models.CharField(
        _("language"), max_length=8, choices=[("ko", "한국어"), ("en", "English")], default="ko"
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may open the admin"), default=False)
    # Set when a director deactivates the account (an invitee not yet joined is inactive
    # too, without it): only a deactivated account can be reactivated.
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Set when a director resets a lost second factor: the next sign-in, within
    # INVITATION_HOURS, enrols a new authenticator after the password.
    second_factor_reset_at = models.DateTimeField(null=True, blank=True)
    # Part of every session's hash: raising it ends all of the user's sessions at once.
    session_generation = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["display_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(models.functions.Lower("email"), name="accounts_user_email_ci")
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django checks this hash on every request: a session made under another password
        or another ``session_generation`` is flushed. Generation 0 keeps Django's own hash,
        so sessions from before the field survive its migration."""
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "safepassage.accounts.session",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def role_codes(self) -> frozenset[str]:
        cached = self.__dict__.get("_role_codes")
        if cached is None:
            cached = (
                frozenset(self.roles.values_list("code", flat=True)) if self.pk else frozenset()
            )
            self.__dict__["_role_codes"] = cached
        return cached

    def forget_roles(self) -> None:
        self.__dict__.pop("_role_codes", None)

    @property
    def is_staff_member(self) -> bool:
        return self.is_superuser or any(code != Role.Code.DONOR for code in self.role_codes())


class CappedBackoff(ThrottlingMixin):
    """django-otp's back-off after wrong codes (1, 2, 4, 8 … seconds), capped at
    ``LOGIN_CODE_BACKOFF_MAX_SECONDS``: uncapped, twenty wrong codes from someone who has
    the password would keep the owner out for days."""

    class Meta:
        abstract = True

    def get_throttle_factor(self) -> int:
        return 1

    def verify_is_allowed(self):
        allowed, info = super().verify_is_allowed()
        if allowed or info.get("reason") != VerifyNotAllowed.N_FAILED_ATTEMPTS:
            return allowed, info
        cap = timedelta(seconds=settings.LOGIN_CODE_BACKOFF_MAX_SECONDS)
        until = min(info["locked_until"], self.throttling_failure_timestamp + cap)
        if timezone.now() >= until:
            return super(ThrottlingMixin, self).verify_is_allowed()
        return False, {**info, "locked_until": until}


class TOTPDevice(CappedBackoff, Device):
    """A time-based one-time-password authenticator whose seed is sealed by the vault.

    django-otp's own TOTP device keeps the seed in clear; this one keeps it in a vault
    ``Secret`` (django-otp needs integer device ids, so the device itself cannot be one).
    """

    secret = models.OneToOneField(Secret, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    step = models.PositiveSmallIntegerField(default=30)
    digits = models.PositiveSmallIntegerField(default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    last_t = models.BigIntegerField(default=-1)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    @property
    def seed(self) -> bytes:
        from safepassage.vault import records

        return records.read(self.secret, "value")

    def verify_token(self, token) -> bool:
        from safepassage.accounts import otp

        return otp.verify_totp(self, token)


class RecoveryCodeDevice(CappedBackoff, Device):
    """Single-use recovery codes, stored only as keyed hashes."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def verify_token(self, token) -> bool:
        from safepassage.accounts import otp

        return otp.verify_recovery_code(self, token)


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class Invitation(models.Model):
    """A signed, expiring, single-use link to set a password and enrol a second factor.

    The token itself is made when the e-mail is sent and only its hash is kept, so neither
    the task queue nor this table holds a usable link.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="invitations_sent"
    )
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"invitation for {self.user}"
