"""Words for a composition on the reports' staff pages: the snapshot's codes through
``reports.labels`` (the same words as the published page), hidden figures as "not shown",
and what the disclosure control did, said plainly."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.base.templatetags.money import money
from safepassage.reports import labels

register = template.Library()

HOPE_WORDS = {
    "matched_minor": gettext_lazy("Matched by matching pledges"),
    "matching_pledges": gettext_lazy("Matching pledges that matched"),
    "shares_funded": gettext_lazy("Rescue shares paid in full"),
    "rescues_funded": gettext_lazy("Rescues Hope Sharing paid for"),
    "sponsors": gettext_lazy("Sponsors who gave"),
}


@register.filter
def report_label(code, table_key: str) -> str:
    if table_key == "hope":
        return str(HOPE_WORDS.get(code, code))
    return labels.row_label(table_key, str(code))


@register.filter
def report_count(value, k=None) -> str:
    return labels.not_shown() if value is None else labels.number(value)


@register.filter
def report_money(value, currency: str) -> str:
    return labels.not_shown() if value is None else money(value, currency)


@register.filter
def report_entry(entry) -> str:
    return labels.entry(entry or {}) or _("A rescued person")


@register.filter
def report_list_heading(group) -> str:
    return labels.list_heading(group)


def _row(decision: dict) -> str:
    table, row = decision.get("table", ""), decision.get("row", "")
    if not row or row == "total":
        return _("the total")
    try:
        return labels.row_label(table, row)
    except (KeyError, ValueError):
        return row


@register.filter
def report_decision(decision: dict) -> str:
    """One decision of the control, for the author and the reviewer."""
    reason = decision.get("reason", "")
    row = _row(decision)
    if reason == "held_back":
        return labels.held_back(decision.get("count", 0))
    if reason in ("dominance", "protects_other"):
        if decision.get("into"):
            return _(
                "%(row)s is shown within “other”: one donor gave most of it, "
                "or fewer than k donors did."
            ) % {"row": row}
        return _("“Other” is not shown: one donor gave most of it.")
    texts = {
        "primary": _(
            "%(row)s is not shown: it counts fewer than k people (families counted once)."
        ),
        "secondary": _(
            "%(row)s is not shown so that a hidden figure cannot be worked out from the totals."
        ),
        "consistency": _("%(row)s is not shown, as an earlier release hid it."),
        "earlier": _(
            "%(row)s: an earlier release's hidden figure, checked again against this one."
        ),
    }
    text = texts.get(reason, _("%(row)s is not shown.")) % {"row": row}
    interval = decision.get("interval")
    if interval:
        low, high = interval
        text += " " + (
            _(
                "An attacker with every published figure can only tell it lies "
                "between %(low)s and %(high)s."
            )
            % {"low": low, "high": "∞" if high is None else high}
        )
    if decision.get("unprotectable"):
        text += " " + _("Earlier releases alone narrow it: look before approving.")
    return text
