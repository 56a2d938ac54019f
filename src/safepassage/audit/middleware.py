from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from safepassage.audit.context import request_id_scope


class RequestIdMiddleware:
    """Give each request a random id, seen in its audit entries and in ``X-Request-ID``.

    A client-supplied ``X-Request-ID`` is ignored: the id must not be chosen by whoever
    sends the request, or one request could pass itself off as another in the log.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_id_scope() as request_id:
            request.request_id = request_id
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
