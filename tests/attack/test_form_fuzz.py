"""hypothesis over every staff form: hostile bodies (control characters, NUL, huge numbers,
impossible and far dates, long unicode) posted by a signed-in user who may post there get a
clear answer, never a server error.

The forms are found, not listed: every page of the authorization matrix is opened by a user
who may open it, and every POST form on it (and every POST URL of the matrix) is a target.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safepassage.accounts.models import Role
from safepassage.testing.members import signed_in_client
from tests.attack.figures import report
from tests.test_authorization_matrix import (
    MATRIX,
    SUPER,
    build_objects,
    clients,  # noqa: F401  (the matrix's people in every role, a fixture)
    request_for,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 8
# The values that most often break a form that accepts everything else.
EDGES = ["9999-12-31", "9" * 25, "a\x00b"]
# Forms that end the session or leave the signed-in part of the site.
SKIP = {"accounts:logout", "accounts:cancel", "set_language", "accounts:login", "accounts:verify"}
NOT_FIELDS = {"csrfmiddlewaretoken"}
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t\x0b\x0c\x1b[31m",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "31/12/2026",
    "99999999999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "0x10",
    "\uff11\uff12\uff13",  # full-width digits
    "٣",
    "\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45",  # full-width letters
    "김" * 5000,
    "\U0001d54f" * 300,  # outside the Basic Multilingual Plane
    "\u202e\u200b\ufeff",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
]
value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),  # any code point but surrogates: controls, NUL, unassigned
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
)
field_value = st.one_of(value, st.lists(value, max_size=3))


# A plausible value for each kind of input, so that a body can be valid but for the one
# hostile field (a far date in an otherwise good pledge).
PLAUSIBLE = {"number": "3", "date": "2026-01-05", "email": "fuzz@example.org", "checkbox": "on"}


# Fields whose plausible value is an object's code or an amount, by name.
PLAUSIBLE_BY_NAME = {
    "donor": "<donor>",
    "duplicate": "<donor2>",
    "person": "<person>",
    "partner": "<partner>",
    "total": "120000",
    "amount": "30",
    "cost": "10",
    "gross": "50000",
    "fee": "0",
    "year": "2026",
    "iban": "DE89 3704 0044 0532 0130 00",
    "phone": "+86 139 1234 5678",
}


class Forms(HTMLParser):
    """The POST forms of a page: action, and each field with a plausible value."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: tuple[str, dict[str, str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = (attrs.get("action") or "", {})
            return
        if self._current is None:
            return
        fields, name = self._current[1], attrs.get("name")
        if tag == "option" and self._select and attrs.get("value"):
            fields.setdefault(self._select, attrs["value"])
        if not name or name in NOT_FIELDS:
            return
        if tag == "select":
            self._select = name
        elif tag == "textarea":
            fields.setdefault(name, "words")
        elif tag in {"input", "button"}:
            kind = (attrs.get("type") or "text").lower()
            if kind != "file":
                fields.setdefault(name, attrs.get("value") or PLAUSIBLE.get(kind, "words"))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def hostile_bodies(plain: dict[str, str]):
    """A plausible body with one field made hostile (mostly), or several made hostile and
    some left out: one bad field in an otherwise good form reaches the deepest code."""
    if not plain:
        return st.just({})
    names = sorted(plain)
    one = st.tuples(st.sampled_from(names), field_value).map(
        lambda change: {**plain, change[0]: change[1]}
    )
    many = st.tuples(
        st.fixed_dictionaries({}, optional=dict.fromkeys(names, field_value)),
        st.sets(st.sampled_from(names)),
    ).map(
        lambda pair: {
            **{k: v for k, v in plain.items() if k not in pair[1]},
            **pair[0],
        }
    )
    return st.one_of(one, one, one, many)


def poster(name: str) -> str | None:
    """Someone the matrix lets use ``name``: the superuser if allowed, else the first role."""
    case = MATRIX[name]
    ok = {200} if case.method == "get" else {200, 302, 400}
    for who in [SUPER, *Role.Code.values]:
        if case.expected.get(who) in ok:
            return who
    return None


def url_name(url: str) -> str | None:
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return None
    return match.view_name


def targets(clients, objects) -> dict[str, tuple[str, dict[str, str]]]:  # noqa: F811
    """action URL -> (who posts, a plausible body)."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for name in sorted(MATRIX):
        who = poster(name)
        if who is None or name in SKIP or clients[who] is None:
            continue
        url, data = request_for(name, objects)
        if MATRIX[name].method == "post":
            found.setdefault(url, (who, {}))[1].update(data)
            continue
        page = signed_in_client(clients[who]).get(url)
        if not page["Content-Type"].startswith("text/html"):
            continue
        parser = Forms()
        parser.feed(page.content.decode("utf-8"))
        for action, fields in parser.forms:
            target = urljoin(url, action) if action else url
            if url_name(target) in SKIP or url_name(target) is None:
                continue
            plausible = {
                field: objects.get(PLAUSIBLE_BY_NAME.get(field, ""), PLAUSIBLE_BY_NAME.get(field))
                or given
                for field, given in fields.items()
            }
            found.setdefault(target, (who, {}))[1].update(plausible)
    return found


def test_no_form_post_is_a_server_error(clients):  # noqa: F811
    objects = build_objects(clients)
    found = targets(clients, objects)
    assert len(found) >= 40, sorted(found)
    sessions = {}
    posts: list[int] = []
    errors: list[tuple[str, dict]] = []
    for target, (who, fields) in sorted(found.items()):
        if who not in sessions:
            sessions[who] = signed_in_client(clients[who])
            sessions[who].raise_request_exception = False
        send = poster_for(sessions[who], target, posts, errors)
        # Each field once at each edge, the rest plausible; then hypothesis's own search.
        for field in sorted(fields):
            for edge in EDGES:
                send({**fields, field: edge})
        fuzz(hostile_bodies(fields), send)
    report("form fuzz", forms=len(found), posts=len(posts), **{"server errors": len(errors)})
    shown = [(t, {k: str(v)[:40] for k, v in d.items()}) for t, d in errors[:10]]
    assert errors == [], shown


def poster_for(client, target: str, posts: list, errors: list):
    def send(data: dict) -> None:
        response = client.post(target, data)
        posts.append(response.status_code)
        if response.status_code >= 500:
            errors.append((target, data))

    return send


def fuzz(bodies, send) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=bodies)
    def run(data):
        send(data)

    run()
