"""(being written)"""

from django.http import Http404


def safe_points(request, **kwargs):
    raise Http404


def safe_point_new(request, **kwargs):
    raise Http404


def safe_point(request, **kwargs):
    raise Http404


def safe_point_reveal(request, **kwargs):
    raise Http404


def safe_point_people(request, **kwargs):
    raise Http404


def routes(request, **kwargs):
    raise Http404


def route_new(request, **kwargs):
    raise Http404


def partners(request, **kwargs):
    raise Http404


def partner_new(request, **kwargs):
    raise Http404


def partner(request, **kwargs):
    raise Http404


def partner_reveal(request, **kwargs):
    raise Http404
