"""Pages without a login: a sponsor's private news page, and a campaign's public page.

The sponsor page is opened by the secret link in the sponsor's e-mails (only its keyed
hash is stored). A made-up or replaced link answers exactly like a page that does not
exist, and each miss counts against the caller's address with the check-in page's
guessing limit. It says only what the e-mails said: the generalised profile and which news
came, never a name, a code, a birth year, a province or a date of the journey. It sets no
cookie, is never cached, and sends no referrer onwards.

The campaign page shows only campaigns marked public: name, description, goal, progress,
the number of gifts and the end date. Nothing about any giver or any person.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from safepassage.fundraising import profiles, selectors
from safepassage.fundraising.models import ShareStatus
from safepassage.fundraising.services import sponsors
from safepassage.rescue import throttle


def _private(response):
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def sponsor_page(request, token: str):
    if throttle.blocked(request):
        response = render(request, "fundraising/public/throttled.html", status=429)
        response["Retry-After"] = "600"
        return _private(response)
    sponsor = sponsors.by_token(token)
    if sponsor is None:
        throttle.count_miss(request)
        raise Http404
    with translation.override(sponsor.donor.language):
        shares = [
            {
                "who": profiles.describe(share.profile) if share.profile else "",
                "collecting": share.status == ShareStatus.OPEN,
                "news": [news.get_kind_display() for news in found_news],
            }
            for share, found_news in selectors.sponsor_page(sponsor)
        ]
        response = render(request, "fundraising/public/sponsor.html", {"shares": shares})
    return _private(response)


@require_safe
def give(request, code: str):
    campaign = selectors.public_campaign(code)
    if campaign is None:
        raise Http404
    return render(
        request,
        "fundraising/public/give.html",
        {"campaign": campaign, "progress": selectors.progress(campaign)},
    )
