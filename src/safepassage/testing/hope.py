"""Builders for fundraising tests: a Hope Sharing campaign with a cost, consenting people
awaiting rescue, sponsors and gifts (all generated; nothing real-looking)."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets

from django.utils import timezone

from safepassage.cases import services as cases
from safepassage.cases.models import Status
from safepassage.fundraising.services import campaigns, consent, costs, sponsors
from safepassage.funds.services import donations, donors, rates
from safepassage.testing.people import make_case, make_person

COST = 3_000_000  # ₩3,000,000 a rescue


def today() -> dt.date:
    return timezone.localdate()


def hope(*, cost: int | None = COST, code: str = "hope-sharing", **fields):
    if cost is not None:
        costs.cost_set(actor=None, starts_on=today() - dt.timedelta(days=400), amount_minor=cost)
    fields.setdefault("hope_sharing", True)
    return campaigns.campaign_create(actor=None, code=code, name="Hope Sharing", **fields)


def waiting(*, agree: bool = True, **fields):
    """A person awaiting rescue (alone, in a case of their own), who agreed to sponsorship."""
    fields.setdefault("real_name", f"Waiting Person {secrets.token_hex(3)}")
    fields.setdefault("birth_year", 1990)
    fields.setdefault("province", "north_hamgyong")
    person = make_person(case=fields.pop("case", None) or make_case(), **fields)
    cases.person_set_status(actor=None, person=person, to_status=Status.AWAITING_RESCUE)
    if agree:
        consent.consent_record(actor=None, person=person, given_on=today())
    person.refresh_from_db()
    return person


def donor(name: str = "", **fields):
    name = name or f"Sponsor {secrets.token_hex(3)}"
    fields.setdefault("email", f"{secrets.token_hex(4)}@example.org")
    fields.setdefault("consent_to_contact", True)
    return donors.donor_create(actor=None, name=name, **fields)


def sponsor(mode: str = "own", **fields):
    return sponsors.sponsor_enrol(actor=None, donor=donor(**fields), mode=mode)


def gift(
    giver, amount: int, campaign=None, *, currency: str = "KRW", on=None, fee: int = 0, **more
):
    on = on or today()
    if currency != "KRW":
        with contextlib.suppress(Exception):
            rates.rate_set(actor=None, currency=currency, on=on, rate="1400", source="test")
    return donations.donation_record(
        actor=None,
        donor=giver,
        gross_minor=amount,
        fee_minor=fee,
        currency=currency,
        received_on=on,
        channel="bank",
        restriction="rescue",
        campaign=campaign,
        **more,
    )
