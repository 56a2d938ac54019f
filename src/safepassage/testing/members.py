"""Staff in every role, with a confirmed authenticator, and clients signed in as them.

Beside a member of a role, a test asks about the two that differ only by team: a
teammate (a member of ``default_team``, which owns the cases ``make_person`` creates)
and an outsider (a member of ``other_team``, which owns none): the right role, the wrong
team. Every page that shows a person or a case must tell the two apart.
"""

from __future__ import annotations

import functools
import secrets
import time
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from safepassage.accounts import otp
from safepassage.accounts.middleware import AUTH_AT_KEY, IDLE_KEY, SIGNED_IN_KEY
from safepassage.accounts.models import Role, TOTPDevice, User

PASSWORD = "correct horse battery staple 42"
ALL_ROLES = [code for code, _label in Role.Code.choices]


@dataclass
class Member:
    user: User
    device: TOTPDevice
    seed: bytes

    def code(self, *, at: float | None = None) -> str:
        totp = TOTP(self.seed, 30, 0, 6, 0)
        totp.time = at if at is not None else timezone.now().timestamp()
        return f"{totp.token():06d}"


@functools.cache
def _password_hash() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def ensure_roles() -> None:
    """Roles come from a data migration, which a transactional test's flush empties."""
    for code in ALL_ROLES:
        Role.objects.get_or_create(code=code)


def ensure_chart() -> None:
    """The chart of accounts comes from a data migration, which a transactional test's
    flush empties too."""
    import importlib

    from safepassage.funds.models import Account

    if Account.objects.exists():
        return
    chart = importlib.import_module("safepassage.funds.migrations.0002_chart_and_balance_trigger")
    Account.objects.bulk_create(
        Account(code=code, name=name, kind=kind) for code, name, kind in chart.CHART
    )


def make_member(
    *roles: str, email: str | None = None, superuser: bool = False, language: str = "en"
) -> Member:
    ensure_roles()
    email = email or f"{'-'.join(roles) or 'nobody'}-{secrets.token_hex(3)}@example.org"
    user = User.objects.create_user(
        email=email,
        password=None,
        display_name=email.split("@")[0],
        language=language,
        is_superuser=superuser,
        is_staff=superuser,
    )
    # Argon2 is slow on purpose; hash the shared test password once per run.
    user.password = _password_hash()
    user.save(update_fields=["password"])
    user.roles.set(Role.objects.filter(code__in=roles))
    seed = secrets.token_bytes(20)
    device = otp.device_create(user=user, name="test", confirmed=True, seed=seed)
    return Member(user=user, device=device, seed=seed)


def signed_in_client(member: Member, *, recent: bool = True) -> Client:
    """A client whose session passed both factors (as the login view would leave it)."""
    client = Client()
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = member.device.persistent_id
    session[IDLE_KEY] = session[SIGNED_IN_KEY] = time.time()
    if recent:
        session[AUTH_AT_KEY] = time.time()
    session.save()
    return client


def default_team():
    from safepassage.cases.models import Team

    return Team.objects.get_or_create(name="Test team")[0]


def other_team():
    """A team that owns none of the cases the test builders create."""
    from safepassage.cases.models import Team

    return Team.objects.get_or_create(name="Outsiders' team")[0]


def make_teammate(*roles: str, **kwargs) -> Member:
    """A member (a case worker unless ``roles`` say otherwise) of ``default_team``."""
    member = make_member(*(roles or (Role.Code.CASE_WORKER,)), **kwargs)
    default_team().members.add(member.user)
    return member


def make_outsider(*roles: str, **kwargs) -> Member:
    """A member (a case worker unless ``roles`` say otherwise) of ``other_team`` only."""
    member = make_member(*(roles or (Role.Code.CASE_WORKER,)), **kwargs)
    other_team().members.add(member.user)
    return member
