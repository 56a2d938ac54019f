"""The field partner's page: outside the staff site, no account, the token is the key."""

from django.urls import path

from safepassage.rescue import checkin_views
from safepassage.secret_paths import TOKEN

app_name = "checkin"

urlpatterns = [
    path(f"{TOKEN}/", checkin_views.page, name="page"),
]
