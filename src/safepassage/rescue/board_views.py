"""(being written)"""

from django.http import Http404


def board(request, **kwargs):
    raise Http404


def alert_ack(request, **kwargs):
    raise Http404
