"""Hope Sharing and fundraising pages for staff, under /hope/."""

from django.urls import path

from safepassage.fundraising import board_views, campaign_views, pledge_views, sponsor_views

app_name = "fundraising"

urlpatterns = [
    path("", board_views.board, name="board"),
    path("cost/", board_views.cost_set, name="cost_set"),
    path("assign/", board_views.assign_waiting, name="assign_waiting"),
    path("assign/share/", board_views.share_assign, name="share_assign"),
    path("campaigns/", campaign_views.campaign_list, name="campaigns"),
    path("campaigns/new/", campaign_views.campaign_new, name="campaign_new"),
    path("campaigns/<slug:code>/", campaign_views.campaign, name="campaign"),
    path("campaigns/<slug:code>/edit/", campaign_views.campaign_edit, name="campaign_edit"),
    path("events/", campaign_views.event_list, name="events"),
    path("events/new/", campaign_views.event_new, name="event_new"),
    path("pledges/", pledge_views.pledge_list, name="pledges"),
    path("pledges/new/", pledge_views.pledge_new, name="pledge_new"),
    path("pledges/<str:code>/", pledge_views.pledge, name="pledge"),
    path("pledges/<str:code>/cancel/", pledge_views.pledge_cancel, name="pledge_cancel"),
    path("matching/", pledge_views.matching_list, name="matching"),
    path("matching/new/", pledge_views.matching_new, name="matching_new"),
    path("sponsors/", sponsor_views.sponsor_list, name="sponsors"),
    path("sponsors/new/", sponsor_views.sponsor_new, name="sponsor_new"),
    path("consent/<str:code>/", sponsor_views.consent_page, name="consent"),
    path("consent/<str:code>/withdraw/", sponsor_views.consent_withdraw, name="consent_withdraw"),
]
