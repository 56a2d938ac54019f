from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from safepassage.audit.context import current_request_id, request_id_scope
from safepassage.audit.middleware import RequestIdMiddleware


def echo_request_id(request) -> HttpResponse:
    return HttpResponse(current_request_id())


def test_it_gives_each_request_its_own_id():
    middleware = RequestIdMiddleware(echo_request_id)
    first = RequestFactory().get("/")
    second = RequestFactory().get("/")

    one = middleware(first)
    two = middleware(second)

    assert one["X-Request-ID"] == first.request_id == one.content.decode()
    assert len(first.request_id) == 16
    assert first.request_id != second.request_id == two["X-Request-ID"]
    assert current_request_id() == ""


def test_it_ignores_a_request_id_sent_by_the_client():
    request = RequestFactory().get("/", headers={"X-Request-ID": "chosen-by-client"})

    response = RequestIdMiddleware(echo_request_id)(request)

    assert response["X-Request-ID"] != "chosen-by-client"


def test_scopes_nest_and_restore_the_outer_id():
    with request_id_scope("job-1"):
        with request_id_scope() as inner:
            assert current_request_id() == inner != "job-1"
        assert current_request_id() == "job-1"
    assert current_request_id() == ""


@pytest.mark.parametrize("value", ["", "has space", "x" * 65, "line\nbreak"])
def test_it_refuses_a_malformed_request_id(value):
    with pytest.raises(ValueError, match="request id"), request_id_scope(value):
        pass
