"""The coordinator board: silent and overdue missions on top, refreshed by htmx polling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safepassage.accounts.models import Role
from safepassage.rescue import selectors
from safepassage.rescue.models import AlertKind, Leg, LegStatus, MissionEvent, Silence
from safepassage.rescue.services import alerts, missions
from safepassage.testing.members import make_member, signed_in_client
from safepassage.testing.rescue import coordinator, make_mission, make_route

pytestmark = pytest.mark.django_db

BOARD = reverse("rescue:board")


@pytest.fixture
def lead():
    return coordinator()


def _overdue(mission):
    """The current leg's deadline passed long ago; the scan raises the first alert."""
    Leg.objects.filter(mission=mission, status=LegStatus.UNDER_WAY).update(
        due_at=timezone.now() - dt.timedelta(hours=2)
    )
    alerts.scan()
    mission.refresh_from_db()
    assert mission.silence == Silence.OVERDUE
    return mission


def test_an_overdue_mission_is_listed_above_one_on_schedule(lead):
    late = _overdue(make_mission(lead=lead.user, started=True))
    calm = make_mission(lead=lead.user, started=True)
    response = signed_in_client(lead).get(BOARD)
    assert response.status_code == 200
    rows = [row.mission for row in response.context["board"].rows]
    assert rows == [late, calm]
    html = response.content.decode()
    assert html.index(late.code) < html.index(calm.code)
    assert "overdue by" in html
    assert response.context["board"].rows[0].overdue


def test_a_compromised_mission_comes_before_a_silent_one(lead):
    silent = _overdue(make_mission(lead=lead.user, started=True))
    compromised = make_mission(lead=lead.user, started=True)
    compromised.compromised_at = timezone.now()
    compromised.save(update_fields=["compromised_at"])
    rows = [row.mission for row in selectors.board(lead.user).rows]
    assert rows == [compromised, silent]


def test_the_page_polls_itself_and_a_poll_gets_only_the_live_part(lead):
    mission = make_mission(lead=lead.user)
    client = signed_in_client(lead)
    page = client.get(BOARD)
    html = page.content.decode()
    assert "<html" in html
    assert 'hx-trigger="every 30s"' in html
    assert f'hx-get="{BOARD}"' in html
    assert 'hx-swap="outerHTML"' in html
    assert "HX-Request" in page["Vary"]
    assert "no-store" in page["Cache-Control"]

    poll = client.get(BOARD, headers={"HX-Request": "true"})
    live = poll.content.decode()
    assert [t.name for t in poll.templates if t.name.startswith("rescue/")] == [
        "rescue/board_live.html"
    ]
    assert "<html" not in live
    assert live.lstrip().startswith('<div id="board-live"')
    assert 'hx-trigger="every 30s"' in live  # the swapped-in element keeps polling
    assert mission.code in live


def test_a_history_restore_gets_the_whole_page(lead):
    response = signed_in_client(lead).get(
        BOARD, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_the_board_shows_the_leg_by_code_names_the_head_count_and_no_places(lead):
    mission = make_mission(lead=lead.user, started=True)
    leg = mission.legs.get(position=1)
    html = signed_in_client(lead).get(BOARD).content.decode()
    assert leg.from_point.code_name in html
    assert leg.to_point.code_name in html
    assert "legs 0/3" in html
    assert "Real place of" not in html
    assert "Directions to" not in html
    assert "<table" not in html  # cards, usable at 360 px


def test_acknowledging_an_alert_takes_it_off_the_top(lead):
    mission = make_mission(lead=lead.user, started=True)
    alert = alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor="test")
    client = signed_in_client(lead)
    assert [a.pk for a in client.get(BOARD).context["board"].alerts] == [alert.pk]

    response = client.post(reverse("rescue:alert_ack", args=[alert.pk]))

    assert response.status_code == 302
    assert response["Location"] == BOARD
    alert.refresh_from_db()
    assert alert.acknowledged_by == lead.user
    assert alert.acknowledged_at is not None
    assert MissionEvent.objects.filter(mission=mission, kind="alert_acknowledged").exists()
    assert client.get(BOARD).context["board"].alerts == []


def test_ended_missions_are_listed_below(lead):
    mission = make_mission(lead=lead.user, started=True)
    missions.mission_end(actor=lead.user, mission=mission, status="aborted")
    board = signed_in_client(lead).get(BOARD).context["board"]
    assert board.rows == []
    assert board.ended == [mission]


def test_the_board_reads_ten_missions_in_a_fixed_number_of_queries(
    lead, django_assert_max_num_queries
):
    route = make_route()
    for index in range(10):
        mission = make_mission(lead=lead.user, route=route, started=index % 2 == 0)
        alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor="test")
    user = lead.user
    user.role_codes()  # capabilities are read once per request, before any view runs
    with django_assert_max_num_queries(6):
        board = selectors.board(user)
        for row in board.rows:
            str(row.mission.route.name)
            if row.leg:
                str(row.leg.from_point.code_name)
                str(row.leg.to_point.code_name)
            list(row.open_alerts)
        for alert in board.alerts:
            str(alert.mission.code)
    assert len(board.rows) == 10


def test_the_page_costs_the_same_queries_for_one_mission_as_for_ten(lead):
    route = make_route()
    client = signed_in_client(lead)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BOARD).status_code == 200
        return len(queries)

    mission = make_mission(lead=lead.user, route=route, started=True)
    alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor="test")
    client.get(BOARD)
    one = count()
    for _ in range(9):
        mission = make_mission(lead=lead.user, route=route, started=True)
        alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor="test")
    assert count() == one


@pytest.mark.parametrize("role", [Role.Code.CASE_WORKER, Role.Code.FINANCE])
def test_case_workers_and_finance_get_404(role, lead):
    mission = make_mission(lead=lead.user, started=True)
    alert = alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor="test")
    client = signed_in_client(make_member(role))
    assert client.get(BOARD).status_code == 404
    assert client.post(reverse("rescue:alert_ack", args=[alert.pk])).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
