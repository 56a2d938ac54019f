"""Background work for money, run by ``safepassage worker``: e-mailing receipts, issuing
a year's statements to every donor, folding the ledger's monthly rollup deltas.

Tasks call services; services queue these by dotted path through
``safepassage.base.tasks.enqueue_on_commit`` and never import this module."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from safepassage.audit.context import request_id_scope
from safepassage.base import money
from safepassage.funds.models import DonorKind, Receipt
from safepassage.funds.services import receipts
from safepassage.vault import services as vault
from safepassage.vault.errors import VaultError


@task
def send_receipt(*, receipt_id: str) -> dict:
    """Render a receipt and e-mail it as a PDF to the donor, in the receipt's language.

    Receipts are legal documents: they go whether or not the donor agreed to other
    contact, always to the donor kept after a merge. Returns what happened, e.g.
    ``{"sent": False, "reason": "no e-mail"}``; nothing is sent for a void receipt.
    """
    receipt = Receipt.objects.select_related("donor").filter(pk=receipt_id).first()
    if receipt is None:
        return {"sent": False, "reason": "gone"}
    with request_id_scope():
        donor = receipts.addressee(receipt.donor)
        if donor.kind == DonorKind.ANONYMOUS:
            return {"sent": False, "reason": "anonymous", "number": receipt.number}
        if receipts.is_void(receipt):
            return {"sent": False, "reason": "void", "number": receipt.number}
        if not donor.email.is_set:
            return {"sent": False, "reason": "no e-mail", "number": receipt.number}
        try:
            address = vault.reveal(
                record_obj=donor,
                field_name="email",
                actor="worker",
                reason=f"receipt {receipt.number} e-mail",
            )
            pdf = receipts.render_pdf(receipt=receipt, actor="worker")
        except VaultError:
            return {"sent": False, "reason": "unreadable", "number": receipt.number}
        with translation.override(receipt.language):
            context = {
                "receipt": receipt,
                "organisation": settings.ORGANISATION_NAME,
                # The receipt offers the reports' subscription page when the site has one
                # (the template reverses its URL by name; funds imports nothing of reports).
                "base_url": settings.BASE_URL,
                "is_statement": receipt.kind == Receipt.Kind.ANNUAL,
                "issued_on": timezone.localdate(receipt.issued_at),
                "total": money.display(receipt.total_minor, receipt.currency, receipt.language),
            }
            subject = render_to_string("funds/email/receipt_subject.txt", context).strip()
            body = render_to_string("funds/email/receipt.txt", context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=body,
            to=[address],
            headers={"Content-Language": receipt.language},
        )
        message.attach(f"receipt-{receipt.number}.pdf", pdf, "application/pdf")
        message.send()
        receipts.mark_emailed(receipt=receipt)
    return {"sent": True, "number": receipt.number}


@task
def issue_statements(*, year: int, actor_id: str | None = None) -> dict:
    """Issue ``year``'s statement to every donor who gave that year and has none yet
    (``services.receipts.statements_issue``), as the person who queued it.

    Idempotent: a donor who already has the year's statement is skipped, so queueing it
    twice, or running it again after a failure, issues no statement twice."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    with request_id_scope():
        run = receipts.statements_issue(actor=actor or "worker", year=year)
    return {"year": year, "issued": len(run.issued), "already": run.already}


@task
def compact_rollups() -> int:
    """Fold the pending monthly rollup deltas into one row per key
    (``services.rollups.compact``; no total changes), then queue the next run. Returns how
    many deltas were folded. Idempotent: with nothing pending it folds nothing."""
    from safepassage.base import schedule
    from safepassage.funds.services import rollups

    folded = rollups.compact()
    schedule.queue_next("safepassage.funds.tasks.compact_rollups")
    return folded
