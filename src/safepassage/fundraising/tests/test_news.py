"""What a sponsor receives: e-mails in their language through the queue, and a private page,
with nothing that identifies the person (checked against protected values and
quasi-identifiers)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from safepassage.cases import services as cases
from safepassage.cases.models import ConsentScope, Province, Status
from safepassage.fundraising.models import NewsDelivery, Share
from safepassage.testing.hope import COST, gift, hope, sponsor, waiting
from safepassage.testing.people import make_case
from safepassage.vault.records import read

# The worker closes a connection left inside a transaction: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


def _family():
    case = make_case()
    mother = waiting(
        case=case,
        real_name="Ri Sunhui Testname",
        birth_year=1999,
        province="north_hamgyong",
        phone="+86 139 0000 1234",
        whereabouts="Room 12, Yanji test street",
    )
    child = waiting(case=case, real_name="Ri Child Testname", birth_year=2023, sex="male")
    cases.group_create(actor=None, case=case, label="Family T", people=[mother, child])
    return mother, child


def _identifiers(person) -> list[str]:
    """What must never reach a sponsor: protected values and the quasi-identifiers."""
    found = [person.code, str(person.birth_year)]
    for language in ("en", "ko"):
        with translation.override(language):
            found.append(str(Province(person.province).label))
    for name in ("real_name", "phone", "whereabouts", "aliases"):
        value = read(person, name)
        if value:
            found.append(value)
            found += [part for part in value.split() if len(part) > 2]
    found.append(person.real_name.masked)
    return [f for f in found if f]


def _text(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return f"{message['Subject']}\n{body}"


def _testimony(person, text: str, scope: str):
    from django.utils import timezone

    testimony = cases.record_testimony(
        actor=None, person=person, raw_text=f"raw {text}", publishable_text=text
    )
    return cases.consent_record(
        actor=None, testimony=testimony, scope=scope, given_on=timezone.localdate()
    )


def test_the_sponsor_hears_the_whole_journey_in_korean_and_never_who(
    settings, smtp_server, run_tasks
):
    settings.HOPE_PROFILE_MIN_GROUP = 1
    campaign = hope()
    mother, child = _family()
    _testimony(mother, "Thank you for not forgetting us.", ConsentScope.DONORS)
    _testimony(mother, "Internal only words.", ConsentScope.INTERNAL)
    citizen = sponsor(language="ko")
    # One gift for two rescues: the child (under 5, first in the queue) and her mother.
    gift(citizen.donor, 2 * COST, campaign)
    assert {share.person for share in Share.objects.all()} == {mother, child}
    for status in (Status.IN_TRANSIT, Status.THIRD_COUNTRY, Status.ARRIVED):
        for person in (mother, child):
            cases.person_set_status(actor=None, person=person, to_status=status)
    run_tasks()
    messages = [m["message"] for m in smtp_server.messages]
    # For each share: funded, assigned, third country, arrived.
    assert len(messages) == 8
    assert all(m["Content-Language"] == "ko" for m in messages)
    assert all(m["To"] == read(citizen.donor, "email") for m in messages)
    texts = [_text(m) for m in messages]
    mothers = [t for t in texts if "20대 여성" in t]
    assert mothers
    assert all("어린 자녀" in t for t in mothers)
    assert sum("Thank you for not forgetting us." in t for t in texts) == 1
    assert "Internal only words." not in "".join(texts)
    for text in texts:
        for secret in _identifiers(mother) + _identifiers(child):
            assert secret not in text, secret
        # Nor a date of the journey.
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text)
    assert NewsDelivery.objects.filter(sent_at__isnull=True).count() == 0

    # The link in the last e-mail opens the private page; earlier links no longer do.
    links = [re.search(r"https?://\S+/s/(\S+)/", t).group(1) for t in texts]
    client = Client()
    page = client.get(f"/s/{links[-1]}/")
    assert page.status_code == 200
    html = page.content.decode()
    for secret in _identifiers(mother) + _identifiers(child):
        assert secret not in html, secret
    assert client.get(f"/s/{links[0]}/").status_code == 404


def test_a_detained_persons_sponsor_is_told_kindly_and_never_why(settings, smtp_server, run_tasks):
    settings.HOPE_PROFILE_MIN_GROUP = 1
    campaign = hope()
    first = waiting(birth_year=1990, pregnant=True)
    citizen = sponsor(language="en")
    gift(citizen.donor, COST, campaign)
    cases.person_set_status(actor=None, person=first, to_status=Status.DETAINED)
    run_tasks()
    last = _text(smtp_server.messages[-1]["message"]).lower()
    assert "cannot continue the journey" in last
    for word in ("detain", "arrest", "repatriat", "police", "prison"):
        assert word not in last
