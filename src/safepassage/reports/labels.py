"""A snapshot's codes in the reader's words: months, sexes, who-groups, homes, channels,
spending categories, the list's entries and the cells the disclosure control held back.

Every function answers in the active language: call inside
``translation.override(language)``. A code this module does not know is shown as the code
itself, so a snapshot written by a later version still renders (never an error, never a
blank where a figure was).

A hidden cell is "not shown", never "fewer than k": the control also hides cells that
are large (complementary suppression, so that a small one cannot be worked out by
subtraction), and "fewer than 3" would be false for them and narrow the others down.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from safepassage.cases.models import Province, Sex
from safepassage.cases.regions import Region
from safepassage.funds.models.choices import Channel
from safepassage.funds.models.expenses import ExpenseCategory

WHO = {
    "women": gettext_lazy("Women"),
    "men": gettext_lazy("Men"),
    "adults_sex_not_recorded": gettext_lazy("Adults, sex not recorded"),
    "teen": gettext_lazy("Teenagers"),
    "child": gettext_lazy("Children"),
    "age_not_recorded": gettext_lazy("Age not recorded"),
}
PLACES = {
    "north_korea": gettext_lazy("North Korea, province not recorded"),
    "abroad": gettext_lazy("Outside North Korea"),
    "not_recorded": gettext_lazy("Not recorded"),
}
# The public spending taxonomy (``reports.disclosure`` maps expense categories onto it).
# Codes not listed here fall back to the expense categories' own labels, then to the code.
SPENDING = {
    "rescue_travel": gettext_lazy("Rescue journeys"),
    "safe_houses": gettext_lazy("Safe houses"),
    "relief": gettext_lazy("Relief aid"),
    "resettlement": gettext_lazy("Resettlement"),
    "advocacy": gettext_lazy("Advocacy"),
    "fundraising": gettext_lazy("Fundraising"),
    "operations": gettext_lazy("Running the organisation"),
    "administration": gettext_lazy("Running the organisation"),
    "other": gettext_lazy("Other"),
}
BORN_WORDS = {"adult": pgettext_lazy("age", "adult"), "child": pgettext_lazy("age", "child")}

_PROVINCES = dict(Province.choices)
_REGIONS = dict(Region.choices)
# "" in the records; "not_recorded" in a published entry (its own value, never guessed).
_SEXES = {**dict(Sex.choices), "not_recorded": Sex.NOT_RECORDED.label}
_CHANNELS = dict(Channel.choices)
_CATEGORIES = dict(ExpenseCategory.choices)


def month(code: str) -> str:
    """ "2026-05" as "May 2026" / "2026년 5월"; anything else as given."""
    first = _month_date(code)
    return formats.date_format(first, "YEAR_MONTH_FORMAT") if first else code


def month_name(code: str) -> str:
    """ "2026-05" as "May" / "5월": for the list's headings."""
    first = _month_date(code)
    if first is None:
        return code
    return formats.date_format(first, "n월" if _korean() else "F")


def _month_date(code: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(f"{code}-01")
    except (TypeError, ValueError):
        return None


def _korean() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("ko")


def sex(code: str) -> str:
    return str(_SEXES.get(code, code))


def who(code: str) -> str:
    return str(WHO.get(code, code))


def home(code: str, *, short: bool = False) -> str:
    """A home as the where-table or a list entry shows it: a province, a region, North
    Korea without a province, abroad, not recorded. ``short`` drops a region's list of
    provinces ("North-east"), as the list's entries do."""
    if code in _PROVINCES:
        return str(_PROVINCES[code])
    if code in _REGIONS:
        label = str(_REGIONS[code])
        return label.split(" (")[0].split("(")[0].strip() if short else label
    if code in PLACES:
        return str(PLACES[code])
    return code


def channel(code: str) -> str:
    return str(_CHANNELS.get(code, code))


def spending(code: str) -> str:
    if code in SPENDING:
        return str(SPENDING[code])
    return str(_CATEGORIES.get(code, code))


def row_label(table_key: str, code: str) -> str:
    """A table row's label by the table it is in (per_month, who, where, raised, spent)."""
    return {
        "per_month": month,
        "who": who,
        "where": home,
        "raised": channel,
        "spent": spending,
    }.get(table_key, str)(code)


def born(value: str) -> str:
    """ "1971" as "born in 1971" / "1971년생"; "1970-1974" as "born 1970 to 1974 (an en dash)";
    "adult" and "child" as words; blank as blank."""
    if not value:
        return ""
    if value in BORN_WORDS:
        return str(BORN_WORDS[value])
    if value.isdigit():
        return _("born in %(year)s") % {"year": value}
    first, _sep, last = value.partition("-")
    if first.isdigit() and last.isdigit():
        return _("born %(first)s–%(last)s") % {"first": first, "last": last}  # noqa: RUF001
    return value


def entry(item: dict) -> str:
    """One person of the list in the NGO's published style, blanks left out:
    "Kim OO, Female, born in 1971, North Hamgyong Province" /
    "김OO, 여성, 1971년생, 함경북도"."""
    parts = [
        item.get("surname", ""),
        sex(item["sex"]) if item.get("sex") else "",
        born(item.get("born", "")),
        home(item["home"], short=True) if item.get("home") else "",
    ]
    return ", ".join(part for part in parts if part)


def list_heading(group: dict) -> str:
    """ "32 People Rescued in May: 3 Families"; without a month, for the whole period."""
    people = group.get("people", 0)
    families = group.get("families", 0)
    if group.get("month"):
        head = ngettext(
            "%(people)s Person Rescued in %(month)s",
            "%(people)s People Rescued in %(month)s",
            people,
        ) % {"people": people, "month": month_name(group["month"])}
    else:
        head = ngettext("%(people)s Person Rescued", "%(people)s People Rescued", people) % {
            "people": people
        }
    if not families:
        return head
    tail = ngettext("%(families)s Family", "%(families)s Families", families) % {
        "families": families
    }
    return f"{head}: {tail}"


def held_back(count: int) -> str:
    return ngettext(
        "%(count)s person is not listed, to protect them.",
        "%(count)s people are not listed, to protect them.",
        count,
    ) % {"count": count}


def not_shown() -> str:
    return _("not shown")


def hidden_note(k: int) -> str:
    """What "not shown" means, said once under the figures."""
    return _(
        "“Not shown” marks a figure held back to protect the people it counts: a group "
        "smaller than %(k)s people, or a figure from which one could be worked out."
    ) % {"k": k}


def people(count: int) -> str:
    return ngettext("%(count)s person", "%(count)s people", count) % {"count": count}


def number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)
