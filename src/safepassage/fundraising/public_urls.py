"""Fundraising pages without a login: the sponsor's private page and public campaigns.

Names without a namespace: ``tasks.send_news`` builds the sponsor's link with
``reverse("sponsor-page", args=[token])``.
"""

from django.urls import path

from safepassage.fundraising import public_views
from safepassage.secret_paths import TOKEN

urlpatterns = [
    path(f"s/{TOKEN}/", public_views.sponsor_page, name="sponsor-page"),
    path("give/<slug:code>/", public_views.give, name="give"),
]
