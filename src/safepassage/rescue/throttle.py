"""Slowing down anyone who guesses check-in tokens (django-ratelimit, counted per address).

Only misses count (made-up, revoked, expired tokens, wrong PINs), so a partner who checks
in often is never slowed down; a guesser is answered 429 before any database lookup.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import is_ratelimited
from ipware import get_client_ip

GROUP = "rescue.checkin.miss"


def client_address(group, request) -> str:
    """The caller's address; X-Forwarded-For only counts behind configured proxies."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    order = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if proxies else ("REMOTE_ADDR",)
    address, _routable = get_client_ip(request, proxy_count=proxies, request_header_order=order)
    return address or "unknown"


def _usage(request, *, increment: bool) -> bool:
    return is_ratelimited(
        request,
        group=GROUP,
        key=client_address,
        rate=settings.CHECKIN_GUESS_RATE,
        increment=increment,
    )


def blocked(request) -> bool:
    return _usage(request, increment=False)


def count_miss(request) -> None:
    _usage(request, increment=True)
