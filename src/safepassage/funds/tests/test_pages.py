"""The finance pages: lists, filters and totals that agree with the books, gifts and expenses
recorded through forms, donors found without decrypting anyone, receipts kept sealed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.audit.sealing import opened
from safepassage.funds import selectors
from safepassage.funds.models import (
    Campaign,
    Donation,
    Donor,
    Entry,
    Expense,
    ExpenseReceipt,
    ExpenseStatus,
    Restriction,
)
from safepassage.funds.services import donations, donors, expenses, ledger, rates
from safepassage.testing.members import make_member, signed_in_client
from safepassage.testing.people import make_case, make_person
from safepassage.vault import records

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = TODAY - dt.timedelta(days=3)
LAST_MONTH = selectors.first_of_month(TODAY, 1) + dt.timedelta(days=9)
USD_RATE = "1380.50"


def english(member, *, recent: bool = True):
    client = signed_in_client(member, recent=recent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client(finance):
    return english(finance)


@pytest.fixture
def usd():
    for day in (DAY, LAST_MONTH, TODAY):
        rates.rate_set(actor=None, currency="USD", on=day, rate=USD_RATE, source="test bank")


@pytest.fixture
def donor():
    return donors.donor_create(
        actor=None,
        name="Park Ji-woo",
        email="ji-woo.park@example.org",
        phone="+82 10 5555 1234",
        iban="DE89 3704 0044 0532 0130 00",
        address="12 Sejong-daero, Seoul",
    )


def gift(donor, **fields):
    values = {
        "gross_minor": 10_000,
        "currency": "USD",
        "received_on": DAY,
        "channel": "platform",
        "fee_minor": 290,
        "restriction": "rescue",
    }
    values.update(fields)
    return donations.donation_record(actor=None, donor=donor, **values)


def paid_expense(amount_minor, *, restriction="unrestricted", spent_on=DAY, **fields):
    expense = expenses.expense_create(
        actor=None,
        category=fields.pop("category", "administration"),
        description=fields.pop("description", "Printer paper"),
        amount_minor=amount_minor,
        currency=fields.pop("currency", "KRW"),
        spent_on=spent_on,
        restriction=restriction,
        **fields,
    )
    expenses.expense_submit(actor=None, expense=expense)
    expenses.expense_approve(actor=None, expense=expense, override_reason="test")
    return expenses.expense_pay(actor=None, expense=expense)


@pytest.fixture
def books(usd, donor):
    """Gifts over two months, channels, funds, currencies and a campaign; a reversal; paid
    expenses from two funds."""
    spring = Campaign.objects.create(code="spring", name="Spring appeal")
    other = donors.donor_create(actor=None, name="Lee Min-jun", email="minjun@example.org")
    made = [
        gift(donor),
        gift(donor, gross_minor=25_000, fee_minor=0, channel="bank", restriction="relief"),
        gift(other, gross_minor=50_000, currency="KRW", fee_minor=0, channel="cash"),
        gift(other, received_on=LAST_MONTH, campaign=spring, restriction="unrestricted"),
        gift(donor, gross_minor=300_000, currency="KRW", fee_minor=1_500, channel="bank"),
    ]
    donations.donation_reverse(actor=None, donation=made[1], reason="refunded")
    paid_expense(20_000)
    paid_expense(100_000, restriction="rescue", category="rescue_operations")
    return made


# Every page -----------------------------------------------------------------------------


def test_every_page_renders_for_finance(client, books, donor):
    expense = Expense.objects.first()
    for url in [
        "/funds/",
        "/funds/rates/",
        "/funds/donations/",
        "/funds/donations/new/",
        f"/funds/donations/{books[0].code}/",
        "/funds/donors/",
        "/funds/donors/new/",
        f"/funds/donors/{donor.code}/",
        "/funds/expenses/",
        "/funds/expenses/new/",
        f"/funds/expenses/{expense.code}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Park Ji-woo" not in response.content, url
        assert b"ji-woo.park@example.org" not in response.content, url


def test_pages_show_money_in_the_readers_language(finance, books):
    client = signed_in_client(finance)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    assert "US$100.00" in client.get(f"/funds/donations/{books[0].code}/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "$100.00" in client.get(f"/funds/donations/{books[0].code}/").content.decode()
    assert "₩138,050" in client.get(f"/funds/donations/{books[0].code}/").content.decode()


@pytest.mark.parametrize("role", [Role.Code.CASE_WORKER, Role.Code.RESCUE_COORDINATOR])
def test_people_who_help_refugees_get_404_on_every_finance_page(role, books, donor):
    client = english(make_member(role))
    expense = Expense.objects.first()
    for url in [
        "/funds/",
        "/funds/rates/",
        "/funds/donations/",
        "/funds/donations.csv",
        f"/funds/donations/{books[0].code}/",
        "/funds/donors/",
        f"/funds/donors/{donor.code}/",
        "/funds/expenses/",
        "/funds/expenses.csv",
        f"/funds/expenses/{expense.code}/",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/funds/donors/{donor.code}/reveal/", {"field": "email", "reason": "curious"}
    )
    assert response.status_code == 404
    assert client.post("/funds/donors/", {"q": "ji-woo.park@example.org"}).status_code == 404
    assert not AuditEntry.objects.filter(action="vault.revealed").exists()


# Donations ------------------------------------------------------------------------------


def _listed(response) -> set[str]:
    return {donation.code for donation in response.context["page"].object_list}


def test_the_donation_filters_select_what_they_say(client, books):
    expect = {
        "channel=bank": Donation.objects.filter(channel="bank"),
        "restriction=relief": Donation.objects.filter(restriction="relief"),
        "currency=krw": Donation.objects.filter(currency="KRW"),
        "campaign=spring": Donation.objects.filter(campaign__code="spring"),
        f"donor={books[2].donor.code.lower()}": Donation.objects.filter(donor=books[2].donor),
        f"date_from={DAY}&date_to={DAY}": Donation.objects.filter(received_on=DAY),
        f"date_to={LAST_MONTH}": Donation.objects.filter(received_on__lte=LAST_MONTH),
        "": Donation.objects.all(),
    }
    for query, donations_ in expect.items():
        response = client.get(f"/funds/donations/?{query}")
        assert response.status_code == 200
        assert _listed(response) == {d.code for d in donations_}, query


def test_the_totals_are_those_of_the_filtered_gifts(client, books):
    response = client.get("/funds/donations/?channel=bank")
    totals = response.context["totals"]
    bank = Donation.objects.filter(channel="bank")
    assert totals.count == bank.count() == 3  # two gifts and one reversal
    assert totals.gross.minor == sum(d.base_gross_minor for d in bank)
    assert totals.fee.minor == sum(d.base_fee_minor for d in bank)
    assert totals.net.minor == sum(d.base_net_minor for d in bank)
    per_currency = {row.currency: row for row in totals.by_currency}
    assert per_currency["USD"].gross.minor == 0  # the USD bank gift was reversed
    assert per_currency["USD"].count == 2
    assert per_currency["KRW"].gross.minor == 300_000
    assert per_currency["KRW"].fee.minor == 1_500
    assert "₩298,500" in response.content.decode()


def test_a_filter_that_does_not_validate_selects_nothing(client, books):
    response = client.get("/funds/donations/?currency=XYZ")
    assert _listed(response) == set()
    assert b"not a currency code" in response.content


def _gift_form(**fields):
    values = {
        "name": "Choi Seo-yeon",
        "email": "seo-yeon@example.org",
        "amount": "100.00",
        "currency": "usd",
        "fee": "2.90",
        "received_on": DAY.isoformat(),
        "channel": "platform",
        "restriction": "rescue",
        "new_donor": "on",
    }
    values.update(fields)
    return values


def test_a_gift_recorded_on_the_page_posts_balanced_entries(client, usd, finance):
    response = client.post("/funds/donations/new/", _gift_form())
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert response["Location"] == f"/funds/donations/{donation.code}/"
    assert (donation.gross_minor, donation.fee_minor, donation.currency) == (10_000, 290, "USD")
    assert (donation.base_gross_minor, donation.base_fee_minor) == (138_050, 4_003)
    assert donation.created_by == finance.user
    entries = Entry.objects.filter(transaction__donation=donation)
    assert entries.count() == 3
    assert entries.aggregate(total=Sum("amount_minor"))["total"] == 0
    assert ledger.fund_balance("rescue") == 134_047
    assert records.read(donation.donor, "email") == "seo-yeon@example.org"
    page = client.get(response["Location"]).content.decode()
    assert "1380.5" in page
    assert "₩138,050" in page


def test_a_new_donor_with_a_known_e_mail_is_a_likely_duplicate(client, usd, donor):
    response = client.post(
        "/funds/donations/new/", _gift_form(name="", email="JI-WOO.PARK@example.org")
    )
    assert response.status_code == 400
    assert "A donor with this name or e-mail is already recorded" in response.content.decode()
    assert donor.code in response.content.decode()
    assert not Donation.objects.exists()
    assert Donor.objects.count() == 1


def test_a_gift_by_donor_code_or_anonymous(client, usd, donor):
    client.post(
        "/funds/donations/new/",
        _gift_form(name="", email="", new_donor="", donor=donor.code.lower()),
    )
    client.post(
        "/funds/donations/new/", _gift_form(name="", email="", new_donor="", anonymous="on")
    )
    assert Donation.objects.filter(donor=donor).count() == 1
    assert Donation.objects.filter(donor__kind="anonymous").count() == 1
    response = client.post("/funds/donations/new/", _gift_form(donor=donor.code))
    assert response.status_code == 400
    assert b"Give one of" in response.content


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "12.345"}, "USD has 2 decimal places; 12.345 has more."),
        ({"amount": "1000.5", "currency": "KRW", "fee": ""}, "KRW has no decimal places"),
        ({"fee": "0.001"}, "USD has 2 decimal places"),
        ({"currency": "XYZ"}, "is not a currency code"),
        ({"amount": "-5"}, "more than zero"),
        ({"amount": "ten"}, "Type an amount"),
        ({"received_on": (TODAY + dt.timedelta(days=2)).isoformat()}, "in the future"),
        ({"currency": "EUR"}, "No exchange rate for EUR on"),
        ({"fee": "200.00"}, "A fee is between zero and the gift itself."),
        ({"donor": "NOSUCH"}, "No donor has this code."),
    ],
)
def test_a_bad_gift_shows_its_error_on_the_form_and_writes_nothing(client, usd, fields, message):
    donors_before = Donor.objects.count()
    audit_before = AuditEntry.objects.count()
    response = client.post("/funds/donations/new/", _gift_form(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Donation.objects.count() == 0
    assert Entry.objects.count() == 0
    assert Donor.objects.count() == donors_before
    assert AuditEntry.objects.count() == audit_before
    assert b"seo-yeon@example.org" not in response.content  # sealed fields are not echoed


def test_a_gift_is_reversed_on_its_page(client, books):
    original = books[0]
    assert ledger.fund_balance("rescue") > 0
    response = client.post(f"/funds/donations/{original.code}/reverse/", {"reason": "chargeback"})
    assert response.status_code == 302
    reversal = Donation.objects.get(reverses=original)
    assert (reversal.gross_minor, reversal.reason) == (-10_000, "chargeback")
    assert list(ledger.unbalanced_transactions()) == []
    page = client.get(f"/funds/donations/{original.code}/").content.decode()
    assert reversal.code in page
    assert "Reverse this gift" not in page
    again = client.post(
        f"/funds/donations/{original.code}/reverse/", {"reason": "again"}, follow=True
    )
    assert "already reversed" in again.content.decode()
    assert Donation.objects.filter(reverses=original).count() == 1


def test_a_reversal_needs_a_reason(client, books):
    client.post(f"/funds/donations/{books[0].code}/reverse/", {"reason": " "})
    assert not Donation.objects.filter(reverses=books[0]).exists()


def test_the_donation_export_neutralises_formulas_and_needs_a_fresh_sign_in(
    client, finance, usd, donor
):
    reversed_gift = gift(donor)
    donations.donation_reverse(actor=None, donation=reversed_gift, reason="=HYPERLINK(evil)")
    stale = english(finance, recent=False).get("/funds/donations.csv")
    assert stale.status_code == 302
    assert stale["Location"].startswith("/accounts/confirm/")
    response = client.get("/funds/donations.csv?currency=USD")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="donations-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2
    reversal = next(row for row in rows if row["reverses"])
    assert reversal["reason"] == "'=HYPERLINK(evil)"
    assert reversal["gross"] == "-100.00"  # a number, not quoted as text
    assert reversal["base_gross"] == "-138050"
    entry = AuditEntry.objects.get(action="funds.donations_exported")
    assert entry.data["rows"] == 2


# Donors ---------------------------------------------------------------------------------


def test_the_donor_list_shows_pseudonyms_gifts_and_totals(client, books, donor):
    response = client.get("/funds/donors/")
    row = next(d for d in response.context["page"].object_list if d.pk == donor.pk)
    given = Donation.objects.filter(donor=donor)
    assert row.gifts == given.filter(reverses__isnull=True).count() == 3
    assert row.total.minor == given.aggregate(t=Sum("base_gross_minor"))["t"]
    assert b"Park OO" in response.content or donor.name.masked.encode() in response.content
    assert b"Ji-woo" not in response.content


@pytest.mark.parametrize(
    "query", ["Ji-Woo.Park@Example.org", "+82 10 5555 1234", "DE89370400440532013000"]
)
def test_a_donor_is_found_by_exact_contact_details_never_put_in_the_url(client, donor, query):
    donors.donor_create(actor=None, name="Someone Else", email="else@example.org")
    response = client.post("/funds/donors/", {"q": query})
    assert response.status_code == 200
    assert [d.pk for d in response.context["page"].object_list] == [donor.pk]
    assert query.encode() not in response.content
    assert response.wsgi_request.get_full_path() == "/funds/donors/"
    # The same query as a link finds nothing: contact details are searched by POST only.
    linked = client.get("/funds/donors/", {"q": query})
    assert list(linked.context["page"].object_list) == []


def test_a_donor_is_found_by_code_in_a_link(client, donor):
    response = client.get("/funds/donors/", {"q": donor.code.lower()})
    assert [d.pk for d in response.context["page"].object_list] == [donor.pk]


def test_revealing_a_donors_e_mail_is_audited_and_shows_only_that(client, finance, donor):
    page = client.get(f"/funds/donors/{donor.code}/")
    assert b"ji-woo.park@example.org" not in page.content
    response = client.post(
        f"/funds/donors/{donor.code}/reveal/", {"field": "email", "reason": "thank-you letter"}
    )
    assert response.status_code == 302
    page = client.get(f"/funds/donors/{donor.code}/")
    assert b"ji-woo.park@example.org" in page.content
    assert b"Sejong-daero" not in page.content
    entry = AuditEntry.objects.get(action="vault.revealed")
    assert entry.actor_id == finance.user.pk
    assert opened(entry) == {"field": "email", "reason": "thank-you letter"}
    assert entry.target_id == str(donor.pk)


def test_a_reveal_without_a_reason_is_refused(client, donor):
    client.post(f"/funds/donors/{donor.code}/reveal/", {"field": "email", "reason": " "})
    assert b"ji-woo.park@example.org" not in client.get(f"/funds/donors/{donor.code}/").content
    assert not AuditEntry.objects.filter(action="vault.revealed").exists()


def test_a_donor_added_on_the_page_is_sealed_and_duplicates_are_caught(client, donor):
    form = {
        "kind": "person",
        "name": "Han Yu-na",
        "email": "yuna@example.org",
        "language": "en",
        "consent_to_contact": "on",
    }
    response = client.post("/funds/donors/new/", form)
    assert response.status_code == 302
    added = Donor.objects.get(email_bidx=records.blind_index(Donor, "email", "yuna@example.org"))
    assert response["Location"] == f"/funds/donors/{added.code}/"
    assert (added.language, added.consent_to_contact) == ("en", True)
    assert (
        b"Han Yu-na"
        not in Donor.objects.filter(pk=added.pk).values_list("name_sealed", flat=True).get()
    )
    twin = client.post("/funds/donors/new/", {**form, "email": "JI-WOO.PARK@example.org"})
    assert twin.status_code == 400
    assert donor.code.encode() in twin.content
    assert b"ji-woo.park" not in twin.content.lower()
    assert Donor.objects.count() == 2
    forced = client.post(
        "/funds/donors/new/",
        {**form, "email": "ji-woo.park@example.org", "allow_duplicate": "on"},
    )
    assert forced.status_code == 302
    assert Donor.objects.count() == 3


def test_merging_keeps_every_gift(client, books, donor):
    duplicate = books[2].donor
    before = Donation.objects.aggregate(t=Sum("base_gross_minor"))["t"]
    kept_gifts = set(Donation.objects.filter(donor__in=[donor, duplicate]).values_list("pk"))
    response = client.post(f"/funds/donors/{donor.code}/merge/", {"duplicate": duplicate.code})
    assert response.status_code == 302
    assert response["Location"] == f"/funds/donors/{donor.code}/"
    assert set(Donation.objects.filter(donor=donor).values_list("pk")) == kept_gifts
    duplicate.refresh_from_db()
    assert duplicate.merged_into == donor
    assert Donation.objects.aggregate(t=Sum("base_gross_minor"))["t"] == before
    listed = client.get("/funds/donors/").context["page"].object_list
    assert duplicate.pk not in {d.pk for d in listed}
    page = client.get(f"/funds/donors/{donor.code}/").content.decode()
    for code in kept_gifts:
        assert Donation.objects.get(pk=code[0]).code in page
    again = client.post(
        f"/funds/donors/{donor.code}/merge/", {"duplicate": duplicate.code}, follow=True
    )
    assert "already merged" in again.content.decode()


def test_a_donor_cannot_be_merged_into_itself_or_an_unknown_code(client, donor):
    into_self = client.post(
        f"/funds/donors/{donor.code}/merge/", {"duplicate": donor.code}, follow=True
    )
    assert "cannot be merged into itself" in into_self.content.decode()
    unknown = client.post(
        f"/funds/donors/{donor.code}/merge/", {"duplicate": "NOSUCH"}, follow=True
    )
    assert "No donor has this code" in unknown.content.decode()


# Expenses -------------------------------------------------------------------------------


def _expense_form(**fields):
    values = {
        "category": "rescue_operations",
        "description": "Bus tickets, second leg",
        "amount": "150000",
        "currency": "KRW",
        "spent_on": DAY.isoformat(),
        "restriction": "rescue",
    }
    values.update(fields)
    return values


def test_an_expense_goes_through_its_approval_on_the_pages(client, finance, usd, donor):
    gift(donor)  # ₩134,047 net in the rescue fund
    approver = make_member(Role.Code.FINANCE)
    other = english(approver)
    response = client.post("/funds/expenses/new/", _expense_form())
    assert response.status_code == 302
    expense = Expense.objects.get()
    url = f"/funds/expenses/{expense.code}/"
    assert response["Location"] == url
    assert expense.status == ExpenseStatus.DRAFT

    client.post(f"{url}status/", {"action": "submit"})
    expense.refresh_from_db()
    assert (expense.status, expense.submitted_by) == (ExpenseStatus.SUBMITTED, finance.user)

    # The submitter is not offered approval, and cannot approve by posting either.
    assert b'value="approve"' not in client.get(url).content
    refused = client.post(f"{url}status/", {"action": "approve"}, follow=True)
    assert "Someone other than the submitter must approve." in refused.content.decode()
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED

    # ₩150,000 from a fund that holds ₩134,047: the page says so; only the director is
    # asked for a reason to overdraw it.
    overdrawn = other.post(f"{url}status/", {"action": "approve"})
    assert overdrawn.status_code == 400
    page = overdrawn.content.decode()
    assert "The Rescue fund holds ₩134,047; this expense needs ₩150,000." in page
    assert 'name="override_reason"' not in page
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED
    director = make_member(Role.Code.DIRECTOR)
    assert 'name="override_reason"' in english(director).get(url).content.decode()

    english(director).post(
        f"{url}status/", {"action": "approve", "override_reason": "Emergency: border closing"}
    )
    expense.refresh_from_db()
    assert (expense.status, expense.decided_by) == (ExpenseStatus.APPROVED, director.user)
    assert expense.override_reason == "Emergency: border closing"
    approved = AuditEntry.objects.get(action="funds.expense_approved")
    assert opened(approved) == {"override": "Emergency: border closing"}

    client.post(f"{url}status/", {"action": "pay"})
    expense.refresh_from_db()
    assert (expense.status, expense.paid_by) == (ExpenseStatus.PAID, finance.user)
    assert ledger.fund_balance("rescue") == 134_047 - 150_000
    assert list(ledger.unbalanced_transactions()) == []
    page = client.get(url).content.decode()
    for step in ("Recorded", "Submitted", "Approved", "Paid"):
        assert step in page
    assert director.user.display_name in page


def test_an_expense_can_be_rejected_with_a_note_and_submitted_again(client, usd):
    expense = expenses.expense_create(
        actor=None,
        category="administration",
        description="Stamps",
        amount_minor=3_000,
        currency="KRW",
        spent_on=DAY,
    )
    expenses.expense_submit(actor=None, expense=expense)
    url = f"/funds/expenses/{expense.code}/status/"
    client.post(url, {"action": "reject", "note": "No receipt"})
    expense.refresh_from_db()
    assert (expense.status, expense.decision_note) == (ExpenseStatus.REJECTED, "No receipt")
    client.post(url, {"action": "submit"})
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED
    trail = client.get(f"/funds/expenses/{expense.code}/").context["trail"]
    assert [str(what) for what, _who, _when in trail] == ["Recorded", "Rejected", "Submitted"]
    wrong = client.post(url, {"action": "pay"}, follow=True)
    assert "cannot go from" in wrong.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "1500.5"}, "KRW has no decimal places"),
        ({"currency": "QQQ"}, "is not a currency code"),
        ({"spent_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "cannot be dated in the future"),
        ({"case": "NOSUCH"}, "No case has this code."),
        ({"mission": "M-NOSUCH"}, "No mission has this code."),
        ({"currency": "JPY"}, "No exchange rate for JPY"),
    ],
)
def test_a_bad_expense_shows_its_error_and_writes_nothing(client, fields, message):
    response = client.post("/funds/expenses/new/", _expense_form(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Expense.objects.count() == 0


def test_an_expense_for_a_case_shows_its_code_and_never_reads_who_was_helped(client):
    person = make_person(real_name="Kim Hidden-name", whereabouts="Room 5, Yanji guesthouse")
    case = person.case
    response = client.post("/funds/expenses/new/", _expense_form(case=case.code.lower()))
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.case_id == case.pk
    for url in (f"/funds/expenses/{expense.code}/", "/funds/expenses/"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert case.code in page.content.decode()
        assert b"Hidden" not in page.content
        assert b"Kim" not in page.content
        sql = " ".join(query["sql"] for query in queries.captured_queries)
        assert "cases_person" not in sql
        assert '"exact_place"' not in sql
        assert '"situation"' not in sql


def test_an_expense_for_a_mission_is_linked_by_its_code(client):
    from safepassage.testing.rescue import make_mission

    mission = make_mission()
    response = client.post("/funds/expenses/new/", _expense_form(mission=mission.code))
    assert response.status_code == 302
    assert Expense.objects.get().mission_id == mission.pk
    assert mission.code in client.get(response["Location"]).content.decode()


def test_the_expense_filters_and_totals(client, books):
    draft = expenses.expense_create(
        actor=None,
        category="relief_aid",
        description="Rice",
        amount_minor=4_000,
        currency="USD",
        spent_on=LAST_MONTH,
        restriction="relief",
    )
    expect = {
        "status=paid": Expense.objects.filter(status="paid"),
        "status=draft": Expense.objects.filter(pk=draft.pk),
        "category=rescue_operations": Expense.objects.filter(category="rescue_operations"),
        "restriction=relief": Expense.objects.filter(restriction="relief"),
        f"month={LAST_MONTH:%Y-%m}": Expense.objects.filter(pk=draft.pk),
        f"month={DAY:%Y-%m}": Expense.objects.filter(spent_on__month=DAY.month),
        "": Expense.objects.all(),
    }
    for query, chosen in expect.items():
        response = client.get(f"/funds/expenses/?{query}")
        assert {e.code for e in response.context["page"].object_list} == {e.code for e in chosen}, (
            query
        )
        totals = response.context["totals"]
        assert totals.count == chosen.count()
        assert totals.total.minor == sum(e.base_amount_minor for e in chosen), query
    totals = client.get("/funds/expenses/").context["totals"]
    assert {c: a.minor for c, _n, a in totals.by_currency} == {"KRW": 120_000, "USD": 4_000}


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (32, 24), (180, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(42), IFDRational(54), IFDRational(10))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (IFDRational(129), IFDRational(30), IFDRational(5))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def draft():
    return expenses.expense_create(
        actor=None,
        category="rescue_operations",
        description="Guesthouse",
        amount_minor=40_000,
        currency="KRW",
        spent_on=DAY,
    )


def _pdf(title: str = "", *, pad: int = 0) -> bytes:
    """A real one-page PDF (receipts are opened, not only sniffed); ``pad`` bytes of an
    attachment make it as large as needed."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if title:
        writer.add_metadata({"/Title": title})
    if pad:
        writer.add_attachment("pad.bin", b"0" * pad)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _upload(client, expense, name: str, content: bytes, **extra):
    """Post a file; the browser's claimed type comes from the name, as a browser's does."""
    upload = io.BytesIO(content)
    upload.name = name
    data = {"file": upload, **extra.pop("data", {})}
    return client.post(f"/funds/expenses/{expense.code}/receipts/", data, **extra)


