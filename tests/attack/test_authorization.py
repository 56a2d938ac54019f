"""Every URL of the authorization matrix, asked by every role, an anonymous visitor, and an
outsider: a member of the right role who is not in the object's team (a case worker of
another team) or not named on it (a coordinator not named on a safe point).

The matrix (``tests/test_authorization_matrix.py``) fixes what each role gets; this walk
adds the outsiders, and checks the security headers of every response it gets.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client

from safepassage.accounts.models import Role
from safepassage.cases import services as cases
from safepassage.testing.members import make_member, signed_in_client
from tests.attack.figures import report
from tests.test_authorization_matrix import (
    ANON,
    EVERYONE,
    MATRIX,
    build_objects,
    clients,  # noqa: F401  (the matrix's people in every role, a fixture)
    request_for,
)

pytestmark = pytest.mark.django_db

# Placeholders of objects that belong to a case's team: only its members (and those who
# see every case) may reach them.
TEAM_OWNED = {"<person>", "<case>", "<testimony>", "<relief>"}
# Only the people named on a safe point may reveal it.
NAMED_ONLY = {"rescue:safe_point_reveal"}
# Lists a case worker may open: an outsider's must not show the team's person or case.
LISTS = ["cases:people", "cases:queue", "cases:people_csv", "cases:cases"]
# Requests that end the session they are sent in.
SIGNS_OUT = {"accounts:logout", "accounts:cancel"}


def placeholders(name: str) -> set[str]:
    case = MATRIX[name]
    values = [*case.kwargs.values(), *case.data.values()]
    flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
    return {v for v in flat if isinstance(v, str) and v.startswith("<")}


def outsider_expectations() -> dict[tuple[str, str], int]:
    """(URL name, outsider) -> 404 for every object URL the insider of that role may use."""
    expected = {}
    for name, case in MATRIX.items():
        if case.expected[Role.Code.CASE_WORKER] != 404 and placeholders(name) & TEAM_OWNED:
            expected[name, "case worker of another team"] = 404
        if name in NAMED_ONLY:
            expected[name, "coordinator not named"] = 404
    return expected


HTML_CHECKS = {
    "CSP without unsafe-inline": lambda r: (
        "Content-Security-Policy" in r and "unsafe-inline" not in r["Content-Security-Policy"]
    ),
    "no framing": lambda r: (
        r.get("X-Frame-Options") == "DENY"
        and "frame-ancestors 'none'" in r.get("Content-Security-Policy", "")
    ),
    "nosniff": lambda r: r.get("X-Content-Type-Options") == "nosniff",
    "referrer policy": lambda r: r.get("Referrer-Policy") in {"same-origin", "no-referrer"},
}


def header_failures(response, *, signed_in: bool) -> list[str]:
    failed = []
    if response["Content-Type"].startswith("text/html"):
        failed += [check for check, ok in HTML_CHECKS.items() if not ok(response)]
    # Pages and exports with revealed plaintext must never sit in a cache.
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        failed.append("Cache-Control: no-store")
    return failed


def test_every_url_by_every_role_and_outsider(clients):  # noqa: F811
    objects = build_objects(clients)
    other_team = cases.team_create(actor=None, name="Another team")
    outsider = make_member(Role.Code.CASE_WORKER)
    other_team.members.add(outsider.user)
    people = {
        **clients,
        "case worker of another team": outsider,
        "coordinator not named": make_member(Role.Code.RESCUE_COORDINATOR),
    }
    sessions: dict[str, Client] = {}

    def client_of(who: str) -> Client:
        if who not in sessions:
            member = people[who]
            sessions[who] = Client() if member is None else signed_in_client(member)
        return sessions[who]

    expected = outsider_expectations()
    outsiders = ["case worker of another team", "coordinator not named"]
    wrong, bad_headers, requests, html = [], [], 0, 0
    for name in sorted(MATRIX):
        url, data = request_for(name, objects)
        method = MATRIX[name].method
        # Outsiders first: they must change nothing, so the others meet the same state.
        for who in [*outsiders, *EVERYONE]:
            response = getattr(client_of(who), method)(url, data)
            requests += 1
            html += response["Content-Type"].startswith("text/html")
            if (name, who) in expected and response.status_code != expected[name, who]:
                wrong.append((name, who, response.status_code))
            if response.status_code >= 500:
                wrong.append((name, who, response.status_code))
            for failed in header_failures(response, signed_in=who != ANON):
                bad_headers.append((failed, name, who))
            if name in SIGNS_OUT:
                sessions.pop(who, None)
    stranger = client_of("case worker of another team")
    for name in LISTS:
        response = stranger.get(request_for(name, objects)[0])
        content = b"".join(response.streaming_content) if response.streaming else response.content
        requests += 1
        for code in (objects["<person>"], objects["<case>"]):
            if code.encode() in content:
                wrong.append((name, "case worker of another team", f"shows {code}"))
    report(
        "authorization",
        **{
            "URLs": len(MATRIX),
            "requests": requests,
            "outsider requests": len(expected) + len(LISTS),
            "wrong answers": len(wrong),
        },
    )
    failures = Counter(f for f, _n, _w in bad_headers)
    report(
        "headers",
        **{"responses checked": requests, "HTML": html, "failing a check": len(bad_headers)},
    )
    assert wrong == []
    assert not failures, f"{dict(failures)}; e.g. {bad_headers[:5]}"
