"""The pytest fixtures every test may ask for; the root ``conftest.py`` loads this module
as a plugin."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command

from safepassage.accounts.models import Role
from safepassage.testing.mail import start_server
from safepassage.testing.members import (
    Member,
    default_team,
    ensure_chart,
    make_member,
    signed_in_client,
)


@pytest.fixture(autouse=True)
def _chart_of_accounts(request):
    uses_db = request.node.get_closest_marker("django_db") or (
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if uses_db:
        request.getfixturevalue("_django_db_helper")
        ensure_chart()


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


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django sends to it over the network."""
    collector, controller, port = start_server()
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


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"safepassage database: {engine}"


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    """Assertions read English; tests of Korean pages ask for it (Accept-Language, cookie)."""
    settings.LANGUAGE_CODE = "en"
