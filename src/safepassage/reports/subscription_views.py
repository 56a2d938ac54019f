"""The public subscription pages: no account, no JavaScript, no cookie of their own.

Subscribing answers the same page whatever the address (new, waiting or confirmed), so
nobody can test whether someone subscribed; each address asks at most ``SUBSCRIBE_RATE``
times an hour. Confirming and unsubscribing happen only by pressing a button (a POST):
a mail scanner that opens every link changes nothing. The unsubscribe page also takes the
RFC 8058 one-click POST a mail program sends by itself, without a session or a CSRF
cookie: the token in the URL is the only proof either page needs, so both are exempt from
CSRF (a forged request would have to know the token, and then needs no forgery). A
made-up token answers like a page that does not exist and counts against the caller's
address with the check-in page's guessing limit.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from safepassage.reports.services import subscriptions
from safepassage.reports.subscription_forms import SubscribeForm
from safepassage.rescue import throttle

SUBSCRIBE_RATE = "10/h"
SUBSCRIBE_GROUP = "reports.subscribe"


def _private(response):
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(request):
    response = render(request, "fundraising/public/throttled.html", status=429)
    response["Retry-After"] = "600"
    return _private(response)


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method != "POST":
        form = SubscribeForm(initial={"language": translation.get_language() or "ko"})
        return render(request, "reports/subscribe.html", {"form": form})
    if is_ratelimited(
        request,
        group=SUBSCRIBE_GROUP,
        key=throttle.client_address,
        rate=SUBSCRIBE_RATE,
        increment=True,
    ):
        return _too_many(request)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/subscribe.html", {"form": form}, status=400)
    subscriptions.subscribe(
        email=form.cleaned_data["email"], language=form.cleaned_data["language"]
    )
    return redirect("reports_subscriptions:subscribe_sent")


@require_safe
def subscribe_sent(request):
    return render(request, "reports/subscribe_sent.html")


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    if throttle.blocked(request):
        return _too_many(request)
    subscriber = subscriptions.by_confirm_token(token)
    if subscriber is None:
        throttle.count_miss(request)
        raise Http404
    with translation.override(subscriber.language):
        if request.method != "POST":
            return _private(render(request, "reports/confirm.html"))
        subscriptions.confirm(token=token)
        return _private(render(request, "reports/confirmed.html"))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    if throttle.blocked(request):
        return _too_many(request)
    subscriber = subscriptions.by_unsubscribe_token(token)
    if subscriber is None:
        throttle.count_miss(request)
        raise Http404
    with translation.override(subscriber.language):
        if request.method != "POST":
            done = subscriber.unsubscribed_at is not None
            return _private(render(request, "reports/unsubscribe.html", {"done": done}))
        # The one-click body (``List-Unsubscribe=One-Click``) and the page's own button
        # mean the same; any POST to a valid link unsubscribes.
        subscriptions.unsubscribe(token=token)
        return _private(render(request, "reports/unsubscribed.html"))
