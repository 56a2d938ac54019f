"""Slowing down anyone who guesses check-in tokens (django-ratelimit, counted per address).

Only misses count (made-up, revoked, expired tokens, wrong PINs), so a partner who checks
in often is never slowed down; a guesser is answered 429 before any database lookup.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django_ratelimit.core import is_ratelimited
from ipware import get_client_ip

GROUP = "rescue.checkin.miss"


def client_address(group, request) -> str:
    """The caller's address; X-Forwarded-For only counts behind configured proxies."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    order = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if proxies else ("REMOTE_ADDR",)
    address, _routable = get_client_ip(request, proxy_count=proxies, request_header_order=order)
    return address or "unknown"


def _blocked_key(request) -> str:
    return f"{GROUP}.blocked:{client_address(GROUP, request)}"


def blocked(request) -> bool:
    """One cache read: the flag ``count_miss`` sets once an address passed the rate."""
    return bool(cache.get(_blocked_key(request)))


def count_miss(request) -> None:
    limited = is_ratelimited(
        request,
        group=GROUP,
        key=client_address,
        rate=settings.CHECKIN_GUESS_RATE,
        increment=True,
    )
    if limited:
        cache.set(_blocked_key(request), True, timeout=period_seconds(settings.CHECKIN_GUESS_RATE))


UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def period_seconds(rate: str) -> int:
    """The period of a django-ratelimit rate such as "20/h" or "5/10m", in seconds."""
    period = rate.partition("/")[2]
    count = int(period[:-1] or 1)
    return count * UNITS[period[-1]]
