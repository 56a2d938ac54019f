"""The staff shell: dashboard, health check, friendly error pages that reveal nothing."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
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


def _error(request, template: str, status: int):
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _error(request, "web/400.html", 400)


def permission_denied(request, exception=None):
    # 403 is shown as 404 elsewhere; this page exists for CSRF and middleware refusals.
    return _error(request, "web/403.html", 403)


def page_not_found(request, exception=None):
    return _error(request, "web/404.html", 404)


def server_error(request):
    # No request context: the failure may be in a context processor or the database.
    from django.template import loader

    return HttpResponse(loader.get_template("web/500.html").render(), status=500)


def csrf_failure(request, reason=""):
    return _error(request, "web/403_csrf.html", 403)
