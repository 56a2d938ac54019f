"""Exchange rates: entered or imported, one per currency and day, with their source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.base import money
from safepassage.funds.models import ExchangeRate
from safepassage.funds.services.errors import FundsError

ONE = Decimal(1)


def _rate(value) -> Decimal:
    if isinstance(value, float):
        raise FundsError({"rate": _("A rate must be given as a decimal number, not a float.")})
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise FundsError({"rate": _("Not a number: %(value)s") % {"value": value}}) from None
    if not rate.is_finite() or rate <= 0:
        raise FundsError({"rate": _("A rate must be more than zero.")})
    return rate


@transaction.atomic
def rate_set(*, actor, currency: str, on: dt.date, rate, source: str) -> ExchangeRate:
    """Enter (or correct, before anything used it) the rate of ``currency`` on ``on``."""
    try:
        currency = money.currency_code(currency)
    except money.MoneyError as exc:
        raise FundsError({"currency": str(exc)}) from None
    value = _rate(rate)
    source = " ".join(source.split())
    if not source:
        raise FundsError({"source": _("Say where the rate comes from.")})
    if _used(currency, on):
        raise FundsError(
            {
                "rate": _(
                    "Gifts or expenses were already converted at the %(currency)s rate of "
                    "%(date)s; it can no longer change (reverse and re-enter them instead)."
                )
                % {"currency": currency, "date": formats.date_format(on, "SHORT_DATE_FORMAT")}
            }
        )
    found, _created = ExchangeRate.objects.update_or_create(
        currency=currency, on=on, defaults={"rate": value, "source": source[:80]}
    )
    record(
        actor=actor,
        action="funds.rate_set",
        data={"currency": currency, "on": on.isoformat(), "rate": str(value), "source": source},
    )
    return found


def _used(currency: str, on: dt.date) -> bool:
    from safepassage.funds.models import Donation, Expense

    return (
        Donation.objects.filter(currency=currency, received_on=on).exists()
        or Expense.objects.filter(currency=currency, spent_on=on).exists()
    )


@transaction.atomic
def rates_import(
    *, actor, days: list[dt.date], table: dict[str, str | Decimal], source: str
) -> int:
    """A bank's table of rates for one or more days (a Friday table covers the weekend),
    in one insert and one audit entry. Days that already have a rate keep it."""
    source = " ".join(source.split())
    if not source:
        raise FundsError({"source": _("Say where the rates come from.")})
    checked = {}
    for currency, value in table.items():
        try:
            checked[money.currency_code(currency)] = _rate(value)
        except money.MoneyError as exc:
            raise FundsError({"currency": str(exc)}) from None
    created = ExchangeRate.objects.bulk_create(
        [
            ExchangeRate(currency=currency, on=day, rate=rate, source=source[:80])
            for day in days
            for currency, rate in checked.items()
        ],
        ignore_conflicts=True,
    )
    record(
        actor=actor,
        action="funds.rates_imported",
        data={
            "on": [day.isoformat() for day in days],
            "source": source,
            "rates": {currency: str(rate) for currency, rate in checked.items()},
        },
    )
    return len(created)


def rate_for(currency: str, on: dt.date) -> Decimal:
    """The rate of the day; 1 for the base currency; a clear error when none was entered."""
    currency = money.currency_code(currency)
    if currency == settings.BASE_CURRENCY:
        return ONE
    found = ExchangeRate.objects.filter(currency=currency, on=on).values_list("rate", flat=True)
    for rate in found:
        return rate
    raise FundsError(
        {
            "rate": _("No exchange rate for %(currency)s on %(date)s: enter it first.")
            % {"currency": currency, "date": formats.date_format(on, "SHORT_DATE_FORMAT")}
        }
    )
