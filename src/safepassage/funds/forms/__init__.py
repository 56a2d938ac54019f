"""Forms for the finance pages.

Amounts are typed as decimal text ("1234.50") and become integer minor units of their
currency here, with a clear error when the text has more decimals than the currency has:
never a float, never a silent rounding. Contact details of a donor use widgets that never
write a value back into a page.

One module per concern: ``donations``, ``donors``, ``expenses``, ``rates``, and the
``widgets`` they share; the money widgets and fields are ``safepassage.base.money_forms``,
shared by every app. Every form is importable from here, as
``from safepassage.funds.forms import DonationForm``.
"""

from safepassage.funds.forms.donations import DonationFilterForm, DonationForm, ReverseForm
from safepassage.funds.forms.donors import DonorForm, DonorSearchForm, MergeForm, StatementForm
from safepassage.funds.forms.expenses import (
    ExpenseFilterForm,
    ExpenseForm,
    ExpenseStatusForm,
    ReceiptUploadForm,
)
from safepassage.funds.forms.rates import RateForm
from safepassage.funds.forms.widgets import SealedEmailInput, SealedTextarea, SealedTextInput

__all__ = [
    "DonationFilterForm",
    "DonationForm",
    "DonorForm",
    "DonorSearchForm",
    "ExpenseFilterForm",
    "ExpenseForm",
    "ExpenseStatusForm",
    "MergeForm",
    "RateForm",
    "ReceiptUploadForm",
    "ReverseForm",
    "SealedEmailInput",
    "SealedTextInput",
    "SealedTextarea",
    "StatementForm",
]
