"""The field partner's page: outside the staff site, no account, the token is the key."""

from django.urls import path

from safepassage.rescue import checkin_views

app_name = "checkin"

urlpatterns = [
    path("<str:token>/", checkin_views.page, name="page"),
]
