from django.conf import settings

from safepassage.web.navigation import entries_for


def navigation(request):
    user = getattr(request, "user", None)
    nav = entries_for(user) if user is not None and user.is_authenticated else []
    return {"nav_entries": nav, "organisation_name": settings.ORGANISATION_NAME}
