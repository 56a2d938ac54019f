"""ISO 20022 bank statements: CAMT.053 (``BkToCstmrStmt``), versions .001.02 to .001.08.

Parsed with ``defusedxml`` and its strictest settings: a document type declaration (and so
any entity, the "billion laughs" bomb included) or an external reference is refused before
anything expands. The file is read entry by entry, so a large statement does not sit in
memory whole.

Each booked credit entry (``Stmt/Ntry`` with ``CdtDbtInd`` CRDT) is a gift:

- amount and currency: ``Ntry/Amt`` and its ``Ccy``;
- day: ``BookgDt/Dt`` (or ``DtTm``), else ``ValDt``;
- donor: ``NtryDtls/TxDtls/RltdPties/Dbtr/Nm`` (``Dbtr/Pty/Nm`` from .08 on) and
  ``RltdPties/DbtrAcct/Id/IBAN``, used to match a returning donor;
- source key: ``camt:<account IBAN>:<AcctSvcrRef>`` (else ``NtryRef``); with neither, a
  keyed hash of the entry's day, amount, currency, debtor and remittance text.

An entry that books several transactions at once (several ``TxDtls``, each with its own
``Amt``) is one gift per transaction; their amounts must add up to the entry's. Skipped,
with the reason in the report: debits ("not a credit"), entries not booked (``Sts`` other
than BOOK), reversals (``RvslInd``), and credits from the giving platform (a debtor named in
``SAFEPASSAGE_PLATFORM_PAYOUT_NAMES``: its gifts come from the platform export). Gifts from
a bank statement are booked to the bank account, unrestricted.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from django.utils.translation import gettext as _

from safepassage.base.csv_in.cells import quoted
from safepassage.funds.importing import rows as r
from safepassage.funds.models import Channel

KIND = "camt053"
_NAMESPACE = re.compile(r"\{urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})\}(.*)")
VERSIONS = range(2, 9)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse(data: bytes, *, progress: r.Progress | None = None, **_options) -> r.Parsed:
    parsed = r.Parsed(encoding="xml")
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise r.Unreadable("", _("This is not XML: a CAMT.053 statement is an XML file."))
    reader = _Reader(parsed, progress, total=data.count(b"Ntry>") // 2)
    try:
        events = safe_xml.iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        for event, element in events:
            if event == "start":
                reader.start(element)
            else:
                reader.end(element)
    except (DTDForbidden, EntitiesForbidden) as exc:
        raise r.Unreadable(
            "",
            _(
                "The file declares a document type or entities (%(what)s). Bank statements "
                "never do, and entity expansion is a known attack; the file was refused "
                "unread."
            )
            % {"what": type(exc).__name__},
        ) from None
    except DefusedXmlException:
        raise r.Unreadable(
            "", _("The file refers to outside resources; the file was refused unread.")
        ) from None
    except (LookupError, ValueError):
        raise r.Unreadable(
            "", _("The XML declares an encoding that cannot be read; nothing was read.")
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise r.Unreadable(
            _("line %(line)s, column %(column)s") % {"line": line, "column": column},
            _("the XML is malformed or cut short here; nothing was read.")
            if reader.namespace
            else _("this is not well-formed XML; nothing was read."),
        ) from None
    if reader.statements == 0:
        raise r.Unreadable("", _("The file holds no statement (BkToCstmrStmt/Stmt)."))
    if progress is not None:
        progress("reading", reader.entries, reader.entries)
    return parsed


class _Reader:
    def __init__(self, parsed: r.Parsed, progress, total: int) -> None:
        self.parsed = parsed
        self.progress = progress
        self.total = max(total, 1)
        self.keys = r.Keys()
        self.namespace = ""
        self.stack: list[str] = []
        self.statements = 0
        self.entry = 0
        self.entries = 0
        self.account = ""

    def start(self, element: Element) -> None:
        if not self.stack:
            found = _NAMESPACE.fullmatch(element.tag)
            if found is None or found.group(2) != "Document":
                raise r.Unreadable(
                    "",
                    _("This is not a CAMT.053 statement (the document is %(tag)s).")
                    % {"tag": quoted(element.tag, 80)},
                )
            if int(found.group(1)) not in VERSIONS:
                raise r.Unreadable(
                    "",
                    _("CAMT.053 version %(v)s is not read; versions .02 to .08 are.")
                    % {"v": found.group(1)},
                )
            self.namespace = element.tag[: element.tag.index("}") + 1]
        name = _local(element.tag)
        self.stack.append(name)
        if name == "Stmt" and self.stack[-2:-1] == ["BkToCstmrStmt"]:
            self.statements += 1
            self.entry = 0
            self.account = ""

    def end(self, element: Element) -> None:
        name = self.stack.pop()
        parent = self.stack[-1] if self.stack else ""
        if parent != "Stmt":
            if name == "Stmt":
                element.clear()
            return
        if name == "Acct":
            self.account = "".join(
                (self.text(element, "Id/IBAN") or self.text(element, "Id/Othr/Id")).split()
            ).upper()
        elif name == "Ntry":
            self.entry += 1
            self.entries += 1
            self.read_entry(element)
            element.clear()
            if self.progress is not None and self.entries % 1000 == 0:
                self.progress("reading", self.entries, self.total)

    # --- one entry ---------------------------------------------------------------------

    def path(self, path: str) -> str:
        return "/".join(self.namespace + part for part in path.split("/"))

    def text(self, element: Element, path: str) -> str:
        found = element.find(self.path(path))
        return (found.text or "").strip() if found is not None else ""

    def position(self, transaction: int = 0) -> str:
        if transaction:
            return _("statement %(s)s, entry %(e)s, transaction %(t)s") % {
                "s": self.statements,
                "e": self.entry,
                "t": transaction,
            }
        return _("statement %(s)s, entry %(e)s") % {"s": self.statements, "e": self.entry}

    def read_entry(self, entry: Element) -> None:
        parsed, position = self.parsed, self.position()
        if not self.account:
            parsed.reject(position, _("the statement does not name its account (Acct/Id)."))
            return
        direction = self.text(entry, "CdtDbtInd")
        if direction == "DBIT":
            parsed.skip(position, r.not_a_credit_reason())
            return
        if direction != "CRDT":
            parsed.reject(position, _("CdtDbtInd is neither CRDT nor DBIT."))
            return
        status = self.text(entry, "Sts") or self.text(entry, "Sts/Cd")
        if status and status != "BOOK":
            parsed.skip(position, _("not booked (status %(status)s)") % {"status": status[:10]})
            return
        if self.text(entry, "RvslInd").casefold() in ("true", "1"):
            parsed.skip(position, _("a reversal of an earlier debit, not a gift"))
            return
        amount_element = entry.find(self.path("Amt"))
        if amount_element is None:
            parsed.reject(position, _("the entry has no amount (Amt)."))
            return
        currency = (amount_element.get("Ccy") or "").strip()
        try:
            amount = r.parse_amount(amount_element.text or "")
            day = (
                self.text(entry, "BookgDt/Dt")
                or self.text(entry, "BookgDt/DtTm")
                or self.text(entry, "ValDt/Dt")
                or self.text(entry, "ValDt/DtTm")
            )
            if not day:
                raise ValueError(_("the entry has no booking or value date."))
            received_on = r.parse_date(day)
        except ValueError as exc:
            parsed.reject(position, str(exc))
            return
        reference = r.reference(self.text(entry, "AcctSvcrRef"), limit=50) or r.reference(
            self.text(entry, "NtryRef"), limit=50
        )
        details = [
            detail
            for block in entry.findall(self.path("NtryDtls"))
            for detail in block.findall(self.path("TxDtls"))
        ]
        parties = [self.party(detail) for detail in details] or [("", "", "")]
        if len(details) <= 1:
            self.add(position, reference, received_on, currency, amount, *parties[0])
            return
        amounts = []
        for detail in details:
            own = detail.find(self.path("Amt"))
            if own is None:
                own = detail.find(self.path("AmtDtls/TxAmt/Amt"))
            if own is None or (own.get("Ccy") or "").strip() != currency:
                parsed.reject(
                    position,
                    _(
                        "the entry books %(n)s transactions but does not give each its "
                        "amount in %(currency)s."
                    )
                    % {"n": len(details), "currency": currency},
                )
                return
            try:
                amounts.append(r.parse_amount(own.text or ""))
            except ValueError as exc:
                parsed.reject(position, str(exc))
                return
        if sum(Decimal(a) for a in amounts) != Decimal(amount):
            parsed.reject(
                position,
                _("the amounts of its %(n)s transactions do not add up to the entry's.")
                % {"n": len(details)},
            )
            return
        for number, (own_amount, party) in enumerate(zip(amounts, parties, strict=True), 1):
            self.add(
                self.position(number),
                f"{reference}/{number}" if reference else "",
                received_on,
                currency,
                own_amount,
                *party,
            )

    def party(self, detail: Element) -> tuple[str, str, str]:
        """Debtor name, debtor IBAN, remittance text."""
        name = self.text(detail, "RltdPties/Dbtr/Nm") or self.text(detail, "RltdPties/Dbtr/Pty/Nm")
        iban = self.text(detail, "RltdPties/DbtrAcct/Id/IBAN")
        remittance = " ".join(
            (found.text or "").strip() for found in detail.findall(self.path("RmtInf/Ustrd"))
        )
        return name, iban, remittance

    def add(self, position, reference, received_on, currency, amount, name, iban, remittance):
        parsed = self.parsed
        try:
            name = r.text(name, limit=140)
        except ValueError as exc:
            parsed.reject(position, _("debtor name: %(error)s") % {"error": exc})
            return
        if r.is_payout(name):
            parsed.skip(position, r.payout_reason())
            return
        iban = "".join(iban.split()).upper()
        if reference:
            key = f"camt:{self.account}:{reference}"
        else:
            digest = self.keys.digest(
                self.account, received_on, amount, currency, name, iban, remittance
            )
            key = f"camt:{self.account}:#{digest}"
        parsed.add(
            r.Row(
                position=position,
                source_key=r.fit_key(key),
                received_on=received_on,
                currency=currency,
                amount=amount,
                channel=Channel.BANK,
                name=name,
                iban=iban,
            )
        )
