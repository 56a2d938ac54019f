"""Words a user reads are in their language and say what is true: the empty choice of a
select, the ledger's account names, money errors, "From" a date (not a donor), and no
"1 KRW = 1 KRW" rate line for a gift in the base currency."""

from __future__ import annotations

import pytest
from django import forms
from django.conf import settings
from django.db.models.utils import get_blank_choice_label
from django.utils import translation

from safepassage.base import money
from safepassage.base.apps import BLANK_CHOICE_LABEL
from safepassage.fundraising.forms import CostForm
from safepassage.funds.models import Account, Donor
from safepassage.funds.models import ledger as ledger_models
from safepassage.testing.hope import donor, gift
from safepassage.testing.members import signed_in_client


def test_the_empty_choice_of_a_select_is_the_projects_own_string():
    # Translated in the project's catalogue ("- 선택하세요 -"), not left to Django's, whose
    # Korean catalogue leaves it in English.
    assert get_blank_choice_label() is BLANK_CHOICE_LABEL
    field = forms.ModelChoiceField(queryset=Donor.objects.none())
    assert next(iter(field.choices))[1] is BLANK_CHOICE_LABEL


@pytest.mark.parametrize(
    ("call", "korean"),
    [
        (lambda: money.currency_code("XYZ"), "알 수 없는 통화입니다: “XYZ”."),
        (lambda: money.to_minor("lots", "KRW"), "“lots”: 금액이 아닙니다."),
    ],
)
def test_money_errors_are_in_the_readers_language(call, korean):
    with translation.override("ko"), pytest.raises(money.MoneyError) as caught:
        call()
    assert str(caught.value) == korean


def test_money_errors_read_in_english_too():
    with translation.override("en"), pytest.raises(money.MoneyError) as caught:
        money.to_minor("12.345", "USD")
    assert str(caught.value) == "12.345 has more decimals than USD allows (2)."


def test_the_start_date_of_a_rescue_cost_is_not_called_a_donor():
    with translation.override("ko"):
        assert str(CostForm().fields["starts_on"].label) == "시작일"


@pytest.mark.django_db
def test_every_account_of_the_chart_has_a_label_and_is_shown_by_it(monkeypatch):
    codes = set(Account.objects.values_list("code", flat=True))
    assert codes == set(ledger_models.ACCOUNT_LABELS)
    monkeypatch.setitem(ledger_models.ACCOUNT_LABELS, "4000", "Gifts received")
    account = Account.objects.get(code="4000")
    assert account.label == "Gifts received"
    assert str(account) == "4000 Gifts received"


@pytest.mark.django_db
def test_a_gift_page_shows_the_account_labels_and_no_rate_for_the_base_currency(
    finance, monkeypatch
):
    monkeypatch.setitem(ledger_models.ACCOUNT_LABELS, "4000", "Gifts received")
    client = signed_in_client(finance)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    in_won = gift(donor(), 50_000)
    page = client.get(in_won.get_absolute_url()).content.decode()
    assert "4000 Gifts received" in page
    assert "1 KRW = 1 KRW" not in page
    assert "Rate fixed when received" not in page
    in_dollars = gift(donor(), 10_000, currency="USD")
    page = client.get(in_dollars.get_absolute_url()).content.decode()
    assert "Rate fixed when received: 1 USD = 1400 KRW" in page
