"""A PIN that matched is not hashed again in the same process; nothing else changes."""

from __future__ import annotations

import pytest

from safepassage.rescue import tokens
from safepassage.rescue.models import Alert, AlertKind
from safepassage.rescue.services import checkins
from safepassage.rescue.services.errors import WrongPin
from safepassage.testing.rescue import make_mission, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued():
    return checkins.link_issue(
        actor=None, mission=make_mission(started=True), partner=make_partner()
    )


@pytest.fixture
def scrypt_calls(monkeypatch):
    calls = []
    real = tokens.pin_digest

    def counted(link_id, pin):
        calls.append(link_id)
        return real(link_id, pin)

    monkeypatch.setattr(tokens, "pin_digest", counted)
    return calls


def test_the_everyday_pin_is_hashed_once_and_answers_the_same_after(issued, scrypt_calls):
    link = issued.link
    assert checkins.check_pin(link=link, pin=issued.pin) is False
    assert checkins.check_pin(link=link, pin=issued.pin) is False
    assert checkins.check_pin(link=link, pin=f" {issued.pin} ") is False
    assert len(scrypt_calls) == 1


def test_the_duress_pin_is_remembered_alike_and_still_answers_duress(issued, scrypt_calls):
    link = issued.link
    assert checkins.check_pin(link=link, pin=issued.duress_pin) is True
    assert checkins.check_pin(link=link, pin=issued.duress_pin) is True
    assert checkins.check_pin(link=link, pin=issued.pin) is False
    assert len(scrypt_calls) == 2


def test_a_wrong_pin_pays_scrypt_every_time_and_counts_every_time(issued, scrypt_calls):
    link = issued.link
    checkins.check_pin(link=link, pin=issued.pin)
    for attempt in range(1, 3):
        with pytest.raises(WrongPin):
            checkins.check_pin(link=link, pin="000000" if issued.pin != "000000" else "111111")
        link.refresh_from_db()
        assert link.failed_pins == attempt
    assert len(scrypt_calls) == 3


def test_a_remembered_pin_is_for_its_own_link_only(issued, scrypt_calls):
    mission = make_mission(started=True)
    other = checkins.link_issue(actor=None, mission=mission, partner=make_partner())
    scrypt_calls.clear()  # issuing hashed the new link's two PINs
    checkins.check_pin(link=issued.link, pin=issued.pin)
    if issued.pin not in (other.pin, other.duress_pin):
        with pytest.raises(WrongPin):
            checkins.check_pin(link=other.link, pin=issued.pin)
        assert len(scrypt_calls) == 2


def test_memory_holds_neither_the_pin_nor_anything_for_a_wrong_one(issued):
    tokens.forget_pins()
    with pytest.raises(WrongPin):
        checkins.check_pin(link=issued.link, pin="999999" if issued.pin != "999999" else "888888")
    assert len(tokens._matched._digests) == 0
    checkins.check_pin(link=issued.link, pin=issued.pin)
    ((slot, digest),) = tokens._matched._digests.items()
    assert digest == issued.link.pin_digest
    assert issued.pin.encode() not in slot
    assert issued.pin not in digest


def test_a_duress_check_in_after_a_remembered_duress_pin_still_raises_the_alarm(issued):
    link = issued.link
    for number in range(2):
        duress = checkins.check_pin(link=link, pin=issued.duress_pin)
        checkins.submit(
            mission=link.mission,
            link=link,
            duress=duress,
            report=checkins.Report(key=f"duress-key-{number}", kind="delayed", delay_hours=1),
        )
    compromised = Alert.objects.filter(mission=link.mission, kind=AlertKind.COMPROMISED)
    assert compromised.count() == 2
    assert all(alert.check_in.duress for alert in compromised)


def test_the_oldest_remembered_pins_are_forgotten_beyond_the_size():
    memory = tokens._MatchedPins(size=2)
    for number in range(3):
        memory.put(number, "123456", f"digest-{number}")
    assert memory.get(0, "123456") is None
    assert memory.get(2, "123456") == "digest-2"
