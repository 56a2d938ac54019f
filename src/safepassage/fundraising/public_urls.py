"""Fundraising pages without a login: the sponsor's private page and public campaigns.

Names without a namespace: ``tasks.send_news`` builds the sponsor's link with
``reverse("sponsor-page", args=[token])``.
"""

from django.urls import path

from safepassage.fundraising import public_views

urlpatterns = [
    path("s/<str:token>/", public_views.sponsor_page, name="sponsor-page"),
    path("give/<slug:code>/", public_views.give, name="give"),
]
