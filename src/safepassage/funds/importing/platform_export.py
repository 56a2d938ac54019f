"""The giving platform's donation export (CSV), one row per gift.

The platform collects gifts by card, takes its fee, and pays the rest out once a month to
the bank account in USD; that payout is not a gift and is skipped when it appears on a bank
statement. Each gift is booked to the platform's balance account, gross, fee and net.

Columns (a header row is required; names are matched without regard to case, spaces or
hyphens; column order does not matter; other columns are ignored and listed in a note):

================  ========  ==============================================================
column            needed    what it holds
================  ========  ==============================================================
transaction_id    yes       the platform's id for the gift; makes its source key
                            ``platform:<transaction_id>``, so a gift is never imported twice
date              yes       the day the gift was made, year first (2026-03-04), or an ISO
                            date and time with offset (2026-03-04T09:30:00Z), taken on the
                            organisation's clock
amount            yes       the gross gift, point as decimal mark (25.00; 1,250.00)
fee               no        the platform's fee on it (default 0); at most the gift
currency          no        ISO 4217 code (default USD, the platform's currency)
donor_name        no        the donor's name
donor_email       no        the donor's e-mail address, used to match a returning donor
donor_phone       no        a phone number, also used to match
campaign          no        a campaign code known to Safe Passage (blank: none)
designation       no        rescue, relief, resettlement, advocacy or unrestricted (blank:
                            unrestricted); English or Korean names of them are understood
anonymous         no        yes/no (also true/false, 1/0, 예/아니오): a "yes" gift goes to
                            the anonymous donor and its name and e-mail are not kept
status            no        if present, only succeeded/completed/paid rows are gifts; other
                            statuses (failed, refunded, pending) are skipped with the reason
================  ========  ==============================================================
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from safepassage.base.csv_in.cells import quoted
from safepassage.base.csv_in.source import looks_like_formula
from safepassage.funds.importing import rows as r
from safepassage.funds.importing.choices import parse_restriction
from safepassage.funds.importing.tables import Table, row_position
from safepassage.funds.models import Channel

KIND = "platform"
REQUIRED = ("transaction_id", "date", "amount")
OPTIONAL = (
    "fee",
    "currency",
    "donor_name",
    "donor_email",
    "donor_phone",
    "campaign",
    "designation",
    "anonymous",
    "status",
)
CURRENCY = "USD"
PAID = frozenset({"succeeded", "success", "completed", "complete", "paid", "captured"})
# Cells that the runner must never take from a formula: a spreadsheet would run them.
_GUARDED = ("transaction_id", "donor_name", "donor_email", "campaign", "designation")


def parse(data: bytes, *, progress: r.Progress | None = None, **_options) -> r.Parsed:
    parsed = r.Parsed()
    table = Table(data, parsed)
    checked = False
    for number, cells in table.rows(progress):
        if not checked:
            if not _header_ok(table, parsed):
                return parsed
            checked = True
        _row(number, cells, parsed)
    if table.header is None:
        parsed.reject("", _("The file is empty."))
    elif not checked:
        _header_ok(table, parsed)
    return parsed


def _header_ok(table: Table, parsed: r.Parsed) -> bool:
    header = table.header or []
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        parsed.reject(
            row_position(1),
            _(
                "this is not the platform's export: columns missing: %(missing)s. "
                "Expected: %(expected)s."
            )
            % {"missing": ", ".join(missing), "expected": ", ".join(REQUIRED + OPTIONAL)},
        )
        return False
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        parsed.reject(
            row_position(1),
            _("columns appear twice: %(columns)s.") % {"columns": ", ".join(repeated)},
        )
        return False
    ignored = [
        cell
        for cell, name in zip(table.cells, header, strict=False)
        if name and name not in REQUIRED + OPTIONAL
    ]
    if ignored:
        parsed.notes.append(
            _("Columns not imported: %(columns)s.")
            % {"columns": ", ".join(quoted(c, 30)[1:-1] for c in ignored)}
        )
    return True


def _row(number: int, cells: dict[str, str], parsed: r.Parsed) -> None:
    position = row_position(number)
    if cells.get("__extra__"):
        parsed.reject(position, _("the row has more cells than the header has columns."))
        return
    values: dict[str, str] = {}
    for name in REQUIRED + OPTIONAL:
        raw = cells.get(name, "")
        if name in _GUARDED and looks_like_formula(raw.strip()):
            parsed.reject(
                position,
                _("column %(column)s looks like a spreadsheet formula; remove it.")
                % {"column": name},
            )
            return
        try:
            values[name] = r.text(raw)
        except ValueError as exc:
            parsed.reject(
                position, _("column %(column)s: %(error)s") % {"column": name, "error": exc}
            )
            return
    status = values["status"].casefold()
    if status and status not in PAID:
        parsed.skip(
            position, _("status %(status)s, not a completed gift") % {"status": quoted(status)}
        )
        return
    problems = []
    transaction_id = r.reference(values["transaction_id"], limit=80)
    if not transaction_id:
        problems.append(
            _("transaction_id is missing or not a single word of at most 80 characters.")
        )
    try:
        received_on = r.parse_date(values["date"]) if values["date"] else None
        if received_on is None:
            problems.append(_("the date is missing."))
    except ValueError as exc:
        received_on = None
        problems.append(str(exc))
    amount = fee = ""
    try:
        amount = r.parse_amount(values["amount"])
    except ValueError as exc:
        problems.append(_("amount: %(error)s") % {"error": exc})
    try:
        fee = r.parse_amount(values["fee"]) if values["fee"] else "0"
    except ValueError as exc:
        problems.append(_("fee: %(error)s") % {"error": exc})
    try:
        restriction = parse_restriction(values["designation"])
    except ValueError as exc:
        restriction = ""
        problems.append(_("designation: %(error)s") % {"error": exc})
    try:
        anonymous = r.parse_flag(values["anonymous"])
    except ValueError as exc:
        anonymous = False
        problems.append(_("anonymous: %(error)s") % {"error": exc})
    if problems:
        for problem in problems:
            parsed.reject(position, problem)
        return
    parsed.add(
        r.Row(
            position=position,
            source_key=f"platform:{transaction_id}",
            received_on=received_on,
            currency=values["currency"] or CURRENCY,
            amount=amount,
            fee=fee,
            channel=Channel.PLATFORM,
            restriction=restriction,
            campaign=values["campaign"],
            name="" if anonymous else values["donor_name"],
            email="" if anonymous else values["donor_email"],
            phone="" if anonymous else values["donor_phone"],
            anonymous=anonymous,
        )
    )
