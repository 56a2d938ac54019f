"""Any CSV (a cash book, an event's sheet) read through a saved ``ColumnMapping``.

``mapping.columns`` maps donation fields to the file's header texts, e.g.
``{"date": "날짜", "amount": "금액", "name": "성함"}``; ``mapping.defaults`` gives
``channel``, ``restriction`` and ``currency`` for rows (or files) without them.

Fields: ``date`` and ``amount`` (needed); ``fee``, ``currency`` (default: the mapping's,
else the base currency), ``name``, ``email``, ``phone``, ``iban``, ``channel`` (default:
the mapping's, else cash), ``restriction`` (default: the mapping's, else unrestricted),
``campaign`` (a campaign code), ``reference`` (a receipt or line number unique in the
book), ``anonymous`` (yes/no), ``language`` (a new donor's: ko or en, also "Korean",
"한국어"; blank: Korean for a gift in KRW, otherwise English). A row without name, e-mail,
phone or IBAN is an anonymous gift.

Source key: ``csv:<mapping>:<reference>`` when the row has one; otherwise a keyed hash of
the row's cells and how many identical rows came before it, so an updated cash book can be
imported again and only its new rows are added (keep rows in place; give rows a reference
where you can). The key includes the mapping's name: two books with the same receipt
numbers do not skip each other's gifts, and a renamed mapping imports old files anew.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.utils.translation import gettext as _

from safepassage.base.csv_in.cells import quoted
from safepassage.base.csv_in.source import looks_like_formula
from safepassage.funds.importing import rows as r
from safepassage.funds.importing.choices import (
    parse_channel,
    parse_language,
    parse_restriction,
)
from safepassage.funds.importing.tables import Table, header_name, row_position
from safepassage.funds.models import Channel, ColumnMapping, Restriction

KIND = "csv"
FIELDS = (
    "date",
    "amount",
    "fee",
    "currency",
    "name",
    "email",
    "phone",
    "iban",
    "channel",
    "restriction",
    "campaign",
    "reference",
    "anonymous",
    "language",
)
REQUIRED = ("date", "amount")
DEFAULTS = ("channel", "restriction", "currency")
_GUARDED = ("name", "email", "campaign", "reference", "channel", "restriction")


def check_mapping(mapping: ColumnMapping | None) -> tuple[dict[str, str], dict[str, str]]:
    """The mapping's columns (field → normalised header) and defaults, or ``Unreadable``."""
    if mapping is None:
        raise r.Unreadable("", _("A generic CSV needs a saved column mapping (--mapping)."))
    columns = mapping.columns if isinstance(mapping.columns, dict) else {}
    defaults = mapping.defaults if isinstance(mapping.defaults, dict) else {}
    unknown = sorted(set(columns) - set(FIELDS)) + sorted(set(defaults) - set(DEFAULTS))
    missing = [field for field in REQUIRED if not str(columns.get(field) or "").strip()]
    if unknown or missing:
        raise r.Unreadable(
            "",
            _(
                "The mapping “%(name)s” cannot be used: unknown fields: %(unknown)s; "
                "fields it must map: %(missing)s. Fields: %(fields)s."
            )
            % {
                "name": mapping.name,
                "unknown": ", ".join(unknown) or "—",
                "missing": ", ".join(missing) or "—",
                "fields": ", ".join(FIELDS),
            },
        )
    try:
        clean_defaults = {
            "channel": parse_channel(str(defaults.get("channel") or ""), Channel.CASH),
            "restriction": parse_restriction(
                str(defaults.get("restriction") or ""), Restriction.UNRESTRICTED
            ),
            "currency": str(defaults.get("currency") or settings.BASE_CURRENCY).strip().upper(),
        }
    except ValueError as exc:
        raise r.Unreadable(
            "",
            _("The mapping “%(name)s” has a bad default: %(error)s")
            % {"name": mapping.name, "error": exc},
        ) from None
    headers = {field: header_name(str(header)) for field, header in columns.items() if header}
    return headers, clean_defaults


