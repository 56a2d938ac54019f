"""The field partner's check-in page: no account, no JavaScript needed, no cookie set.

The token in the URL is the partner's key to one mission. A made-up, revoked, expired or
locked token answers exactly like a page that does not exist, and each miss counts
against the caller's address. The page shows the mission code, the next safe point's code
and the head-count, nothing else. A check-in with the duress PIN is answered exactly as a
normal one.
"""

from __future__ import annotations

import uuid

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from safepassage.rescue import throttle
from safepassage.rescue.checkin_forms import CheckInForm
from safepassage.rescue.services import checkins
from safepassage.rescue.services.errors import KeyReused, MissionClosed, RescueError, WrongPin


def _private(response):
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def too_many(request):
    response = render(request, "rescue/checkin_throttled.html", status=429)
    response["Retry-After"] = "600"
    return _private(response)


# No CSRF cookie: the secret token in the URL already proves the sender, a cheap phone may
# refuse cookies, and a form that fails on a lost cookie loses a report.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def page(request, token: str):
    if throttle.blocked(request):
        return too_many(request)
    link = checkins.link_for_token(token)
    if link is None:
        throttle.count_miss(request)
        raise Http404
    with translation.override(link.partner.language):
        return _private(_answer(request, link))


def _answer(request, link):
    status = checkins.link_status(link)
    if request.method in ("GET", "HEAD"):
        form = CheckInForm(initial={"key": uuid.uuid4().hex, "point": status["next_point"]})
        return render(request, "rescue/checkin.html", {"form": form, "status": status})
    form = CheckInForm(request.POST)
    context = {"form": form, "status": status}
    if not form.is_valid():
        return render(request, "rescue/checkin.html", context, status=400)
    data = form.cleaned_data
    try:
        duress = checkins.check_pin(link=link, pin=data["pin"])
        result = checkins.submit(
            mission=link.mission,
            link=link,
            duress=duress,
            report=checkins.Report(
                key=data["key"],
                kind=data["kind"],
                point=data["point"],
                delay_hours=data["delay_hours"],
                reason=data["reason"],
                head_count=data["head_count"],
            ),
        )
    except WrongPin as exc:
        throttle.count_miss(request)
        form.add_error("pin", exc.messages[0])
        return render(request, "rescue/checkin.html", context, status=400)
    except (MissionClosed, KeyReused) as exc:
        context["refused"] = exc.messages
        return render(request, "rescue/checkin.html", context, status=409)
    except RescueError as exc:
        # Errors about a field go to the field, so the summary names it.
        context["refused"] = _to_fields(form, exc)
        return render(request, "rescue/checkin.html", context, status=400)
    status = checkins.status_after(link, result)
    check_in = result.check_in
    context = {
        "status": status,
        "check_in": check_in,
        "short": check_in.head_count is not None and check_in.head_count < status["head_count"],
        "form": CheckInForm(initial={"key": uuid.uuid4().hex, "point": status["next_point"]}),
    }
    return render(request, "rescue/checkin_done.html", context)


def _to_fields(form, exc: RescueError) -> list[str]:
    """Adds ``exc``'s messages to the form's fields they name; returns the others."""
    others = []
    for field, messages in exc.message_dict.items():
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
            else:
                others.append(message)
    return others
