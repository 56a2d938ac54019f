"""Every URL pattern, every role, anonymous and an outsider: the expected answer, or the
suite fails.

A new URL without an entry in MATRIX fails ``test_every_url_pattern_is_in_the_matrix``.
Pages a role may not use answer 404, the same as pages that do not exist. The outsider is
a case worker of another team than the one that owns the matrix's person and case: the
right role, the wrong team. Pages of the team's objects answer them 404
(``team_only``); every other page answers them as it answers a case worker.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from safepassage.accounts.models import Role
from safepassage.cases import services
from safepassage.testing.members import (
    default_team,
    make_member,
    make_outsider,
    signed_in_client,
)
from safepassage.testing.people import make_person

pytestmark = pytest.mark.django_db

ANON = "anonymous"
SUPER = "superuser"
OUTSIDER = "outsider"  # a case worker of another team
STAFF_ROLES = [c for c, _l in Role.Code.choices if c != Role.Code.DONOR]
# The outsider asks first: they must change nothing, so the others meet the same state.
EVERYONE = [ANON, OUTSIDER, *Role.Code.values, SUPER]
SIGNED_IN = [OUTSIDER, *Role.Code.values, SUPER]
# Placeholders of objects that belong to the case's team.
TEAM_OWNED = {"<person>", "<case>", "<testimony>", "<relief>", "<note>", "<contact>"}


def answers(default: int, **by_role: int) -> dict[str, int]:
    result = {who: default for who in EVERYONE}
    result.update(by_role)
    return result


def only(roles: list[str], *, ok: int = 200, anon: int = 302) -> dict[str, int]:
    """``ok`` for the listed roles (and the superuser, a director), 404 for other
    signed-in users, a redirect to the login page for anonymous visitors. The outsider,
    a case worker, gets what a case worker gets: the page names nothing of a team."""
    result = {who: 404 for who in SIGNED_IN}
    for role in roles:
        result[role] = ok
    if Role.Code.DIRECTOR in roles:
        result[SUPER] = ok
    result[OUTSIDER] = result[Role.Code.CASE_WORKER]
    result[ANON] = anon
    return result


def team_only(roles: list[str], *, ok: int = 200, anon: int = 302) -> dict[str, int]:
    """As ``only``, for a page of the team's person, case or testimony: 404 to the
    outsider, exactly as if it did not exist."""
    return {**only(roles, ok=ok, anon=anon), OUTSIDER: 404}


@dataclass
class Case:
    expected: dict[str, int]
    method: str = "get"
    kwargs: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)


PEOPLE_ROLES = [Role.Code.DIRECTOR, Role.Code.CASE_WORKER]
STAFF_VIEW = [Role.Code.DIRECTOR]
MISSION_ROLES = [Role.Code.DIRECTOR, Role.Code.RESCUE_COORDINATOR]
FUNDS_ROLES = [Role.Code.DIRECTOR, Role.Code.FINANCE]
REPORTS_EDIT = [Role.Code.DIRECTOR, Role.Code.COMMUNICATIONS]
REPORTS_APPROVE = [Role.Code.DIRECTOR]
HOPE_VIEW = [
    Role.Code.DIRECTOR,
    Role.Code.COMMUNICATIONS,
    Role.Code.RESCUE_COORDINATOR,
    Role.Code.FINANCE,
]
HOPE_MANAGE = [Role.Code.DIRECTOR, Role.Code.COMMUNICATIONS]
HOPE_ASSIGN = [Role.Code.DIRECTOR, Role.Code.RESCUE_COORDINATOR]
HOPE_CONSENT = [Role.Code.DIRECTOR, Role.Code.CASE_WORKER]

MATRIX: dict[str, Case] = {
    "web:home": Case(answers(302)),
    "web:dashboard": Case(only(STAFF_ROLES)),
    "web:health": Case(answers(200)),
    "accounts:login": Case(answers(302, anonymous=200)),
    "accounts:verify": Case(answers(302)),
    "accounts:cancel": Case(answers(302), method="post"),
    # Enrolling at sign-in after a second-factor reset: nobody has a pending sign-in here.
    "accounts:login_enrol": Case(answers(302)),
    "accounts:password_forgot": Case(answers(200)),
    "accounts:password_reset": Case(
        answers(404), kwargs={"uidb64": "bm90LWEtdXNlcg", "token": "made-up-token"}
    ),
    "accounts:password_reset_set": Case(answers(404)),
    "accounts:account": Case(only(STAFF_ROLES)),
    "accounts:password_change": Case(only(STAFF_ROLES)),
    "accounts:authenticator": Case(only(STAFF_ROLES)),
    "accounts:recovery_codes_new": Case(only(STAFF_ROLES)),
    "accounts:logout": Case(answers(302), method="post"),
    "accounts:confirm": Case(answers(200, anonymous=302)),
    "accounts:invitation": Case(answers(404), kwargs={"token": "made-up-token"}),
    "accounts:welcome": Case(answers(404)),
    "accounts:enrol": Case(answers(302)),
    "accounts:recovery_codes": Case(answers(302)),
    "accounts:staff": Case(only(STAFF_VIEW)),
    "accounts:staff_invite": Case(only(STAFF_VIEW)),
    "accounts:staff_roles": Case(only(STAFF_VIEW), kwargs={"user_id": "<member>"}),
    "accounts:staff_deactivate": Case(only(STAFF_VIEW), kwargs={"user_id": "<member>"}),
    "accounts:staff_reactivate": Case(only(STAFF_VIEW), kwargs={"user_id": "<member>"}),
    "accounts:staff_second_factor_reset": Case(only(STAFF_VIEW), kwargs={"user_id": "<member>"}),
    "cases:people": Case(only(PEOPLE_ROLES)),
    "cases:queue": Case(only(PEOPLE_ROLES)),
    "cases:people_csv": Case(only(PEOPLE_ROLES)),
    "cases:people_exact": Case(
        only(PEOPLE_ROLES, ok=302), method="post", data={"reason": "matrix test"}
    ),
    "cases:person": Case(team_only(PEOPLE_ROLES), kwargs={"code": "<person>"}),
    "cases:person_reveal": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<person>"},
        data={"field": "real_name", "reason": "matrix test"},
    ),
    "cases:person_status": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<person>"},
        data={"status": "in_hiding"},
    ),
    "cases:person_flags": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<person>"},
        data={"pregnant": "on"},
    ),
    "cases:relief_add": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<person>"},
        data={"kind": "food", "cost": "10", "currency": "USD", "given_on": "2026-01-05"},
    ),
    "cases:relief_confirm": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<person>", "relief_id": "<relief>"},
    ),
    "cases:support_add": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<person>"},
        data={"kind": "legal", "provider": "A legal clinic", "started_on": "2026-02-01"},
    ),
    "cases:testimony_add": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<person>"},
        data={"raw_text": "matrix words", "language": "en"},
    ),
    "cases:testimony_consent": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<testimony>"},
        data={"scope": "donors", "given_on": "2026-01-01"},
    ),
    "cases:testimony_withdraw": Case(
        team_only(PEOPLE_ROLES, ok=302), method="post", kwargs={"code": "<testimony>"}
    ),
    "cases:testimony_reveal": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<testimony>"},
        data={"field": "raw_text", "reason": "matrix test"},
    ),
    "cases:person_note_add": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<person>"},
        data={"note-text": "matrix note"},
    ),
    "cases:person_contact_add": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<person>"},
        data={
            "contact-contacted_at": "2026-01-05T09:30",
            "contact-channel": "phone",
            "contact-direction": "outbound",
            "contact-summary": "matrix call",
        },
    ),
    "cases:case_note_add": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<case>"},
        data={"note-text": "matrix note"},
    ),
    "cases:case_contact_add": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<case>"},
        data={
            "contact-contacted_at": "2026-01-05T09:30",
            "contact-channel": "phone",
            "contact-direction": "outbound",
            "contact-summary": "matrix call",
        },
    ),
    "cases:note_reveal": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<note>"},
        data={"field": "text", "reason": "matrix test"},
    ),
    "cases:contact_reveal": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<contact>"},
        data={"field": "summary", "reason": "matrix test"},
    ),
    "cases:case_urgency": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<case>"},
        data={"urgency": "critical"},
    ),
    "cases:teams": Case(only(STAFF_VIEW)),
    "cases:team": Case(only(STAFF_VIEW), kwargs={"team_id": "<team>"}),
    "cases:cases": Case(only(PEOPLE_ROLES)),
    "cases:case_new": Case(only(PEOPLE_ROLES)),
    "cases:case": Case(team_only(PEOPLE_ROLES), kwargs={"code": "<case>"}),
    "cases:case_person_new": Case(team_only(PEOPLE_ROLES), kwargs={"code": "<case>"}),
    "cases:case_group_new": Case(
        team_only(PEOPLE_ROLES, ok=302),
        method="post",
        kwargs={"code": "<case>"},
        data={"label": "Family A", "people": []},
    ),
    "set_language": Case(answers(302), method="post", data={"language": "en"}),
    # Rescue missions: coordinators and the director.
    "rescue:board": Case(only(MISSION_ROLES)),
    "rescue:mission_new": Case(only(MISSION_ROLES)),
    "rescue:mission": Case(only(MISSION_ROLES), kwargs={"code": "<mission>"}),
    "rescue:mission_status": Case(
        only(MISSION_ROLES, ok=302),
        method="post",
        kwargs={"code": "<mission>"},
        data={"action": "start"},
    ),
    # The confirmation page of an irreversible action; its form posts to mission_status.
    "rescue:mission_confirm": Case(
        only(MISSION_ROLES), kwargs={"code": "<mission>", "action": "abort"}
    ),
    # A partner's note: whoever may see the mission, after an audited reveal.
    "rescue:note_reveal": Case(
        only(MISSION_ROLES, ok=302),
        method="post",
        kwargs={"code": "<mission>", "check_in_code": "<check_in>"},
        data={"field": "reason", "reason": "matrix test"},
    ),
    "rescue:mission_outcome": Case(
        only(MISSION_ROLES, ok=302),
        method="post",
        kwargs={"code": "<mission>"},
        data={"person": "<mission_person>", "outcome": "left"},
    ),
    "rescue:mission_check_in": Case(
        only(MISSION_ROLES, ok=302),
        method="post",
        kwargs={"code": "<mission>"},
        data={"kind": "delayed", "delay_hours": "2", "key": "matrix-key-1"},
    ),
    "rescue:mission_cost": Case(
        only(MISSION_ROLES, ok=302),
        method="post",
        kwargs={"code": "<mission>"},
        data={
            "description": "Bus tickets",
            "amount": "30",
            "currency": "USD",
            "spent_on": "2026-01-05",
        },
    ),
    "rescue:link_new": Case(
        only(MISSION_ROLES),
        method="post",
        kwargs={"code": "<mission>"},
        data={"partner": "<partner>"},
    ),
    "rescue:link_revoke": Case(
        only(MISSION_ROLES, ok=302), method="post", kwargs={"link_id": "<link>"}
    ),
    "rescue:alert_ack": Case(
        only(MISSION_ROLES, ok=302), method="post", kwargs={"alert_id": "<alert>"}
    ),
    "rescue:safe_points": Case(only(MISSION_ROLES)),
    "rescue:safe_point_new": Case(only(MISSION_ROLES)),
    "rescue:safe_point": Case(only(MISSION_ROLES), kwargs={"code": "<safe_point>"}),
    # Only people named on the safe point may reveal it: the coordinator is, the director
    # (and the superuser) are not.
    "rescue:safe_point_reveal": Case(
        {**only([Role.Code.RESCUE_COORDINATOR], ok=302)},
        method="post",
        kwargs={"code": "<safe_point>"},
        data={"field": "real_place", "reason": "matrix test"},
    ),
    "rescue:safe_point_people": Case(
        only([Role.Code.DIRECTOR], ok=302),
        method="post",
        kwargs={"code": "<safe_point>"},
        data={"people": ["<coordinator>"]},
    ),
    "rescue:routes": Case(only(MISSION_ROLES)),
    "rescue:route_new": Case(only(MISSION_ROLES)),
    "rescue:partners": Case(only(MISSION_ROLES)),
    "rescue:partner_new": Case(only(MISSION_ROLES)),
    "rescue:partner": Case(only(MISSION_ROLES), kwargs={"code": "<partner>"}),
    "rescue:partner_reveal": Case(
        only(MISSION_ROLES, ok=302),
        method="post",
        kwargs={"code": "<partner>"},
        data={"field": "phone", "reason": "matrix test"},
    ),
    # Funds: finance and the director.
    "funds:totals": Case(only(FUNDS_ROLES)),
    "funds:rates": Case(only(FUNDS_ROLES)),
    "funds:donations": Case(only(FUNDS_ROLES)),
    "funds:donations_csv": Case(only(FUNDS_ROLES)),
    "funds:donation_new": Case(only(FUNDS_ROLES)),
    "funds:donation": Case(only(FUNDS_ROLES), kwargs={"code": "<donation>"}),
    "funds:donation_reverse": Case(
        only(FUNDS_ROLES, ok=302),
        method="post",
        kwargs={"code": "<donation>"},
        data={"reason": "matrix test"},
    ),
    "funds:donors": Case(only(FUNDS_ROLES)),
    "funds:donor_new": Case(only(FUNDS_ROLES)),
    "funds:donor": Case(only(FUNDS_ROLES), kwargs={"code": "<donor>"}),
    "funds:donor_reveal": Case(
        only(FUNDS_ROLES, ok=302),
        method="post",
        kwargs={"code": "<donor>"},
        data={"field": "email", "reason": "matrix test"},
    ),
    "funds:donor_merge": Case(
        only(FUNDS_ROLES, ok=302),
        method="post",
        kwargs={"code": "<donor>"},
        data={"duplicate": "<donor2>"},
    ),
    "funds:expenses": Case(only(FUNDS_ROLES)),
    "funds:expenses_csv": Case(only(FUNDS_ROLES)),
    "funds:expense_new": Case(only(FUNDS_ROLES)),
    "funds:expense": Case(only(FUNDS_ROLES), kwargs={"code": "<expense>"}),
    "funds:expense_status": Case(
        only(FUNDS_ROLES, ok=302),
        method="post",
        kwargs={"code": "<expense>"},
        data={"action": "submit"},
    ),
    "funds:expense_receipt_add": Case(
        only(FUNDS_ROLES, ok=302), method="post", kwargs={"code": "<expense>"}
    ),
    "funds:expense_receipt": Case(
        only(FUNDS_ROLES), kwargs={"code": "<expense>", "receipt": "<expense_receipt>"}
    ),
    "funds:imports": Case(only(FUNDS_ROLES)),
    "funds:import_batch": Case(only(FUNDS_ROLES), kwargs={"batch_id": "<batch>"}),
    "funds:mappings": Case(only(FUNDS_ROLES)),
    "funds:receipts": Case(only(FUNDS_ROLES)),
    "funds:receipt_issue": Case(
        only(FUNDS_ROLES, ok=302), method="post", kwargs={"code": "<donation>"}
    ),
    "funds:statement_issue": Case(
        only(FUNDS_ROLES, ok=302),
        method="post",
        kwargs={"code": "<donor>"},
        data={"year": "2026"},
    ),
    "funds:receipt_pdf": Case(only(FUNDS_ROLES), kwargs={"number": "<receipt>"}),
    "funds:receipt_send": Case(
        only(FUNDS_ROLES, ok=302), method="post", kwargs={"number": "<receipt>"}
    ),
    "funds:donor_tax": Case(only(FUNDS_ROLES), kwargs={"code": "<donor>"}),
    "funds:gift_in_kind": Case(only(FUNDS_ROLES), kwargs={"code": "<donation>"}),
    "funds:issued_statement": Case(only(FUNDS_ROLES), kwargs={"year": 2026}),
    # Hope Sharing: seen by the director, communications, coordinators and finance; changed
    # by the director and communications; shares given out by the director and coordinators;
    # consent recorded by the director and case workers (of the person's team).
    "fundraising:board": Case(only(HOPE_VIEW)),
    "fundraising:cost_set": Case(
        only(HOPE_MANAGE, ok=302),
        method="post",
        data={"starts_on": "2026-01-01", "amount": "3000000"},
    ),
    "fundraising:assign_waiting": Case(only(HOPE_ASSIGN, ok=302), method="post"),
    # No share chosen: refused with its reason (400) to those who may assign at all.
    "fundraising:share_assign": Case(
        only(HOPE_ASSIGN, ok=400), method="post", data={"share": "", "person": ""}
    ),
    "fundraising:campaigns": Case(only(HOPE_VIEW)),
    "fundraising:campaign_new": Case(only(HOPE_MANAGE)),
    "fundraising:campaign": Case(only(HOPE_VIEW), kwargs={"code": "<campaign>"}),
    "fundraising:campaign_edit": Case(only(HOPE_MANAGE), kwargs={"code": "<campaign>"}),
    "fundraising:events": Case(only(HOPE_VIEW)),
    "fundraising:event_new": Case(only(HOPE_MANAGE)),
    "fundraising:pledges": Case(only(HOPE_VIEW)),
    "fundraising:pledge_new": Case(only(HOPE_MANAGE)),
    "fundraising:pledge": Case(only(HOPE_VIEW), kwargs={"code": "<pledge>"}),
    # The director (first to ask) cancels it; after that it is no longer active (400).
    "fundraising:pledge_cancel": Case(
        {**only(HOPE_MANAGE, ok=400), Role.Code.DIRECTOR: 302},
        method="post",
        kwargs={"code": "<pledge>"},
        data={"reason": "matrix test"},
    ),
    "fundraising:matching": Case(only(HOPE_VIEW)),
    "fundraising:matching_new": Case(only(HOPE_MANAGE)),
    "fundraising:sponsors": Case(only(HOPE_VIEW)),
    "fundraising:sponsor_new": Case(
        only(HOPE_MANAGE, ok=302), method="post", data={"donor": "<donor>", "mode": "pool"}
    ),
    "fundraising:consent": Case(
        team_only(HOPE_CONSENT, ok=302),
        method="post",
        kwargs={"code": "<person>"},
        data={"given_on": "2026-01-01"},
    ),
    # The director (first to ask) withdraws it; after that there is none to withdraw (400).
    "fundraising:consent_withdraw": Case(
        {**team_only(HOPE_CONSENT, ok=400), Role.Code.DIRECTOR: 302},
        method="post",
        kwargs={"code": "<person>"},
    ),
    # No account: the sponsor's secret link, and public campaigns, open to all.
    "sponsor-page": Case(answers(200), kwargs={"token": "<sponsor_token>"}),
    "give": Case(answers(200), kwargs={"code": "<campaign>"}),
    # Published reports: open to all; a report not published for the public is 404 to all.
    # Reports, staff side: seen and written by the director and communications; approved,
    # published, retracted and scheduled by the director.
    "reports:list": Case(only(REPORTS_EDIT)),
    "reports:cadence_set": Case(
        only(REPORTS_APPROVE, ok=302),
        method="post",
        data={"months": "3", "grace_days": "30", "starts_on": "2026-01"},
    ),
    "reports:new": Case(only(REPORTS_EDIT)),
    "reports:report": Case(only(REPORTS_EDIT), kwargs={"slug": "<report>"}),
    "reports:edit": Case(only(REPORTS_EDIT), kwargs={"slug": "<report>"}),
    "reports:preview": Case(only(REPORTS_EDIT), kwargs={"slug": "<report>", "fmt": "html"}),
    "reports:section_add": Case(
        only(REPORTS_EDIT, ok=302),
        method="post",
        kwargs={"slug": "<report>"},
        data={"kind": "text"},
    ),
    "reports:section_write": Case(
        only(REPORTS_EDIT, ok=302),
        method="post",
        kwargs={"slug": "<report>", "number": "<section>"},
        data={"text_en": "Matrix words"},
    ),
    "reports:section_move": Case(
        only(REPORTS_EDIT, ok=302),
        method="post",
        kwargs={"slug": "<report>", "number": "<section>"},
        data={"to": "down"},
    ),
    # The director (first to ask) removes it; after that there is no such section (404).
    "reports:section_remove": Case(
        {**only(REPORTS_EDIT, ok=404), Role.Code.DIRECTOR: 302},
        method="post",
        kwargs={"slug": "<report>", "number": "<section>"},
    ),
    "reports:submit": Case(only(REPORTS_EDIT, ok=302), method="post", kwargs={"slug": "<report>"}),
    "reports:reopen": Case(only(REPORTS_EDIT, ok=302), method="post", kwargs={"slug": "<report>"}),
    "reports:return": Case(
        only(REPORTS_APPROVE, ok=302),
        method="post",
        kwargs={"slug": "<report>"},
        data={"comment": "matrix"},
    ),
    "reports:approve": Case(
        only(REPORTS_APPROVE, ok=302),
        method="post",
        kwargs={"slug": "<report>"},
        data={"reviewed": "0" * 64},
    ),
    "reports:publish": Case(only(REPORTS_APPROVE), kwargs={"slug": "<report>"}),
    "reports:retract": Case(
        only(REPORTS_APPROVE, ok=302),
        method="post",
        kwargs={"slug": "<report>"},
        data={"reason": "matrix"},
    ),
    "reports:correct": Case(
        only(REPORTS_EDIT, ok=302),
        method="post",
        kwargs={"slug": "<report>"},
        data={"changes": "matrix"},
    ),
    "reports_public:index": Case(answers(200)),
    "reports_public:feed": Case(answers(200)),
    "reports_public:transparency": Case(answers(200)),
    "reports_public:report": Case(answers(200), kwargs={"slug": "<public_report>"}),
    "reports_public:pdf": Case(answers(200), kwargs={"slug": "<public_report>"}),
    # The field partner's page: no account; a made-up, revoked or expired token is 404 to all.
    "checkin:page": Case(answers(404), kwargs={"token": "made-up-token-" + "x" * 40}),
    # Report subscriptions: anyone may ask; a made-up confirmation or unsubscribe token is
    # 404 to all.
    "reports_subscriptions:subscribe": Case(answers(200)),
    "reports_subscriptions:subscribe_sent": Case(answers(200)),
    "reports_subscriptions:confirm": Case(answers(404), kwargs={"token": "made-up-" + "x" * 40}),
    "reports_subscriptions:unsubscribe": Case(
        answers(404), kwargs={"token": "made-up-" + "x" * 40}
    ),
    "api:openapi-json": Case(answers(200)),
    "api:api-root": Case(answers(404)),
    "api:check_in_status": Case(answers(404)),
    "api:check_in": Case(answers(404), method="post"),
}

# Pages opened by a secret link: never cached, even for someone without an account.
TOKEN_PAGES = {
    "accounts:invitation",
    "accounts:password_reset",
    "sponsor-page",
    "checkin:page",
    "reports_subscriptions:confirm",
    "reports_subscriptions:unsubscribe",
}

# The admin is for verified superusers only; everyone else gets 404 on every admin URL.
ADMIN_SUPERUSER_OK = {
    "admin:index": 200,
    "admin:accounts_user_changelist": 200,
    "admin:audit_auditentry_changelist": 200,
}


def placeholders(name: str) -> set[str]:
    """The objects a URL of the matrix names, by their placeholders."""
    case = MATRIX[name]
    values = [*case.kwargs.values(), *case.data.values()]
    flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
    return {v for v in flat if isinstance(v, str) and v.startswith("<")}


def test_every_page_of_a_teams_object_is_404_to_the_outsider():
    """A page of the team's person, case or testimony that a case worker may use must be
    ``team_only``: the outsider, a case worker of another team, may not."""
    missed = [
        name
        for name, case in MATRIX.items()
        if placeholders(name) & TEAM_OWNED
        and case.expected[Role.Code.CASE_WORKER] != 404
        and case.expected[OUTSIDER] != 404
    ]
    assert missed == []


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry, prefix + str(entry.pattern), full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name or prefix + str(entry.pattern), prefix + str(entry.pattern), entry


def all_patterns():
    return list(_walk(get_resolver()))


def test_every_url_pattern_is_in_the_matrix():
    missing = [
        name
        for name, route, _entry in all_patterns()
        if name not in MATRIX and not route.startswith("admin/")
    ]
    assert missing == [], f"add these URLs to the authorization matrix: {missing}"


@pytest.fixture
def clients(db):
    people = {}
    for who in EVERYONE:
        if who in (ANON, OUTSIDER):
            people[who] = None
        elif who == SUPER:
            people[who] = make_member(Role.Code.DIRECTOR, superuser=True)
        else:
            people[who] = make_member(who)
    # The case worker belongs to the team that owns the test case; the outsider, a case
    # worker too, to another team only (tests/attack/test_authorization.py adds a
    # coordinator not named on a safe point).
    people[OUTSIDER] = make_outsider()
    default_team().members.add(people[Role.Code.CASE_WORKER].user)
    return people


def rescue_objects(coordinator) -> dict:
    """A planned mission with a partner's link and an alert; the coordinator is named on
    its first safe point."""
    from safepassage.rescue.models import AlertKind
    from safepassage.rescue.services import alerts, checkins, places
    from safepassage.testing.rescue import make_mission, make_partner, waiting_family

    people = waiting_family(1)
    partner = make_partner()
    mission = make_mission(people=people, lead=coordinator)
    issued = checkins.link_issue(actor=coordinator, mission=mission, partner=partner)
    alert = alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor="matrix")
    noted = checkins.submit(
        mission=mission,
        link=issued.link,
        report=checkins.Report(key="matrix-note-1", kind="delayed", reason="Matrix note"),
    ).check_in
    point = mission.legs.get(position=1).from_point
    places.safe_point_name_people(actor=None, safe_point=point, people=[coordinator])
    return {
        "<mission>": mission.code,
        "<mission_person>": people[0].code,
        "<partner>": partner.code,
        "<link>": issued.link.pk,
        "<alert>": alert.pk,
        "<check_in>": noted.code,
        "<safe_point>": point.code,
        "<coordinator>": str(coordinator.pk),
    }


def funds_objects() -> dict:
    """Two donors, a gift in the base currency, an expense with a receipt, an import batch
    and an issued receipt for the gift."""
    import datetime as dt

    from django.utils import timezone

    from safepassage.funds.models import ImportBatch, Receipt
    from safepassage.funds.services import donations, donors, expenses

    donor = donors.donor_create(actor=None, name="Matrix Donor", email="m@example.org")
    other = donors.donor_create(actor=None, name="Matrix Twin", email="twin@example.org")
    gift = donations.donation_record(
        actor=None,
        donor=donor,
        gross_minor=50_000,
        currency="KRW",
        received_on=dt.date(2026, 1, 5),
        channel="bank",
    )
    expense = expenses.expense_create(
        actor=None,
        category="administration",
        description="Stamps",
        amount_minor=3_000,
        currency="KRW",
        spent_on=dt.date(2026, 1, 6),
    )
    scan = expenses.receipt_attach(
        actor=None,
        expense=expense,
        filename="stamps.pdf",
        content=b"%PDF-1.4 matrix",
        content_type="application/pdf",
    )
    batch = ImportBatch.objects.create(kind="platform", sha256="0" * 64, filename="m.csv")
    receipt = Receipt.objects.create(
        number="2026-999999",
        year=2026,
        seq=999_999,
        kind=Receipt.Kind.GIFT,
        donor=donor,
        donation=None,
        language="en",
        total_minor=50_000,
        currency="KRW",
        issued_at=timezone.now(),
    )
    return {
        "<donor>": donor.code,
        "<donor2>": other.code,
        "<donation>": gift.code,
        "<expense>": expense.code,
        "<expense_receipt>": scan.code,
        "<batch>": batch.pk,
        "<receipt>": receipt.number,
    }


def fundraising_objects(person, donor_code: str) -> dict:
    """A public campaign, an active pledge, a sponsor with a page link, and the person's
    consent to sponsorship."""
    from django.utils import timezone

    from safepassage.fundraising.services import campaigns, consent, pledges, sponsors
    from safepassage.funds.models import Donor

    donor = Donor.objects.get(code=donor_code)
    campaign = campaigns.campaign_create(
        actor=None, code="matrix-campaign", name="Matrix campaign", public=True
    )
    pledge = pledges.pledge_create(
        actor=None,
        donor=donor,
        currency="KRW",
        total_minor=120_000,
        instalments=12,
        frequency="monthly",
        starts_on=timezone.localdate(),
    )
    sponsor = sponsors.sponsor_enrol(actor=None, donor=donor)
    consent.consent_record(actor=None, person=person, given_on=timezone.localdate())
    return {
        "<campaign>": campaign.code,
        "<pledge>": pledge.code,
        "<sponsor_token>": sponsors.page_link(sponsor=sponsor),
    }


def reports_objects() -> dict:
    """A published public report (a small one: its PDF is rendered for every role) and a
    draft, which the public pages answer 404 (``reports/tests/test_outputs.py``)."""
    from safepassage.testing.reports_snapshots import make_public_report, make_snapshot

    snapshot = make_snapshot(slug="matrix-report")
    snapshot["sections"] = snapshot["sections"][:1]
    make_public_report(snapshot)
    draft = make_public_report(
        make_snapshot(slug="matrix-draft", draft=True), state="draft", releases=()
    )
    section = draft.sections.create(position=1, kind="headline")
    draft.sections.create(position=2, kind="text")
    return {"<public_report>": "matrix-report", "<report>": "matrix-draft", "<section>": section.pk}


def _client_for(member) -> Client:
    return Client() if member is None else signed_in_client(member)


def _url(name: str, kwargs: dict, objects: dict) -> str:
    from django.urls import reverse

    filled = {key: objects.get(value, value) for key, value in kwargs.items()}
    return reverse(name, kwargs=filled)


def build_objects(clients) -> dict:
    """One of every object the matrix's URLs name, keyed by their placeholders."""
    person = make_person(real_name="Matrix Person", sex="female")
    relief = services.relief_add(
        actor=None,
        person=person,
        kind="food",
        cost_minor=100,
        currency="USD",
        given_on=datetime.date(2026, 1, 2),
    )
    testimony = services.record_testimony(actor=None, person=person, raw_text="words")
    note = services.case_note_add(actor=None, case=person.case, text="matrix note")
    contact = services.contact_log_add(
        actor=None, case=person.case, channel="phone", direction="inbound", summary="a call"
    )
    rescue = rescue_objects(clients[Role.Code.RESCUE_COORDINATOR].user)
    funds = funds_objects()
    return {
        **rescue,
        **funds,
        **fundraising_objects(person, funds["<donor>"]),
        **reports_objects(),
        "<person>": person.code,
        "<member>": clients[Role.Code.FINANCE].user.pk,
        "<case>": person.case.code,
        "<team>": person.case.team_id,
        "<relief>": relief.pk,
        "<testimony>": testimony.code,
        "<note>": note.code,
        "<contact>": contact.code,
    }


