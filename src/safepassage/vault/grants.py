"""Timed reveal grants kept in the staff member's session.

After an audited reveal, the page may show that one field of that one record for
``SAFEPASSAGE_REVEAL_MINUTES``; the grant lives in the session only, never in the page URL.
"""

from __future__ import annotations

import time

from django.conf import settings

SESSION_KEY = "safepassage_reveals"


def grant(request, record_obj, field_name: str) -> None:
    grants = request.session.get(SESSION_KEY, {})
    grants[f"{record_obj.pk}:{field_name}"] = time.time() + settings.REVEAL_MINUTES * 60
    request.session[SESSION_KEY] = grants


def granted_fields(request, record_obj) -> set[str]:
    now = time.time()
    grants = request.session.get(SESSION_KEY, {})
    live = {key: until for key, until in grants.items() if until > now}
    if live != grants:
        request.session[SESSION_KEY] = live
    prefix = f"{record_obj.pk}:"
    return {key[len(prefix) :] for key in live if key.startswith(prefix)}


def revealed_values(request, record_obj) -> dict[str, str | bytes | None]:
    """Plain values of the granted fields; a shredded record gives None for each."""
    from safepassage.vault import records
    from safepassage.vault.errors import Shredded

    values = {}
    for field in granted_fields(request, record_obj):
        try:
            values[field] = records.read(record_obj, field)
        except Shredded:
            values[field] = None
    return values
