"""A field partner's note is read by the mission's people, after an audited reveal, and
never travels in an e-mail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.rescue.models import CheckIn
from safepassage.rescue.services import checkins
from safepassage.testing.members import make_member, signed_in_client
from safepassage.testing.rescue import coordinator, make_mission, make_partner

pytestmark = pytest.mark.django_db

NOTE = "Child has a fever, need medicine"
WAITING = "A note from the field partner is waiting."
BOARD = reverse("rescue:board")


@pytest.fixture
def lead():
    return coordinator()


@pytest.fixture
def client(lead):
    return signed_in_client(lead)


def _help(mission, lead, *, reason: str = NOTE, key: str = "help-key-01") -> CheckIn:
    issued = checkins.link_issue(actor=lead.user, mission=mission, partner=make_partner())
    result = checkins.submit(
        mission=mission,
        link=issued.link,
        report=checkins.Report(key=key, kind="need_help", reason=reason),
    )
    return result.check_in


def _reveal_url(check_in: CheckIn) -> str:
    return reverse("rescue:note_reveal", args=[check_in.mission.code, check_in.code])


def _reveals(check_in: CheckIn):
    return AuditEntry.objects.filter(action="vault.revealed", target_id=str(check_in.pk))


def test_the_timeline_says_a_note_waits_and_shows_it_after_an_audited_reveal(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    check_in = _help(mission, lead)

    before = client.get(mission.get_absolute_url()).content.decode()
    assert WAITING in before
    assert NOTE not in before
    assert f'action="{_reveal_url(check_in)}"' in before
    assert _reveals(check_in).count() == 0

    response = client.post(_reveal_url(check_in), {"field": "reason", "reason": "Send help"})

    assert response.status_code == 302
    assert response["Location"] == f"{mission.get_absolute_url()}#note-{check_in.code}"
    entry = _reveals(check_in).get()
    assert entry.actor_id == lead.user.pk
    assert entry.data["field"] == "reason"
    after = client.get(mission.get_absolute_url()).content.decode()
    assert NOTE in after
    assert WAITING not in after


def test_the_boards_alert_says_a_note_waits_and_reveals_it_there(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    check_in = _help(mission, lead)

    board = client.get(BOARD).content.decode()
    assert WAITING in board
    assert NOTE not in board

    response = client.post(
        _reveal_url(check_in), {"field": "reason", "reason": "On duty", "back": "board"}
    )

    assert response["Location"] == f"{BOARD}#note-{check_in.code}"
    assert _reveals(check_in).count() == 1
    assert NOTE in client.get(BOARD).content.decode()
    # The board's own refresh (htmx) shows it too.
    assert NOTE in client.get(BOARD, headers={"HX-Request": "true"}).content.decode()


def test_a_reveal_without_a_reason_shows_nothing_and_records_nothing(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    check_in = _help(mission, lead)
    response = client.post(_reveal_url(check_in), {"field": "reason", "reason": " "}, follow=True)
    html = response.content.decode()
    assert "Give a reason to reveal a protected value." in html
    assert NOTE not in html
    assert _reveals(check_in).count() == 0


def test_a_check_in_without_a_note_says_nothing_of_one(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    check_in = _help(mission, lead, reason="")
    assert WAITING not in client.get(mission.get_absolute_url()).content.decode()
    assert WAITING not in client.get(BOARD).content.decode()
    response = client.post(_reveal_url(check_in), {"field": "reason", "reason": "curious"})
    assert response.status_code == 404


def test_the_director_may_read_a_note_too(lead):
    mission = make_mission(lead=lead.user, started=True)
    check_in = _help(mission, lead)
    director = signed_in_client(make_member(Role.Code.DIRECTOR))
    response = director.post(_reveal_url(check_in), {"field": "reason", "reason": "Director"})
    assert response.status_code == 302
    assert NOTE in director.get(mission.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "role", [Role.Code.CASE_WORKER, Role.Code.FINANCE, Role.Code.ADVOCACY, Role.Code.COMMUNICATIONS]
)
def test_people_who_may_not_see_the_mission_get_404_and_no_reveal(role, lead):
    mission = make_mission(lead=lead.user, started=True)
    check_in = _help(mission, lead)
    other = signed_in_client(make_member(role))
    response = other.post(_reveal_url(check_in), {"field": "reason", "reason": "let me see"})
    assert response.status_code == 404
    assert _reveals(check_in).count() == 0


def test_a_note_is_not_revealed_through_another_missions_address(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    other = make_mission(lead=lead.user, started=True)
    check_in = _help(mission, lead)
    url = reverse("rescue:note_reveal", args=[other.code, check_in.code])
    response = client.post(url, {"field": "reason", "reason": "wrong mission"})
    assert response.status_code == 404
    assert _reveals(check_in).count() == 0


def test_the_reveal_is_post_only(client, lead):
    mission = make_mission(lead=lead.user, started=True)
    check_in = _help(mission, lead)
    assert client.get(_reveal_url(check_in)).status_code == 405
    assert _reveals(check_in).count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_alert_email_says_a_note_waits_and_links_the_mission_but_never_holds_it(
    smtp_server, run_tasks, settings
):
    lead = make_member(Role.Code.RESCUE_COORDINATOR, language="en")
    make_member(Role.Code.DIRECTOR, language="ko")
    mission = make_mission(lead=lead.user, started=True)
    _help(mission, lead)

    run_tasks()

    sent = [m for m in smtp_server.messages if mission.code in m["message"]["Subject"]]
    assert len(sent) == 2
    link = settings.BASE_URL + mission.get_absolute_url()
    for message in sent:
        body = message["message"].get_body().get_content()
        assert link in body
        assert NOTE not in body
        assert "fever" not in body
        assert "medicine" not in body
    english = next(m for m in sent if m["to"] == [lead.user.email])
    body = english["message"].get_body().get_content()
    assert "The field partner sent a note." in body
    assert "open the mission to read it" in body


@pytest.mark.django_db(transaction=True)
def test_an_alert_without_a_note_says_nothing_of_one(smtp_server, run_tasks):
    lead = make_member(Role.Code.RESCUE_COORDINATOR, language="en")
    mission = make_mission(lead=lead.user, started=True)
    _help(mission, lead, reason="")
    run_tasks()
    (message,) = [m for m in smtp_server.messages if m["to"] == [lead.user.email]]
    assert "note" not in message["message"].get_body().get_content()
