"""Money in a report: spending by public category only, and amounts by channel that never
show one donor's gift.

- Spending: each internal expense category maps to a public category of the taxonomy
  (``rescue_travel``, ``shelter``, ...); a category with no mapping goes to ``other``. The
  internal names ("boat crossing, country X") never reach the output.
- Raised by channel: a channel is shown alone when at least k donors gave through it and
  no one donor gave more than ``settings.dominance_num / dominance_den`` of it (most of
  it, by default). Otherwise it is merged into ``other``; while ``other`` itself fails
  the rule, the smallest channel still shown (then by key) joins it; if ``other`` fails
  with every channel in it, it is hidden, and so is the total (it would give it back).

Amounts are integer minor units; shares are compared as fractions, never floats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from safepassage.reports.disclosure.records import Settings

OTHER = "other"


def public_spending(amounts_minor: Mapping[str, int], taxonomy: Mapping[str, str]) -> dict:
    """The "spent" Table: ``amounts_minor`` by internal category, ``taxonomy`` internal
    category → public category."""
    totals: dict[str, int] = {}
    for category, amount in sorted(amounts_minor.items()):
        if not isinstance(amount, int):
            raise TypeError("money is integer minor units")
        public = taxonomy.get(category, OTHER)
        totals[public] = totals.get(public, 0) + amount
    keys = sorted(k for k in totals if k != OTHER) + ([OTHER] if OTHER in totals else [])
    return {
        "key": "spent",
        "rows": [{"key": key, "value": totals[key], "hidden": False} for key in keys],
        "total": sum(totals.values()),
        "hidden_total": False,
        "unit": "money",
    }


def _passes(gifts: Sequence[int], settings: Settings) -> bool:
    total = sum(gifts)
    if len(gifts) < settings.k or total <= 0:
        return False
    return Fraction(max(gifts), total) <= Fraction(settings.dominance_num, settings.dominance_den)


def raised_by_channel(
    gifts_minor: Mapping[str, Sequence[int]], *, settings: Settings | None = None
) -> tuple[dict, list[dict]]:
    """The "raised" Table and the decisions: ``gifts_minor`` is, per channel, each donor's
    amount through it (one number per donor, integer minor units)."""
    settings = settings or Settings()
    decisions: list[dict] = []
    shown = {}
    merged: list[int] = []
    for channel, gifts in sorted(gifts_minor.items()):
        gifts = [int(g) for g in gifts if g]
        if not gifts:
            continue
        if _passes(gifts, settings):
            shown[channel] = gifts
        else:
            merged.extend(gifts)
            decisions.append({"row": channel, "reason": "dominance", "into": OTHER})
    while merged and not _passes(merged, settings) and shown:
        smallest = min(shown, key=lambda c: (sum(shown[c]), c))
        merged.extend(shown.pop(smallest))
        decisions.append({"row": smallest, "reason": "protects_other", "into": OTHER})
    rows = [{"key": c, "value": sum(g), "hidden": False} for c, g in sorted(shown.items())]
    hidden_other = bool(merged) and not _passes(merged, settings)
    if merged:
        rows.append(
            {"key": OTHER, "value": None if hidden_other else sum(merged), "hidden": hidden_other}
        )
    if hidden_other:
        decisions.append({"row": OTHER, "reason": "dominance", "into": ""})
    total = sum(sum(g) for g in shown.values()) + sum(merged)
    table = {
        "key": "raised",
        "rows": rows,
        "total": None if hidden_other else total,
        "hidden_total": hidden_other,
        "unit": "money",
    }
    return table, decisions
