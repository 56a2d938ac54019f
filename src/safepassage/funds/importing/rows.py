"""What every format turns a file into: gifts as rows, each with its place in the file.

A format's parser reads; it does not decide whether a gift is acceptable (that is the
runner's job, with the same rules as a gift entered by hand). It rejects only what it
cannot read (a malformed date, a cell that is not a number) and skips what is not a gift
(a debit, a platform payout), saying why and where.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.base.csv_in.cells import quoted
from safepassage.vault import derived

# progress(stage, done, total), as in the cases importer: "reading" then "writing".
Progress = Callable[[str, int, int], None]

MAX_TEXT = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class Problem:
    """A rejected or skipped row: where it is in the file, and why. Never quotes a name."""

    position: str
    reason: str
    order: int = field(default=0, compare=False)

    def __str__(self) -> str:
        if not self.position:
            return self.reason
        return _("%(position)s: %(reason)s") % {"position": self.position, "reason": self.reason}


@dataclass(slots=True)
class Row:
    """One gift as a file states it. ``amount`` and ``fee`` are decimal text ("12.50"),
    made minor units by the runner once the currency is known to be real."""

    position: str
    source_key: str
    received_on: dt.date
    currency: str
    amount: str
    channel: str
    fee: str = "0"
    restriction: str = "unrestricted"
    campaign: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    iban: str = ""
    anonymous: bool = False
    # A donor's language as the file gives it ("" when it does not).
    language: str = ""
    order: int = 0
    # Filled in by the runner's checks.
    gross_minor: int = 0
    fee_minor: int = 0
    rate: Decimal | None = None
    iban_unverified: bool = False

    def same_gift(self, other: Row) -> bool:
        """Whether two rows with one source key state the same gift (a repeated entry)."""
        return (
            self.received_on,
            self.currency,
            self.amount,
            self.fee,
            self.name,
            self.email,
            self.iban,
        ) == (
            other.received_on,
            other.currency,
            other.amount,
            other.fee,
            other.name,
            other.email,
            other.iban,
        )


@dataclass
class Parsed:
    """A format's reading of a file. ``rejected`` non-empty means nothing is imported."""

    rows: list[Row] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str = ""
    _seq: int = 0

    def add(self, row: Row) -> None:
        row.order = self._next()
        self.rows.append(row)

    def reject(self, position: str, reason: str) -> None:
        self.rejected.append(Problem(position, reason, self._next()))

    def skip(self, position: str, reason: str) -> None:
        self.skipped.append(Problem(position, reason, self._next()))

    def _next(self) -> int:
        self._seq += 1
        return self._seq


class Unreadable(Exception):
    """The file as a whole cannot be read in this format."""

    def __init__(self, position: str, reason: str) -> None:
        super().__init__(reason)
        self.problem = Problem(position, reason)


# --- cells ----------------------------------------------------------------------------------


def text(value: str | None, *, limit: int = MAX_TEXT) -> str:
    """Whitespace collapsed; control characters and bidirectional overrides refused."""
    if not value:
        return ""
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    value = " ".join(value.split())
    if _CONTROL.search(value):
        raise ValueError(_("the text contains control characters."))
    if len(value) > limit:
        raise ValueError(_("the text is longer than %(n)s characters.") % {"n": limit})
    return value


_DATE_FORMS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})\.\s?(?P<m>\d{1,2})\.\s?(?P<d>\d{1,2})\.?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
)


def parse_date(value: str) -> dt.date:
    """A day written year first (2026-03-04, 2026/3/4, 2026. 3. 4., 20260304), or an ISO
    date and time with an offset (2026-03-04T09:30:00Z), taken on the organisation's clock.
    Day-first forms are refused: 03/04/2026 is March in one country and April in another."""
    value = value.strip()
    for form in _DATE_FORMS:
        found = form.fullmatch(value)
        if found:
            try:
                return dt.date(int(found["y"]), int(found["m"]), int(found["d"]))
            except ValueError:
                break
    else:
        if "T" in value or " " in value:
            try:
                moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                moment = None
            if moment is not None:
                if timezone.is_naive(moment):
                    return moment.date()
                return timezone.localdate(moment)
    raise ValueError(
        _("%(cell)s is not a date; write it year first, as 2026-03-04.") % {"cell": quoted(value)}
    )


