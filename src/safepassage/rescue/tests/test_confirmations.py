"""Irreversible mission actions pass through one confirmation page that names what will
happen; a POST without the confirmation changes nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from safepassage.accounts.models import Role
from safepassage.cases.models import Status
from safepassage.rescue.models import AlertKind, MissionEvent, MissionStatus, Outcome, Traveller
from safepassage.rescue.services import alerts, checkins
from safepassage.testing.members import make_member, signed_in_client
from safepassage.testing.rescue import coordinator, make_mission, make_partner, waiting_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    return coordinator()


@pytest.fixture
def client(lead):
    return signed_in_client(lead)


def _status(mission) -> str:
    return reverse("rescue:mission_status", args=[mission.code])


def _confirm(mission, action) -> str:
    return reverse("rescue:mission_confirm", args=[mission.code, action])


def _arrive_everywhere(client, mission) -> None:
    url = reverse("rescue:mission_check_in", args=[mission.code])
    for index in range(mission.legs.count()):
        client.post(url, {"key": f"arrival-key-{index}", "kind": "arrived"})


@pytest.mark.parametrize(
    ("action", "started"),
    [("start", False), ("complete", True), ("fail", True), ("abort", True), ("abort", False)],
)
def test_a_post_without_the_confirmation_changes_nothing_and_leads_to_the_page(
    client, lead, action, started
):
    family = waiting_family(2)
    mission = make_mission(lead=lead.user, people=family, started=started)
    if action == "complete":
        _arrive_everywhere(client, mission)
    events = MissionEvent.objects.filter(mission=mission).count()
    before = mission.status

    response = client.post(_status(mission), {"action": action})

    assert response.status_code == 302
    assert response["Location"] == _confirm(mission, action)
    mission.refresh_from_db()
    assert mission.status == before
    assert MissionEvent.objects.filter(mission=mission).count() == events
    assert set(Traveller.objects.filter(mission=mission).values_list("outcome", flat=True)) == {
        Outcome.TRAVELLING
    }


def test_fail_names_how_many_travellers_will_be_detained_and_then_does_it(client, lead):
    family = waiting_family(4)
    mission = make_mission(lead=lead.user, people=family, started=True)

    page = client.get(_confirm(mission, "fail"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "4 travellers will be marked detained" in html
    for person in family:
        assert person.code in html
    assert 'name="confirmed" value="yes"' in html
    assert 'name="action" value="fail"' in html
    assert f'action="{_status(mission)}"' in html
    mission.refresh_from_db()
    assert mission.status == MissionStatus.UNDER_WAY  # looking changes nothing

    response = client.post(_status(mission), {"action": "fail", "confirmed": "yes"})

    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.status == MissionStatus.FAILED
    assert set(Traveller.objects.filter(mission=mission).values_list("outcome", flat=True)) == {
        Outcome.DETAINED
    }
    for person in family:
        person.refresh_from_db()
        assert person.status == Status.DETAINED


def test_each_confirmation_says_what_it_will_do(client, lead):
    family = waiting_family(3)
    planned = make_mission(lead=lead.user, people=family)
    first = planned.legs.select_related("from_point", "to_point").get(position=1)
    start = client.get(_confirm(planned, "start")).content.decode()
    assert "3 travellers will be recorded as in transit" in start
    assert f"Leg 1, {first.from_point.code_name} → {first.to_point.code_name}" in start

    abort = client.get(_confirm(planned, "abort")).content.decode()
    assert "3 travellers go back to the priority queue" in abort
    assert "The mission ends and cannot be reopened." in abort

    under_way = make_mission(lead=lead.user, started=True)
    alerts.raise_now(mission=under_way, kind=AlertKind.NEED_HELP, actor="test")
    checkins.link_issue(actor=lead.user, mission=under_way, partner=make_partner())
    fail = client.get(_confirm(under_way, "fail")).content.decode()
    assert "1 open alert will be settled with the ending." in fail
    assert "check-in link stops working 24 hours from now" in fail


def test_complete_before_the_last_safe_point_says_why_and_offers_no_button(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    html = client.get(_confirm(mission, "complete")).content.decode()
    assert "The group has not reached the last safe point yet." in html
    assert 'name="confirmed"' not in html


def test_complete_with_everyone_arrived_after_confirming(client, lead):
    family = waiting_family(2)
    mission = make_mission(lead=lead.user, people=family, started=True)
    _arrive_everywhere(client, mission)
    html = client.get(_confirm(mission, "complete")).content.decode()
    assert "2 travellers will be recorded as arrived" in html
    client.post(_status(mission), {"action": "complete", "confirmed": "yes"})
    mission.refresh_from_db()
    assert mission.status == MissionStatus.COMPLETED


def test_pause_and_resume_need_no_confirmation(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    client.post(_status(mission), {"action": "pause"})
    mission.refresh_from_db()
    assert mission.status == MissionStatus.PAUSED
    assert client.get(_confirm(mission, "pause")).status_code == 404


def test_an_action_that_no_longer_applies_goes_back_to_the_mission(client, lead):
    mission = make_mission(lead=lead.user)
    response = client.get(_confirm(mission, "fail"), follow=True)
    assert response.redirect_chain[-1][0] == mission.get_absolute_url()
    assert "that action no longer applies" in response.content.decode()


def test_revoking_a_link_names_the_partner_and_needs_the_confirmation(client, lead):
    mission = make_mission(lead=lead.user)
    partner = make_partner()
    issued = checkins.link_issue(actor=lead.user, mission=mission, partner=partner)
    url = reverse("rescue:link_revoke", args=[issued.link.pk])

    page = client.get(url).content.decode()
    assert f"The link issued to {partner.pseudonym}" in page
    assert mission.code in page
    assert "stops working at once" in page

    response = client.post(url)
    assert response["Location"] == url
    issued.link.refresh_from_db()
    assert issued.link.revoked_at is None
    assert checkins.link_for_token(issued.token) is not None

    client.post(url, {"confirmed": "yes"})
    issued.link.refresh_from_db()
    assert issued.link.revoked_at is not None
    assert "This link is already revoked." in client.get(url).content.decode()


def test_on_the_mission_page_failure_sits_apart_from_complete(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    html = client.get(mission.get_absolute_url()).content.decode()
    top = html.index('class="status-actions"')
    actions = html[top : html.index("</div>", top)]
    assert _confirm(mission, "complete") in actions
    assert _confirm(mission, "fail") not in actions
    assert _confirm(mission, "abort") not in actions
    went_wrong = html[html.index('class="panel went-wrong"') :]
    went_wrong = went_wrong[: went_wrong.index("</section>")]
    assert "Something went wrong" in went_wrong
    assert _confirm(mission, "fail") in went_wrong
    assert _confirm(mission, "abort") in went_wrong
    # Further down the page: after the travellers, before the timeline.
    assert html.index("went-wrong") > html.index('class="travellers"')
    assert (
        re.search(r'<button type="submit" name="action" value="(fail|abort|complete)"', html)
        is None
    )


@pytest.mark.parametrize("role", [Role.Code.CASE_WORKER, Role.Code.FINANCE])
def test_people_who_may_not_manage_missions_get_404(role, lead):
    mission = make_mission(lead=lead.user, started=True)
    issued = checkins.link_issue(actor=lead.user, mission=mission, partner=make_partner())
    other = signed_in_client(make_member(role))
    assert other.get(_confirm(mission, "fail")).status_code == 404
    assert other.get(reverse("rescue:link_revoke", args=[issued.link.pk])).status_code == 404
    response = other.post(_status(mission), {"action": "fail", "confirmed": "yes"})
    assert response.status_code == 404
    mission.refresh_from_db()
    assert mission.status == MissionStatus.UNDER_WAY
