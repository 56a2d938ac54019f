from django.urls import path

from safepassage.accounts import account_views, staff_views, views
from safepassage.secret_paths import TOKEN

app_name = "accounts"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("login/cancel/", views.cancel, name="cancel"),
    path("login/authenticator/", views.login_enrol, name="login_enrol"),
    path("password/forgot/", views.password_forgot, name="password_forgot"),
    path(f"password/reset/<uidb64>/{TOKEN}/", views.password_reset, name="password_reset"),
    path("password/new/", views.password_reset_set, name="password_reset_set"),
    path("logout/", views.logout_view, name="logout"),
    path("confirm/", views.confirm, name="confirm"),
    path(f"invitation/{TOKEN}/", views.invitation, name="invitation"),
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/authenticator/", views.enrol, name="enrol"),
    path("welcome/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/authenticator/", account_views.authenticator, name="authenticator"),
    path("account/recovery-codes/", account_views.recovery_codes_new, name="recovery_codes_new"),
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/invite/", staff_views.staff_invite, name="staff_invite"),
    path("staff/<uuid:user_id>/roles/", staff_views.staff_roles, name="staff_roles"),
    path("staff/<uuid:user_id>/deactivate/", staff_views.staff_deactivate, name="staff_deactivate"),
    path("staff/<uuid:user_id>/reactivate/", staff_views.staff_reactivate, name="staff_reactivate"),
    path(
        "staff/<uuid:user_id>/second-factor/",
        staff_views.staff_second_factor_reset,
        name="staff_second_factor_reset",
    ),
]
