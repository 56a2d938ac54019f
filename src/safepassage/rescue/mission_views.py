"""(being written)"""

from django.http import Http404


def mission_new(request, **kwargs):
    raise Http404


def mission(request, **kwargs):
    raise Http404


def mission_status(request, **kwargs):
    raise Http404


def mission_outcome(request, **kwargs):
    raise Http404


def mission_check_in(request, **kwargs):
    raise Http404


def mission_cost(request, **kwargs):
    raise Http404


def link_new(request, **kwargs):
    raise Http404


def link_revoke(request, **kwargs):
    raise Http404
