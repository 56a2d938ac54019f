from django.urls import path

from safepassage.rescue import board_views, confirm_views, mission_views, note_views, place_views

app_name = "rescue"

urlpatterns = [
    path("", board_views.board, name="board"),
    path("alerts/<uuid:alert_id>/acknowledge/", board_views.alert_ack, name="alert_ack"),
    path("missions/new/", mission_views.mission_new, name="mission_new"),
    path("missions/<str:code>/", mission_views.mission, name="mission"),
    path("missions/<str:code>/status/", mission_views.mission_status, name="mission_status"),
    path(
        "missions/<str:code>/status/<str:action>/",
        confirm_views.mission_confirm,
        name="mission_confirm",
    ),
    path(
        "missions/<str:code>/notes/<str:check_in_code>/reveal/",
        note_views.note_reveal,
        name="note_reveal",
    ),
    path("missions/<str:code>/outcome/", mission_views.mission_outcome, name="mission_outcome"),
    path("missions/<str:code>/check-in/", mission_views.mission_check_in, name="mission_check_in"),
    path("missions/<str:code>/costs/", mission_views.mission_cost, name="mission_cost"),
    path("missions/<str:code>/links/", mission_views.link_new, name="link_new"),
    path("links/<uuid:link_id>/revoke/", mission_views.link_revoke, name="link_revoke"),
    path("safe-points/", place_views.safe_points, name="safe_points"),
    path("safe-points/new/", place_views.safe_point_new, name="safe_point_new"),
    path("safe-points/<str:code>/", place_views.safe_point, name="safe_point"),
    path("safe-points/<str:code>/reveal/", place_views.safe_point_reveal, name="safe_point_reveal"),
    path("safe-points/<str:code>/people/", place_views.safe_point_people, name="safe_point_people"),
    path("routes/", place_views.routes, name="routes"),
    path("routes/new/", place_views.route_new, name="route_new"),
    path("partners/", place_views.partners, name="partners"),
    path("partners/new/", place_views.partner_new, name="partner_new"),
    path("partners/<str:code>/", place_views.partner, name="partner"),
    path("partners/<str:code>/reveal/", place_views.partner_reveal, name="partner_reveal"),
]
