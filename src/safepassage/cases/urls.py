from django.urls import path

from safepassage.cases import case_views, export, note_views, team_views, views

app_name = "cases"

urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/queue/", views.queue, name="queue"),
    path("people/export.csv", export.people_csv, name="people_csv"),
    path("people/exact/", views.people_exact, name="people_exact"),
    path("people/<str:code>/", views.person, name="person"),
    path("people/<str:code>/reveal/", views.person_reveal, name="person_reveal"),
    path("people/<str:code>/status/", views.person_status, name="person_status"),
    path("people/<str:code>/flags/", views.person_flags, name="person_flags"),
    path("people/<str:code>/relief/", views.relief_add, name="relief_add"),
    path(
        "people/<str:code>/relief/<uuid:relief_id>/confirm/",
        views.relief_confirm,
        name="relief_confirm",
    ),
    path("people/<str:code>/support/", views.support_add, name="support_add"),
    path("people/<str:code>/testimonies/", views.testimony_add, name="testimony_add"),
    path("people/<str:code>/notes/", note_views.person_note_add, name="person_note_add"),
    path("people/<str:code>/contacts/", note_views.person_contact_add, name="person_contact_add"),
    path("case-notes/<str:code>/reveal/", note_views.note_reveal, name="note_reveal"),
    path("contact-log/<str:code>/reveal/", note_views.contact_reveal, name="contact_reveal"),
    path("testimonies/<str:code>/consent/", views.testimony_consent, name="testimony_consent"),
    path("testimonies/<str:code>/withdraw/", views.testimony_withdraw, name="testimony_withdraw"),
    path("testimonies/<str:code>/reveal/", views.testimony_reveal, name="testimony_reveal"),
    path("teams/", team_views.teams, name="teams"),
    path("teams/<uuid:team_id>/", team_views.team, name="team"),
    path("cases/", case_views.cases, name="cases"),
    path("cases/new/", case_views.case_new, name="case_new"),
    path("cases/<str:code>/", case_views.case, name="case"),
    path("cases/<str:code>/people/new/", case_views.case_person_new, name="case_person_new"),
    path("cases/<str:code>/groups/", case_views.case_group_new, name="case_group_new"),
    path("cases/<str:code>/notes/", note_views.case_note_add, name="case_note_add"),
    path("cases/<str:code>/contacts/", note_views.case_contact_add, name="case_contact_add"),
    path("cases/<str:code>/urgency/", case_views.case_urgency, name="case_urgency"),
]
