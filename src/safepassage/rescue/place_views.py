"""Staff pages for safe points, routes and field partners.

A safe point shows its code name and country; its real place, directions and contact
appear only after an audited reveal by someone named on it, for a few minutes. A field
partner shows a pseudonym; who they are appears the same way. Every view fetches its
object through ``permissions.get_or_404`` and writes only through ``services.places``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.accounts.models import User
from safepassage.base.submitting import attach_errors
from safepassage.rescue import place_forms as forms
from safepassage.rescue.models import FieldPartner, Route, RouteStop, SafePoint
from safepassage.rescue.services import places
from safepassage.vault import grants, pages
from safepassage.vault.forms import RevealForm

POINT_REVEALABLE = [
    ("real_place", gettext_lazy("real place")),
    ("directions", gettext_lazy("directions")),
    ("contact", gettext_lazy("contact")),
]
PARTNER_REVEALABLE = [
    ("real_name", gettext_lazy("real name")),
    ("phone", gettext_lazy("phone")),
    ("notes", gettext_lazy("notes")),
]
POINT_SHREDDED = gettext_lazy("This safe point's sealed details were shredded.")
PARTNER_SHREDDED = gettext_lazy("This field partner's identity was shredded.")


def _safe_point(request, code: str, action: str = "missions.view") -> SafePoint:
    return permissions.get_or_404(
        request.user, action, SafePoint.objects.select_related("data_key"), code=code.upper()
    )


def _partner(request, code: str, action: str = "missions.view") -> FieldPartner:
    return permissions.get_or_404(
        request.user, action, FieldPartner.objects.select_related("data_key"), code=code.upper()
    )


def _nameable_staff():
    """Active staff whose roles let them follow missions: the only people worth naming."""
    roles = [
        role
        for role, granted in permissions.ROLE_CAPABILITIES.items()
        if "missions.view" in granted
    ]
    return User.objects.filter(is_active=True, roles__code__in=roles).distinct()


@staff_required("missions.view")
@require_safe
def safe_points(request):
    user = request.user
    mine = permissions.visible(user, "places.reveal", SafePoint.objects.filter(pk=OuterRef("pk")))
    found = (
        permissions.visible(user, "missions.view", SafePoint.objects.all())
        .only("code", "code_name", "country")
        .annotate(named=Count("named_people", distinct=True), mine=Exists(mine))
    )
    return render(
        request,
        "rescue/safe_points.html",
        {
            "points": found,
            "may_manage": permissions.has_capability(user, "places.manage"),
        },
    )


@staff_required("places.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def safe_point_new(request):
    form = forms.SafePointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            point = places.safe_point_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Safe point %(code)s created.") % {"code": point.code_name})
            return redirect(point)
    return render(
        request, "rescue/safe_point_new.html", {"form": form}, status=400 if form.errors else 200
    )


@staff_required("missions.view")
@require_safe
def safe_point(request, code: str):
    point = _safe_point(request, code)
    user = request.user
    # Named now, not merely when the grant was made: un-naming someone hides the place
    # from them at once.
    may_reveal = permissions.can(user, "places.reveal", point)
    shredded = point.real_place.is_shredded
    named = point.named_people.order_by("display_name", "email")
    context = {
        "point": point,
        "named": named,
        "may_reveal": may_reveal,
        "revealed": grants.revealed_values(request, point) if may_reveal else {},
        "reveal_form": RevealForm(fields=POINT_REVEALABLE) if may_reveal else None,
        "reveal_minutes": settings.REVEAL_MINUTES,
        "shredded": shredded,
        "people_form": None,
    }
    if permissions.can(user, "places.name", point):
        context["people_form"] = forms.NamedPeopleForm(
            staff=_nameable_staff(), initial={"people": list(named)}
        )
    return render(request, "rescue/safe_point.html", context)


@staff_required("places.reveal")
@require_POST
def safe_point_reveal(request, code: str):
    point = _safe_point(request, code, "places.reveal")
    return pages.reveal_and_grant(request, point, POINT_REVEALABLE, point, POINT_SHREDDED)


@staff_required("places.name")
@require_POST
def safe_point_people(request, code: str):
    point = _safe_point(request, code, "places.name")
    form = forms.NamedPeopleForm(request.POST, staff=_nameable_staff())
    if not form.is_valid():
        messages.error(request, _("Choose people from the list."))
        return redirect(point)
    places.safe_point_name_people(
        actor=request.user, safe_point=point, people=form.cleaned_data["people"]
    )
    messages.success(
        request, _("The people named on %(code)s were saved.") % {"code": point.code_name}
    )
    return redirect(point)


@staff_required("missions.view")
@require_safe
def routes(request):
    user = request.user
    stops = RouteStop.objects.select_related("safe_point").only(
        "route_id", "position", "hours", "means", "safe_point__code", "safe_point__code_name"
    )
    found = (
        permissions.visible(user, "missions.view", Route.objects.all())
        .annotate(total_hours=Sum("stops__hours"))
        .prefetch_related(Prefetch("stops", queryset=stops.order_by("position")))
    )
    return render(
        request,
        "rescue/routes.html",
        {"routes": found, "may_manage": permissions.has_capability(user, "places.manage")},
    )


@staff_required("places.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def route_new(request):
    points = permissions.visible(request.user, "places.manage", SafePoint.objects.all())
    form = forms.RouteForm(request.POST or None, points=points)
    if request.method == "POST" and form.is_valid():
        try:
            route = places.route_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                stops=form.cleaned_data["stops"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Route %(name)s created.") % {"name": route.name})
            return redirect("rescue:routes")
    return render(
        request,
        "rescue/route_new.html",
        {"form": form, "points": points.only("code_name", "country")},
        status=400 if form.errors else 200,
    )


@staff_required("missions.view")
@require_safe
def partners(request):
    user = request.user
    found = (
        permissions.visible(user, "missions.view", FieldPartner.objects.all())
        .only("code", "pseudonym", "language")
        .annotate(missions_count=Count("missions", distinct=True))
    )
    return render(
        request,
        "rescue/partners.html",
        {"partners": found, "may_manage": permissions.has_capability(user, "places.manage")},
    )


@staff_required("places.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def partner_new(request):
    form = forms.PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = places.partner_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("Field partner %(name)s added.") % {"name": partner.pseudonym}
            )
            return redirect("rescue:partner", code=partner.code)
    return render(
        request, "rescue/partner_new.html", {"form": form}, status=400 if form.errors else 200
    )


@staff_required("missions.view")
@require_safe
def partner(request, code: str):
    found = _partner(request, code)
    may_reveal = permissions.can(request.user, "partners.reveal", found)
    return render(
        request,
        "rescue/partner.html",
        {
            "partner": found,
            "missions_count": found.missions.count(),
            "revealed": grants.revealed_values(request, found) if may_reveal else {},
            "reveal_form": RevealForm(fields=PARTNER_REVEALABLE) if may_reveal else None,
            "reveal_minutes": settings.REVEAL_MINUTES,
            "shredded": found.real_name.is_shredded,
        },
    )


@staff_required("partners.reveal")
@require_POST
def partner_reveal(request, code: str):
    found = _partner(request, code, "partners.reveal")
    back = reverse("rescue:partner", args=[found.code])
    return pages.reveal_and_grant(request, found, PARTNER_REVEALABLE, back, PARTNER_SHREDDED)
