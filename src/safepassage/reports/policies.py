"""Which people a report may count.

``reports.count`` (registered on Person and Case by this app's ``ready``; granted to every
role that holds ``reports.edit``): a report is about everyone the organisation brought to
safety, whatever their team, so its author counts every person. What the author gets of
them is only what a publication may be built from (``cases.selectors.arrivals``: month of
arrival, sex, birth year, home province, the stored pseudonym and an opaque family key),
never a name, a code, a place or a note; the disclosure control decides what of that is
shown. A report never lists cases: on Case the rule answers nothing.
"""

from __future__ import annotations


def countable_people(user, action, queryset):
    """Every person (the ``reports.count`` rule on Person)."""
    return queryset


def no_cases(user, action, queryset):
    """No case (the ``reports.count`` rule on Case): a report counts people, not cases."""
    return queryset.none()