def request_for(name: str, objects: dict) -> tuple[str, dict]:
    """The URL and the body of the matrix's request to ``name``."""
    case = MATRIX[name]
    data = {
        key: (
            [objects.get(v, v) for v in value]
            if isinstance(value, list)
            else objects.get(value, value)
        )
        for key, value in case.data.items()
    }
    return _url(name, case.kwargs, objects), data


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_the_expected_answer(name, clients):
    case = MATRIX[name]
    url, data = request_for(name, build_objects(clients))
    got = {}
    cacheable = []
    for who in EVERYONE:
        client = _client_for(clients[who])
        response = getattr(client, case.method)(url, data)
        got[who] = response.status_code
        private = who != ANON or name in TOKEN_PAGES
        if private and "no-store" not in response.get("Cache-Control", ""):
            cacheable.append(who)
    assert got == case.expected
    # Whatever a signed-in person (or a token holder) was answered, no cache may keep it.
    assert cacheable == []


def _admin_samples():
    for name, route, entry in all_patterns():
        if route.startswith("admin/"):
            yield name, route, entry


def test_the_admin_is_404_to_everyone_but_a_verified_superuser(clients):
    checked = 0
    for _name, route, entry in _admin_samples():
        url = "/" + route
        for converter in entry.pattern.converters:
            url = url.replace(f"<{converter}>", "x")
        import re

        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(uuid.uuid4()), url)
        url = re.sub(r"[\^\$]|\(\?P<\w+>[^)]*\)", "x", url)
        for who in EVERYONE:
            if who == SUPER:
                continue
            response = _client_for(clients[who]).get(url)
            assert response.status_code == 404, (who, url, response.status_code)
        checked += 1
    assert checked > 10
    superuser = _client_for(clients[SUPER])
    from django.urls import reverse

    for name, status in ADMIN_SUPERUSER_OK.items():
        assert superuser.get(reverse(name)).status_code == status, name
