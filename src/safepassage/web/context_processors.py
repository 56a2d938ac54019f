from django.conf import settings

from safepassage.web.navigation import groups_for


def navigation(request):
    user = getattr(request, "user", None)
    groups = []
    if user is not None and user.is_authenticated:
        match = getattr(request, "resolver_match", None)
        groups = groups_for(user, match.view_name if match else "")
    return {"nav_groups": groups, "organisation_name": settings.ORGANISATION_NAME}
