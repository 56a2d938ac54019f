"""The JSON API under /api/, described by a generated OpenAPI 3 schema at /api/openapi.json.

No interactive docs page: it would load scripts from elsewhere, which the CSP forbids.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.errors import AuthenticationError

api = NinjaAPI(
    title="Safe Passage API",
    version="1",
    description="Field check-ins for rescue missions, for a phone app or a messenger bridge.",
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)


@api.exception_handler(AuthenticationError)
def _unknown_link(request, exc):
    # A missing, made-up, revoked or expired token: the same answer as a missing page.
    return api.create_response(request, {"detail": "Not Found"}, status=404)


def _routes() -> None:
    from safepassage.rescue.api import router as rescue

    api.add_router("/v1/", rescue)


_routes()
