from django.urls import path

from safepassage.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.people, name="people"),
    path("new/", views.person_new, name="person_new"),
    path("<str:code>/", views.person, name="person"),
    path("<str:code>/reveal/", views.person_reveal, name="person_reveal"),
]