def test_a_photo_receipt_loses_its_gps_and_is_stored_sealed(client, finance, draft):
    photo = _jpeg_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    response = _upload(client, draft, "yanji-guesthouse.jpg", photo)
    assert response.status_code == 302
    receipt = ExpenseReceipt.objects.get(expense=draft)
    stored = records.read(receipt, "content")
    assert stored.startswith(b"\xff\xd8\xff")
    kept = Image.open(io.BytesIO(stored))
    assert kept.size == (32, 24)
    assert not kept.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"SpyCam" not in stored
    sealed, name_sealed = ExpenseReceipt.objects.values_list(
        "content_sealed", "filename_sealed"
    ).get(pk=receipt.pk)
    assert stored[:64] not in bytes(sealed)
    assert b"yanji" not in bytes(name_sealed)
    assert receipt.content_type == "image/jpeg"

    page = client.get(f"/funds/expenses/{draft.code}/").content.decode()
    assert receipt.code in page
    assert "yanji" not in page
    download = client.get(f"/funds/expenses/{draft.code}/receipts/{receipt.code}/")
    assert download.status_code == 200
    assert download.content == stored
    assert download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"] == f'attachment; filename="receipt-{receipt.code}.jpg"'
    assert download["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action="vault.revealed")
    assert entry.actor_id == finance.user.pk
    assert opened(entry) == {"field": "content", "reason": "receipt download"}


def test_a_receipt_is_typed_by_its_bytes_not_by_what_the_browser_claims(client, draft):
    followed = _upload(client, draft, "receipt.pdf", b"<html>not a receipt</html>", follow=True)
    assert "A receipt is a PDF, JPEG or PNG file." in followed.content.decode()
    assert not ExpenseReceipt.objects.exists()
    _upload(client, draft, "scan.jpg", _pdf("Hotel room 12"))
    receipt = ExpenseReceipt.objects.get()
    assert receipt.content_type == "application/pdf"
    sealed = ExpenseReceipt.objects.values_list("content_sealed", flat=True).get()
    assert b"Hotel room 12" not in bytes(sealed)


def test_a_big_receipt_stays_in_memory_and_a_too_big_one_is_refused(client, draft, monkeypatch):
    from django.core.files import uploadedfile

    def no_temporary_files(*args, **kwargs):
        raise AssertionError("an upload was about to be written to disk")

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", no_temporary_files)
    big = _pdf(pad=settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1024)
    assert _upload(client, draft, "big.pdf", big).status_code == 302
    assert records.read(ExpenseReceipt.objects.get(), "content") == big
    too_big = _pdf(pad=expenses.MAX_RECEIPT_BYTES)
    followed = _upload(client, draft, "huge.pdf", too_big, follow=True)
    assert "between 1 byte and 10 MB" in followed.content.decode()
    assert ExpenseReceipt.objects.count() == 1


def test_a_receipt_upload_checks_the_csrf_token(finance, draft):
    client = english(finance)
    client.handler.enforce_csrf_checks = True
    client.get(f"/funds/expenses/{draft.code}/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    refused = _upload(client, draft, "a.pdf", _pdf())
    assert refused.status_code == 403
    assert not ExpenseReceipt.objects.exists()
    accepted = _upload(client, draft, "a.pdf", _pdf(), data={"csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert ExpenseReceipt.objects.count() == 1


def test_a_receipt_of_another_expense_is_404(client, draft):
    expenses.receipt_attach(
        actor=None,
        expense=draft,
        filename="a.pdf",
        content=b"%PDF-1.4 a",
        content_type="application/pdf",
    )
    other = expenses.expense_create(
        actor=None,
        category="administration",
        description="Other",
        amount_minor=1_000,
        currency="KRW",
        spent_on=DAY,
    )
    receipt = ExpenseReceipt.objects.get()
    assert client.get(f"/funds/expenses/{other.code}/receipts/{receipt.code}/").status_code == 404
    assert not AuditEntry.objects.filter(action="vault.revealed").exists()


def test_the_expense_export_neutralises_formulas_and_needs_a_fresh_sign_in(client, finance):
    expenses.expense_create(
        actor=None,
        category="administration",
        description='=HYPERLINK("http://evil.example","x")',
        amount_minor=3_000,
        currency="KRW",
        spent_on=DAY,
        case=make_case(),
    )
    stale = english(finance, recent=False).get("/funds/expenses.csv")
    assert stale.status_code == 302
    assert stale["Location"].startswith("/accounts/confirm/")
    response = client.get("/funds/expenses.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["description"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[0]["amount"] == "3000"
    assert len(rows[0]["case"]) == 8
    assert AuditEntry.objects.filter(action="funds.expenses_exported").exists()


# Totals and rates -----------------------------------------------------------------------


def test_the_totals_agree_with_the_books(client, books):
    response = client.get("/funds/")
    assert response.status_code == 200
    context = response.context
    gifts = Donation.objects.all()
    paid = Expense.objects.filter(status="paid")
    for row in context["by_fund"]:
        in_fund = gifts.filter(restriction=row.key)
        assert row.raised.minor == sum(d.base_gross_minor for d in in_fund), row.key
        assert row.fees.minor == sum(d.base_fee_minor for d in in_fund), row.key
        assert row.spent.minor == sum(e.base_amount_minor for e in paid.filter(restriction=row.key))
        assert row.balance.minor == ledger.fund_balance(row.key), row.key
    assert [row.key for row in context["by_fund"]] == Restriction.values
    months = context["by_month"]
    assert len(months) == 12
    assert months[-1].key == selectors.first_of_month(TODAY)
    for row in months:
        in_month = [d for d in gifts if selectors.first_of_month(d.received_on) == row.key]
        assert row.raised.minor == sum(d.base_gross_minor for d in in_month), row.label
        spent = [e for e in paid if selectors.first_of_month(e.spent_on) == row.key]
        assert row.spent.minor == sum(e.base_amount_minor for e in spent), row.label
    by_channel = {row.key: row for row in context["by_channel"]}
    for channel in ("platform", "bank", "cash"):
        of_channel = gifts.filter(channel=channel)
        assert by_channel[channel].raised.minor == sum(d.base_gross_minor for d in of_channel)
        assert by_channel[channel].gifts == of_channel.filter(reverses__isnull=True).count()
    (spring,) = context["by_campaign"]
    assert spring.raised.minor == books[3].base_gross_minor
    assert spring.label == "Spring appeal"
    by_currency = {row.currency: row for row in context["by_currency"]}
    assert by_currency["USD"].original.minor == 10_000 + 10_000  # one of three reversed
    assert by_currency["USD"].gifts == 3
    assert by_currency["KRW"].original.minor == 350_000
    assert by_currency["KRW"].base.minor == 350_000
    overall = context["overall"]
    assert overall.raised.minor == gifts.aggregate(t=Sum("base_gross_minor"))["t"]
    assert overall.spent.minor == paid.aggregate(t=Sum("base_amount_minor"))["t"]


def test_the_totals_cost_the_same_queries_for_few_or_many_gifts(
    client, usd, donor, django_assert_max_num_queries
):
    gift(donor)
    client.get("/funds/")
    with CaptureQueriesContext(connection) as few:
        client.get("/funds/")
    for n in range(20):
        gift(donor, channel=["bank", "cash", "event"][n % 3], restriction="relief")
    with django_assert_max_num_queries(len(few)):
        client.get("/funds/")


def test_a_rate_is_entered_on_its_page(client):
    response = client.post(
        "/funds/rates/",
        {"currency": "eur", "on": DAY.isoformat(), "rate": "1,490.25", "source": "ECB"},
    )
    assert response.status_code == 302
    assert rates.rate_for("EUR", DAY) == Decimal("1490.25")
    assert "1490.25" in client.get("/funds/rates/").content.decode()
    assert AuditEntry.objects.filter(action="funds.rate_set").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rate": "abc"}, "Type a rate"),
        ({"rate": "0"}, "more than zero"),
        ({"currency": "KRW"}, "The base currency needs no rate."),
        ({"currency": "ZZZ"}, "is not a currency code"),
        ({"source": " "}, "This field is required."),
    ],
)
def test_a_bad_rate_is_refused(client, fields, message):
    form = {"currency": "EUR", "on": DAY.isoformat(), "rate": "1490.25", "source": "ECB"}
    response = client.post("/funds/rates/", {**form, **fields})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not rates.ExchangeRate.objects.exists()
