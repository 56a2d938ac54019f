"""The subscribers' e-mails, built from what is frozen: a confirmation request, and a
release's report (its title, its headline figures, a link to its page).

Every message carries ``List-Unsubscribe`` with its own one-click link and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), so a mail program's
"unsubscribe" button works without a login, a cookie or the page. No ``mailto:`` address
is offered: no one reads a mailbox for it, and a way out that nobody processes is worse
than none. Testimonies are never in an e-mail: a consent may be withdrawn after it went,
and a mailbox cannot be recalled; the page shows them while consent lasts.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from safepassage.base import money

ONE_CLICK = "List-Unsubscribe=One-Click"


def public_report_path(slug: str) -> str:
    """The path of a release's public page: ``reports:public_report`` once it exists,
    ``/reports/<slug>/`` until then (the same address)."""
    try:
        return reverse("reports:public_report", args=[slug])
    except NoReverseMatch:
        return f"/reports/{slug}/"


def absolute(path: str) -> str:
    return settings.BASE_URL + path


def confirm_url(token: str) -> str:
    return absolute(reverse("reports_subscriptions:confirm", args=[token]))


def unsubscribe_url(token: str) -> str:
    return absolute(reverse("reports_subscriptions:unsubscribe", args=[token]))


def _headers(*, language: str, unsubscribe_token: str, message_id: str | None = None) -> dict:
    headers = {
        "Content-Language": language,
        "List-Unsubscribe": f"<{unsubscribe_url(unsubscribe_token)}>",
        "List-Unsubscribe-Post": ONE_CLICK,
        "Auto-Submitted": "auto-generated",
    }
    if message_id:
        headers["Message-ID"] = message_id
    return headers


def message_id(key: str) -> str:
    """A Message-ID fixed by ``key`` (a delivery's id): a message sent again is the same
    message to every mail program that keeps one copy per Message-ID."""
    domain = urlsplit(settings.BASE_URL).hostname or "localhost"
    return f"<report.{key}@{domain}>"


def confirmation_message(
    *, address: str, language: str, confirm_token: str, unsubscribe_token: str
) -> EmailMultiAlternatives:
    with translation.override(language):
        context = {
            "confirm_url": confirm_url(confirm_token),
            "unsubscribe_url": unsubscribe_url(unsubscribe_token),
            "organisation": settings.ORGANISATION_NAME,
        }
        subject = render_to_string("reports/email/confirm_subject.txt", context).strip()
        body = render_to_string("reports/email/confirm.txt", context)
    return EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[address],
        headers=_headers(language=language, unsubscribe_token=unsubscribe_token),
    )


def reading_language(snapshot: dict, wanted: str) -> str:
    """The subscriber's language if the report is written in it, else the report's first."""
    languages = snapshot.get("report", {}).get("languages") or ["ko"]
    return wanted if wanted in languages else languages[0]


def headline(snapshot: dict, language: str) -> list[tuple[str, str]]:
    """The headline figures as (label, value) in ``language`` (call under it); a figure
    the disclosure control held back reads "not shown", never a number."""
    report = snapshot.get("report", {})
    currency = report.get("base_currency", "")
    section = next((s for s in snapshot.get("sections", []) if s.get("kind") == "headline"), None)
    if section is None:
        return []
    figures = section.get("figures", {})
    shown = []
    for key, label in (
        ("rescued", _("People rescued")),
        ("families", _("Families")),
        ("raised_minor", _("Money raised")),
        ("spent_minor", _("Money spent")),
    ):
        if key not in figures:
            continue
        value = figures[key]
        if value is None:
            text = _("not shown")
        elif key.endswith("_minor"):
            text = money.display(value, currency, language)
        else:
            text = f"{value:,}"
        shown.append((label, text))
    return shown


def _day(iso: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def report_message(
    *, snapshot: dict, address: str, language: str, unsubscribe_token: str, key: str
) -> EmailMultiAlternatives:
    """A release's e-mail to one subscriber (``key``: the delivery's id, for its
    Message-ID), in the subscriber's language when the report has it."""
    language = reading_language(snapshot, language)
    report = snapshot.get("report", {})
    with translation.override(language):
        context = {
            "title": report.get("title", ""),
            "period_start": _day(report.get("period_start")),
            "period_end": _day(report.get("period_end")),
            "correction": bool(report.get("corrects")),
            "figures": headline(snapshot, language),
            "link": absolute(public_report_path(report.get("slug", ""))),
            "unsubscribe_url": unsubscribe_url(unsubscribe_token),
            "organisation": settings.ORGANISATION_NAME,
        }
        subject = render_to_string("reports/email/report_subject.txt", context).strip()
        body = render_to_string("reports/email/report.txt", context)
        html = render_to_string("reports/email/report.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[address],
        headers=_headers(
            language=language, unsubscribe_token=unsubscribe_token, message_id=message_id(key)
        ),
    )
    message.attach_alternative(html, "text/html")
    return message
