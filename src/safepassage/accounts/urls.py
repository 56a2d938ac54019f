from django.urls import path

from safepassage.accounts import staff_views, views
from safepassage.secret_paths import TOKEN

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("login/cancel/", views.cancel, name="cancel"),
    path("logout/", views.logout_view, name="logout"),
    path("confirm/", views.confirm, name="confirm"),
    path(f"invitation/{TOKEN}/", views.invitation, name="invitation"),
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/authenticator/", views.enrol, name="enrol"),
    path("welcome/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/invite/", staff_views.staff_invite, name="staff_invite"),
    path("staff/<uuid:user_id>/roles/", staff_views.staff_roles, name="staff_roles"),
]
