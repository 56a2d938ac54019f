"""URLs that carry a secret: the one list every log and cache rule reads.

A path segment that is someone's key (an invitation, a sponsor's page, a partner's check-in
link, unsubscribe and confirmation links to come) is declared in its app's ``urls.py`` with
the ``<secret:…>`` converter, through ``TOKEN``::

    path(f"invitation/{TOKEN}/", views.invitation, name="invitation")

``prefixes()`` finds every such pattern in the URL configuration, so the log redaction
(``safepassage.web.redaction``) and the no-store rule (``accounts.middleware``) know every
token-bearing path without a second list to keep in step. Query-string parameters that
carry a secret are named in ``SECRET_QUERY_PARAMETERS``.
"""

from __future__ import annotations

import functools

from django.urls import URLPattern, URLResolver, register_converter
from django.urls.converters import StringConverter

SECRET_QUERY_PARAMETERS = ("token",)


class SecretConverter(StringConverter):
    """A path segment that is a secret: matched like ``<str:…>``, never logged."""


register_converter(SecretConverter, "secret")
TOKEN = "<secret:token>"


def _walk(resolver: URLResolver, prefix: str):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, route)
        elif isinstance(entry, URLPattern):
            converters = getattr(entry.pattern, "converters", {})
            if any(isinstance(c, SecretConverter) for c in converters.values()):
                yield "/" + route.split("<", 1)[0]


@functools.cache
def _prefixes(urlconf: str) -> tuple[str, ...]:
    from django.urls import get_resolver

    return tuple(sorted(set(_walk(get_resolver(urlconf), ""))))


def prefixes() -> tuple[str, ...]:
    """The path before each secret segment, e.g. ``/accounts/invitation/``."""
    from django.conf import settings

    return _prefixes(settings.ROOT_URLCONF)


def is_secret_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in prefixes())
