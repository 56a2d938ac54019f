"""Mission pages: planning for families from the queue, following and closing a mission."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Role
from safepassage.cases import services as cases
from safepassage.cases.models import Status
from safepassage.rescue import tokens
from safepassage.rescue.models import (
    CheckIn,
    CheckInLink,
    Mission,
    MissionCost,
    MissionStatus,
    Outcome,
    Traveller,
)
from safepassage.rescue.services import checkins
from safepassage.testing.members import make_member, signed_in_client
from safepassage.testing.people import make_person
from safepassage.testing.rescue import (
    coordinator,
    make_mission,
    make_partner,
    make_route,
    waiting_family,
)

pytestmark = pytest.mark.django_db

NEW = reverse("rescue:mission_new")


@pytest.fixture
def lead():
    return coordinator()


@pytest.fixture
def client(lead):
    return signed_in_client(lead)


def _real_names(people) -> list[str]:
    """The names the factories gave (``make_person(real_name=...)``), read back for checks."""
    from safepassage.vault import records

    return [records.read(person, "real_name") for person in people]


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _page(client, mission):
    return client.get(mission.get_absolute_url())


# Planning -----------------------------------------------------------------------------


def test_a_family_is_planned_from_the_queue_through_the_page(client, lead, settings):
    settings.EXPORT_MIN_GROUP = 1  # three people: with k = 3 their pseudonyms are dropped
    family = waiting_family(3)
    route = make_route()
    partner = make_partner()
    page = client.get(NEW, {"person": family[1].code})
    assert page.status_code == 200
    html = page.content.decode()
    for person in family:  # the whole family is preselected, listed by pseudonym
        assert re.search(rf'value="{person.code}" checked', html)
        assert str(person.real_name) in html
    assert "Han OO" in html

    response = client.post(
        NEW + f"?person={family[1].code}",
        {
            "route": route.pk,
            "people": [p.code for p in family],
            "coordinator": lead.user.pk,
            "planned_start": "2030-05-01T09:30",
            "partners": [partner.code],
        },
    )

    mission = Mission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == mission.get_absolute_url()
    assert set(mission.travellers.values_list("person__code", flat=True)) == {
        p.code for p in family
    }
    assert mission.coordinator == lead.user
    assert list(mission.partners.all()) == [partner]
    local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    assert mission.planned_start == dt.datetime(2030, 5, 1, 9, 30, tzinfo=local)
    assert mission.legs.count() == 3


def test_half_a_family_is_refused_with_the_reason(client, lead):
    family = waiting_family(2)
    response = client.post(
        NEW,
        {
            "route": make_route().pk,
            "people": [family[0].code],
            "coordinator": lead.user.pk,
            "planned_start": "2030-05-01T09:30",
        },
    )
    assert response.status_code == 400
    assert "Families travel together" in response.content.decode()
    assert not Mission.objects.exists()


def test_people_not_awaiting_rescue_cannot_be_posted(client, lead):
    hidden = make_person(real_name="Pak Sun-hee")
    response = client.post(
        NEW,
        {
            "route": make_route().pk,
            "people": [hidden.code],
            "coordinator": lead.user.pk,
            "planned_start": "2030-05-01T09:30",
        },
    )
    assert response.status_code == 400
    assert hidden.code in response.content.decode()
    assert not Mission.objects.exists()


def test_the_new_mission_page_never_shows_a_real_name_or_a_case(client):
    family = waiting_family(2)
    alone = make_person(real_name="Choi Eun-ji Alone", sex="female", birth_year=1988)
    cases.person_set_status(actor=None, person=alone, to_status=Status.AWAITING_RESCUE)
    not_waiting = make_person(real_name="Ri Myong-suk Hiding")
    people = [*family, alone, not_waiting]
    html = client.get(NEW, {"person": alone.code}).content.decode()
    for name in _real_names(people):
        assert name not in html
        given = name.split(" ", 1)[1]
        assert given not in html
    # Alone in the list on sex, birth year and status: listed by code, without a pseudonym.
    assert alone.code in html
    assert "Choi OO" not in html
    assert "1988" not in html
    assert not_waiting.code not in html  # only people awaiting rescue
    assert family[0].case.code not in html
    assert "/people/" not in html
    assert "/cases/" not in html


def test_the_planning_list_says_when_a_sex_is_not_recorded(client, settings):
    settings.EXPORT_MIN_GROUP = 1  # one person: with k = 3 everything is held back
    child = make_person(real_name="Lee Test-Child", sex="", birth_year=2003)
    cases.person_set_status(actor=None, person=child, to_status=Status.AWAITING_RESCUE)

    html = client.get(NEW).content.decode()

    entry = html[html.index(child.code) :].split("</label>")[0]
    assert "Not recorded" in entry
    assert "Female" not in entry
    assert "Male" not in entry


def test_people_on_a_planned_mission_leave_the_planning_list(client):
    mission = make_mission()
    html = client.get(NEW).content.decode()
    for code in mission.travellers.values_list("person__code", flat=True):
        assert code not in html


# Links ----------------------------------------------------------------------------------


def test_a_link_is_shown_once_and_only_its_hashes_are_stored(client, lead):
    mission = make_mission(lead=lead.user)
    partner = make_partner()
    response = client.post(
        reverse("rescue:link_new", args=[mission.code]), {"partner": partner.code}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    url = response.context["url"]
    token = url.rsplit("/", 2)[-2]
    pin, duress_pin = response.context["pin"], response.context["duress_pin"]
    assert url == settings.BASE_URL + reverse("checkin:page", args=[token])
    for secret in (url, pin, duress_pin):
        assert secret in html
    assert "shown only once" in html.lower()
    assert "by hand" in html

    link = CheckInLink.objects.get(mission=mission)
    row = CheckInLink.objects.filter(pk=link.pk).values().get()
    assert token not in str(row)
    assert {row["pin_digest"], row["duress_digest"]}.isdisjoint({pin, duress_pin})
    assert link.token_digest == tokens.token_digest(token)
    assert link.pin_digest == tokens.pin_digest(link.pk, pin)
    assert checkins.link_for_token(token) == link

    again = _page(client, mission).content.decode()
    for secret in (token, pin, duress_pin):
        assert secret not in again
    assert partner.pseudonym in again


def test_revoking_a_link(client, lead):
    mission = make_mission(lead=lead.user)
    issued = checkins.link_issue(actor=lead.user, mission=mission, partner=make_partner())
    response = client.post(
        reverse("rescue:link_revoke", args=[issued.link.pk]), {"confirmed": "yes"}
    )
    assert response.status_code == 302
    assert response["Location"] == mission.get_absolute_url()
    issued.link.refresh_from_db()
    assert issued.link.revoked_at is not None
    assert checkins.link_for_token(issued.token) is None
    assert "revoked" in _page(client, mission).content.decode()


# Status, outcomes, check-ins, costs ----------------------------------------------------


def test_status_actions_and_the_message_for_completing_too_early(client, lead):
    family = waiting_family(2)
    mission = make_mission(lead=lead.user, people=family)
    status = reverse("rescue:mission_status", args=[mission.code])

    client.post(status, {"action": "start", "confirmed": "yes"})
    mission.refresh_from_db()
    assert mission.status == MissionStatus.UNDER_WAY
    family[0].refresh_from_db()
    assert family[0].status == Status.IN_TRANSIT

    response = client.post(status, {"action": "complete", "confirmed": "yes"}, follow=True)
    assert "The group has not reached the last safe point yet." in _messages(response)
    mission.refresh_from_db()
    assert mission.status == MissionStatus.UNDER_WAY

    client.post(status, {"action": "pause"})
    mission.refresh_from_db()
    assert mission.status == MissionStatus.PAUSED
    client.post(status, {"action": "resume"})
    mission.refresh_from_db()
    assert mission.status == MissionStatus.UNDER_WAY

    response = client.post(status, {"action": "abort", "confirmed": "yes"}, follow=True)
    mission.refresh_from_db()
    assert mission.status == MissionStatus.ABORTED
    html = response.content.decode()
    assert "Mission ended: Aborted." in html
    assert 'name="action"' not in html  # an ended mission offers no more moves


def test_a_made_up_action_changes_nothing(client, lead):
    mission = make_mission(lead=lead.user)
    response = client.post(
        reverse("rescue:mission_status", args=[mission.code]), {"action": "teleport"}, follow=True
    )
    assert _messages(response)
    mission.refresh_from_db()
    assert mission.status == MissionStatus.PLANNED


def test_completing_after_the_last_arrival_with_everyone_arrived(client, lead):
    family = waiting_family(2)
    mission = make_mission(lead=lead.user, people=family, started=True)
    check_in = reverse("rescue:mission_check_in", args=[mission.code])
    for index in range(3):
        client.post(check_in, {"key": f"arrive-key-{index}", "kind": "arrived"})
    client.post(
        reverse("rescue:mission_status", args=[mission.code]),
        {"action": "complete", "confirmed": "yes"},
    )
    mission.refresh_from_db()
    assert mission.status == MissionStatus.COMPLETED
    assert set(Traveller.objects.filter(mission=mission).values_list("outcome", flat=True)) == {
        Outcome.ARRIVED
    }


def test_one_persons_outcome(client, lead):
    family = waiting_family(2)
    mission = make_mission(lead=lead.user, people=family, started=True)
    response = client.post(
        reverse("rescue:mission_outcome", args=[mission.code]),
        {"person": family[1].code.lower(), "outcome": "detained"},
    )
    assert response.status_code == 302
    traveller = Traveller.objects.get(mission=mission, person=family[1])
    assert traveller.outcome == Outcome.DETAINED
    family[1].refresh_from_db()
    assert family[1].status == Status.DETAINED


def test_an_outcome_for_someone_not_on_the_mission_is_refused(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    stranger = waiting_family(1)[0]
    response = client.post(
        reverse("rescue:mission_outcome", args=[mission.code]),
        {"person": stranger.code, "outcome": "detained"},
        follow=True,
    )
    assert "This person is not on the mission." in _messages(response)
    stranger.refresh_from_db()
    assert stranger.status == Status.AWAITING_RESCUE


def test_a_staff_check_in_posted_twice_with_the_same_key_is_recorded_once(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    page = _page(client, mission)
    key = page.context["check_in_form"].initial["key"]
    assert f'value="{key}"' in page.content.decode()
    data = {"key": key, "kind": "delayed", "delay_hours": "3", "reason": "road block"}
    url = reverse("rescue:mission_check_in", args=[mission.code])

    client.post(url, data)
    second = client.post(url, data, follow=True)

    assert CheckIn.objects.filter(mission=mission).count() == 1
    assert any("already been recorded" in m for m in _messages(second))
    html = second.content.decode()
    assert "Check-in: Delayed" in html
    assert "road block" not in html  # the reason is sealed and stays off the page


def test_each_page_has_a_fresh_check_in_key(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    first = _page(client, mission).context["check_in_form"].initial["key"]
    second = _page(client, mission).context["check_in_form"].initial["key"]
    assert first != second


def test_a_duress_check_in_reads_as_duress_on_the_timeline(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    issued = checkins.link_issue(actor=lead.user, mission=mission, partner=make_partner())
    checkins.submit(
        mission=mission,
        link=issued.link,
        duress=True,
        report=checkins.Report(key="duress-key-1", kind="arrived"),
    )
    html = _page(client, mission).content.decode()
    assert "duress PIN used" in html
    assert "Compromised since" in html
    first = mission.legs.get(position=1)
    assert f"at {first.to_point.code_name}" in html
    for sealed in ("Real place of", "Directions to", "Contact at", "Partner Real Name"):
        assert sealed not in html


@pytest.mark.parametrize(
    ("amount", "currency"), [("abc", "USD"), ("-5", "USD"), ("0", "USD"), ("10.5", "KRW")]
)
def test_a_bad_amount_gives_a_message_and_no_cost(client, lead, amount, currency):
    mission = make_mission(lead=lead.user)
    response = client.post(
        reverse("rescue:mission_cost", args=[mission.code]),
        {
            "description": "Bus tickets",
            "amount": amount,
            "currency": currency,
            "spent_on": "2026-01-05",
        },
        follow=True,
    )
    assert any(m for m in _messages(response))
    assert not MissionCost.objects.exists()


def test_costs_are_kept_in_minor_units_and_totalled_per_currency(client, lead):
    mission = make_mission(lead=lead.user)
    url = reverse("rescue:mission_cost", args=[mission.code])
    today = timezone.localdate().isoformat()
    for amount, currency in (("30.50", "USD"), ("12", "USD"), ("800000", "KRW")):
        client.post(
            url,
            {"description": "Bus", "amount": amount, "currency": currency, "spent_on": today},
        )
    assert sorted(MissionCost.objects.values_list("amount_minor", "currency")) == [
        (1200, "USD"),
        (3050, "USD"),
        (800000, "KRW"),
    ]
    html = _page(client, mission).content.decode()
    assert "42.50 USD" in html
    assert "800,000 KRW" in html


# Who sees what --------------------------------------------------------------------------


def test_the_case_workers_person_page_shows_the_journey_but_not_the_route(sign_in, case_worker):
    family = waiting_family(2)
    mission = make_mission(people=family, started=True)
    html = sign_in(case_worker).get(family[0].get_absolute_url()).content.decode()
    assert mission.code in html
    assert "in transit" in html
    for leg in mission.legs.select_related("from_point", "to_point"):
        assert leg.from_point.code_name not in html
        assert leg.to_point.code_name not in html
    assert mission.route.name not in html
    assert "/rescue/" not in html


@pytest.mark.parametrize("role", [Role.Code.CASE_WORKER, Role.Code.FINANCE])
def test_case_workers_and_finance_cannot_open_mission_pages(role):
    mission = make_mission(started=True)
    issued = checkins.link_issue(actor=None, mission=mission, partner=make_partner())
    client = signed_in_client(make_member(role))
    assert client.get(reverse("rescue:board")).status_code == 404
    assert client.get(mission.get_absolute_url()).status_code == 404
    assert client.get(NEW).status_code == 404
    link_new = reverse("rescue:link_new", args=[mission.code])
    assert client.post(link_new, {"partner": issued.link.partner.code}).status_code == 404
    revoke = reverse("rescue:link_revoke", args=[issued.link.pk])
    assert client.post(revoke).status_code == 404
    assert CheckInLink.objects.filter(mission=mission, revoked_at__isnull=True).count() == 1


def test_a_made_up_mission_code_is_404(client):
    assert client.get(reverse("rescue:mission", args=["M-NOPE00"])).status_code == 404


def test_a_departure_in_the_past_is_refused(client, lead):
    family = waiting_family(1)
    yesterday = timezone.localtime() - dt.timedelta(days=1)
    response = client.post(
        NEW,
        {
            "route": make_route().pk,
            "people": [family[0].code],
            "coordinator": lead.user.pk,
            "planned_start": yesterday.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert "The planned departure is in the past." in response.content.decode()
    assert not Mission.objects.exists()
