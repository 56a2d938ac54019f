"""The coordinator board: every active mission, the silent and compromised ones on top.

The page polls itself every 30 seconds with htmx; a poll gets only the live part. Without
JavaScript it is an ordinary page that the browser can reload.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.rescue import note_views, selectors
from safepassage.rescue.services import alerts


def _is_poll(request) -> bool:
    # htmx restoring its history asks for the whole page, with HX-Request set as well.
    headers = request.headers
    return bool(headers.get("HX-Request")) and not headers.get("HX-History-Restore-Request")


# A board from a cache would show a calm that is no longer true.
@never_cache
@staff_required("missions.view")
@require_safe
def board(request):
    found = selectors.board(request.user)
    note_views.attach_to_alerts(request, found.alerts)
    context = {
        "board": found,
        "may_manage": permissions.has_capability(request.user, "missions.manage"),
    }
    template = "rescue/board_live.html" if _is_poll(request) else "rescue/board.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@staff_required("missions.manage")
@require_POST
def alert_ack(request, alert_id):
    alert = permissions.get_or_404(
        request.user,
        "missions.manage",
        selectors.alerts_for(request.user, action="missions.manage").select_related("mission"),
        pk=alert_id,
    )
    alerts.acknowledge(actor=request.user, alert=alert)
    messages.success(
        request,
        _("Alert on %(code)s acknowledged.") % {"code": alert.mission.code},
    )
    if request.POST.get("back") == "mission":
        return redirect(alert.mission)
    return redirect("rescue:board")
