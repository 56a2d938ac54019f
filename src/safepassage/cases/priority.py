"""The rule set that orders the rescue queue, and says why.

Each rule has a code, a label shown to staff, a weight and a test. A person's priority is
the sum of the weights of the rules that hold; the labels of those rules are the reason
("woman + child under 5 + trafficked"). Weights can be changed per organisation with
``SAFEPASSAGE_PRIORITY_WEIGHTS`` (JSON, e.g. ``{"prior_repatriation": 50}``); a weight of 0
turns a rule off. The defaults follow the organisation's stated priorities: women,
children, and those who would face death if sent back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    weight: int
    holds: Callable[[object, int], bool]


def _age(person, year: int) -> int | None:
    return None if person.birth_year is None else year - person.birth_year


def _adult_woman(p, year: int) -> bool:
    age = _age(p, year)
    return p.sex == "female" and (age is None or age >= 18)


def _under_5(p, year: int) -> bool:
    age = _age(p, year)
    return age is not None and age < 5


def _child(p, year: int) -> bool:
    age = _age(p, year)
    return age is not None and 5 <= age < 18


RULES: list[Rule] = [
    Rule("woman", _("woman"), 10, _adult_woman),
    Rule("child_under_5", _("child under 5"), 30, _under_5),
    Rule("child", _("child"), 15, _child),
    Rule("unaccompanied_minor", _("unaccompanied minor"), 25, lambda p, y: p.unaccompanied_minor),
    Rule("pregnant", _("pregnant"), 25, lambda p, y: p.pregnant),
    Rule("trafficked", _("trafficked"), 30, lambda p, y: p.trafficked),
    Rule("forced_marriage", _("forced marriage"), 15, lambda p, y: p.forced_marriage),
    Rule("health_need", _("health need"), 15, lambda p, y: p.health_need),
    Rule("prior_repatriation", _("repatriated before"), 35, lambda p, y: p.prior_repatriation),
    Rule("religious_contact", _("religious contact"), 25, lambda p, y: p.religious_contact),
    Rule("case_critical", _("critical call"), 40, lambda p, y: p.case.urgency == "critical"),
    Rule("case_high", _("urgent call"), 20, lambda p, y: p.case.urgency == "high"),
]
RULE_LABELS = {rule.code: rule.label for rule in RULES}


def weights() -> dict[str, int]:
    configured = getattr(settings, "PRIORITY_WEIGHTS", {}) or {}
    return {rule.code: int(configured.get(rule.code, rule.weight)) for rule in RULES}


def assess(person, *, year: int | None = None) -> tuple[int, list[str]]:
    """The priority score and the codes of the rules that hold, heaviest first."""
    year = year or timezone.localdate().year
    table = weights()
    held = [rule for rule in RULES if table[rule.code] > 0 and rule.holds(person, year)]
    held.sort(key=lambda rule: -table[rule.code])
    return min(sum(table[r.code] for r in held), 32767), [rule.code for rule in held]


def explain(codes: list[str]) -> str:
    return " + ".join(str(RULE_LABELS.get(code, code)) for code in codes)
