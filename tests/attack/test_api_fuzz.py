"""schemathesis over the API's own OpenAPI schema, with a valid check-in link: whatever a
phone app or a hostile client sends, the answer is never a server error.

Bounded (``EXAMPLES`` per operation) to keep the run short; no network: requests go to the
WSGI application in this process.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.rescue.services import checkins
from safepassage.testing.rescue import make_mission, make_partner
from safepassage.wsgi import application
from tests.attack.figures import report

pytestmark = pytest.mark.django_db

EXAMPLES = 80


@pytest.fixture
def link(settings):
    # A fuzzer sends mostly wrong PINs: without these limits the link would lock itself
    # after a few, and every later call would stop at the door.
    settings.CHECKIN_PIN_FAILURES = 10**6
    settings.RATELIMIT_ENABLE = False
    partner = make_partner()
    mission = make_mission(started=True, partners=[partner])
    return checkins.link_issue(actor=None, mission=mission, partner=partner)


@pytest.fixture
def keep_connection():
    """The WSGI app is called straight, not through Django's test client: keep the test's
    database connection open across requests, as that client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_api_call_is_a_server_error(link, keep_connection):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 2
    calls, accepted, errors = 0, 0, []
    token = st.sampled_from([link.token, link.token, "made-up-" + "x" * 40])
    pin = st.sampled_from([link.pin, link.duress_pin, None])

    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), token=token, pin=pin)
        def fuzz(case, token, pin):
            nonlocal calls, accepted
            if pin is not None and isinstance(case.body, dict) and "pin" in case.body:
                case.body["pin"] = pin  # sometimes the right PIN, to reach past the check
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            calls += 1
            accepted += response.status_code < 300
            if response.status_code >= 500:
                errors.append((case.operation.label, response.status_code, case.body))

        fuzz()
    report(
        "API fuzz",
        operations=len(operations),
        calls=calls,
        **{"accepted": accepted, "server errors": len(errors)},
    )
    assert errors == []
    assert accepted > 0  # the valid link really got past the door
