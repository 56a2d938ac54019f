from django.urls import path

from safepassage.funds import (
    donation_views,
    donor_views,
    expense_views,
    import_views,
    mapping_views,
    receipt_views,
    totals_views,
)

app_name = "funds"

urlpatterns = [
    path("", totals_views.totals, name="totals"),
    path("rates/", totals_views.rates, name="rates"),
    path("donations/", donation_views.donations, name="donations"),
    path("donations.csv", donation_views.donations_csv, name="donations_csv"),
    path("donations/new/", donation_views.donation_new, name="donation_new"),
    path("donations/<str:code>/", donation_views.donation, name="donation"),
    path("donations/<str:code>/reverse/", donation_views.donation_reverse, name="donation_reverse"),
    path("donors/", donor_views.donors, name="donors"),
    path("donors/new/", donor_views.donor_new, name="donor_new"),
    path("donors/<str:code>/", donor_views.donor, name="donor"),
    path("donors/<str:code>/reveal/", donor_views.donor_reveal, name="donor_reveal"),
    path("donors/<str:code>/merge/", donor_views.donor_merge, name="donor_merge"),
    path("expenses/", expense_views.expenses, name="expenses"),
    path("expenses.csv", expense_views.expenses_csv, name="expenses_csv"),
    path("expenses/new/", expense_views.expense_new, name="expense_new"),
    path("expenses/<str:code>/", expense_views.expense, name="expense"),
    path("expenses/<str:code>/status/", expense_views.expense_status, name="expense_status"),
    path(
        "expenses/<str:code>/receipts/",
        expense_views.expense_receipt_add,
        name="expense_receipt_add",
    ),
    path(
        "expenses/<str:code>/receipts/<str:receipt>/",
        expense_views.expense_receipt,
        name="expense_receipt",
    ),
    path("imports/", import_views.imports, name="imports"),
    path("imports/<uuid:batch_id>/", import_views.batch, name="import_batch"),
    path("imports/mappings/", mapping_views.column_mappings, name="mappings"),
    path("receipts/", receipt_views.receipts, name="receipts"),
    path("receipts/issue/<str:code>/", receipt_views.receipt_issue, name="receipt_issue"),
    path("receipts/statement/<str:code>/", receipt_views.statement_issue, name="statement_issue"),
    path("receipts/<str:number>.pdf", receipt_views.receipt_pdf, name="receipt_pdf"),
    path("receipts/<str:number>/send/", receipt_views.receipt_send, name="receipt_send"),
    path("receipts/donor/<str:code>/tax/", receipt_views.donor_tax, name="donor_tax"),
    path("receipts/in-kind/<str:code>/", receipt_views.gift_in_kind, name="gift_in_kind"),
    path(
        "receipts/issued-<int:year>.csv",
        receipt_views.issued_statement,
        name="issued_statement",
    ),
]
