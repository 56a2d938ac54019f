"""Who may see and act on cases and people.

The director sees everything (capability ``cases.all``); a case worker sees the cases of
the teams they belong to, and the people in them. These policies answer every action on
cases and people except the ones another app asks and answers itself, each registered
with ``permissions.register_action`` from that app's ``ready`` and named in
``permissions.ACTIONS``: ``missions.plan`` (``rescue.policies``: the people awaiting
rescue, for coordinators), ``hope.assign`` (``fundraising.policies``: the people awaiting
rescue, by code only) and ``funds.link`` (``funds.policies``: a case code on an expense).
Finance and communications see no identities at all.
"""

from __future__ import annotations

from safepassage.accounts import permissions


def _sees_all(user) -> bool:
    return permissions.has_capability(user, "cases.all")


def _case_filter(user, action, queryset):
    return queryset if _sees_all(user) else queryset.filter(team__members=user)


def _case_check(user, action, case) -> bool:
    return _sees_all(user) or case.team.members.filter(pk=user.pk).exists()


def _person_filter(user, action, queryset):
    return queryset if _sees_all(user) else queryset.filter(case__team__members=user)


def _person_check(user, action, person) -> bool:
    return _case_check(user, action, person.case)


CASE = permissions.Policy(check=_case_check, filter=_case_filter)
PERSON = permissions.Policy(check=_person_check, filter=_person_filter)


def _testimony_filter(user, action, queryset):
    return queryset if _sees_all(user) else queryset.filter(person__case__team__members=user)


def _testimony_check(user, action, testimony) -> bool:
    return _case_check(user, action, testimony.person.case)


TESTIMONY = permissions.Policy(check=_testimony_check, filter=_testimony_filter)


def _case_record_filter(user, action, queryset):
    return queryset if _sees_all(user) else queryset.filter(case__team__members=user)


def _case_record_check(user, action, record) -> bool:
    return _case_check(user, action, record.case)


# A case note or a contact log entry: whoever may see its case.
CASE_RECORD = permissions.Policy(check=_case_record_check, filter=_case_record_filter)
