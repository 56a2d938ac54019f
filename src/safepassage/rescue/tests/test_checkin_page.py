"""The field partner's page: no account, no cookie, the token is the key, retries are safe."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safepassage.rescue.models import Alert, AlertKind, CheckIn, CheckInLink, LegStatus
from safepassage.rescue.services import checkins
from safepassage.testing.rescue import make_mission, make_partner, on_the_way

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued():
    mission = make_mission(started=True)
    return checkins.link_issue(actor=None, mission=mission, partner=make_partner())


def _url(issued) -> str:
    return reverse("checkin:page", args=[issued.token])


def _key(response) -> str:
    return re.search(rb'name="key" value="([0-9a-f]+)"', response.content).group(1).decode()


def _point(response) -> str:
    return re.search(rb'name="point" value="([^"]*)"', response.content).group(1).decode()


def _send(client, issued, page, **fields):
    data = {"key": _key(page), "point": _point(page), "pin": issued.pin, **fields}
    return client.post(_url(issued), data)


def test_it_shows_the_mission_code_next_safe_point_and_head_count_only(issued):
    mission = issued.link.mission
    response = Client().get(_url(issued))
    assert response.status_code == 200
    html = response.content.decode()
    leg = mission.legs.get(position=1)
    assert mission.code in html
    assert leg.to_point.code_name in html
    assert ">2<" in html  # two people travelling
    # Nothing else: no other safe point, no place, no route name, no partner identity.
    later = mission.legs.get(position=2).to_point.code_name
    assert later not in html
    assert "Real place" not in html
    assert mission.route.name not in html
    assert "Partner Real Name" not in html
    assert "<script" not in html
    assert response.cookies == {}
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_an_arrival_moves_the_group_on_and_the_same_page_sent_five_times_records_once(issued):
    on_the_way(issued.link.mission)
    client = Client()
    page = client.get(_url(issued))
    for _ in range(5):
        response = _send(client, issued, page, kind="arrived")
        assert response.status_code == 200
        assert b"Received" in response.content
    mission = issued.link.mission
    assert CheckIn.objects.filter(mission=mission).count() == 1
    assert mission.legs.get(position=1).status == LegStatus.ARRIVED
    assert mission.legs.get(position=2).status == LegStatus.UNDER_WAY
    assert mission.legs.get(position=2).to_point.code_name.encode() in response.content


def test_a_stale_page_sent_after_the_group_moved_on_changes_nothing(issued):
    on_the_way(issued.link.mission)
    client = Client()
    stale = client.get(_url(issued))
    _send(client, issued, client.get(_url(issued)), kind="arrived")
    response = _send(client, issued, stale, kind="arrived")
    assert response.status_code == 200
    # The same report a moment later is the same check-in: no second row (issue 14).
    assert CheckIn.objects.filter(mission=issued.link.mission).count() == 1
    assert issued.link.mission.legs.get(position=2).status == LegStatus.UNDER_WAY


def test_a_stale_page_sent_after_the_repeat_window_is_already_there(issued, settings):
    settings.CHECKIN_REPEAT_MINUTES = 0
    on_the_way(issued.link.mission)
    client = Client()
    stale = client.get(_url(issued))
    _send(client, issued, client.get(_url(issued)), kind="arrived")
    response = _send(client, issued, stale, kind="arrived")
    assert response.status_code == 200
    latest = CheckIn.objects.filter(mission=issued.link.mission).order_by("-received_at")[0]
    assert latest.effect == "already_arrived"
    assert issued.link.mission.legs.get(position=2).status == LegStatus.UNDER_WAY


def test_a_delay_moves_the_deadline_and_the_reason_is_sealed(issued):
    client = Client()
    before = timezone.now()
    response = _send(
        client,
        issued,
        client.get(_url(issued)),
        kind="delayed",
        delay_hours="20",
        reason="Checkpoint near the bridge",
    )
    assert response.status_code == 200
    leg = issued.link.mission.legs.get(position=1)
    assert leg.due_at >= before + dt.timedelta(hours=20)
    check_in = CheckIn.objects.get(mission=issued.link.mission)
    assert b"bridge" not in bytes(check_in.reason_sealed)
    assert str(check_in.reason) != "Checkpoint near the bridge"


def test_the_duress_pin_answers_exactly_as_normal_and_flags_the_mission(issued):
    other = checkins.link_issue(
        actor=None, mission=make_mission(started=True), partner=make_partner()
    )
    client = Client()
    normal = _send(client, other, client.get(_url(other)), kind="need_help")
    duress = client.post(
        _url(issued),
        {"key": "k" * 32, "point": "", "pin": issued.duress_pin, "kind": "need_help"},
    )
    assert duress.status_code == normal.status_code == 200

    def shape(response, mission):
        html = response.content.decode()
        html = re.sub(r'value="[0-9a-f]{32}"', "", html)
        html = html.replace(mission.code, "M").replace(
            mission.legs.get(position=1).to_point.code_name, "P"
        )
        return re.sub(r"\d\d:\d\d", "", html)

    assert shape(duress, issued.link.mission) == shape(normal, other.link.mission)
    mission = issued.link.mission
    mission.refresh_from_db()
    assert mission.compromised_at is not None
    assert CheckIn.objects.get(mission=mission).duress is True
    assert Alert.objects.filter(mission=mission, kind=AlertKind.COMPROMISED).count() == 1
    assert other.link.mission.compromised_at is None


def test_a_wrong_pin_records_nothing_and_too_many_lock_the_link(issued, settings):
    settings.CHECKIN_PIN_FAILURES = 3
    settings.CHECKIN_GUESS_RATE = "1000/h"
    client = Client()
    page = client.get(_url(issued))
    for _ in range(3):
        response = client.post(
            _url(issued),
            {"key": _key(page), "point": "", "pin": "000000x", "kind": "arrived"},
        )
        assert response.status_code == 400
        assert b"PIN is not right" in response.content
    assert CheckIn.objects.count() == 0
    assert client.get(_url(issued)).status_code == 404
    assert Alert.objects.filter(mission=issued.link.mission, kind=AlertKind.COMPROMISED).exists()


@pytest.mark.parametrize("how", ["revoked", "expired", "made_up"])
def test_revoked_expired_and_made_up_links_all_answer_404(issued, how):
    token = issued.token
    if how == "revoked":
        checkins.link_revoke(actor=None, link=issued.link)
    elif how == "expired":
        CheckInLink.objects.filter(pk=issued.link.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    else:
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    client = Client()
    get = client.get(reverse("checkin:page", args=[token]))
    post = client.post(
        reverse("checkin:page", args=[token]),
        {"key": "k" * 32, "pin": issued.pin, "kind": "arrived"},
    )
    assert get.status_code == post.status_code == 404
    assert CheckIn.objects.count() == 0


def test_guessing_tokens_is_slowed_down_per_address(settings):
    settings.CHECKIN_GUESS_RATE = "3/h"
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [
        client.get(reverse("checkin:page", args=[f"guess{n:02d}" + "x" * 40])).status_code
        for n in range(6)
    ]
    assert answers == [404, 404, 404, 404, 429, 429]
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.get(reverse("checkin:page", args=["y" * 43])).status_code == 404


def test_after_the_mission_ends_the_link_says_so_for_a_day_then_404(issued):
    from safepassage.rescue.services import missions

    mission = issued.link.mission
    missions.mission_end(actor=None, mission=mission, status="aborted")
    client = Client()
    response = client.post(_url(issued), {"key": "k" * 32, "pin": issued.pin, "kind": "arrived"})
    assert response.status_code == 409
    assert b"ended" in response.content
    assert CheckIn.objects.count() == 0
    issued.link.refresh_from_db()
    assert issued.link.expires_at <= timezone.now() + dt.timedelta(hours=24, seconds=5)


def test_the_token_never_reaches_the_logs(issued):
    """Through the console handler the settings configure (the one production uses)."""
    import io
    import logging

    handler = next(h for h in logging.getLogger().handlers if h.filters)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        token = issued.token
        Client().get(reverse("checkin:page", args=[token[:-3] + "zzz"]))
        Client().get(reverse("checkin:page", args=[token]))
    finally:
        handler.setStream(previous)
    logged = stream.getvalue()
    assert "Not Found: /c/[redacted]" in logged  # the 404 was logged, redacted
    assert token[:20] not in logged
    assert CheckInLink.objects.filter(token_digest__contains=token[:20]).count() == 0


def test_the_page_speaks_the_partners_language():
    mission = make_mission(started=True)
    issued = checkins.link_issue(actor=None, mission=mission, partner=make_partner(language="ko"))
    response = Client().get(reverse("checkin:page", args=[issued.token]))
    assert 'lang="ko"' in response.content.decode()


def test_the_audit_log_does_not_tell_which_check_in_was_under_duress(issued):
    from safepassage.audit.models import AuditEntry
    from safepassage.audit.sealing import opened

    other = checkins.link_issue(
        actor=None, mission=make_mission(started=True), partner=make_partner()
    )
    client = Client()
    _send(client, other, client.get(_url(other)), kind="arrived")
    _send(client, issued, client.get(_url(issued)), kind="arrived", pin=issued.duress_pin)

    entries = list(AuditEntry.objects.filter(action="rescue.checked_in").order_by("seq"))
    assert len(entries) == 2
    normal, forced = entries
    assert "duress" not in json.dumps([e.data for e in entries])
    assert normal.data.keys() == forced.data.keys()
    assert len(normal.data["sealed"]) == len(forced.data["sealed"])
    assert opened(normal)["duress"] is False
    assert opened(forced)["duress"] is True