_CURRENCY_SIGNS = "₩￦$€£¥"
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def parse_amount(value: str) -> str:
    """Decimal text from a cell: "12.50", "150,000", "₩150,000", "-5". A comma is only a
    thousands separator: "12,50" is refused, because read either way it could be a
    hundred times too much or too little."""
    cell = value.strip().replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    cell = cell.strip(_CURRENCY_SIGNS)
    if cell.startswith(("-", "+")) and cell[1:2] in _CURRENCY_SIGNS:
        cell = cell[0] + cell[2:]
    if _GROUPED_NUMBER.fullmatch(cell):
        cell = cell.replace(",", "")
    elif not _PLAIN_NUMBER.fullmatch(cell):
        if re.fullmatch(r"[+-]?\d+,\d{1,2}", cell):
            raise ValueError(
                _("%(cell)s: write amounts with a decimal point (12.50), not a comma.")
                % {"cell": quoted(value)}
            )
        raise ValueError(_("%(cell)s is not an amount.") % {"cell": quoted(value)})
    try:
        return str(Decimal(cell))
    except InvalidOperation:
        raise ValueError(_("%(cell)s is not an amount.") % {"cell": quoted(value)}) from None


_YES = frozenset({"1", "y", "yes", "true", "x", "예", "네", "익명"})
_NO = frozenset({"", "0", "n", "no", "false", "아니오", "아니요"})


def parse_flag(value: str) -> bool:
    cell = value.strip().casefold()
    if cell in _YES:
        return True
    if cell in _NO:
        return False
    raise ValueError(_("%(cell)s is neither yes nor no.") % {"cell": quoted(value)})


def is_payout(name: str) -> bool:
    """Whether a sender is the giving platform paying out (its gifts come from its export)."""
    wanted = " ".join(name.casefold().split())
    return bool(wanted) and any(
        wanted == " ".join(payer.casefold().split()) for payer in settings.PLATFORM_PAYOUT_NAMES
    )


def payout_reason() -> str:
    return _("platform payout (its gifts come from the platform export)")


def not_a_credit_reason() -> str:
    return _("not a credit")


# --- keys -----------------------------------------------------------------------------------


def _key_secret() -> bytes:
    return derived.key("import-source:funds")


class Keys:
    """Source keys for rows without a reference of their own: a keyed hash (HMAC-SHA-256, key
    derived for import source keys from the root secret) of the row's canonical fields and
    how many identical rows came before it in the file. Keyed, because the fields include a
    donor's name and IBAN, which a plain hash in a database dump would let anyone confirm.
    Counted, because two equal gifts on one day (two 10,000 won notes in a collection box)
    are two gifts, while the same file read again gives every row the same key as before."""

    def __init__(self) -> None:
        self.secret = _key_secret()
        self.seen: dict[str, int] = {}

    def digest(self, *parts) -> str:
        canonical = json.dumps([str(p) for p in parts], ensure_ascii=False, separators=(",", ":"))
        occurrence = self.seen.get(canonical, 0) + 1
        self.seen[canonical] = occurrence
        message = f"{canonical}#{occurrence}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:48]


def fit_key(key: str) -> str:
    """A source key within its column (100 characters): one too long keeps its prefix and
    a hash of the whole, so two long keys never become equal by being cut."""
    if len(key) <= 100:
        return key
    prefix = key.split(":", 1)[0]
    return f"{prefix}:#{hashlib.sha256(key.encode()).hexdigest()[:64]}"


def reference(value: str, *, limit: int = 60) -> str:
    """A reference fit for a source key: printable, no whitespace, not too long; "" if not."""
    value = "".join(value.split())
    if not value or len(value) > limit or not value.isprintable():
        return ""
    return value
