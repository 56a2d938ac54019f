"""A report (its period, audience, languages and the sections its author orders), its
workflow, and the append-only ledger of what was released.

One module per concern (``reports`` for the report and its sections, ``releases`` for
the ledger, ``cadence`` for the schedule, ``subscriptions`` for the subscribers and their
report e-mails); every model is importable from here.
"""

from safepassage.reports.models.cadence import Cadence
from safepassage.reports.models.releases import Release, ReleaseKind
from safepassage.reports.models.reports import (
    Audience,
    Language,
    Report,
    ReportState,
    Section,
    SectionKind,
)
from safepassage.reports.models.subscriptions import Delivery, DeliveryState, Subscriber

__all__ = [
    "Audience",
    "Cadence",
    "Delivery",
    "DeliveryState",
    "Language",
    "Release",
    "ReleaseKind",
    "Report",
    "ReportState",
    "Section",
    "SectionKind",
    "Subscriber",
]
