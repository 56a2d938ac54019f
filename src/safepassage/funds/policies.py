"""Which cases and missions finance may name.

``funds.link`` (registered on Case and Mission by this app's ``ready``): the director and
finance may charge an expense to any case or mission by its code, and learn nothing of it
but that the code is one they may use (the expense keeps the case's id; no page of funds
shows who was helped). A code that does not exist and one outside this rule get the same answer, so
narrowing it (to open cases, say) is a change here and nowhere else.
"""

from __future__ import annotations


def linkable_cases(user, action, queryset):
    """Cases an expense may be charged to (the ``funds.link`` rule): every case."""
    return queryset


def linkable_missions(user, action, queryset):
    """Missions an expense may be charged to (the ``funds.link`` rule): every mission."""
    return queryset
