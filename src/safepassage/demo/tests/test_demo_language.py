"""The demo's texts are in the language of the people who read them: what the Korean
organisation's staff write (expenses, costs, notes) and what Korean donors see (the Hope
Sharing campaign, the Seoul events) is Korean; the campaigns abroad stay in English."""

from __future__ import annotations

import re

import pytest

from safepassage.fundraising.models import Event, RescueCost
from safepassage.funds.models import Campaign, ExchangeRate, Expense
from safepassage.rescue.models import MissionCost

pytestmark = pytest.mark.django_db

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def korean(text: str) -> bool:
    return bool(HANGUL.search(text or ""))


def test_the_staffs_records_are_in_korean(demo):
    descriptions = list(Expense.objects.values_list("description", flat=True))
    descriptions += list(MissionCost.objects.values_list("description", flat=True))
    assert descriptions
    assert [d for d in descriptions if not korean(d)] == []
    assert all(korean(note) for note in RescueCost.objects.values_list("note", flat=True))
    assert all(korean(s) for s in ExchangeRate.objects.values_list("source", flat=True))


def test_what_korean_donors_see_is_korean_and_the_campaigns_abroad_english(demo):
    hope = Campaign.objects.get(code="hope-sharing")
    assert korean(hope.name)
    assert korean(hope.description)
    seoul = Event.objects.select_related("campaign").filter(city="Seoul")
    assert seoul.count() == 2
    assert all(korean(e.campaign.name) for e in seoul)
    abroad = Campaign.objects.filter(code="team-bridge").get()
    assert not korean(abroad.name)
    assert not korean(abroad.description)
