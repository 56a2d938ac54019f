"""The staff shell: dashboard, health check, friendly error pages that reveal nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from safepassage.accounts.decorators import staff_required
from safepassage.web import selectors


@require_safe
def home(request):
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    return redirect("accounts:login")


@staff_required("dashboard.view")
@require_safe
def dashboard(request):
    return render(
        request,
        "web/dashboard.html",
        {
            "today": selectors.today_items(request.user),
            "cards": selectors.dashboard_cards(request.user),
        },
    )


@require_safe
def health(request):
    """For load balancers: says only that the process answers."""
    return HttpResponse("ok", content_type="text/plain")


def _way_back(request) -> str:
    """The page the user came from, if it is on this site: the form whose body was too
    large, the list a stale link was followed from. Nothing for a request whose host was
    refused (its host cannot be trusted to build a link)."""
    referer = request.headers.get("referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return ""
    if request.method in ("GET", "HEAD") and referer == request.build_absolute_uri():
        return ""
    return referer


def _error(request, template: str, status: int, **context):
    # A stranger's error page (a dead sponsor or check-in link) sets no cookie: no form,
    # so no CSRF token either.
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    context = {"way_back": _way_back(request), "without_forms": not signed_in, **context}
    return render(request, template, context, status=status)


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request, exception)
    return _error(request, "web/400.html", 400)


def request_too_large(request, exception=None):
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``. The limit sits far above what any form
    accepts, so a form refuses an over-long field itself and shows it again with what was
    typed; only a body no form could take ends here, and the page says how to get the
    typing back."""
    limit_mb = max(1, settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024))
    return _error(request, "web/413.html", 413, limit_mb=limit_mb)


def permission_denied(request, exception=None):
    # 403 is shown as 404 elsewhere; this page exists for CSRF and middleware refusals.
    return _error(request, "web/403.html", 403)


def page_not_found(request, exception=None):
    return _error(request, "web/404.html", 404)


def server_error(request):
    # No request context: the failure may be in a context processor or the database. The
    # page keeps the plain frame (no menu, no forms) and a link to the start.
    from django.template import loader

    return HttpResponse(loader.get_template("web/500.html").render(), status=500)


def csrf_failure(request, reason=""):
    return _error(request, "web/403_csrf.html", 403)
