"""Importing gifts from files: the upload page for finance staff, and one import's page.

An upload is read into memory and never written to disk (a statement names donors and
their accounts): the page replaces Django's upload handlers, which spill files over 2.5 MB
into a temporary file, with one that keeps at most ``MAX_UPLOAD_BYTES`` in memory. The
import itself is ``funds.importing.import_donations``, as on the command line: a dry run
previews, a real run writes all or nothing.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base import money
from safepassage.base.uploads import MemoryOnlyUpload, keep_in_memory
from safepassage.funds import selectors
from safepassage.funds.importing import import_donations
from safepassage.funds.models import ColumnMapping, ImportBatch

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
RECENT_BATCHES = 20
PAGE_SIZE = 100


class ImportForm(forms.Form):
    FORMATS = [
        ("platform", gettext_lazy("Giving platform's export (CSV)")),
        ("camt053", gettext_lazy("Bank statement, CAMT.053 (XML)")),
        ("mt940", gettext_lazy("Bank statement, MT940")),
        ("csv", gettext_lazy("Other CSV, through a saved column mapping")),
    ]

    file = forms.FileField(label=gettext_lazy("File"))
    file_format = forms.ChoiceField(label=gettext_lazy("What the file is"), choices=FORMATS)
    mapping = forms.ModelChoiceField(
        label=gettext_lazy("Column mapping"),
        queryset=ColumnMapping.objects.all(),
        empty_label="—",
        required=False,
        help_text=gettext_lazy("Only for “Other CSV”."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check and preview, write nothing"),
        required=False,
        initial=True,
    )

    def clean(self):
        data = super().clean()
        if data.get("file_format") == "csv" and not data.get("mapping"):
            self.add_error("mapping", _("Choose the column mapping for this CSV."))
        return data


@csrf_exempt  # checked in _imports, once the upload handler keeps the file in memory
@staff_required("funds.import")
@require_http_methods(["GET", "HEAD", "POST"])
def imports(request):
    upload = None
    if request.method == "POST":
        upload = keep_in_memory(request, limit=MAX_UPLOAD_BYTES)
    return _imports(request, upload)


@csrf_protect
def _imports(request, upload: MemoryOnlyUpload | None):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST":
        valid = form.is_valid()
        if upload is not None and upload.too_large:
            form.add_error(
                "file",
                _("The file is larger than %(mb)s MB; split it into parts.")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            )
            valid = False
        if valid:
            data = form.cleaned_data
            report = import_donations(
                path_or_bytes=data["file"].read(),
                filename=data["file"].name,
                kind=data["file_format"],
                actor=request.user,
                mapping=data["mapping"] if data["file_format"] == "csv" else None,
                dry_run=data["dry_run"],
            )
            if report.ok and not report.dry_run:
                messages.success(
                    request, _("Imported: %(summary)s") % {"summary": report.summary()}
                )
                return redirect("funds:import_batch", batch_id=report.batch_id)
    batches = ImportBatch.objects.select_related("created_by")[:RECENT_BATCHES]
    refused = bool(form.errors) or bool(report and report.rejected_rows)
    return render(
        request,
        "funds/imports.html",
        {
            "form": form,
            "report": report,
            "batches": batches,
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status=400 if refused else 200,
    )


@staff_required("funds.import")
@require_safe
def batch(request, batch_id):
    found = permissions.get_or_404(
        request.user,
        "funds.import",
        ImportBatch.objects.select_related("created_by"),
        pk=batch_id,
    )
    gifts = found.donations.select_related("donor", "campaign").order_by(
        "received_on", "created_at"
    )
    totals = gifts.aggregate(count=Count("id"), base=Sum("base_gross_minor"))
    page = Paginator(gifts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "gift": gift,
            "amount": money.display(gift.gross_minor, gift.currency),
            "fee": money.display(gift.fee_minor, gift.currency) if gift.fee_minor else "",
            "base": money.display(gift.base_gross_minor, gift.base_currency),
        }
        for gift in page
    ]
    return render(
        request,
        "funds/import_batch.html",
        {
            "batch": found,
            "counts": found.counts,
            "page": page,
            "rows": rows,
            "total_count": totals["count"],
            "total": money.display(totals["base"] or 0, settings.BASE_CURRENCY),
            "postings": selectors.import_postings(found),
        },
    )
