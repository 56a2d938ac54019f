"""What every page that reveals a protected value does the same way."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from safepassage.vault import grants, services
from safepassage.vault.errors import Shredded
from safepassage.vault.forms import RevealForm


def reveal_and_grant(request, record_obj, fields, back, shredded_message):
    """Audited reveal of one field chosen in a RevealForm, then a timed grant in the session.

    The caller has checked that the user may reveal ``record_obj``. ``fields`` are the
    (name, label) pairs the form may choose from; ``back`` is where to redirect afterwards.
    """
    form = RevealForm(request.POST, fields=fields)
    if not form.is_valid():
        messages.error(request, _("Give a reason to reveal a protected value."))
        return redirect(back)
    field = form.cleaned_data["field"]
    try:
        services.reveal(
            record_obj=record_obj,
            field_name=field,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except Shredded:
        messages.error(request, shredded_message)
        return redirect(back)
    grants.grant(request, record_obj, field)
    return redirect(back)
