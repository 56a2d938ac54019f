"""Writes to cases and people: keyword-only, atomic, audited.

Callers have already checked that ``actor`` may act on the case (``permissions.can``).
Audit data never holds protected values: codes, statuses and flags only.

One module per concern; everything is named here, so that callers write
``services.case_open(...)`` whichever module holds it:

- ``rules``: what every write to a person obeys (checks, the row builders), both paths
- ``cases``: opening a case, ``case_intake`` (a call and its people in one step), urgency,
  groups
- ``people``: adding people, their flags and country; ``people_exact_shown``
- ``statuses``: status moves, their hooks (``STATUS_HOOKS``), a case closing and reopening
- ``imports``: ``people_import``, the batch entry point for spreadsheets
- ``care``: relief and support; ``testimonies``: testimonies and consent;
  ``notes``: a case's notes and contact log;
  ``retention``: shredding closed cases; ``teams``: teams and members
"""

from safepassage.cases.services.care import relief_add, relief_confirm, support_add
from safepassage.cases.services.cases import (
    case_intake,
    case_open,
    case_set_urgency,
    group_create,
)
from safepassage.cases.services.imports import (
    Arrival,
    ImportPlan,
    people_import,
    people_import_plan,
)
from safepassage.cases.services.notes import case_note_add, contact_log_add
from safepassage.cases.services.people import (
    people_exact_shown,
    person_add,
    person_set_country,
    person_update_flags,
)
from safepassage.cases.services.retention import retention_due, retention_shred
from safepassage.cases.services.rules import (
    FLAGS,
    PROTECTED_PERSON_FIELDS,
    CaseError,
    check_birth_year,
)
from safepassage.cases.services.statuses import (
    STATUS_HOOKS,
    case_settle,
    person_detain,
    person_set_status,
)
from safepassage.cases.services.teams import team_create, team_set_members
from safepassage.cases.services.testimonies import (
    consent_record,
    consent_withdraw,
    edit_testimony,
    record_testimony,
)

__all__ = [
    "FLAGS",
    "PROTECTED_PERSON_FIELDS",
    "STATUS_HOOKS",
    "Arrival",
    "CaseError",
    "ImportPlan",
    "case_intake",
    "case_note_add",
    "case_open",
    "case_set_urgency",
    "case_settle",
    "check_birth_year",
    "consent_record",
    "consent_withdraw",
    "contact_log_add",
    "edit_testimony",
    "group_create",
    "people_exact_shown",
    "people_import",
    "people_import_plan",
    "person_add",
    "person_detain",
    "person_set_country",
    "person_set_status",
    "person_update_flags",
    "record_testimony",
    "relief_add",
    "relief_confirm",
    "retention_due",
    "retention_shred",
    "support_add",
    "team_create",
    "team_set_members",
]
