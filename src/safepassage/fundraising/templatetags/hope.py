"""Template helpers for the fundraising pages: money in the reader's language, and the
Hope Sharing block on a person's page."""

from __future__ import annotations

from django import template

from safepassage.accounts import permissions
from safepassage.funds.selectors import Amount

register = template.Library()


@register.simple_tag
def amount(minor: int | None, currency: str) -> str:
    """₩3,000,000 from 3000000 and "KRW", in the current language; "—" without both."""
    if minor is None or not currency:
        return "—"
    return str(Amount(minor, currency))


@register.simple_tag(takes_context=True)
def hope_for_person(context, person):
    """Consent and sponsorship of ``person`` (whom the page already checked the user may
    see), or None for a user who has no part in Hope Sharing."""
    from safepassage.fundraising import selectors

    request = context.get("request")
    user = getattr(request, "user", None)
    granted = permissions.capabilities(user)
    if not {"hope.consent", "hope.view"} & granted:
        return None
    found = selectors.person_hope(person)
    return {
        "consent": found.consent,
        "consenting": found.consenting,
        "share": found.share,
        "may_consent": "hope.consent" in granted,
    }
