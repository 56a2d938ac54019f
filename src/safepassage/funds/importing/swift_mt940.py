"""SWIFT MT940 bank statements, read with the maintained ``mt-940`` parser.

A file may hold several statements (each starts with ``:20:``); the account is ``:25:``,
the currency that of the opening balance ``:60F:``/``:60M:``. Each statement line ``:61:``
marked C (credit) is a gift, on its entry date (else its value date), with the amount as
written. Its details ``:86:`` give the donor when the bank structures them: German GVC
sub-fields (``?32``/``?33`` name, ``?31`` IBAN) or SWIFT-style codes (``/NAME/``, ``/IBAN/``,
``/CNTP/iban/bic/name/``); otherwise the gift has no named sender and goes to the anonymous
donor (the report notes how many).

Source key: ``mt940:<account>:<bank reference>`` (the ``//`` part of ``:61:``); without one,
a keyed hash of the account, dates, amount, reference and details. The statement number is
deliberately not part of the key: a transaction listed again in a later, overlapping
statement is the same money and is skipped as already recorded. Skipped with the reason:
debits and reversals ("not a credit"), and credits from the giving platform (a sender named
in ``SAFEPASSAGE_PLATFORM_PAYOUT_NAMES``). Gifts are booked to the bank, unrestricted.

Every statement must add up before any of its lines is read as a gift: opening balance plus
the signed lines equals the closing balance, in one currency; a statement cut before its
closing balance is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import InvalidOperation

import mt940
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safepassage.funds.importing import rows as r
from safepassage.funds.importing.tables import decode
from safepassage.funds.models import Channel

KIND = "mt940"
OPTIONS = mt940.Options(
    applicant_iban=True,
    merge_keeps_values=True,
    reversal_sign=True,
    case_insensitive_marks=True,
    unbounded_details=True,
)
_STATEMENT_START = re.compile(r"(?m)^(?=:20:)")
_LINE_61 = re.compile(r"(?m)^:61:")
_ENVELOPE = re.compile(r"^\s*(\{[1-3]:[^{}]*(\{[^{}]*\})*[^{}]*\})*\s*\{4:\s*", re.S)
_CODES = re.compile(r"/(NAME|IBAN|CNTP|REMI|EREF|ORDP|BENM|ADDR|TRCD|MARF|CSID|BUSP|PURP)/")


def parse(data: bytes, *, progress: r.Progress | None = None, **_options) -> r.Parsed:
    parsed = r.Parsed()
    text = _unwrap(decode(data, parsed))
    if not re.search(r"(?m)^:20:", text) or not re.search(r"(?m)^:6[02][FM]:", text):
        raise r.Unreadable("", _("This is not an MT940 statement: it has no :20: and :60F: lines."))
    keys = r.Keys()
    anonymous = 0
    starts = [m.start() for m in _STATEMENT_START.finditer(text)]
    blocks = [
        (text[start:end], text.count("\n", 0, start) + 1)
        for start, end in zip(starts, [*starts[1:], len(text)], strict=True)
    ]
    total = len(_LINE_61.findall(text))
    done = 0
    for number, (block, line) in enumerate(blocks, 1):
        statement = _read(block, number, line)
        _check_balances(statement, number, line)
        account = "".join(str(statement.data.get("account_identification") or "").split())
        lines = [line + block.count("\n", 0, m.start()) for m in _LINE_61.finditer(block)]
        for index, transaction in enumerate(statement):
            where = lines[index] if index < len(lines) else line
            position = _("statement %(s)s, :61: at line %(line)s") % {"s": number, "line": where}
            anonymous += _transaction(transaction.data, position, account, keys, parsed)
            done += 1
            if progress is not None and done % 1000 == 0:
                progress("reading", done, total)
    if not blocks:
        raise r.Unreadable("", _("This is not an MT940 statement: it has no :20: line."))
    if anonymous:
        parsed.notes.append(
            ngettext(
                "%(n)s credit names no sender; it is recorded as an anonymous gift.",
                "%(n)s credits name no sender; they are recorded as anonymous gifts.",
                anonymous,
            )
            % {"n": anonymous}
        )
    if progress is not None:
        progress("reading", total, total)
    return parsed


def _unwrap(text: str) -> str:
    """A statement as SWIFT sends it has envelope blocks ({1:...}{2:...}{4: ... -}) around
    the tags; the parser wants the tags alone."""
    found = _ENVELOPE.match(text)
    if found:
        text = text[found.end() :]
        text = re.sub(r"(?m)^-\}.*$", "", text)
    return text


def _read(block: str, number: int, line: int):
    try:
        return mt940.parse(block, options=OPTIONS)
    except RuntimeError as exc:
        value = exc.args[2] if len(exc.args) > 2 and isinstance(exc.args[2], str) else ""
        offset = block.find(value) if value else -1
        where = line + block.count("\n", 0, offset) if offset >= 0 else line
        raise r.Unreadable(
            _("statement %(s)s, line %(line)s") % {"s": number, "line": where},
            _("this line cannot be read as MT940; nothing was imported."),
        ) from None
    except (ValueError, InvalidOperation, KeyError, TypeError, AttributeError):
        raise r.Unreadable(
            _("statement %(s)s, line %(line)s") % {"s": number, "line": line},
            _("this statement holds a date or amount that cannot be read; nothing was imported."),
        ) from None


def _balance(data: dict, *kinds: str):
    for kind in kinds:
        if data.get(kind) is not None:
            return data[kind]
    return None


def _check_balances(statement, number: int, line: int) -> None:
    """Opening balance + every line = closing balance, in one currency, signs included.

    A statement cut short (lost its closing balance, or lines) or edited by hand does not
    add up; importing part of it would book gifts the bank never confirmed as a whole."""
    where = _("statement %(s)s, line %(line)s") % {"s": number, "line": line}
    opening = _balance(statement.data, "final_opening_balance", "intermediate_opening_balance")
    closing = _balance(statement.data, "final_closing_balance", "intermediate_closing_balance")
    if opening is None:
        raise r.Unreadable(
            where, _("the statement has no opening balance (:60F: or :60M:); nothing was imported.")
        )
    if closing is None:
        raise r.Unreadable(
            where,
            _(
                "the statement ends before its closing balance (:62F: or :62M:): it may be "
                "cut short; nothing was imported."
            ),
        )
    currency = opening.amount.currency
    currencies = {closing.amount.currency} | {t.data["amount"].currency for t in statement}
    if currencies - {currency}:
        raise r.Unreadable(
            where,
            _(
                "the statement mixes currencies (%(currencies)s) with its opening balance in "
                "%(currency)s; nothing was imported."
            )
            % {"currencies": ", ".join(sorted(currencies - {currency})), "currency": currency},
        )
    expected = opening.amount.amount + sum(t.data["amount"].amount for t in statement)
    if expected != closing.amount.amount:
        raise r.Unreadable(
            where,
            _(
                "the opening balance %(opening)s plus the lines (%(lines)s) makes %(expected)s, "
                "but the closing balance says %(closing)s: the statement is incomplete or was "
                "altered; nothing was imported."
            )
            % {
                "opening": f"{opening.amount.amount} {currency}",
                "lines": f"{expected - opening.amount.amount:+} {currency}",
                "expected": f"{expected} {currency}",
                "closing": f"{closing.amount.amount} {currency}",
            },
        )


def _details(data: dict) -> tuple[str, str]:
    """The sender's name and IBAN from the statement line's details, when it gives them."""
    name = (data.get("applicant_name") or "").strip()
    iban = (data.get("applicant_iban") or "").strip()
    free = " ".join(str(data.get("transaction_details") or "").split())
    if free and _CODES.search(free):
        parts = _CODES.split(free)
        fields = dict(zip(parts[1::2], (p.strip().strip("/") for p in parts[2::2]), strict=True))
        name = name or fields.get("NAME", "")
        iban = iban or fields.get("IBAN", "")
        counterparty = fields.get("CNTP", "").split("/")
        if len(counterparty) >= 3:
            iban = iban or counterparty[0]
            name = name or counterparty[2]
    return name, "".join(iban.split()).upper()


def _transaction(data: dict, position: str, account: str, keys: r.Keys, parsed: r.Parsed) -> int:
    status = str(data.get("status") or "").upper()
    if status == "RD":
        parsed.skip(position, _("a reversal of an earlier debit, not a gift"))
        return 0
    if status != "C":
        parsed.skip(position, r.not_a_credit_reason())
        return 0
    amount = data["amount"].amount
    currency = data.get("currency") or ""
    if not currency:
        parsed.reject(position, _("the statement gives no currency (no :60F: balance)."))
        return 0
    if not account:
        parsed.reject(position, _("the statement does not name its account (:25:)."))
        return 0
    day = data.get("entry_date") or data.get("date")
    received_on = dt.date(day.year, day.month, day.day)
    try:
        name, iban = _details(data)
        name = r.text(name, limit=140)
    except ValueError as exc:
        parsed.reject(position, str(exc))
        return 0
    if r.is_payout(name):
        parsed.skip(position, r.payout_reason())
        return 0
    bank_reference = r.reference(str(data.get("bank_reference") or ""), limit=40)
    if bank_reference and bank_reference.upper() != "NONREF":
        key = f"mt940:{account}:{bank_reference}"
    else:
        digest = keys.digest(
            account,
            received_on,
            data.get("date"),
            amount,
            currency,
            data.get("customer_reference") or "",
            data.get("transaction_details") or data.get("purpose") or "",
            name,
            iban,
        )
        key = f"mt940:{account}:#{digest}"
    parsed.add(
        r.Row(
            position=position,
            source_key=r.fit_key(key),
            received_on=received_on,
            currency=currency,
            amount=str(amount),
            channel=Channel.BANK,
            name=name,
            iban=iban,
        )
    )
    return 0 if (name or iban) else 1
