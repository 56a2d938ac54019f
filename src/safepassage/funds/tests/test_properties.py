"""Properties that hold for any amounts: money conversion, and a ledger that always balances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from safepassage.accounts.models import Role
from safepassage.base import money
from safepassage.funds import services
from safepassage.funds.models import Entry
from safepassage.funds.services import donations, donors, expenses, ledger, rates
from safepassage.testing.members import make_member

CURRENCIES = ["KRW", "USD", "EUR", "JPY", "BHD", "CAD"]
rates_st = st.decimals(
    min_value=Decimal("0.0001"), max_value=Decimal("100000"), places=4, allow_nan=False
)
minor_st = st.integers(min_value=0, max_value=10**12)


@given(
    minor=st.integers(min_value=-(10**14), max_value=10**14), currency=st.sampled_from(CURRENCIES)
)
def test_minor_units_round_trip_through_decimal_text(minor, currency):
    assert money.to_minor(str(money.to_major(minor, currency)), currency) == minor


@given(minor=minor_st, currency=st.sampled_from(CURRENCIES))
def test_converting_at_rate_one_between_equal_exponents_changes_nothing(minor, currency):
    assert money.convert(minor, currency, Decimal(1), currency) == minor


@given(
    a=minor_st,
    b=minor_st,
    rate=rates_st,
    source=st.sampled_from(CURRENCIES),
    target=st.sampled_from(CURRENCIES),
)
def test_conversion_rounds_once_and_is_never_off_by_more_than_a_unit(a, b, rate, source, target):
    whole = money.convert(a + b, source, rate, target)
    parts = money.convert(a, source, rate, target) + money.convert(b, source, rate, target)
    assert abs(whole - parts) <= 1
    exact = Decimal(a) * rate * Decimal(10) ** (money.exponent(target) - money.exponent(source))
    assert abs(Decimal(money.convert(a, source, rate, target)) - exact) <= Decimal("0.5")


@given(a=minor_st, b=minor_st, rate=rates_st)
def test_conversion_keeps_order(a, b, rate):
    low, high = sorted((a, b))
    assert money.convert(low, "USD", rate, "KRW") <= money.convert(high, "USD", rate, "KRW")


def test_a_float_is_never_money():
    with pytest.raises(money.MoneyError):
        money.to_minor(0.1, "USD")


DAY = dt.date(2026, 5, 1)
gift_st = st.fixed_dictionaries(
    {
        "gross_minor": st.integers(min_value=1, max_value=10**9),
        "fee_share": st.integers(min_value=0, max_value=100),
        "currency": st.sampled_from(["KRW", "USD", "EUR", "JPY"]),
        "restriction": st.sampled_from(["rescue", "relief", "unrestricted"]),
        "channel": st.sampled_from(["platform", "bank", "cash"]),
        "reverse": st.booleans(),
    }
)
spend_st = st.fixed_dictionaries(
    {
        "amount_minor": st.integers(min_value=1, max_value=10**9),
        "restriction": st.sampled_from(["rescue", "relief", "unrestricted"]),
    }
)


class LedgerProperties(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(
        rate=rates_st,
        gifts=st.lists(gift_st, min_size=1, max_size=6),
        spends=st.lists(spend_st, max_size=4),
    )
    def test_every_posting_balances_and_funds_add_up(self, rate, gifts, spends):
        from safepassage.testing.members import ensure_chart

        ensure_chart()
        for currency in ("USD", "EUR", "JPY"):
            rates.rate_set(actor=None, currency=currency, on=DAY, rate=rate, source="property")
        donor = donors.donor_create(actor=None, name="Property Donor")
        expected: dict[str, int] = {}
        for gift in gifts:
            fee = gift["gross_minor"] * gift["fee_share"] // 100
            donation = donations.donation_record(
                actor=None,
                donor=donor,
                gross_minor=gift["gross_minor"],
                fee_minor=fee,
                currency=gift["currency"],
                received_on=DAY,
                channel=gift["channel"],
                restriction=gift["restriction"],
            )
            expected[gift["restriction"]] = (
                expected.get(gift["restriction"], 0) + donation.base_net_minor
            )
            if gift["reverse"]:
                donations.donation_reverse(actor=None, donation=donation, reason="property")
                expected[gift["restriction"]] -= donation.base_net_minor
        # Only the director may overdraw a restricted fund.
        director = make_member(Role.Code.DIRECTOR).user if spends else None
        for spend in spends:
            expense = expenses.expense_create(
                actor=None,
                category="relief_aid",
                description="property",
                amount_minor=spend["amount_minor"],
                currency="KRW",
                spent_on=DAY,
                restriction=spend["restriction"],
            )
            expenses.expense_submit(actor=None, expense=expense)
            expenses.expense_approve(actor=director, expense=expense, override_reason="property")
            expenses.expense_pay(actor=None, expense=expense)
            expected[spend["restriction"]] = (
                expected.get(spend["restriction"], 0) - spend["amount_minor"]
            )

        assert list(ledger.unbalanced_transactions()) == []
        assert Entry.objects.aggregate(t=Sum("amount_minor"))["t"] == 0
        for restriction, balance in expected.items():
            assert ledger.fund_balance(restriction) == balance


def ledger_totals() -> dict[tuple, tuple[int, int]]:
    """The ledger summed by every dimension a total can take: account, restriction,
    campaign, channel, category, currency and month, in base and original minor units."""
    rows = (
        Entry.objects.annotate(month=TruncMonth("on"))
        .order_by()
        .values_list(
            "account", "restriction", "campaign", "channel", "category", "currency", "month"
        )
        .annotate(amount=Sum("amount_minor"), original=Sum("original_minor"))
    )
    return {tuple(row[:-2]): tuple(row[-2:]) for row in rows}


IMPORT_DAYS = [dt.date(2026, 4, 30), dt.date(2026, 5, 1), dt.date(2026, 5, 20)]
imported_gift_st = st.fixed_dictionaries(
    {
        "gross_minor": st.integers(min_value=1, max_value=10**9),
        "fee_share": st.integers(min_value=0, max_value=100),
        "currency": st.sampled_from(["KRW", "USD", "EUR", "JPY", "BHD"]),
        "restriction": st.sampled_from(["rescue", "relief", "unrestricted"]),
        "channel": st.sampled_from(["platform", "bank", "cash", "event"]),
        "campaign": st.sampled_from(["", "spring", "autumn"]),
        "on": st.sampled_from(IMPORT_DAYS),
    }
)


class ImportProperties(TestCase):
    @settings(max_examples=30, deadline=None)
    @given(
        rate=rates_st,
        gifts=st.lists(imported_gift_st, min_size=1, max_size=12),
    )
    def test_an_import_totals_what_the_same_gifts_recorded_one_by_one_total(self, rate, gifts):
        """An import posts a summary transaction a day; every total is the same to the
        minor unit as with a transaction per gift."""
        from django.db import transaction

        from safepassage.funds.importing import import_donations
        from safepassage.funds.models import Campaign, ColumnMapping, Donation, Transaction
        from safepassage.testing.members import ensure_chart

        ensure_chart()
        for on in IMPORT_DAYS:
            for currency in ("USD", "EUR", "JPY", "BHD"):
                rates.rate_set(actor=None, currency=currency, on=on, rate=rate, source="property")
        campaigns = {
            code: Campaign.objects.create(code=code, name=code) for code in ("spring", "autumn")
        }
        mapping = ColumnMapping.objects.create(
            name="property",
            columns={
                field: field
                for field in ("date", "amount", "fee", "currency", "channel", "restriction")
            }
            | {"campaign": "campaign", "reference": "reference"},
        )
        for gift in gifts:
            gift["fee_minor"] = gift["gross_minor"] * gift["fee_share"] // 100
        header = "date,amount,fee,currency,channel,restriction,campaign,reference\n"
        data = header + "".join(
            f"{g['on']},{money.to_major(g['gross_minor'], g['currency']):f},"
            f"{money.to_major(g['fee_minor'], g['currency']):f},{g['currency']},"
            f"{g['channel']},{g['restriction']},{g['campaign']},{n}\n"
            for n, g in enumerate(gifts)
        )

        with transaction.atomic():
            report = import_donations(
                path_or_bytes=data.encode(), kind="csv", mapping=mapping, actor=None
            )
            assert report.ok, report.rejected
            assert report.new == len(gifts)
            imported = ledger_totals()
            assert list(ledger.unbalanced_transactions()) == []
            summaries = Transaction.objects.filter(kind="import")
            assert sorted(summaries.values_list("on", flat=True)) == sorted(
                {g["on"] for g in gifts}
            )
            assert not Transaction.objects.exclude(kind="import").exists()
            transaction.set_rollback(True)

        assert Donation.objects.count() == 0
        anonymous = donors.anonymous_donor()
        for gift in gifts:
            donations.donation_record(
                actor=None,
                donor=anonymous,
                gross_minor=gift["gross_minor"],
                fee_minor=gift["fee_minor"],
                currency=gift["currency"],
                received_on=gift["on"],
                channel=gift["channel"],
                restriction=gift["restriction"],
                campaign=campaigns.get(gift["campaign"]),
            )
        assert ledger_totals() == imported


batch_gift_st = st.fixed_dictionaries(
    {
        "donor": st.integers(min_value=0, max_value=2),
        "gross_minor": st.integers(min_value=1, max_value=10**9),
        "fee_share": st.integers(min_value=0, max_value=100),
        "currency": st.sampled_from(["KRW", "USD", "EUR", "JPY"]),
        "restriction": st.sampled_from(["rescue", "relief", "unrestricted"]),
        "channel": st.sampled_from(["platform", "bank", "cash", "event"]),
        "campaign": st.sampled_from(["", "spring", "team"]),
        "on": st.sampled_from(IMPORT_DAYS),
        "keyed": st.booleans(),
    }
)


def _gift_signature(donation) -> tuple:
    """What a recorded gift is, apart from its generated id, code and times."""
    return (
        donation.donor_id,
        donation.currency,
        donation.gross_minor,
        donation.fee_minor,
        donation.net_minor,
        donation.rate,
        donation.base_currency,
        donation.base_gross_minor,
        donation.base_fee_minor,
        donation.base_net_minor,
        donation.received_on,
        donation.channel,
        donation.restriction,
        donation.campaign_id,
        donation.soft_credit_id,
        donation.reverses_id,
        donation.reason,
        donation.batch_id,
        donation.source_key or "",
        donation.created_by_id,
    )


def _written(since: int) -> dict:
    """Everything recording gifts wrote after audit entry ``since``, with each gift named
    by its signature: the gifts, their ledger transactions with their entries, the ledger's
    totals, and the audit entries in order."""
    from collections import Counter

    from safepassage.audit.models import AuditEntry
    from safepassage.funds.models import Donation, Transaction

    by_pk = {d.pk: _gift_signature(d) for d in Donation.objects.all()}
    postings = Counter(
        (
            posted.kind,
            posted.on,
            by_pk.get(posted.donation_id),
            posted.expense_id,
            tuple(
                posted.entries.order_by("account", "amount_minor").values_list(
                    "account",
                    "amount_minor",
                    "on",
                    "restriction",
                    "campaign",
                    "channel",
                    "category",
                    "currency",
                    "original_minor",
                )
            ),
        )
        for posted in Transaction.objects.all()
    )
    audit = [
        (
            entry.action,
            entry.actor_id,
            entry.actor_label,
            entry.target_type,
            by_pk.get(uuid_or_none(entry.target_id), entry.target_id),
            entry.data,
        )
        for entry in AuditEntry.objects.filter(seq__gt=since).order_by("seq")
    ]
    return {
        "gifts": Counter(by_pk.values()),
        "postings": postings,
        "totals": ledger_totals(),
        "audit": audit,
    }


def uuid_or_none(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None


class BatchProperties(TestCase):
    @settings(max_examples=30, deadline=None)
    @given(rate=rates_st, gifts=st.lists(batch_gift_st, min_size=1, max_size=10))
    def test_recording_many_gifts_writes_what_recording_them_one_by_one_writes(self, rate, gifts):
        """``gifts_record_many`` writes the same gifts (converted, soft-credited), the same
        ledger transactions, the same audit entries in the same order, and hands the gift
        hooks the same gifts, as ``donation_record`` called once a gift."""
        from collections import Counter

        from django.db import transaction

        from safepassage.audit.models import AuditEntry
        from safepassage.funds.models import Campaign
        from safepassage.funds.services import hooks
        from safepassage.testing.members import ensure_chart, make_member

        ensure_chart()
        actor = make_member("finance").user
        for on in IMPORT_DAYS:
            for currency in ("USD", "EUR", "JPY"):
                rates.rate_set(actor=None, currency=currency, on=on, rate=rate, source="property")
        givers = [donors.donor_create(actor=None, name=f"Giver {n}") for n in range(3)]
        team = donors.donor_create(actor=None, name="Team")
        campaigns = {
            "spring": Campaign.objects.create(code="spring", name="spring"),
            "team": Campaign.objects.create(code="team", name="team", fundraiser=team),
        }
        fields = [
            {
                "donor": givers[gift["donor"]],
                "gross_minor": gift["gross_minor"],
                "fee_minor": gift["gross_minor"] * gift["fee_share"] // 100,
                "currency": gift["currency"],
                "received_on": gift["on"],
                "channel": gift["channel"],
                "restriction": gift["restriction"],
                "campaign": campaigns.get(gift["campaign"]),
                "source_key": f"property-{n}" if gift["keyed"] else None,
            }
            for n, gift in enumerate(gifts)
        ]
        heard: list[tuple] = []

        def hear(*, donations, actor):
            heard.append((actor, Counter(_gift_signature(d) for d in donations)))

        hooks.GIFT_HOOKS.append(hear)
        try:
            since = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
            with transaction.atomic():
                for each in fields:
                    donations.donation_record(actor=actor, **each)
                one_by_one, heard_each = _written(since), list(heard)
                transaction.set_rollback(True)
            heard.clear()
            since = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
            with transaction.atomic():
                recorded = services.gifts_record_many(actor=actor, gifts=fields)
                at_once, heard_once = _written(since), list(heard)
                transaction.set_rollback(True)
        finally:
            hooks.GIFT_HOOKS.remove(hear)

        assert at_once == one_by_one
        assert [(d.donor_id, d.gross_minor, d.received_on, d.channel) for d in recorded] == [
            (f["donor"].pk, f["gross_minor"], f["received_on"], f["channel"]) for f in fields
        ]
        assert len(heard_each) == len(fields)
        assert len(heard_once) == 1
        assert heard_once[0][0] == actor
        assert heard_once[0][1] == sum((counted for _a, counted in heard_each), Counter())
        assert all(who == actor for who, _counted in heard_each)


class BatchRefusal(TestCase):
    def test_a_gift_already_recorded_refuses_the_whole_batch(self):
        from safepassage.funds.models import Donation
        from safepassage.funds.services.errors import FundsError
        from safepassage.testing.members import ensure_chart

        ensure_chart()
        donor = donors.donor_create(actor=None, name="Twice")
        gift = {
            "donor": donor,
            "gross_minor": 1000,
            "currency": "KRW",
            "received_on": DAY,
            "channel": "bank",
            "source_key": "bank:1",
        }
        donations.donation_record(actor=None, **gift)
        with pytest.raises(FundsError) as one:
            donations.donation_record(actor=None, **gift)
        with pytest.raises(FundsError) as many:
            services.gifts_record_many(actor=None, gifts=[{**gift, "source_key": "b:2"}, gift])
        assert many.value.args == one.value.args
        assert Donation.objects.count() == 1

    def test_a_refused_gift_gets_the_error_it_gets_alone(self):
        from safepassage.funds.models import Donation
        from safepassage.funds.services.errors import FundsError
        from safepassage.testing.members import ensure_chart

        ensure_chart()
        donor = donors.donor_create(actor=None, name="Early")
        future = {
            "donor": donor,
            "gross_minor": 1000,
            "currency": "CAD",  # no rate on any day: the future date is refused first
            "received_on": dt.date(2999, 1, 1),
            "channel": "bank",
        }
        no_rate = {**future, "received_on": DAY}
        for gift in (future, no_rate):
            with pytest.raises(FundsError) as one:
                donations.donation_record(actor=None, **gift)
            with pytest.raises(FundsError) as many:
                services.gifts_record_many(actor=None, gifts=[gift])
            assert many.value.args == one.value.args
        assert Donation.objects.count() == 0