def parse(
    data: bytes,
    *,
    mapping: ColumnMapping | None = None,
    progress: r.Progress | None = None,
    **_options,
) -> r.Parsed:
    headers, defaults = check_mapping(mapping)
    book = hashlib.sha256(mapping.name.encode()).hexdigest()[:12]
    parsed = r.Parsed()
    table = Table(data, parsed)
    keys = r.Keys()
    where: dict[str, int] | None = None
    for number, cells in table.rows(progress):
        if where is None:
            where = _columns(table, headers, mapping.name, parsed)
            if where is None:
                return parsed
        _row(number, cells, headers, defaults, book, keys, parsed)
    if table.header is None:
        parsed.reject("", _("The file is empty."))
    elif where is None:
        _columns(table, headers, mapping.name, parsed)
    return parsed


def _columns(table: Table, headers: dict[str, str], name: str, parsed: r.Parsed):
    header = table.header or []
    missing = [
        f"{field} ({quoted(text, 30)})" for field, text in headers.items() if text not in header
    ]
    if missing:
        parsed.reject(
            row_position(1),
            _("the file does not have the columns the mapping “%(name)s” names: %(missing)s.")
            % {"name": name, "missing": "; ".join(missing)},
        )
        return None
    return {field: header.index(text) for field, text in headers.items()}


def _row(number, cells, headers, defaults, book, keys, parsed) -> None:
    position = row_position(number)
    if cells.get("__extra__"):
        parsed.reject(position, _("the row has more cells than the header has columns."))
        return
    values: dict[str, str] = {}
    for field in FIELDS:
        raw = cells.get(headers[field], "") if field in headers else ""
        if field in _GUARDED and looks_like_formula(raw.strip()):
            parsed.reject(
                position,
                _("column %(column)s looks like a spreadsheet formula; remove it.")
                % {"column": field},
            )
            return
        try:
            values[field] = r.text(raw)
        except ValueError as exc:
            parsed.reject(
                position, _("column %(column)s: %(error)s") % {"column": field, "error": exc}
            )
            return
    problems: list[str] = []
    received_on = None
    amount = fee = ""
    restriction = channel = ""
    anonymous = False
    language = ""
    try:
        if not values["date"]:
            raise ValueError(_("the date is missing."))
        received_on = r.parse_date(values["date"])
    except ValueError as exc:
        problems.append(str(exc))
    try:
        amount = r.parse_amount(values["amount"])
    except ValueError as exc:
        problems.append(_("amount: %(error)s") % {"error": exc})
    try:
        fee = r.parse_amount(values["fee"]) if values["fee"] else "0"
    except ValueError as exc:
        problems.append(_("fee: %(error)s") % {"error": exc})
    try:
        channel = parse_channel(values["channel"], defaults["channel"])
        restriction = parse_restriction(values["restriction"], defaults["restriction"])
        anonymous = r.parse_flag(values["anonymous"])
        language = parse_language(values["language"])
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        for problem in problems:
            parsed.reject(position, problem)
        return
    identity = [values[f] for f in ("name", "email", "phone", "iban")]
    anonymous = anonymous or not any(identity)
    currency = values["currency"] or defaults["currency"]
    reference = r.reference(values["reference"], limit=60)
    if values["reference"] and not reference:
        parsed.reject(position, _("the reference is not a single word of at most 60 characters."))
        return
    if reference:
        key = f"csv:{book}:{reference}"
    else:
        digest = keys.digest(
            received_on, amount, fee, currency, channel, restriction, values["campaign"], *identity
        )
        key = f"csv:{book}:#{digest}"
    parsed.add(
        r.Row(
            position=position,
            source_key=r.fit_key(key),
            received_on=received_on,
            currency=currency,
            amount=amount,
            fee=fee,
            channel=channel,
            restriction=restriction,
            campaign=values["campaign"],
            name="" if anonymous else values["name"],
            email="" if anonymous else values["email"],
            phone="" if anonymous else values["phone"],
            iban="" if anonymous else values["iban"],
            anonymous=anonymous,
            language=language,
        )
    )
