"""Check-ins are checked for plausibility (issue 14): a report far earlier than its leg
allows is recorded but flagged and moves nothing, one report moves the group one leg at
most, the same report twice is one check-in, a head-count short of the people travelling
alerts, and a mission in trouble never shows "on schedule"."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.rescue import selectors
from safepassage.rescue.models import (
    Alert,
    AlertKind,
    CheckIn,
    CheckInFlag,
    LegStatus,
    MissionEvent,
    MissionStatus,
)
from safepassage.rescue.services import alerts, checkins, missions
from safepassage.rescue.services.errors import RescueError
from safepassage.testing.members import signed_in_client
from safepassage.testing.rescue import (
    coordinator,
    make_mission,
    make_partner,
    make_route,
    on_the_way,
)

pytestmark = pytest.mark.django_db

# Two legs: 9 hours to the first safe point, then the 30-hour leg of the issue.
SHORT_ROUTE = [("ASTER", "CN", 0, ""), ("BIRCH", "CN", 9, "bus"), ("CEDAR", "TH", 30, "car")]


@pytest.fixture
def lead():
    return coordinator()


@pytest.fixture
def issued(lead):
    mission = make_mission(lead=lead.user, route=make_route(SHORT_ROUTE), started=True)
    return checkins.link_issue(actor=None, mission=mission, partner=make_partner())


def _send(issued, key, kind="arrived", *, at=None, duress=False, **fields):
    link = issued.link
    return checkins.submit(
        mission=link.mission,
        link=link,
        duress=duress,
        at=at,
        report=checkins.Report(key=key, kind=kind, **fields),
    )


def _statuses(mission):
    return list(mission.legs.order_by("position").values_list("status", flat=True))


def _leg(mission, position):
    return mission.legs.get(position=position)


# Far too early ----------------------------------------------------------------------------


def test_a_30_hour_leg_arrived_26_minutes_in_is_recorded_flagged_and_does_not_complete(issued):
    mission = issued.link.mission
    started = _leg(mission, 1).started_at
    first = started + dt.timedelta(hours=9, minutes=5)
    assert _send(issued, "arrive-0001", at=first).check_in.effect == "arrived"
    early = _send(issued, "arrive-0002", at=first + dt.timedelta(minutes=26))
    check_in = CheckIn.objects.get(pk=early.check_in.pk)
    assert check_in.flag == CheckInFlag.EARLY
    assert check_in.effect == "flagged"
    assert _statuses(mission) == [LegStatus.ARRIVED, LegStatus.UNDER_WAY]
    with pytest.raises(RescueError, match="not reached the last safe point"):
        missions.mission_end(actor=None, mission=mission, status=MissionStatus.COMPLETED)
    flagged = Alert.objects.get(mission=mission, kind=AlertKind.FLAGGED)
    assert flagged.check_in_id == check_in.pk
    event = MissionEvent.objects.filter(mission=mission, kind="check_in").order_by("-id")[0]
    assert event.data["flag"] == CheckInFlag.EARLY


def test_an_arrival_once_the_early_share_has_passed_moves_the_group(issued, settings):
    settings.RESCUE_EARLY_PERCENT = 50
    mission = issued.link.mission
    started = _leg(mission, 1).started_at
    too_soon = _send(issued, "arrive-0003", at=started + dt.timedelta(hours=4, minutes=19))
    assert too_soon.check_in.flag == CheckInFlag.EARLY
    # Past the repeat window of the first report, and past half the leg's 9 hours.
    late_enough = _send(issued, "arrive-0004", at=started + dt.timedelta(hours=4, minutes=31))
    assert late_enough.check_in.flag == ""
    assert _statuses(mission) == [LegStatus.ARRIVED, LegStatus.UNDER_WAY]


def test_the_early_share_is_a_setting_and_0_turns_the_check_off(issued, settings):
    settings.RESCUE_EARLY_PERCENT = 0
    result = _send(issued, "arrive-0005")
    assert result.check_in.flag == ""
    assert _statuses(issued.link.mission) == [LegStatus.ARRIVED, LegStatus.UNDER_WAY]


def test_a_coordinators_own_record_of_an_early_arrival_is_theirs_to_judge(issued, lead):
    mission = issued.link.mission
    _send(issued, "arrive-0006")  # the partner's: flagged
    assert _statuses(mission) == [LegStatus.UNDER_WAY, LegStatus.PENDING]
    checkins.check_in_by_staff(
        actor=lead.user, mission=mission, report=checkins.Report(key="staff-0001", kind="arrived")
    )
    assert _statuses(mission) == [LegStatus.ARRIVED, LegStatus.UNDER_WAY]


# One leg per report ----------------------------------------------------------------------


def test_naming_the_last_safe_point_moves_the_group_one_leg_and_is_flagged(issued):
    mission = issued.link.mission
    on_the_way(mission)
    last = _leg(mission, 2).to_point.code_name
    result = _send(issued, "arrive-0007", point=last)
    assert result.check_in.flag == CheckInFlag.AHEAD
    assert _statuses(mission) == [LegStatus.ARRIVED, LegStatus.UNDER_WAY]
    assert Alert.objects.filter(mission=mission, kind=AlertKind.FLAGGED).count() == 1
    with pytest.raises(RescueError):
        missions.mission_end(actor=None, mission=mission, status=MissionStatus.COMPLETED)


# The same report twice -------------------------------------------------------------------


def test_a_double_tap_under_two_keys_is_one_check_in_and_moves_one_leg(issued):
    mission = issued.link.mission
    on_the_way(mission)
    first = _send(issued, "tap-000001")
    again = _send(issued, "tap-000002")
    assert again.replayed is True
    assert again.check_in.pk == first.check_in.pk
    assert CheckIn.objects.filter(mission=mission).count() == 1
    assert _statuses(mission) == [LegStatus.ARRIVED, LegStatus.UNDER_WAY]
    # A retry of the second request's key gets the same answer and writes nothing.
    assert _send(issued, "tap-000002").check_in.pk == first.check_in.pk
    assert CheckIn.objects.filter(mission=mission).count() == 1


def test_a_call_for_help_sent_twice_alerts_once(issued):
    _send(issued, "help-000001", "need_help", reason="Child has a fever")
    _send(issued, "help-000002", "need_help", reason="Child has a fever")
    mission = issued.link.mission
    assert CheckIn.objects.filter(mission=mission).count() == 1
    assert Alert.objects.filter(mission=mission, kind=AlertKind.NEED_HELP).count() == 1


def test_the_same_report_after_the_repeat_window_is_a_new_check_in(issued):
    now = timezone.now()
    _send(issued, "late-000001", "delayed", delay_hours=2, at=now)
    later = _send(
        issued, "late-000002", "delayed", delay_hours=2, at=now + dt.timedelta(minutes=11)
    )
    assert later.replayed is False
    assert CheckIn.objects.filter(mission=issued.link.mission).count() == 2


def test_the_same_report_after_another_one_in_between_is_new(issued):
    _send(issued, "abab-000001", "delayed", delay_hours=2)
    _send(issued, "abab-000002", "need_help")
    again = _send(issued, "abab-000003", "delayed", delay_hours=2)
    assert again.replayed is False
    assert CheckIn.objects.filter(mission=issued.link.mission).count() == 3


def test_the_same_report_from_another_link_is_not_a_repeat(issued):
    other = checkins.link_issue(actor=None, mission=issued.link.mission, partner=make_partner())
    _send(issued, "link-000001", "delayed", delay_hours=2)
    theirs = _send(other, "link-000002", "delayed", delay_hours=2)
    assert theirs.replayed is False


def test_another_report_from_the_same_link_is_not_a_repeat(issued):
    _send(issued, "diff-000001", "delayed", delay_hours=2)
    other = _send(issued, "diff-000002", "delayed", delay_hours=3)
    assert other.replayed is False


def test_a_repeat_with_the_duress_pin_is_answered_as_a_repeat_but_raises_the_alarm(issued):
    mission = issued.link.mission
    first = _send(issued, "dure-000001", "delayed", delay_hours=2)
    repeat = _send(issued, "dure-000002", "delayed", delay_hours=2, duress=True)
    assert repeat.replayed is True
    assert repeat.check_in.pk == first.check_in.pk
    mission.refresh_from_db()
    assert mission.compromised_at is not None
    assert Alert.objects.filter(mission=mission, kind=AlertKind.COMPROMISED).count() == 1


def test_a_double_tap_on_the_api_under_a_new_key_answers_as_a_retry(issued):
    on_the_way(issued.link.mission)

    def post(key):
        body = {"idempotency_key": key, "kind": "arrived", "pin": issued.pin}
        return Client().post(
            "/api/v1/check-ins",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {issued.token}"},
        )

    first, second = post("api-tap-0001"), post("api-tap-0002")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["replayed"] is True
    assert first.json()["flag"] == ""
    assert _statuses(issued.link.mission) == [LegStatus.ARRIVED, LegStatus.UNDER_WAY]


# Head-count ------------------------------------------------------------------------------


def test_a_head_count_short_of_the_travellers_alerts_like_a_call_for_help(issued):
    mission = issued.link.mission
    result = _send(issued, "head-000001", "delayed", delay_hours=1, head_count=1)
    assert CheckIn.objects.get(pk=result.check_in.pk).head_count == 1
    alert = Alert.objects.get(mission=mission, kind=AlertKind.HEAD_COUNT)
    assert alert.check_in_id == result.check_in.pk
    entries = [e for e in selectors.timeline(mission) if e.data.get("alert") == "head_count"]
    assert entries[0].detail == "1 of 2 people reported"
    subject = render_to_string(
        "rescue/email/alert_subject.txt", {"alert": alert, "mission": mission}
    )
    assert "fewer people" in subject
    assert "compromised" not in subject


def test_a_full_head_count_raises_nothing(issued):
    _send(issued, "head-000002", "delayed", delay_hours=1, head_count=2)
    assert not Alert.objects.filter(mission=issued.link.mission).exists()


def test_a_head_count_out_of_range_is_refused(issued):
    with pytest.raises(RescueError):
        _send(issued, "head-000003", "delayed", delay_hours=1, head_count=500)


# Never "on schedule" when it is not ------------------------------------------------------


def _standing(lead, mission):
    row = next(r for r in selectors.board(lead.user).rows if r.mission == mission)
    return row.standing


def test_a_calm_mission_is_on_schedule(lead, issued):
    standing = _standing(lead, issued.link.mission)
    assert (standing.code, standing.calm) == ("on_schedule", True)


@pytest.mark.parametrize(
    ("make_trouble", "code"),
    [
        (lambda issued: _send(issued, "trouble-001", "need_help"), "need_help"),
        (lambda issued: _send(issued, "trouble-002"), "flagged"),
        (lambda issued: _send(issued, "trouble-003", "delayed", head_count=1), "head_count"),
        (lambda issued: _send(issued, "trouble-004", "compromised"), "compromised"),
    ],
)
def test_a_mission_in_trouble_is_not_on_schedule(lead, issued, make_trouble, code):
    make_trouble(issued)
    standing = _standing(lead, issued.link.mission)
    assert standing.code == code
    assert standing.calm is False
    assert selectors.mission_detail(issued.link.mission).standing.code == code


def test_a_mission_past_its_deadline_is_overdue_before_the_scan_runs(lead, issued):
    mission = issued.link.mission
    mission.legs.filter(status=LegStatus.UNDER_WAY).update(
        due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert _standing(lead, mission).code == "overdue"


def test_a_link_locked_by_wrong_pins_is_compromised(lead, issued):
    alerts.raise_now(
        mission=issued.link.mission, kind=AlertKind.COMPROMISED, actor="check-in", reason="pins"
    )
    assert _standing(lead, issued.link.mission).code == "compromised"


def test_a_short_head_count_stays_until_it_is_resolved_not_merely_acknowledged(lead, issued):
    mission = issued.link.mission
    _send(issued, "short-00001", "delayed", delay_hours=1, head_count=1)
    for alert in Alert.objects.filter(mission=mission):
        alerts.acknowledge(actor=lead.user, alert=alert)
    assert _standing(lead, mission).code == "head_count"
    _send(issued, "short-00002", "delayed", delay_hours=2, head_count=2)
    assert _standing(lead, mission).code == "on_schedule"


def test_the_board_never_says_on_schedule_of_a_mission_in_trouble(lead, issued):
    mission = issued.link.mission
    _send(issued, "board-00001", "need_help")
    html = signed_in_client(lead).get(reverse("rescue:board")).content.decode()
    card = html[html.index(f'class="mission-code">{mission.code}<') :]
    card = card[: card.index("</li>")]
    assert "On schedule" not in card
    assert "Help requested" in card


def test_the_timeline_shows_a_flag_on_the_check_in(lead, issued):
    mission = issued.link.mission
    _send(issued, "page-00001")
    html = signed_in_client(lead).get(mission.get_absolute_url()).content.decode()
    assert "Flagged: Far earlier than the leg" in html
    assert "Check-in to verify" in html
    assert not re.search(r'standing-on_schedule[^"]*">On schedule', html)


# The partner's page -----------------------------------------------------------------------


def _page(client, issued):
    return client.get(reverse("checkin:page", args=[issued.token]))


def _post(client, issued, page, **fields):
    key = re.search(rb'name="key" value="([0-9a-f]+)"', page.content).group(1).decode()
    point = re.search(rb'name="point" value="([^"]*)"', page.content).group(1).decode()
    data = {"key": key, "point": point, "pin": issued.pin, **fields}
    return client.post(reverse("checkin:page", args=[issued.token]), data)


def test_after_need_help_the_page_says_what_happens_next(issued):
    client = Client()
    response = _post(client, issued, _page(client, issued), kind="need_help")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your coordinator has been alerted" in html
    assert "agreed channel" in html
    assert "Stay where you are if it is safe" in html


def test_after_an_ordinary_delay_the_page_does_not_say_an_alert_was_raised(issued):
    client = Client()
    response = _post(client, issued, _page(client, issued), kind="delayed", delay_hours="2")
    assert "Your coordinator has been alerted" not in response.content.decode()


def test_a_head_count_from_the_page_alerts_and_says_so(issued):
    client = Client()
    page = _page(client, issued)
    assert b'name="head_count"' in page.content
    response = _post(client, issued, page, kind="delayed", delay_hours="1", head_count="1")
    assert response.status_code == 200
    assert "Your coordinator has been alerted" in response.content.decode()
    assert Alert.objects.filter(mission=issued.link.mission, kind=AlertKind.HEAD_COUNT).exists()


def test_an_early_arrival_from_the_page_says_the_coordinator_will_confirm_it(issued):
    client = Client()
    response = _post(client, issued, _page(client, issued), kind="arrived")
    assert "will confirm it with you" in response.content.decode()
    assert _statuses(issued.link.mission) == [LegStatus.UNDER_WAY, LegStatus.PENDING]


def test_the_error_summary_names_and_links_each_field(issued):
    client = Client()
    page = _page(client, issued)
    response = _post(client, issued, page, kind="", head_count="-3", pin="")
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index('id="error-summary"') : html.index("</div>")]
    assert '<a href="#id_kind">What happened?</a>' in summary
    assert '<a href="#id_head_count">How many people are with you now? (optional)</a>' in summary
    assert '<a href="#id_pin">PIN</a>' in summary
    assert "{#" not in html
    assert "{%" not in html
    # Each link leads to an element on the page.
    for target in ("id_kind", "id_head_count", "id_pin"):
        assert f'id="{target}"' in html


def test_the_error_summary_names_a_hidden_field_it_cannot_link_to(issued):
    client = Client()
    url = reverse("checkin:page", args=[issued.token])
    response = client.post(url, {"key": "short", "kind": "delayed", "pin": issued.pin})
    html = response.content.decode()
    summary = html[html.index('id="error-summary"') : html.index("</div>")]
    assert "<b>Page key (reload the page)</b>:" in summary


def test_a_report_the_route_refuses_is_named_under_its_field(issued):
    client = Client()
    url = reverse("checkin:page", args=[issued.token])
    response = client.post(
        url, {"key": "k" * 32, "point": "NOWHERE", "kind": "arrived", "pin": issued.pin}
    )
    assert response.status_code == 400
    summary = response.content.decode()
    assert "<b>Safe point</b>: That safe point is not on this mission" in summary


def test_the_command_lines_status_never_says_on_schedule_of_a_mission_in_trouble(issued, capsys):
    _send(issued, "cli-0000001", "need_help")
    call_command("missions", "status")
    line = next(
        row for row in capsys.readouterr().out.splitlines() if issued.link.mission.code in row
    )
    assert "Help requested" in line
    assert "On schedule" not in line
