"""People pages show pseudonyms; plain values appear only after an audited, timed reveal."""

from __future__ import annotations

import time

import pytest

from safepassage.audit.models import AuditEntry
from safepassage.audit.sealing import opened
from safepassage.cases.models import Person
from safepassage.testing.people import make_person
from safepassage.vault import services as vault_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return make_person(
        real_name="Kim Young-hee",
        phone="+86 139 1234 5678",
        sex="female",
        birth_year=1990,
        province="ryanggang",
        whereabouts="the loft above the noodle shop",
    )


def test_the_list_shows_pseudonyms_only(sign_in, case_worker, person, settings):
    settings.EXPORT_MIN_GROUP = 1  # one person: with k = 3 the pseudonym is dropped
    response = sign_in(case_worker).get("/people/")
    assert response.status_code == 200
    assert b"Kim OO" in response.content
    assert person.code.encode() in response.content
    assert b"Young-hee" not in response.content
    assert b"1234 5678" not in response.content


def test_search_finds_exact_full_names_and_phones_through_the_blind_index(
    sign_in, case_worker, person
):
    client = sign_in(case_worker)
    make_person(real_name="Kim Sun-ok", sex="female")
    for query in ("kim young-hee", "+86 139 1234 5678", person.code.lower()):
        response = client.post("/people/", {"q": query})
        assert response.context["page"].object_list[0] == person, query
        assert len(response.context["page"].object_list) == 1, query
    assert len(client.post("/people/", {"q": "Young"}).context["page"].object_list) == 0


def test_a_real_name_in_a_url_finds_nothing(sign_in, case_worker, person):
    client = sign_in(case_worker)
    assert len(client.get("/people/", {"q": "Kim Young-hee"}).context["page"].object_list) == 0
    assert list(client.get("/people/", {"q": person.code}).context["page"].object_list) == [person]


def test_the_page_shows_the_pseudonym_until_revealed(sign_in, case_worker, person):
    client = sign_in(case_worker)
    page = client.get(f"/people/{person.code}/")
    assert b"Kim OO" in page.content
    assert b"Young-hee" not in page.content
    assert b"noodle shop" not in page.content
    response = client.post(
        f"/people/{person.code}/reveal/", {"field": "whereabouts", "reason": "planning a visit"}
    )
    assert response.status_code == 302
    page = client.get(f"/people/{person.code}/")
    assert b"the loft above the noodle shop" in page.content
    assert b"Young-hee" not in page.content  # only the field asked for
    entry = AuditEntry.objects.get(action="vault.revealed")
    assert entry.actor_id == case_worker.user.pk
    assert opened(entry) == {"field": "whereabouts", "reason": "planning a visit"}


def test_a_reveal_lasts_a_limited_time(sign_in, case_worker, person, settings, monkeypatch):
    client = sign_in(case_worker)
    client.post(f"/people/{person.code}/reveal/", {"field": "real_name", "reason": "a call"})
    assert b"Kim Young-hee" in client.get(f"/people/{person.code}/").content
    later = time.time() + settings.REVEAL_MINUTES * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    page = client.get(f"/people/{person.code}/")
    assert b"Kim Young-hee" not in page.content


def test_a_reveal_without_a_reason_is_refused(sign_in, case_worker, person):
    client = sign_in(case_worker)
    client.post(f"/people/{person.code}/reveal/", {"field": "real_name", "reason": " "})
    assert b"Kim Young-hee" not in client.get(f"/people/{person.code}/").content
    assert not AuditEntry.objects.filter(action="vault.revealed").exists()


def test_finance_cannot_see_people_at_all(sign_in, finance, person):
    client = sign_in(finance)
    assert client.get("/people/").status_code == 404
    assert client.get(f"/people/{person.code}/").status_code == 404
    response = client.post(
        f"/people/{person.code}/reveal/", {"field": "real_name", "reason": "curious"}
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="vault.revealed").exists()


def test_a_shredded_person_keeps_statistics_and_says_so(sign_in, director, person):
    vault_services.shred(record_obj=person, actor=director.user, reason="retention")
    client = sign_in(director)
    page = client.get(f"/people/{person.code}/")
    assert b"was shredded" in page.content
    assert b"Ryanggang" in page.content
    client.post(f"/people/{person.code}/reveal/", {"field": "real_name", "reason": "check"})
    assert b"Kim Young-hee" not in client.get(f"/people/{person.code}/").content


def test_adding_a_person_checks_the_birth_year(sign_in, case_worker, person):
    client = sign_in(case_worker)
    url = f"/cases/{person.case.code}/people/new/"
    before = Person.objects.count()
    response = client.post(url, {"real_name": "Ri Hyang", "sex": "female", "birth_year": "2999"})
    assert response.status_code == 400
    assert b"cannot be in the future" in response.content
    response = client.post(
        url, {"real_name": "Ri Hyang", "sex": "female", "birth_year": "1999", "age": "10"}
    )
    assert response.status_code == 400
    assert b"does not fit birth year" in response.content
    assert Person.objects.count() == before
    response = client.post(
        url, {"real_name": "Ri Hyang", "sex": "female", "birth_year": "1999", "province": "chagang"}
    )
    assert response.status_code == 302
    assert Person.objects.count() == before + 1
    assert AuditEntry.objects.filter(action="cases.person_added").count() == 2


def test_the_list_costs_the_same_queries_for_five_or_fifty_people(
    sign_in, case_worker, django_assert_max_num_queries
):
    client = sign_in(case_worker)
    for n in range(5):
        make_person(real_name=f"Kim Few-{n}", sex="female")
    client.get("/people/")  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get("/people/")
    for n in range(45):
        make_person(real_name=f"Kim Many-{n}", sex="female")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/people/")
    assert response.content.count(b"Kim OO") == 50
