"""Fixtures shared by every test: people in every role, signed-in clients, a real SMTP server."""

from __future__ import annotations

import functools
import secrets
import socket
import time
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from safepassage.accounts import otp
from safepassage.accounts.middleware import AUTH_AT_KEY, IDLE_KEY
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


@pytest.fixture(autouse=True)
def _chart_of_accounts(request):
    uses_db = request.node.get_closest_marker("django_db") or (
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if uses_db:
        request.getfixturevalue("_django_db_helper")
        ensure_chart()


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
    session[IDLE_KEY] = time.time()
    if recent:
        session[AUTH_AT_KEY] = time.time()
    session.save()
    return client


def default_team():
    from safepassage.cases.models import Team

    return Team.objects.get_or_create(name="Test team")[0]


def make_case(**fields):
    from safepassage.cases.services import case_open

    fields.setdefault("team", default_team())
    fields.setdefault("country", "CN")
    return case_open(actor=None, **fields)


def make_person(*, case=None, **fields):
    """A person in a case of the default team (create the case if none is given)."""
    from safepassage.cases.services import person_add

    fields.setdefault("sex", "female")
    return person_add(actor=None, case=case or make_case(), **fields)


@pytest.fixture
def member_factory(db):
    return make_member


@pytest.fixture
def director(db) -> Member:
    return make_member(Role.Code.DIRECTOR)


@pytest.fixture
def case_worker(db) -> Member:
    """A case worker in the default team, which owns the cases ``make_person`` creates."""
    member = make_member(Role.Code.CASE_WORKER)
    default_team().members.add(member.user)
    return member


@pytest.fixture
def finance(db) -> Member:
    return make_member(Role.Code.FINANCE)


@pytest.fixture
def sign_in():
    return signed_in_client


@pytest.fixture
def run_tasks():
    """Run everything queued, as `safepassage worker --batch` would."""

    def run() -> None:
        call_command("worker", batch=True, no_startup_delay=True, no_schedule=True, verbosity=0)

    return run


class _Collector:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.content, policy=policy.default),
            }
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django sends to it over the network."""
    from aiosmtpd.controller import Controller

    collector = _Collector()
    port = _free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10},
        }
    }
    try:
        yield collector
    finally:
        controller.stop()


def run_together(count: int, work) -> list:
    """Run ``work(n)`` in ``count`` threads released at the same moment (each with its own
    database connection); returns the results in order, re-raising the first error a thread met."""
    import threading

    from django.db import connection

    start = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            results[n] = work(n)
        except BaseException as error:  # reported in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"safepassage database: {engine}"


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    """Assertions read English; tests of Korean pages ask for it (Accept-Language, cookie)."""
    settings.LANGUAGE_CODE = "en"
